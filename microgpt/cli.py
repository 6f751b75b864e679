"""The command line: ``microgpt STEP [options]`` runs one step of the guide.

Bad input ends with one line on stderr that says what to do, and exit code 2;
Ctrl-C ends with exit code 130. When the reader of the output goes away
(``microgpt step0 | head``), the run ends quietly with exit code 141, what a
shell reports for a program that SIGPIPE ended (128 + 13), as `yes | head` does.
The single-file programs (``microgpt.single_file``) reuse `add_run_options`
and `run_step`, so ``python step3.py --steps 20`` takes the same options and
prints the same lines as ``microgpt step3 --steps 20``.
"""

import argparse
import os
import sys

from .config import MIN_TEMPERATURE, ModelConfig, RunConfig
from .errors import MicrogptError
from .steps import ALL, FAST, MODULES, PROGRAMS, load_module

STEPS = MODULES  # step name -> module, imported when first used (see steps.py)
SHAPED_STEPS = tuple(step.name for step in ALL if step.shaped)  # whose model shape can be chosen
SHAPE_OPTIONS = ("n_embd", "n_head", "n_layer", "block_size")
FAST_STEPS = tuple(step.name for step in ALL if step.fast_module)  # which take --fast
BROKEN_PIPE_EXIT = 128 + 13  # as if ended by SIGPIPE (13), which Python ignores
# The most weights a model's shape may set (shape_weights). Step 5's time and memory per
# step grow with the weights: a million is some 240 times the default model's.
MAX_SHAPE_WEIGHTS = 1_000_000


def add_run_options(parser, shape_group=None):
    """--steps, --samples, --temperature, --seed, --data, and the model shape
    options when `shape_group` names their group."""
    defaults = RunConfig()
    parser.add_argument("--steps", type=int, default=defaults.num_steps, dest="num_steps",
                        help=f"training steps, one name each (default {defaults.num_steps})")
    parser.add_argument("--samples", type=int, default=defaults.num_samples, dest="num_samples",
                        help=f"names to generate after training (default {defaults.num_samples})")
    parser.add_argument("--temperature", type=float, default=defaults.temperature,
                        help=f"sampling temperature, {MIN_TEMPERATURE} or more "
                             f"(default {defaults.temperature}; Steps 1-5)")
    parser.add_argument("--seed", type=int, default=defaults.seed,
                        help=f"seed of the random stream (default {defaults.seed})")
    parser.add_argument("--data", metavar="PATH",
                        help="train on your own names, one per line (default: makemore's names.txt)")
    if shape_group:
        shape = parser.add_argument_group(shape_group)
        model = ModelConfig()
        for name in SHAPE_OPTIONS:
            shape.add_argument(f"--{name.replace('_', '-')}", type=int, dest=name,
                               help=f"default {getattr(model, name)}")


def shape_weights(model):
    """The weights that a ModelConfig's shape alone sets: each layer's attention (4 n_embd x
    n_embd matrices) and MLP (two of 4 n_embd x n_embd), and the position embeddings. The
    token embeddings and the output layer add 2 x vocab_size x n_embd."""
    return model.n_layer * 12 * model.n_embd**2 + model.block_size * model.n_embd


def checked_shape(model):
    """`model`, or one MicrogptError when it is too large to train in pure Python."""
    weights = shape_weights(model)
    if weights > MAX_SHAPE_WEIGHTS:
        raise MicrogptError(
            f"a model of n_embd {model.n_embd}, n_layer {model.n_layer} and block_size "
            f"{model.block_size} has {weights:,} weights before its token embeddings, more than "
            f"the {MAX_SHAPE_WEIGHTS:,} this pure-Python package allows (each weight is a Python "
            "object, and every step builds a graph of them): choose a smaller shape"
        )
    return model


def run_step(run, args, prog, shaped):
    """Run one step's `run` with the parsed options, printing as it goes; the
    exit code: 0, 2 after one line on stderr for bad input, 130 on Ctrl-C, 141
    when stdout was closed."""
    try:
        config = RunConfig(num_steps=args.num_steps, num_samples=args.num_samples,
                           temperature=args.temperature, seed=args.seed, data=args.data)
        extra = {}
        if shaped:
            extra["model"] = checked_shape(ModelConfig(**{name: getattr(args, name) for name in SHAPE_OPTIONS
                                                          if getattr(args, name) is not None}))
        run(config, log=lambda line: print(line, flush=True), **extra)
    except MicrogptError as error:
        print(f"{prog}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return output_closed()
    return 0


def output_closed():
    """The reader of stdout went away: point stdout at the null device, so that
    Python's last flush at exit has nowhere to fail, and say so by exit code only."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return BROKEN_PIPE_EXIT


def build_parser():
    parser = argparse.ArgumentParser(
        prog="microgpt",
        description="Train one step of the guide on names.txt and print what it learns.",
    )
    parser.add_argument("step", choices=sorted(STEPS), help="which step of the guide to run")
    add_run_options(parser, shape_group="model shape (Steps 4 and 5 only)")
    parser.add_argument("--fast", action="store_true",
                        help="step5 only: the same run and output, computed much faster "
                             "by a hand-written backward pass (microgpt/fast.py)")
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    shape = [name for name in SHAPE_OPTIONS if getattr(args, name) is not None]
    if shape and args.step not in SHAPED_STEPS:
        parser.error(f"{args.step} has a fixed shape; --{shape[0].replace('_', '-')} "
                     f"applies to {' and '.join(SHAPED_STEPS)} only")
    if args.fast and args.step not in FAST_STEPS:
        parser.error(f"--fast applies to {' and '.join(FAST_STEPS)} only, not {args.step}")
    program = load_module(PROGRAMS[args.step + FAST]) if args.fast else STEPS[args.step]
    return run_step(program.run, args, parser.prog, shaped=args.step in SHAPED_STEPS)
