"""Step 3's numbers (sitebuild.chapters.step3): the attention of the trained
models, and the browser's attention_trace checked against it."""

import json
import math
from pathlib import Path

import pytest

from microgpt import analysis, step1_gradient_descent, step2_autograd, step3_attention
from sitebuild import common
from sitebuild.chapters import step3 as ch3


@pytest.fixture(scope="module")
def results():
    return {step: common.results(step) for step in ("step0", "step3", "step4", "step5")}


@pytest.mark.parametrize("step", ["step3", "step4", "step5"])
def test_attention_rows_are_distributions_over_the_positions_so_far(results, step):
    rows = ch3.attention(results[step], "emma")
    model = results[step].get("model", {"n_head": 1, "n_layer": 1})  # Step 3: one head
    heads = model["n_head"] * model["n_layer"]
    assert len(rows) == len("emma") + 1
    for position, per_head in enumerate(rows):
        assert len(per_head) == heads
        for row in per_head:
            assert len(row) == position + 1
            assert sum(row) == pytest.approx(1.0)


def test_peaks(results):
    peaks = ch3.head_peaks(results["step5"], "isabella")
    rows = ch3.attention(results["step5"], "isabella")[-1]
    assert [p.head for p in peaks] == list(range(len(rows)))
    for p, row in zip(peaks, rows):
        assert p.position == len("isabella") and row[p.target] == max(row) == p.weight
        assert p.share == pytest.approx(p.weight * (len("isabella") + 1))
    best = ch3.strongest(peaks)
    assert best.weight == max(p.weight for p in peaks)
    assert ch3.focused_count(peaks, 2) == sum(1 for p in peaks if p.share > 2)


def test_sharpest_is_the_largest_share_over_every_row(results):
    names = ["emma", "olivia"]
    best = ch3.sharpest(results["step3"], names)
    shares = [max(row) * len(row) for name in names
              for heads in ch3.attention(results["step3"], name) for row in heads if len(row) > 1]
    assert best.share == max(shares)
    assert best.name in names and best.position >= 1


def test_nearly_even_measures_every_weight_against_its_rows_even_share(results):
    names = ["emma"]
    worst = max(abs(w * len(row) - 1) * 100 for heads in ch3.attention(results["step5"], "emma")
                for row in heads if len(row) > 1 for w in row)
    assert ch3.off_even_percent(results["step5"], names) == pytest.approx(worst)
    assert bool(ch3.nearly_even(results["step5"], names, worst + 1)) is True
    assert bool(ch3.nearly_even(results["step5"], names, worst - 1)) is False


def test_a_head_picks_positions_above_twice_the_even_share():
    assert ch3.picks_positions(ch3.Peak("x", 3, 0, 1, 0.6, 2.4))
    assert not ch3.picks_positions(ch3.Peak("x", 3, 0, 1, 0.5, 2.0))


def test_loss_comparisons(results):
    losses3, losses2 = results["step3"]["losses"], common.results("step2")["losses"]
    start = common.below_from(losses3, losses2)
    assert bool(ch3.stays_below("step3", "step2")) is (start is not None)
    assert bool(ch3.stays_below("step3", "step2", by=start)) is True
    assert bool(ch3.stays_below("step3", "step2", by=start - 1)) is False
    assert bool(ch3.stays_below("step2", "step3")) is False
    firsts = [losses2[0], losses3[0]]
    off = max(abs(loss / common.uniform_loss() - 1) * 100 for loss in firsts)
    assert bool(ch3.start_near_uniform("step2", "step3", percent=off + 0.1)) is True
    assert bool(ch3.start_near_uniform("step2", "step3", percent=off - 0.1)) is False


@pytest.mark.parametrize("step", ["step3", "step4", "step5"])
def test_attention_trace_follows_the_models_own_attention(results, step):
    res = results[step]
    trace = analysis.attention_trace(res, "emma")
    n_head, head_dim = trace["n_head"], trace["head_dim"]
    assert trace["labels"] == ["BOS", "e", "m", "m", "a"] and n_head * head_dim == 16
    layer0 = [rows[:n_head] for rows in ch3.attention(res, "emma")]  # the first layer's heads
    assert [p["weights"] for p in trace["positions"]] == layer0
    for pos, p in enumerate(trace["positions"]):
        assert p["x"] == [t + e for t, e in zip(p["tok_emb"], p["pos_emb"])]
        for head, row in enumerate(p["weights"]):
            cut = slice(head * head_dim, (head + 1) * head_dim)
            scores = [sum(a * b for a, b in zip(p["q"][cut], earlier["k"][cut])) / head_dim**0.5
                      for earlier in trace["positions"][:pos + 1]]
            assert row == pytest.approx(plain_softmax(scores), abs=1e-12)
            blended = [sum(w * earlier["v"][j] for w, earlier in zip(row, trace["positions"]))
                       for j in range(cut.start, cut.stop)]
            assert p["x_attn"][cut] == pytest.approx(blended, abs=1e-12)
    first_m, second_m = trace["positions"][2], trace["positions"][3]
    assert first_m["tok_emb"] == second_m["tok_emb"] and first_m["x"] != second_m["x"]


def plain_softmax(scores):
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    return [e / sum(exps) for e in exps]


def test_the_saturation_experiment_is_deterministic_and_counts_what_it_reports():
    small = ch3.saturation(lengths=(2, 400), positions=4, trials=30, seed=1)
    assert small == ch3.saturation(lengths=(2, 400), positions=4, trials=30, seed=1)
    for row in small:
        assert 1 / 4 <= row.top_scaled <= 1 and 1 / 4 <= row.top_raw <= 1
        assert 0 <= row.one_hot_raw <= 30 and 0 <= row.one_hot_scaled <= 30
    assert small[1].top_raw > small[1].top_scaled  # long vectors: large raw scores pick


def test_the_saturation_claims_turn_false_on_rows_that_contradict_them():
    row = ch3.SaturationRow
    flat = [row(4, 0.5, 0.35, 8, 0), row(1024, 0.5, 0.35, 9, 0)]
    assert not ch3.saturates_without_division(flat)  # no rise
    assert ch3.stays_spread_with_division(flat)
    drifting = [row(4, 0.5, 0.35, 8, 0), row(1024, 0.95, 0.6, 90, 40)]
    assert ch3.saturates_without_division(drifting)
    assert not ch3.stays_spread_with_division(drifting)


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_widths_positions_and_counts():
    n_embd = step1_gradient_descent.N_EMBD
    shapes = stored("step3")["shapes"]
    assert ch3.mlp_width() == shapes["mlp_fc1"][0]
    assert ch3.concatenated_width() == n_embd + n_embd
    assert ch3.last_position(shapes) == step3_attention.BLOCK_SIZE - 1
    matrices = {"wte", "wpe", "attn_wq", "attn_wk", "attn_wv", "attn_wo", "mlp_fc1", "mlp_fc2", "lm_head"}
    assert set(shapes) == matrices
    assert ch3.matrix_count(shapes) == ch3.matrix_count(sorted(matrices)) == len(matrices)
    assert ch3.score_scale(16) == 4 and ch3.score_scale(256) == 16 and ch3.score_scale(20) == 4


def test_shares_of_a_row_of_weights():
    row = [0.5, 0.25, 0.25]
    assert (ch3.smallest_weight(row), ch3.largest_weight(row)) == (0.25, 0.5)
    assert ch3.position_count(row) == 3
    assert ch3.even_share(row) == 1 / 3 == ch3.even_share_at(2)
    assert ch3.final_position(ch3.attention(stored("step3"), "emma")) == len("emma")  # BOS, e, m, m, a


def test_learning_rate_drop_and_loss_gain():
    assert ch3.learning_rate_drop() == int(step2_autograd.LEARNING_RATE / step3_attention.LEARNING_RATE + 0.5)
    last2, last3 = (stored(step)["losses"][-50:] for step in ("step2", "step3"))
    assert ch3.final_loss_gain() == pytest.approx(sum(last2) / 50 - sum(last3) / 50)


def test_the_projections_of_3_4_are_the_matrices_times_x():
    found = ch3.projections(common.results("step3"))
    assert found.label == ch3.EXAMPLE_NAME[ch3.PROJECTED_POSITION - 1]  # position 0 reads BOS
    assert len(found.x) == step1_gradient_descent.N_EMBD
    for out, matrix in ch3.PROJECTIONS:
        rows = found.matrices[matrix]
        assert len(rows) == len(found.outputs[out]) == step1_gradient_descent.N_EMBD
        for row, value in zip(rows, found.outputs[out]):
            assert math.isclose(value, math.fsum(w * x for w, x in zip(row, found.x)), abs_tol=1e-12)
    mean_square = math.fsum(v * v for v in found.x) / len(found.x)
    assert math.isclose(mean_square, 1, rel_tol=1e-4)  # x went through RMSNorm
