"""Step 5 and the fast engine side by side: ``python -m microgpt.bench [STEPS]``.

Each engine trains the first STEPS steps (default 50) of the seed-42 run of
1,000 steps in a process of its own. The bench checks that both printed the
same lines and ended with the same losses and weights to the last bit (a
digest of their repr(), which writes every float exactly), then reports the
training time of each (CPU time of the process, which other work on a shared
machine disturbs much less than wall-clock time), the ratio, and each
process's peak resident memory. It is a benchmark,
not a test: the figures depend on the machine.
"""

import argparse
import hashlib
import importlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from .config import RunConfig
from .errors import MicrogptError

ENGINES = {"step5": "microgpt.step5_adam", "fast": "microgpt.fast"}
DEFAULT_STEPS = 50


class EnginesDisagree(Exception):
    """The fast engine printed or computed something Step 5 did not: a bug in microgpt/fast.py."""


def peak_mib():
    """This process's peak resident memory so far, in MiB. On Linux from
    /proc (VmHWM): ru_maxrss would carry over the peak of the process that
    started this one, when that peak was higher."""
    try:
        status = Path("/proc/self/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines()
                    if line.startswith("VmHWM:")) / 2**10  # kB
    except (OSError, StopIteration):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes there, KiB here


def measure(engine, steps, run=None):
    """Train in this process with `run` (by default the engine's module's).
    The clock starts when training starts, after the names are loaded and the
    weights drawn (every engine logs "num params" right before its loop); the
    memory in use by then is recorded apart."""
    printed, started = [], []

    def log(line):
        if line.startswith("num params"):
            started.append((time.process_time(), peak_mib()))
        printed.append(line)

    run = run or importlib.import_module(ENGINES[engine]).run
    result = run(RunConfig(), log=log, stop_after=steps)
    seconds = time.process_time() - started[0][0]
    trained = repr((result["losses"], result["weights"])).encode()
    return {"engine": engine, "steps": steps, "seconds": seconds, "peak_mib": peak_mib(),
            "before_training_mib": started[0][1], "printed": printed,
            "digest": hashlib.sha256(trained).hexdigest()}


def measure_in_child(engine, steps):
    done = subprocess.run([sys.executable, "-m", "microgpt.bench", "--child", engine, str(steps)],
                          capture_output=True, text=True)
    if done.returncode:
        raise MicrogptError(f"the {engine} run failed:\n{done.stderr}")
    return json.loads(done.stdout)


def machine():
    return {"system": f"{platform.system()} {platform.machine()}", "cpus": os.cpu_count(),
            "python": f"{platform.python_implementation()} {platform.python_version()}"}


def compare(steps, log=print):
    """Run both engines, one after the other; returns the figures, or raises
    if they printed different lines."""
    runs = {engine: measure_in_child(engine, steps) for engine in ENGINES}
    slow, fast = runs["step5"], runs["fast"]
    if slow["printed"] != fast["printed"]:
        differ = next(i for i, (a, b) in enumerate(zip(slow["printed"], fast["printed"])) if a != b)
        raise EnginesDisagree(f"the engines printed different lines, first at line {differ + 1}: "
                            f"{slow['printed'][differ]!r} vs {fast['printed'][differ]!r}")
    if slow["digest"] != fast["digest"]:
        raise EnginesDisagree("the engines printed the same lines but their losses or weights "
                              "differ in the last bits")
    where = machine()
    log(f"machine: {where['system']}, {where['cpus']} CPUs, {where['python']}")
    log(f"first {steps} training steps of the seed-42 run, each engine in its own process")
    log(f"{'engine':8} {'CPU s':>9} {'ms/step':>9} {'peak memory':>12}")
    for run in runs.values():
        log(f"{run['engine']:8} {run['seconds']:9.2f} {1000 * run['seconds'] / steps:9.1f} "
            f"{run['peak_mib']:8.1f} MiB")
    speedup = slow["seconds"] / fast["seconds"]
    memory = fast["peak_mib"] / slow["peak_mib"]
    log(f"printed lines identical: yes ({len(slow['printed'])} lines)")
    log(f"losses and weights identical to the bit: yes (sha256 {fast['digest'][:16]}...)")
    log(f"fast engine: {speedup:.1f}x faster, peak memory {memory:.2f} of Step 5's")
    kept = ("seconds", "peak_mib", "before_training_mib")
    return {"machine": where, "steps": steps, "speedup": speedup, "memory_ratio": memory,
            "runs": {name: {k: run[k] for k in kept} for name, run in runs.items()}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microgpt.bench", description=__doc__.split("\n")[0])
    parser.add_argument("steps", nargs="?", type=int, default=DEFAULT_STEPS,
                        help=f"training steps for each engine (default {DEFAULT_STEPS})")
    parser.add_argument("--child", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.steps <= RunConfig().num_steps:
        parser.error(f"steps must be between 1 and {RunConfig().num_steps}, got {args.steps}")
    try:
        if args.child:
            json.dump(measure(args.child, args.steps), sys.stdout)
        else:
            compare(args.steps)
    except EnginesDisagree as error:
        print(f"microgpt.bench: error: {error}", file=sys.stderr)
        return 1
    except MicrogptError as error:
        print(f"microgpt.bench: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
