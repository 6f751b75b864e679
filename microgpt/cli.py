"""The command line: ``microgpt STEP [options]`` runs one step of the guide.

Bad input ends with one line on stderr that says what to do, and exit code 2.
"""

import argparse
import sys

from . import step0_counting, step1_gradient_descent
from .config import RunConfig
from .errors import MicrogptError

STEPS = {
    "step0": step0_counting,
    "step1": step1_gradient_descent,
}


def build_parser():
    parser = argparse.ArgumentParser(
        prog="microgpt",
        description="Train one step of the guide on names.txt and print what it learns.",
    )
    parser.add_argument("step", choices=sorted(STEPS), help="which step of the guide to run")
    defaults = RunConfig()
    parser.add_argument("--steps", type=int, default=defaults.num_steps, dest="num_steps",
                        help=f"training steps, one name each (default {defaults.num_steps})")
    parser.add_argument("--samples", type=int, default=defaults.num_samples, dest="num_samples",
                        help=f"names to generate after training (default {defaults.num_samples})")
    parser.add_argument("--temperature", type=float, default=defaults.temperature,
                        help=f"sampling temperature, > 0 (default {defaults.temperature}; Steps 1-5)")
    parser.add_argument("--seed", type=int, default=defaults.seed,
                        help=f"seed of the random stream (default {defaults.seed})")
    parser.add_argument("--data", metavar="PATH",
                        help="train on your own names, one per line (default: makemore's names.txt)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        config = RunConfig(num_steps=args.num_steps, num_samples=args.num_samples,
                           temperature=args.temperature, seed=args.seed, data=args.data)
        STEPS[args.step].run(config, log=lambda line: print(line, flush=True))
    except MicrogptError as error:
        print(f"microgpt: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("microgpt: interrupted", file=sys.stderr)
        return 130
    return 0
