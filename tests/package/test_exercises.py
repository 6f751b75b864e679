"""The exercises (microgpt/exercises/): for every one, the starter fails its
check and the package's own function, the solution the page shows, passes;
and the checker reports the first failing case as the reader reads it.
The same checks run in Pyodide in tests/pyodide/test_exercises_in_pyodide.py."""

import inspect
from collections import Counter

import pytest

from microgpt import exercises, live, step1_gradient_descent
from microgpt.errors import MicrogptError
from microgpt.exercises import EXERCISES, check, first_difference
from microgpt.steps import ALL as STEPS

IDS = [exercise.id for exercise in EXERCISES]


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_starter_fails_and_the_solution_passes(exercise):
    starter = check(exercise.id, exercise.starter)
    assert not starter["passed"] and starter["case"] is not None, starter
    assert starter["expected"] != starter["got"]
    solved = check(exercise.id, exercise.solved())
    assert solved["passed"], solved
    assert solved["cases"] == len(exercise.cases()) >= 2


def test_at_least_fifteen_exercises_two_to_four_per_step():
    per_step = Counter(exercise.step for exercise in EXERCISES)
    assert len(EXERCISES) >= 15 and len(set(IDS)) == len(IDS)
    assert sorted(per_step) == [step.number for step in STEPS]
    assert all(2 <= count <= 4 for count in per_step.values()), per_step


@pytest.mark.parametrize("exercise", EXERCISES, ids=IDS)
def test_the_solution_named_is_the_reference_function(exercise):
    path, qualname = exercise.solution.split(":")
    assert exercise.reference.__qualname__ == qualname
    assert inspect.getsourcefile(exercise.reference).endswith(path)
    assert f"def {exercise.name}(" in exercise.starter and exercise.reference.__name__ == exercise.name


def test_a_failing_case_shows_the_input_the_packages_answer_and_the_readers():
    wrong = "def softmax(logits):\n    return [1.0] + [0.0] * (len(logits) - 1)\n"
    result = check("step1-softmax", wrong)
    first = exercises.EXERCISES_BY_ID["step1-softmax"].cases()[0]
    assert result["case"] == 1 and result["input"] == first.shown
    assert result["where"] == "[0]"
    assert result["expected"] == repr(step1_gradient_descent.softmax(*first.args)[0])
    assert result["got"] == "1.0"


def test_an_error_in_a_case_is_the_readers_answer():
    result = check("step1-relu", "def relu(x):\n    return [max(0.0, v) for v in x[1:]] if x else 1 / 0\n")
    assert result["case"] == 1 and result["where"] == ""
    result = check("step1-relu", "def relu(x):\n    return 1 / 0\n")
    assert result["got"] == "ZeroDivisionError: division by zero"


@pytest.mark.parametrize(("source", "says"), [
    ("def relu(x:\n", "not valid Python"),
    ("raise ValueError('no')\n", "stopped before the checks: ValueError: no"),
    ("def rectify(x):\n    return x\n", "no function named relu"),
])
def test_code_that_cannot_be_checked_is_told_why(source, says):
    result = check("step1-relu", source)
    assert not result["passed"] and says in result["message"] and result["case"] is None


def test_the_readers_printing_is_not_shown(capsys):
    check("step1-relu", "print('hello')\ndef relu(x):\n    print('inside')\n    return x\n")
    assert capsys.readouterr() == ("", "")


def test_an_unknown_exercise_is_named():
    with pytest.raises(LookupError, match="no exercise 'step9-x'.*step0-add-pairs"):
        check("step9-x", "")


@pytest.mark.parametrize(("expected", "got", "path"), [
    (1.0, 1.0 + 1e-13, None),
    (1.0, 1.001, ()),
    ([1.0, [2, 3]], [1.0, [2, 4]], (1, 1)),
    ([1.0, 2.0], [1.0], ()),
    ({"a": 1.0, "b": [0.0]}, {"a": 1.0, "b": [0.5]}, ("b", 0)),
    ({"a": 1.0}, {"b": 1.0}, ()),
    (float("nan"), float("nan"), None),
    (1.0, float("nan"), ()),
    (1.0, True, ()),
    (0, "0", ()),
])
def test_first_difference(expected, got, path):
    assert first_difference(expected, got) == path


def test_the_browser_asks_through_live():
    exercise = EXERCISES[0]
    assert live.check_exercise(exercise.id, exercise.starter) == check(exercise.id, exercise.starter)
    with pytest.raises(MicrogptError, match="no exercise 'nope'"):
        live.check_exercise("nope", "")
