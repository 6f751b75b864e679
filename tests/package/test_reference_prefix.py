"""Fast: the first training steps of every step print exactly the first lines
of the reference transcript (tests/reproduce/reference/; `nox -s reproduce`
compares the full runs). run(stop_after=...) keeps the full run's schedule,
so its first lines are the full run's."""

from pathlib import Path

import pytest

from microgpt import fast
from microgpt.cli import STEPS

REFERENCE = Path(__file__).parents[1] / "reproduce" / "reference"

PREFIX_STEPS = {"step0": 20, "step1": 20, "step2": 5, "step3": 5, "step4": 5, "step5": 5}
pytestmark = pytest.mark.needs_names


def printed(run, stop_after):
    lines = []
    run(log=lines.append, stop_after=stop_after)
    return lines


@pytest.mark.parametrize("step", sorted(STEPS))
def test_the_first_steps_print_the_reference_transcripts_first_lines(step):
    lines = printed(STEPS[step].run, PREFIX_STEPS[step])
    assert len(lines) > 5
    assert lines == (REFERENCE / f"{step}.txt").read_text().splitlines()[:len(lines)]


def test_the_fast_engine_prints_the_same_first_lines():
    lines = printed(fast.run, 5)
    assert lines == (REFERENCE / "step5.txt").read_text().splitlines()[:len(lines)]
