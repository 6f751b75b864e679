"""Step 4's numbers (sitebuild.chapters.step4): shapes, heads, a coin toss."""

import json
from pathlib import Path

import pytest

from sitebuild.chapters import step1 as ch1
from sitebuild.chapters import step3 as ch3
from sitebuild.chapters import step4 as ch4


def test_shapes():
    shapes = {"wte": [27, 16], "layer0.attn_wq": [16, 16], "layer0.mlp_fc1": [64, 16], "lm_head": [27, 16]}
    assert ch1.parameter_count(shapes) == 27 * 16 * 2 + 256 + 1024
    assert ch1.parameter_count(shapes, "wte", "lm_head") == 27 * 16 * 2
    assert ch4.layer_parameter_count(shapes) == 256 + 1024
    assert ch3.new_matrices(shapes, {"wte": [27, 16]}) == ["layer0.attn_wq", "layer0.mlp_fc1", "lm_head"]
    model = {"n_embd": 16, "n_head": 4}
    assert ch4.head_dim(model) == 4
    assert ch4.head_starts(model) == [0, 4, 8, 12]


def test_about_half():
    assert ch4.about_half(520, 1000)
    assert not ch4.about_half(560, 1000)


def test_draws_follow_the_random_stream():
    assert ch4.draws(["ann", "bo"]) == "ann.bo."
    assert ch4.draw_count(["ann", "bo"]) == 7
    # draw by draw: a, n the same; n against the end, the end against n; then b, o, the end
    assert ch4.same_draws(["ann", "bo"], ["an", "nbo"]) == 5
    assert ch4.same_draws(["ann"], ["ann"]) == 4


def test_loss_comparisons_of_the_steps():
    assert ch4.level_off_together("step1", "step2", percent=0.001)  # the same run twice
    assert ch4.below_all(["step3", "step4"], ["step0", "step1", "step2"])
    assert not ch4.below_all(["step0"], ["step3"])
    assert ch4.run_close("step1", "step2", percent=0.001)
    assert not ch4.run_close("step2", "step3", percent=1)


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_parameters_heads_and_scales():
    step4 = stored("step4")
    model, shapes = step4["model"], step4["shapes"]
    assert ch4.model_parameter_count(shapes, model) == step4["num_params"]
    head = model["n_embd"] // model["n_head"]
    assert [ch4.head_last_place(model, h) for h in range(model["n_head"])] == [
        start + head - 1 for start in range(0, model["n_embd"], head)]
    assert ch4.score_divisor(16) == 4.0
    width3 = stored("step3")["shapes"]["attn_wq"][0]
    assert ch4.shrink_with_step3_divisor(model) ** 2 == pytest.approx(width3 / head)
    assert ch4.attention_rows(model, 2) == model["n_head"] + model["n_head"]


def test_last_loss_gap():
    last3, last4 = (stored(step)["losses"][-50:] for step in ("step3", "step4"))
    assert ch4.last_loss_gap() == pytest.approx(abs(sum(last3) / 50 - sum(last4) / 50))


def test_the_home_page_card_shows_every_head_large_enough_to_read():
    import matplotlib.pyplot as plt

    from sitebuild.common import results
    from sitebuild.plotting import THEMES

    draw, size = ch4.PICTURES["step-4/heads-card"]
    fig = plt.figure(figsize=size)
    try:
        draw(fig, THEMES["light"])
        shown = [ax for ax in fig.axes if ax.images]
        heads = results("step4")["model"]["n_head"]
        assert [ax.get_title() for ax in shown] == [f"head {h}" for h in range(heads)]
        # each heatmap at least a third of the card's width; no text under 10 points
        assert all(ax.get_position().width >= 1 / 3 for ax in shown)
        labels = [label for ax in shown for label in ax.get_yticklabels() + ax.get_xticklabels()
                  if label.get_text()]
        assert labels and min(label.get_fontsize() for label in labels) >= 10
    finally:
        plt.close(fig)
