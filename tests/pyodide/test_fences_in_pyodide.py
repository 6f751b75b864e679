"""Every runnable fence of the site, run in Pyodide (the Python the reader's
browser runs, from the npm package pinned in package.json, under Node,
offline) against the microgpt wheel, prints exactly the output the page
shows, character for character. pytest-codeblocks checks the same outputs
under CPython of Pyodide's minor version (`nox -s codeblocks` runs both).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from microgpt.data import names_path

ROOT = Path(__file__).parents[2]
RUNNER = Path(__file__).with_name("run_fences.mjs")
sys.path.insert(0, str(ROOT / "tests"))
from pages.fences import all_fences  # noqa: E402


def blocks():
    """(where, code, expected output) of every executed `python` fence (the
    `sh` ones are terminal commands: the browser runs no shell)."""
    found, fences = [], all_fences()
    for fence, after in zip(fences, fences[1:]):
        if fence.kind == "executed" and fence.info == "python" and after.kind == "output":
            found.append((fence.where, "\n".join(fence.body) + "\n", "\n".join(after.body) + "\n"))
    return found


BLOCKS = blocks()


def build_wheel(folder):
    """The package's wheel, built from a copy of its source in `folder`: setuptools writes its
    build files beside the source, and the source tree is shared with every other check."""
    source = folder / "source"
    source.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", source / "pyproject.toml")
    shutil.copytree(ROOT / "microgpt", source / "microgpt", ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
                           "--no-build-isolation", "--wheel-dir", str(folder), str(source)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (wheel,) = folder.glob("microgpt-*.whl")
    return wheel


def run_in_pyodide(folder, blocks):
    """Run each (id, code) block in Pyodide under Node (run_fences.mjs), with the package's
    wheel built into `folder`; its JSON answer: {id: result, ..., "__runtime__": ...}."""
    if not (ROOT / "node_modules" / "pyodide").is_dir():
        pytest.fail("Pyodide is not installed: run `npm ci` (nox -s codeblocks does)")
    wheel = build_wheel(folder)
    listing = folder / "blocks.json"
    listing.write_text(json.dumps([{"id": block_id, "code": code} for block_id, code in blocks]))
    done = subprocess.run(["node", str(RUNNER), str(listing), str(wheel), str(names_path())],
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def pyodide_results(tmp_path_factory):
    results = run_in_pyodide(tmp_path_factory.mktemp("pyodide"), [(where, code) for where, code, _ in BLOCKS])
    runtime = results.pop("__runtime__")
    print(f"\nPyodide's Python {runtime['python']}, loaded in {runtime['load_seconds']:.1f} s; "
          f"{len(results)} blocks in {sum(r['seconds'] for r in results.values()):.0f} s")
    return runtime, results


def test_every_python_fence_is_collected():
    fences = all_fences()
    assert len(BLOCKS) == sum(fence.kind == "executed" and fence.info == "python" for fence in fences) > 60


def test_pyodide_runs_the_python_of_the_expected_outputs(pyodide_results):
    runtime, _ = pyodide_results
    pyodide_minor = tuple(int(part) for part in runtime["python"].split(".")[:2])
    assert pyodide_minor == sys.version_info[:2], (
        f"Pyodide runs Python {runtime['python']}; the expected outputs must be checked under "
        f"the same minor version, but this is {sys.version.split()[0]}")


@pytest.mark.parametrize(("where", "code", "expected"), BLOCKS, ids=[where for where, _, _ in BLOCKS])
def test_the_block_prints_the_pages_output_in_pyodide(pyodide_results, where, code, expected):
    _, results = pyodide_results
    result = results[where]
    assert result["ok"], result["stderr"]
    assert result["stdout"] == expected
