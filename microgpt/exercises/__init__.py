"""The exercises at the end of each step ("Your turn"): the reader writes one
function of the package, and `check` compares it with the package's own on
several inputs, edge cases among them, and reports the first case where the
two differ: its input, what the package returns, what the reader's returns.
Every expected answer is computed here by calling the package's function;
none is typed.

Standard library only, like the whole package, so the same checker runs
under CPython (tests/package/test_exercises.py) and in the reader's browser
(Pyodide, through `microgpt.live.check_exercise`). One module per step holds
that step's exercises; EXERCISES lists them all in reading order.
"""

from . import step0, step1, step2, step3, step4, step5
from .checking import Case, Exercise, check_against, first_difference

EXERCISES = [exercise for step in (step0, step1, step2, step3, step4, step5) for exercise in step.EXERCISES]
EXERCISES_BY_ID = {exercise.id: exercise for exercise in EXERCISES}
__all__ = ["EXERCISES", "EXERCISES_BY_ID", "Case", "Exercise", "check", "first_difference"]


def check(exercise_id, source):
    """`check_against` the exercise `exercise_id` (the page's key)."""
    exercise = EXERCISES_BY_ID.get(exercise_id)
    if exercise is None:
        raise LookupError(f"there is no exercise {exercise_id!r}; "
                          f"the exercises are: {', '.join(EXERCISES_BY_ID)}")
    return check_against(exercise, source)
