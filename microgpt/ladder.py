"""The ladder of engines: ``python -m microgpt.ladder`` (``nox -s ladder``)
measures every way the package computes Step 5, side by side, and writes
docs/results/ladder.json.

The engines, slowest first: Step 5 as written (a `Value` per number), the fast
engine with its dot products as loops (`add_up(map(mul, ...))`), the fast
engine as it is (dot products written out as straight-line code), and the
NumPy engine. Each trains the first STEPS training steps of the seed-42 run in
a process of its own (microgpt.bench.measure: CPU time of training), ROUNDS
times, the engines taking turns, with the load average noted before each run.
Every process runs NumPy's matrix library on one thread, and the machine's
peak is measured the same way: the best rate of a large matrix product. The
arithmetic of a training step is counted from the model's shapes
(`step_flops`). Then the NumPy engine trains all 1,000 steps, and its printout
and floats are compared with Step 5's stored run (docs/results/step5.json).

``--check`` verifies that the file was made by the current code (its
fingerprint) and not edited since.
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

from . import bench, fast, results
from .config import ModelConfig, RunConfig
from .errors import MicrogptError
from .program import start, step_line

OUTPUT = results.DEFAULT_DIR / "ladder.json"
ENGINES = ("step5", "looped", "fast", "numpy")  # slowest first
EXACT = ("step5", "looped", "fast")  # engines whose losses and weights are Step 5's to the bit
DEFAULT_STEPS = 50
DEFAULT_ROUNDS = 3
PEAK_SIZE = 1000  # the matrices of the peak measurement are PEAK_SIZE x PEAK_SIZE
PEAK_REPEATS = 5
ONE_THREAD = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                     "VECLIB_MAXIMUM_THREADS")}
ADAM_FLOPS_PER_PARAM = 14  # m: 3, v: 4 (the square counted), update: 7 (see step5_adam.Adam)


def quiet(line):
    pass


# The arithmetic of one training step ----------------------------------------------------

def step_flops(model, positions, vocab_size, num_params):
    """Floating-point operations (each +, -, *, /, exp, log, power counts one)
    of one training step on a name of `positions` positions, from the model's
    shapes: forward, backward, and Adam's update. Attention counts the scores
    the model uses (each position with itself and the earlier ones), not a
    masked square."""
    n, d, heads, f, v = positions, model.n_embd, model.n_head, 4 * model.n_embd, vocab_size
    pairs = n * (n + 1) // 2  # causal (query, key) pairs, per head

    def linear(inputs, outputs):
        return 2 * n * inputs * outputs  # one multiply and one add per weight, per position

    norm = 3 * n * d + 3 * n  # squares, their sum, mean + eps, power, scaling
    norm_backward = 5 * n * d + 4 * n
    softmax = 5 * pairs * heads  # scale, subtract the largest, exp, sum, divide
    attention = 2 * d * pairs * 2 + softmax  # scores and weighted values, over all heads
    layer = (norm + 3 * linear(d, d) + attention + linear(d, d) + n * d
             + norm + linear(d, f) + linear(f, d) + n * d)
    forward = n * d + norm + model.n_layer * layer + linear(d, v) + 4 * n * v + 2 * n
    # backward: each product twice as much (the input's gradient and the weights'),
    # attention's four products and softmax, the norms, the residual sums
    layer_backward = (2 * (linear(f, d) + linear(d, f)) + n * f + norm_backward + n * d
                      + 2 * linear(d, d) + 2 * d * pairs * 4 + softmax
                      + 2 * 3 * linear(d, d) + 2 * n * d + norm_backward + n * d)
    backward = (n + n * v) + 2 * linear(d, v) + model.n_layer * layer_backward + norm_backward + n * d
    return {"forward": forward, "backward": backward, "update": ADAM_FLOPS_PER_PARAM * num_params}


def mean_step_flops(steps, model=ModelConfig()):
    """step_flops averaged over the names of the first `steps` training steps."""
    _, docs, tokenizer = start(RunConfig(), quiet)
    num_params = len(fast.flatten(fast.init_weights(random.Random(0), tokenizer.vocab_size, model)))
    counts = [step_flops(model, min(model.block_size, len(tokenizer.encode(docs[s])) - 1),
                         tokenizer.vocab_size, num_params) for s in range(steps)]
    return {part: sum(c[part] for c in counts) / steps for part in counts[0]}


# One measurement, in a process of its own -----------------------------------------------

def looped_run(*args, **kwargs):
    """The fast engine with every dot product as the loop it writes out."""
    fast.LONGEST_UNROLLED = 0  # products(n) builds add_up(map(mul, row, x)) for any n
    fast.products.cache_clear()
    return fast.run(*args, **kwargs)


def engine_run(engine):
    """The engine's `run`; None for those microgpt.bench knows (step5, fast)."""
    if engine == "looped":
        return looped_run
    if engine == "numpy":
        from . import numpy_engine  # imports NumPy: only in the process that measures it
        return numpy_engine.run
    return None


def peak_flops():
    """The best rate, in flops per second, of PEAK_REPEATS products of two
    PEAK_SIZE x PEAK_SIZE float64 matrices (2 n**3 flops each)."""
    import numpy as np

    rng = np.random.default_rng(0)
    a, b = rng.random((PEAK_SIZE, PEAK_SIZE)), rng.random((PEAK_SIZE, PEAK_SIZE))
    product, best = np.empty_like(a), float("inf")
    for _ in range(PEAK_REPEATS):
        started = time.process_time()
        np.matmul(a, b, out=product)
        best = min(best, time.process_time() - started)
    return 2 * PEAK_SIZE**3 / best


def child(what, steps):
    if what == "peak":
        return {"flops_per_second": peak_flops()}
    return bench.measure(what, steps, run=engine_run(what))


def in_child(what, steps):
    """Run `child(what, steps)` in a new process, NumPy on one thread; with
    the load average just before."""
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, "-m", "microgpt.ladder", "--child", what, str(steps)],
                          capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if done.returncode:
        raise MicrogptError(f"measuring {what} failed:\n{done.stderr}")
    return {**json.loads(done.stdout), "load": load}


# The whole ladder ------------------------------------------------------------------------

def cpu_model():
    try:
        return next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown"


def full_numpy_run(step5):
    """The NumPy engine's whole run against Step 5's stored one: where the
    printout and the floats depart, if anywhere."""
    from . import numpy_engine

    config = RunConfig()
    run = numpy_engine.run(config, log=quiet)
    ours, theirs = run["losses"], step5["losses"]
    lines = [step_line(s, config.num_steps, loss) for s, loss in enumerate(ours)]
    stored = [step_line(s, config.num_steps, loss) for s, loss in enumerate(theirs)]
    differences = [abs(a - b) for a, b in zip(ours, theirs)]
    worst = max(range(len(differences)), key=differences.__getitem__)
    weight_differences = [abs(a - b) for name in step5["weights"]
                          for row, stored_row in zip(run["weights"][name], step5["weights"][name])
                          for a, b in zip(row, stored_row)]
    return {"steps": len(ours),
            "lines_equal": sum(a == b for a, b in zip(lines, stored)),
            "first_line_differing": next((s + 1 for s, (a, b) in enumerate(zip(lines, stored)) if a != b),
                                         None),
            "samples_equal": sum(a == b for a, b in zip(run["samples"], step5["samples"])),
            "samples": len(step5["samples"]),
            "losses_bit_equal": sum(a == b for a, b in zip(ours, theirs)),
            "first_loss_differing": next((s + 1 for s, d in enumerate(differences) if d), None),
            "largest_loss_difference": differences[worst], "largest_loss_difference_step": worst + 1,
            "largest_weight_difference": max(weight_differences)}


def measure(steps, rounds, log=print):
    """Every engine, `rounds` times, taking turns; then the checks."""
    runs = {what: [] for what in (*ENGINES, "peak")}
    for r in range(rounds):
        for what in runs:
            runs[what].append(in_child(what, steps))
            last = runs[what][-1]
            figure = (f"{last['flops_per_second'] / 1e9:.1f} Gflop/s" if what == "peak"
                      else f"{1000 * last['seconds'] / steps:.3f} ms/step")
            log(f"round {r + 1}/{rounds} {what:7} {figure:>16}   load {last['load']:.2f}")
    printed, digests = runs["step5"][0]["printed"], {runs[e][0]["digest"] for e in EXACT}
    for engine in ENGINES:
        if any(run["printed"] != printed for run in runs[engine]):
            raise MicrogptError(f"the {engine} engine printed other lines than Step 5 in its first "
                                f"{steps} steps")
    if len(digests) != 1:
        raise MicrogptError(f"the engines {', '.join(EXACT)} printed the same lines but their losses "
                            "or weights differ in the last bits")
    log("== the NumPy engine's full run against Step 5's stored one")
    numpy_run = full_numpy_run(results.load("step5"))
    from .numpy_engine import np

    return {
        "fingerprint": results.code_fingerprint(["ladder"]),
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(),
                    "system": f"{platform.system()} {platform.machine()}",
                    "python": f"{platform.python_implementation()} {platform.python_version()}",
                    "numpy": np.__version__, "threads": 1},
        "steps": steps, "rounds": rounds,
        "seconds": {engine: [run["seconds"] for run in runs[engine]] for engine in ENGINES},
        "loads": {what: [run["load"] for run in runs[what]] for what in runs},
        "peak_flops_per_second": [run["flops_per_second"] for run in runs["peak"]],
        "peak_size": PEAK_SIZE,
        "flops": mean_step_flops(steps),
        "exact_digest": digests.pop(),
        "numpy_full_run": numpy_run,
    }


def check(path=OUTPUT, log=print):
    if not Path(path).is_file():
        raise MicrogptError(f"{path} is missing: run `nox -s ladder` to measure the engines")
    stored = results.read_json(path)
    if stored.get("fingerprint") != results.code_fingerprint(["ladder"]):
        raise MicrogptError(f"{path} was measured with older code (its fingerprint differs): "
                            "run `nox -s ladder` and commit the new file")
    if stored.get("content_sha256") != results.content_digest(stored):
        raise MicrogptError(f"{path} was edited after it was written (its content digest differs): "
                            "run `nox -s ladder` to rewrite it")
    log(f"{path}: fingerprint matches")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microgpt.ladder", description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=DEFAULT_STEPS,
                        help=f"training steps each engine runs (default {DEFAULT_STEPS})")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS,
                        help=f"runs of each engine, taking turns (default {DEFAULT_ROUNDS})")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    parser.add_argument("--check", action="store_true", help="verify the stored file instead")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "STEPS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.steps <= RunConfig().num_steps:
        parser.error(f"--steps must be between 1 and {RunConfig().num_steps}, got {args.steps}")
    if args.rounds < 1:
        parser.error(f"--rounds must be at least 1, got {args.rounds}")
    try:
        if args.child:
            json.dump(child(args.child[0], int(args.child[1])), sys.stdout)
        elif args.check:
            check(args.output)
        else:
            figures = measure(args.steps, args.rounds)
            figures["content_sha256"] = results.content_digest(figures)
            results.write_json(args.output, figures)
            print(f"wrote {args.output}")
    except MicrogptError as error:
        print(f"microgpt.ladder: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
