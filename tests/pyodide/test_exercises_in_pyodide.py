"""Every exercise's checker in Pyodide (the pinned npm package under Node, as
the reader's browser runs it), through microgpt.live.check_exercise, the call
the page's Check makes: the starter fails on the same case as in CPython and
the package's own function, the solution the page shows, passes."""

import json

import pytest
from test_fences_in_pyodide import run_in_pyodide

from microgpt.exercises import EXERCISES, check

IDS = [exercise.id for exercise in EXERCISES]


CODES = {exercise.id: {"starter": exercise.starter, "solution": exercise.solved()}
         for exercise in EXERCISES}
SCRIPT = f"""\
import json
from microgpt.live import check_exercise

codes = json.loads({json.dumps(CODES)!r})
print(json.dumps({{id: {{which: check_exercise(id, code) for which, code in pair.items()}}
                  for id, pair in codes.items()}}))
"""


@pytest.fixture(scope="module")
def in_pyodide(tmp_path_factory):
    result = run_in_pyodide(tmp_path_factory.mktemp("exercises"), [("exercises", SCRIPT)])["exercises"]
    assert result["ok"], result["stderr"]
    return json.loads(result["stdout"])


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_starter_fails_and_the_solution_passes_in_pyodide(in_pyodide, exercise):
    starter, solution = in_pyodide[exercise.id]["starter"], in_pyodide[exercise.id]["solution"]
    assert solution["passed"], solution
    here = check(exercise.id, exercise.starter)
    assert not starter["passed"]
    same = ("case", "input", "where")
    assert [starter[key] for key in same] == [here[key] for key in same]
