"""Results files: what each step measured, stored for the site to render.

``python -m microgpt.results`` runs every step in full and writes
``docs/results/<step>.json``; the pages, pictures and prose numbers are drawn
from these files at build time. Each file carries a fingerprint of the source
code that produced it. ``--check`` fails when a fingerprint is stale, and
re-runs the first steps of every training to compare them exactly with the
stored trace.
"""

import argparse
import ast
import hashlib
import json
import sys
import time
from pathlib import Path

from .cli import STEPS
from .config import RunConfig
from .errors import MicrogptError

PACKAGE_DIR = Path(__file__).parent
DEFAULT_DIR = Path("docs/results")
PREFIX_STEPS = 20  # how many training steps --check re-runs


def source_files(module_name):
    """The package files a module is built from: itself and what it imports
    from the package at its top level, followed transitively (the command-line
    entry point under `if __name__ == "__main__"` is not part of a step)."""
    seen, todo = set(), [module_name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((PACKAGE_DIR / f"{name}.py").read_text())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                todo.append(node.module.split(".")[0])
    return sorted(PACKAGE_DIR / f"{name}.py" for name in seen)


def fingerprint(step):
    """A hash of the code's syntax tree: comments (such as the snippet markers
    the pages use) and formatting do not change it; any change to code does."""
    digest = hashlib.sha256()
    for path in source_files(STEPS[step].__name__.rsplit(".", 1)[1]):
        digest.update(path.name.encode() + b"\0" + ast.dump(ast.parse(path.read_text())).encode())
    return digest.hexdigest()


def results_path(step, results_dir=DEFAULT_DIR):
    return Path(results_dir) / f"{step}.json"


def write(step, results_dir=DEFAULT_DIR, log=print):
    log(f"== {step}: full run")
    code = fingerprint(step)  # of the code that is about to run, not of later edits
    started = time.perf_counter()
    results = STEPS[step].run(RunConfig(), log=log)
    results = {"step": step, "fingerprint": code, "config": vars(RunConfig()),
               "run_seconds": round(time.perf_counter() - started, 1), **results}
    path = results_path(step, results_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_suffix(".json.part")
    part.write_text(json.dumps(results, separators=(",", ":")) + "\n")
    part.replace(path)  # never leave a half-written results file behind
    log(f"== {step}: wrote {path}")


def load(step, results_dir=DEFAULT_DIR):
    path = results_path(step, results_dir)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise MicrogptError(f"{path} is missing: run `nox -s results` to generate it") from None


def check(step, results_dir=DEFAULT_DIR, log=print):
    """Raise MicrogptError unless the stored results match the code."""
    stored = load(step, results_dir)
    path = results_path(step, results_dir)
    if stored["fingerprint"] != fingerprint(step):
        raise MicrogptError(
            f"{path} was made by older code (its fingerprint differs): "
            "run `nox -s results` and commit the new file"
        )
    rerun = STEPS[step].run(RunConfig(), log=lambda line: None, stop_after=PREFIX_STEPS)
    if rerun["losses"] != stored["losses"][:PREFIX_STEPS]:
        raise MicrogptError(f"{path}: the first {PREFIX_STEPS} losses of a re-run differ "
                            "from the stored trace: run `nox -s results`")
    log(f"{path}: fingerprint matches; first {PREFIX_STEPS} losses identical")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m microgpt.results", description=__doc__.split("\n\n")[0])
    parser.add_argument("steps", nargs="*", metavar="STEP",
                        help=f"steps to process: {', '.join(STEPS)} (default: all)")
    parser.add_argument("--check", action="store_true",
                        help="verify the stored files instead of writing them")
    parser.add_argument("--dir", default=DEFAULT_DIR, type=Path, help="where the files live")
    args = parser.parse_args(argv)
    unknown = [step for step in args.steps if step not in STEPS]
    if unknown:
        parser.error(f"unknown step {', '.join(unknown)}: choose from {', '.join(STEPS)}")
    try:
        for step in args.steps or STEPS:
            (check if args.check else write)(step, args.dir)
    except MicrogptError as error:
        print(f"microgpt.results: error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
