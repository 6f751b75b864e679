"""Results files: what each step measured, stored for the site to render.

``python -m microgpt.results`` runs every step in full and writes
``docs/results/<step>.json``; the pages, pictures and prose numbers are drawn
from these files at build time. Each file carries a fingerprint of the source
code that produced it. ``--check`` fails when a fingerprint is stale, and
re-runs the first steps of every training to compare them exactly with the
stored trace. How long each full run took goes to ``timings.json`` beside
them: it depends on the machine, so it is kept out of the checked files.
Runs at the same time each add their own time to it: it is updated under a
lock on the results folder (POSIX flock; on Windows, without a lock).
"""

import argparse
import ast
import hashlib
import json
import os
import platform
import sys
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: concurrent runs there may lose one of their timings
    fcntl = None

from .config import RunConfig
from .data import write_atomically
from .errors import MicrogptError
from .steps import BY_NAME
from .steps import MODULES as STEPS

PACKAGE_DIR = Path(__file__).parent
PACKAGE = PACKAGE_DIR.name
DEFAULT_DIR = Path("docs/results")
PREFIX_STEPS = 20  # how many training steps --check re-runs
TIMINGS_FILE = "timings.json"
RECORDED = {"step5"}  # steps whose results also hold what microgpt/recording.py records


def package_imports(tree):
    """The package modules a module's code imports, in every form
    (`from . import a`, `from .a import b`, `from microgpt.a import b`,
    `import microgpt.a`), at any depth except the command-line entry point
    under `if __name__ == "__main__"`, which is not part of a step."""
    found = set()

    def visit(node):
        if _is_main_guard(node):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 or node.module == PACKAGE or (node.module or "").startswith(PACKAGE + "."):
                base = (node.module or "").removeprefix(PACKAGE).lstrip(".")
                if base:
                    found.add(base.split(".")[0])
                else:  # `from . import a, b`: the names are modules
                    found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith(PACKAGE + "."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {name for name in found if (PACKAGE_DIR / f"{name}.py").is_file()}


def _is_main_guard(node):
    test = getattr(node, "test", None)
    return (isinstance(node, ast.If) and isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def source_files(module_name):
    """The package files a module is built from: itself and every package
    module it imports, followed transitively."""
    seen, todo = set(), [module_name]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(package_imports(ast.parse((PACKAGE_DIR / f"{name}.py").read_text())))
    return sorted(PACKAGE_DIR / f"{name}.py" for name in seen)


def fingerprint(step):
    """A hash of the code's syntax tree: comments (such as the snippet markers
    the pages use) and formatting do not change it; any change to code does.
    A recorded step's code includes the recorder's."""
    return code_fingerprint([BY_NAME[step].module_name] + (["recording"] if step in RECORDED else []))


def code_fingerprint(modules):
    """The syntax trees of these package modules and of all they import."""
    digest = hashlib.sha256()
    for path in sorted(set().union(*map(source_files, modules))):
        digest.update(path.name.encode() + b"\0" + ast.dump(ast.parse(path.read_text())).encode())
    return digest.hexdigest()


def results_path(step, results_dir=DEFAULT_DIR):
    return Path(results_dir) / f"{step}.json"


def timings_path(results_dir=DEFAULT_DIR):
    return Path(results_dir) / TIMINGS_FILE


def write_json(path, data):
    """Pretty-printed, keys in the order the code made them, and never
    half-written (see `write_atomically`)."""
    try:
        write_atomically(path, (json.dumps(data, indent=1) + "\n").encode())
    except OSError as error:
        raise MicrogptError(
            f"cannot write {path}: {error.strerror or error}. The file was left as it was; "
            "free some disk space or make the folder writable, then run again"
        ) from None


def content_digest(results):
    """A hash of everything a results file stores but the digest itself: an
    edit by hand anywhere in the file no longer matches it."""
    payload = {key: value for key, value in results.items() if key != "content_sha256"}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_json(path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise MicrogptError(f"{path} is missing: run `nox -s results` to generate it") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise MicrogptError(f"{path} is not valid JSON: run `nox -s results` to rewrite it") from None
    except OSError as error:
        raise MicrogptError(f"cannot read {path}: {error.strerror or error}") from None


def write(step, results_dir=DEFAULT_DIR, log=print):
    """Run `step` in full and store what it measured. Its time (CPU seconds:
    less sensitive than wall-clock time to other work on the machine, though
    not immune) goes to a file of its own, so that a re-run of unchanged code
    rewrites the results file byte for byte."""
    log(f"== {step}: full run")
    code = fingerprint(step)  # of the code that is about to run, not of later edits
    started = time.process_time()
    results = full_run(step, log)
    seconds = round(time.process_time() - started, 1)
    path = results_path(step, results_dir)
    results = {"step": step, "fingerprint": code, "config": vars(RunConfig()), **results}
    write_json(path, {**results, "content_sha256": content_digest(results)})
    record_timing(step, seconds, results_dir)
    log(f"== {step}: wrote {path} ({seconds} s)")


@contextmanager
def locked(folder):
    """Hold an exclusive lock on the folder (not on a file in it, which
    write_atomically replaces) until the block ends; a second holder waits."""
    if fcntl is None:
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def record_timing(step, seconds, results_dir=DEFAULT_DIR):
    """Set this step's time in timings.json, keeping the others' times, even
    when other runs update the file at the same time."""
    path = timings_path(results_dir)
    with locked(Path(results_dir)):
        timings = read_timings(path)
        timings[step] = seconds
        timings["measured_on"] = f"Python {platform.python_version()}, {os.cpu_count()} cores"
        write_json(path, dict(sorted(timings.items())))


def read_timings(path):
    """The timings so far; none if there is no file yet, or if it is damaged:
    it holds only timings, so it is written afresh, with a warning."""
    try:
        timings = json.loads(path.read_text())
    except FileNotFoundError:
        return {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        timings = None
    if not isinstance(timings, dict):
        print(f"microgpt.results: warning: {path} is damaged (not a JSON object of timings); "
              "writing it afresh: the other steps' times come back when they run again",
              file=sys.stderr)
        return {}
    return timings


def full_run(step, log):
    """What a full run of `step` measured; for Step 5 also the gradient, m and
    v of the watched weights at every step, recorded by a stand-in for its Adam."""
    if step not in RECORDED:
        return STEPS[step].run(RunConfig(), log=log)
    from .recording import adam_moments

    with adam_moments() as recorded:
        results = STEPS[step].run(RunConfig(), log=log)
    return {**results, "moments": recorded[0]}


def load(step, results_dir=DEFAULT_DIR):
    return read_json(results_path(step, results_dir))


def load_timings(results_dir=DEFAULT_DIR):
    """CPU seconds of each step's last full run (machine-dependent, not checked)."""
    return read_json(timings_path(results_dir))


def check(step, results_dir=DEFAULT_DIR, log=print):
    """Raise MicrogptError unless the stored results match the code."""
    stored = load(step, results_dir)
    path = results_path(step, results_dir)
    if stored["fingerprint"] != fingerprint(step):
        raise MicrogptError(
            f"{path} was made by older code (its fingerprint differs): "
            "run `nox -s results` and commit the new file"
        )
    if stored.get("content_sha256") != content_digest(stored):
        raise MicrogptError(f"{path} was edited after it was written (its content digest differs): "
                            "run `nox -s results` to rewrite it")
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
    except OSError as error:  # the folder itself: missing, not readable, ...
        print(f"microgpt.results: error: {error.strerror or error}: {error.filename or args.dir}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
