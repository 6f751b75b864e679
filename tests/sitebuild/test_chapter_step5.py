"""Step 5's numbers (sitebuild.chapters.step5): running means and Adam's
moments on a recorded gradient."""

import json
import math
from pathlib import Path

import pytest

from microgpt import step1_gradient_descent, step5_adam
from sitebuild import common
from sitebuild.chapters import step5 as ch5
from sitebuild.chapters.step3 import Peak


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


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_running_mean_weights_and_bias_correction():
    assert ch5.whole_memory_length(ch5.PAPER_BETA2) == 1000
    assert ch5.new_gradient_weight(0.75) == 0.25
    assert ch5.new_gradient_percent(0.75) == 25.0
    # a running mean of a constant 1 started at 0 holds 1 - beta**n of it after n steps
    beta, mean = 0.9, 0.0
    for _ in range(20):
        mean = beta * mean + (1 - beta) * 1.0
    assert ch5.bias_correction(beta, 20) == pytest.approx(mean)
    assert ch5.first_step_root_v(0.75) == 0.5


def test_adam_figures_from_the_results():
    assert ch5.init_std_over_learning_rate() == step1_gradient_descent.INIT_STD / step5_adam.LEARNING_RATE
    assert ch5.adam_state_floats() == stored("step5")["num_params"] + stored("step5")["num_params"]
    last4, last5 = (stored(step)["losses"][-50:] for step in ("step4", "step5"))
    assert ch5.adam_loss_gain() == pytest.approx(sum(last4) / 50 - sum(last5) / 50)


def test_larger_betas_smooth_more_and_lag_more():
    steady_rise = [0.5 * (i / 200) - 0.2 for i in range(200)]
    assert ch5.roughness([1.0, 3.0, 2.0]) == 1.5
    assert ch5.lag(steady_rise) == 0
    assert ch5.lag([x - 0.1 for x in steady_rise]) == pytest.approx(0.1)
    assert ch5.smoother_but_later()


def test_watched_parameters_and_their_steps():
    means = ch5.watched_means()
    record = common.results("step5")["moments"][0]
    label = ch5.watched_label(record)
    assert means[label]["grad"] == pytest.approx(sum(abs(g) for g in record["grad"]) / len(record["grad"]))
    steps = [m["step"] for m in means.values()]
    spread = max(abs(s / (sum(steps) / len(steps)) - 1) * 100 for s in steps)
    assert bool(ch5.watched_steps_alike(spread + 0.1)) and not ch5.watched_steps_alike(spread - 0.1)
    smallest = min(means, key=lambda name: means[name]["grad"])
    assert not ch5.much_smaller(max(means, key=lambda name: means[name]["grad"]))
    others = [name for name in means if name != smallest]
    assert bool(ch5.much_smaller(smallest, factor=1)) is all(
        means[other][key] > means[smallest][key] for other in others for key in ("grad", "root_v"))


def test_the_lead_of_step5_over_step4():
    gap = ch5.running_gap()
    assert len(gap) == len(common.results("step5")["losses"])
    assert ch5.not_below_count() == sum(1 for g in gap if g <= 0)
    assert bool(ch5.lead_largest_early()) is (gap.index(max(gap)) < common.WINDOW)


def test_heads_that_pick_different_positions():
    picks = [Peak("x", 8, 0, 1, 0.5, 4.5), Peak("x", 8, 1, 3, 0.4, 3.6), Peak("x", 8, 2, 3, 0.1, 0.9)]
    assert ch5.focused_heads_disagree(picks)
    assert not ch5.focused_heads_disagree([picks[0], Peak("x", 8, 1, 1, 0.4, 3.6)])
    assert not ch5.focused_heads_disagree(picks[:1])
