"""What "identical" means across runtimes. Inside one runtime the fast engine
is Step 5 bit for bit: the same losses and weights at full precision, in
Pyodide as in CPython. Across runtimes only the printout is the same:
Pyodide's maths library rounds a few exp, log and pow results in every
10,000 differently from CPython's, so the full-precision losses of the two
runtimes part after some steps, while every printed line (four decimals)
and every sampled name stay the same.

engines_side_by_side.py runs once in Pyodide (the pinned npm package under
Node, as test_fences_in_pyodide.py runs the fences) and once in this CPython.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_fences_in_pyodide import run_in_pyodide

from microgpt.data import names_path

SCRIPT = Path(__file__).with_name("engines_side_by_side.py")
RUNS = ("step5", "fast", "fast_run")


@pytest.fixture(scope="module")
def in_pyodide(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    result = run_in_pyodide(folder, [(SCRIPT.name, SCRIPT.read_text())])[SCRIPT.name]
    assert result["ok"], result["stderr"]
    return json.loads(result["stdout"])


@pytest.fixture(scope="module")
def in_cpython():
    done = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True,
                          env={**os.environ, "MICROGPT_NAMES": str(names_path())})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("runtime", ["in_pyodide", "in_cpython"])
def test_the_engines_agree_bit_for_bit_within_a_runtime(runtime, request):
    runs = request.getfixturevalue(runtime)
    step5, ours = runs["step5"], runs["fast"]
    assert len(step5["losses"]) > 1
    assert ours["printed"] == step5["printed"]
    assert ours["losses"] == step5["losses"]
    differ = sum(a != b for a, b in zip(ours["weights"], step5["weights"]))
    assert len(ours["weights"]) == len(step5["weights"]) and not differ, f"{differ} weights differ"


def first_difference(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), None)


@pytest.mark.parametrize("run", RUNS)
def test_the_runtimes_print_the_same_lines(run, in_pyodide, in_cpython):
    browser, here = in_pyodide[run], in_cpython[run]
    assert len(browser["printed"]) == len(here["printed"]) > len(here["losses"])
    line = first_difference(browser["printed"], here["printed"])
    assert line is None, (f"line {line + 1}: {browser['printed'][line]!r} in Pyodide, "
                          f"{here['printed'][line]!r} in CPython")
    # Full precision is compared only within a runtime; say where the runtimes part.
    step = first_difference(browser["losses"], here["losses"])
    weights = sum(a != b for a, b in zip(browser["weights"], here["weights"]))
    print(f"\n{run}: full-precision losses of Pyodide and CPython {sys.version.split()[0]} "
          + (f"differ from step {step + 1} of {len(here['losses'])}" if step is not None
             else f"are the same for all {len(here['losses'])} steps")
          + f"; {weights} of {len(here['weights'])} trained weights differ")
