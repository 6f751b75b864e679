"""Step 5's numbers (sitebuild.chapters.step5): running means and Adam's
moments on a recorded gradient."""

import math

import pytest

from sitebuild import common
from sitebuild.chapters import step5 as ch5


@pytest.fixture(scope="module")
def results():
    return {step: common.results(step) for step in ("step0", "step3", "step4", "step5")}


def test_memory_length_of_a_running_mean():
    assert ch5.memory_length(0.0) == 1.0
    assert ch5.memory_length(0.75) == 4.0
    assert round(ch5.memory_length(ch5.PAPER_BETA2)) == 1000
    with pytest.raises(ValueError, match="decay rate"):
        ch5.memory_length(1.0)


def test_adam_trace_replays_the_moments_step5_recorded(results):
    for watched in results["step5"]["moments"]:
        trace = ch5.adam_trace(watched["grad"])
        assert trace["m"] == watched["m"] and trace["v"] == watched["v"], watched["where"]


def test_adam_trace_on_a_small_history():
    trace = ch5.adam_trace([1.0, 1.0, -2.0], beta1=0.5, beta2=0.5, eps=0.0)
    assert trace["m"] == [0.5, 0.75, -0.625]
    assert trace["v"] == [0.5, 0.75, 2.375]
    assert trace["m_hat"] == [1.0, 1.0, -0.625 / 0.875]
    assert trace["step"][:2] == [1.0, 1.0]  # a steady gradient: a step of one learning rate
    assert trace["step"][2] == pytest.approx((-0.625 / 0.875) / math.sqrt(2.375 / 0.875))
