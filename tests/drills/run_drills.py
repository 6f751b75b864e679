"""Drift drills: prove that every guard of the site actually fires.

The project's files (those git tracks) are copied to a temporary folder. Each
check is first run on the clean copy, where it must pass; then, for each kind
of drift, a fresh copy gets exactly one injected change and the one cheap
check that guards against that kind must fail, with its own message. Nothing
in the working tree is touched. The checks run side by side, one per CPU core:
each has a copy of its own.

    python tests/drills/run_drills.py      (nox -s drills)
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRY_IT_PAGE = "docs/step-0/02-tokenizer.md"  # a page whose "Try it" blocks run in seconds
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
CHECK_TIMEOUT_SECONDS = 300

# Each guard, as the one command that runs it alone.
CHECKS = {
    "codeblocks": PYTEST + ["--codeblocks", TRY_IT_PAGE],
    "results step0": [sys.executable, "-m", "microgpt.results", "--check", "step0"],
    "results step1": [sys.executable, "-m", "microgpt.results", "--check", "step1"],
    "include check": PYTEST + ["tests/pages/test_fences.py", "-k", "every_include"],
    "fence audit": PYTEST + ["tests/pages/test_fences.py", "-k", "every_fence_is_accounted_for"],
    "nav check": PYTEST + ["tests/pages/test_nav_pages.py"],
    "page claims": PYTEST + ["tests/sitebuild/test_page_claims.py"],
}


# --- the injections: each edits one file of the copy ------------------------

def edit(root, path, old, new, count=1):
    """Replace `old` by `new` in one file of the copy; the drill is void if
    `old` is not there (the project changed under the drill)."""
    file = root / path
    text = file.read_text()
    if old not in text:
        raise LookupError(f"{path} no longer contains {old!r}: update the drill")
    file.write_text(text.replace(old, new, count))
    return f"{path}: {old.strip()!r} -> {new.strip()!r}"


def change_one_expected_character(root):
    """The first line of the first expected output on the page, one character changed."""
    page = root / TRY_IT_PAGE
    lines = page.read_text().split("\n")
    at = lines.index("<!--pytest-codeblocks:expected-output-->") + 2  # past the opening fence
    old = lines[at]
    i = next(i for i, ch in enumerate(old) if ch.isalnum())
    lines[at] = old[:i] + ("x" if old[i] != "x" else "y") + old[i + 1:]
    page.write_text("\n".join(lines))
    return f"{TRY_IT_PAGE}:{at + 1}: {old!r} -> {lines[at]!r}"


def edit_one_stored_loss(root):
    """One digit of a late loss in docs/results/step1.json (beyond the steps
    that --check re-runs), as a hand edit would."""
    path = root / "docs/results/step1.json"
    results = json.loads(path.read_text())
    old = repr(results["losses"][900])
    at = old.index(".") + 4  # the fourth decimal: a change any reader of the page could see
    new = old[:at] + str((int(old[at]) + 1) % 10) + old[at + 1:]
    results["losses"][900] = float(new)
    path.write_text(json.dumps(results, separators=(",", ":")) + "\n")
    return f"docs/results/step1.json: losses[900] {old} -> {new}"


def make_step5_lose_its_lead(root):
    """Step 5's last loss raised by 5, as a hand edit would: its mean over the
    last 50 names rises above Step 4's, and the home page's claim that Step 5
    is the lowest of the six steps turns false."""
    path = root / "docs/results/step5.json"
    results = json.loads(path.read_text())
    old = results["losses"][-1]
    results["losses"][-1] = old + 5
    path.write_text(json.dumps(results, separators=(",", ":")) + "\n")
    return f"docs/results/step5.json: losses[-1] {old!r} -> {results['losses'][-1]!r}"


@dataclass
class Drill:
    kind: str  # what drifted, in the words of the issue
    inject: object  # root -> description of the change
    check: str  # the key of CHECKS that must fail
    message: str  # a regex the failing check's output must match: it failed for this reason


DRILLS = [
    Drill('an expected "Try it" output changed by one character',
          change_one_expected_character, "codeblocks", r"\b1 failed\b"),
    Drill("a package function that a page includes changed (relu, page 1.4)",
          lambda root: edit(root, "microgpt/step1_gradient_descent.py",
                            "max(0.0, v) for v in x", "max(0.01 * v, v) for v in x"),
          "results step1", r"fingerprint differs"),
    Drill("a results number edited by hand",
          edit_one_stored_loss, "results step1", r"edited after it was written"),
    Drill("a snippet marker removed from the package",
          lambda root: edit(root, "microgpt/data.py", "# --8<-- [start:tokenizer_init]\n", ""),
          "include check", r"needs one \[start:tokenizer_init\]"),
    Drill("a function that a page includes by name renamed (rmsnorm, page 3.3)",
          lambda root: edit(root, "microgpt/step3_attention.py", "def rmsnorm(x):", "def rms_norm(x):"),
          "include check", r"no top-level def or class 'rmsnorm'"),
    Drill("a fence written as `py` (pytest-codeblocks would skip it)",
          lambda root: edit(root, TRY_IT_PAGE, "\n```python\n", "\n```py\n"),
          "fence audit", r"unaccounted fences"),
    Drill("a fence written as `python title=...` (pytest-codeblocks would skip it)",
          lambda root: edit(root, TRY_IT_PAGE, "\n```python\n", '\n```python title="try.py"\n'),
          "fence audit", r"unaccounted fences"),
    Drill("a page left out of the nav",
          lambda root: edit(root, "mkdocs.yml", "      - 0.2 The Tokenizer: step-0/02-tokenizer.md\n", ""),
          "nav check", r"not in the nav.*step-0/02-tokenizer\.md"),
    # Pictures are drawn at build time from docs/results/stepN.json and the
    # widgets fetch the same files in the browser: both go stale exactly when
    # the code that wrote the file changes, which the fingerprint detects.
    Drill("a picture whose source results are stale (Step 1's learning rate changed; "
          "the loss-curve picture draws step1.json)",
          lambda root: edit(root, "microgpt/step1_gradient_descent.py",
                            "LEARNING_RATE = 1.0", "LEARNING_RATE = 0.9"),
          "results step1", r"fingerprint differs"),
    Drill("a widget dataset out of date (Step 0 counts every pair twice; "
          "the count-table widget reads step0.json)",
          lambda root: edit(root, "microgpt/step0_counting.py",
                            "counts[cur][nxt] += 1", "counts[cur][nxt] += 2"),
          "results step0", r"fingerprint differs"),
    Drill("a results number changed so that a sentence bound to it turns false "
          "(the home page: Step 5's loss the lowest of the six steps)",
          make_step5_lose_its_lead, "page claims",
          r"index\.md: false claim 'the lowest of the six steps'"),
]


# --- running ----------------------------------------------------------------

class CopyError(Exception):
    """The project could not be copied: the message says why and what to do."""


def copy_project(destination, source=ROOT):
    """Copy the files git tracks in `source` (as the working tree holds them) to `destination`.

    The one git command trusts `source` explicitly (safe.directory, for this command only):
    in GitHub's container job root runs it in a checkout that the runner's user owns, which
    git otherwise refuses as "dubious ownership". Trusting the project costs nothing here,
    since the drills go on to run its code."""
    source = Path(source).resolve()  # git matches safe.directory against the real path
    try:
        listed = subprocess.run(["git", "-c", f"safe.directory={source}", "ls-files", "-z"],
                                cwd=source, capture_output=True, text=True)
    except FileNotFoundError:
        raise CopyError("git is not installed: the drills copy the files git tracks") from None
    if listed.returncode != 0:
        raise CopyError(f"`git ls-files` failed in {source}: {listed.stderr.strip()}\n"
                        "The drills copy the files git tracks: run them in a git clone of the project.")
    for name in filter(None, listed.stdout.split("\0")):
        file = source / name
        if file.is_file():  # a tracked file deleted in the working tree is left out
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, destination / name)


def python_path(root):
    """The copy's own package and its own build code (sitebuild), ahead of any installed one."""
    return os.pathsep.join([str(root), str(root / "docs" / "sitebuild")])


def run(check, root):
    """(passed, output) of one check in a copy, which imports its own package."""
    env = {**os.environ, "PYTHONPATH": python_path(root), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(CHECKS[check], cwd=root, env=env, capture_output=True, text=True,
                          timeout=CHECK_TIMEOUT_SECONDS)
    return done.returncode == 0, done.stdout + done.stderr


def uses_its_own_package(root):
    """Whether a check in the copy imports the copy's microgpt and sitebuild."""
    env = {**os.environ, "PYTHONPATH": python_path(root)}
    for package in ("microgpt", "sitebuild"):
        where = subprocess.run([sys.executable, "-c", f"import {package}; print({package}.__file__)"],
                               cwd=root, env=env, capture_output=True, text=True).stdout.strip()
        if not where or not Path(where).resolve().is_relative_to(root.resolve()):
            return False
    return True


def main():
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="drift-drills-") as tmp:
        clean = Path(tmp) / "clean"
        try:
            copy_project(clean)
        except CopyError as error:
            print(f"cannot drill: {error}", file=sys.stderr)
            return 1
        if not uses_its_own_package(clean):
            print("the copy imports another microgpt or sitebuild than its own: cannot drill",
                  file=sys.stderr)
            return 1
        checks = sorted({drill.check for drill in DRILLS})
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            clean_runs = list(pool.map(lambda check: run(check, clean), checks))
        failing = []
        for check, (passed, output) in zip(checks, clean_runs):
            print(f"clean copy   {'passes' if passed else 'FAILS '}  {check}")
            if not passed:
                failing.append(check)
                print(output[-3000:])

        def drilled(number, drill):
            """(the change injected, or the LookupError that prevented it; the check's (passed, output))"""
            copy = Path(tmp) / f"drill{number}"
            shutil.copytree(clean, copy)
            try:
                change = drill.inject(copy)
            except LookupError as error:
                return error, None
            try:
                return change, run(drill.check, copy)
            finally:
                shutil.rmtree(copy)

        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            outcomes = list(pool.map(drilled, range(1, len(DRILLS) + 1), DRILLS))
        caught = 0
        for drill, (change, outcome) in zip(DRILLS, outcomes):
            if outcome is None:
                print(f"NOT INJECTED {drill.kind}: {change}")
                continue
            passed, output = outcome
            reason = re.search(drill.message, output, re.DOTALL)
            ok = not passed and reason is not None and drill.check not in failing
            caught += ok
            print(f"{'caught      ' if ok else 'MISSED      '} {drill.kind}\n"
                  f"             injected: {change}\n"
                  f"             {drill.check}: "
                  + ("fails, as it should" if ok else
                     "still passes" if passed else
                     "was failing before the drift" if drill.check in failing else
                     f"fails, but not with /{drill.message}/:\n{output[-3000:]}"))
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"({time.perf_counter() - started:.0f} s, of which the checks used "
          f"{cpu.ru_utime + cpu.ru_stime:.0f} s of CPU)")
    print(f"{len(DRILLS)} kinds of drift injected, {caught} caught")
    if failing:
        print(f"checks failing on the clean copy (fix these first): {', '.join(failing)}")
    return 0 if caught == len(DRILLS) and not failing else 1


if __name__ == "__main__":
    raise SystemExit(main())
