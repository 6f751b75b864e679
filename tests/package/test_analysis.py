"""The derived numbers of the site (microgpt.analysis): small cases worked out
by hand, and the stored results checked against a second, plainer
computation. Only the test that takes `docs` needs the dataset (and trains
Step 1 for two steps)."""

import copy
import math
import random
from dataclasses import asdict

import pytest

from microgpt import analysis, step0_counting, step1_gradient_descent, step2_autograd
from microgpt.config import RunConfig
from microgpt.data import Tokenizer
from microgpt.results import load

RESULTS_DIR = "docs/results"


@pytest.fixture(scope="module")
def results():
    return {step: load(step, RESULTS_DIR) for step in ("step0", "step3", "step4", "step5")}


@pytest.fixture(scope="module")
def tokenizer(results):
    return Tokenizer(results["step0"]["uchars"])


def test_means_of_first_and_last_losses():
    losses = [4.0, 2.0, 3.0, 1.0]
    assert analysis.mean(losses) == 2.5
    assert analysis.mean_first(losses, 2) == 3.0
    assert analysis.mean_last(losses, 2) == 2.0
    assert analysis.mean_last(losses, 10) == 2.5  # fewer than n: all of them
    with pytest.raises(ValueError, match="empty"):
        analysis.mean([])


def test_spread_is_the_sample_standard_deviation():
    assert analysis.spread_last([9.0, 1.0, 2.0, 4.0], 3) == pytest.approx(math.sqrt(7 / 3))


def test_running_mean_uses_fewer_names_at_the_start():
    assert analysis.running_mean([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]


def test_below_from_names_the_first_name_of_the_final_lead():
    upper = [5.0, 5.0, 5.0, 5.0, 5.0]
    lower = [6.0, 4.0, 6.0, 4.0, 4.0]  # running means (window 1): below at names 2, 4, 5
    assert analysis.below_from(lower, upper, window=1) == 4
    assert analysis.below_from(upper, upper, window=1) is None  # never strictly below
    assert analysis.below_from([1.0] * 5, upper, window=1) == 1


def test_first_reach():
    assert analysis.first_reach([5.0, 3.0, 1.0], 2.0, window=2) == 3  # means 5, 4, 2
    assert analysis.first_reach([5.0, 3.0, 1.0], 0.5, window=2) is None


def test_counts_over_two_loss_lists():
    a, b = [1.0, 2.00001, 3.0, 4.0], [1.0, 2.0, 2.5, 5.0]
    assert analysis.lower_count(a, b) == 1
    assert analysis.exact_count(a, b) == 1
    assert analysis.agree_count(a, b) == 2
    assert analysis.agree_count(a, b, steps=[2, 3]) == 0
    assert analysis.largest_gap(a, b) == 1.0
    with pytest.raises(ValueError, match="differ in length"):
        analysis.lower_count(a, b[:2])


def test_about_half():
    assert analysis.about_half(520, 1000)
    assert not analysis.about_half(560, 1000)


def test_logged_steps_are_the_printed_lines():
    assert analysis.logged_steps(1000) == [0, 1, 2, 3, 4, 200, 400, 600, 800]
    assert analysis.logged_steps(1000, logged=lambda step: step == 7) == [7]


def test_memory_length_of_a_running_mean():
    assert analysis.memory_length(0.0) == 1.0
    assert analysis.memory_length(0.75) == 4.0
    assert round(analysis.memory_length(analysis.PAPER_BETA2)) == 1000
    with pytest.raises(ValueError, match="decay rate"):
        analysis.memory_length(1.0)


def test_names():
    names = ["ana", "bo", "ana", "cy", "bo", "eve"]
    assert analysis.name_lengths(names) == [3, 2, 3, 2, 2, 3]
    assert analysis.mean_length(names) == 15 / 6
    assert analysis.distinct_count(names) == 4
    assert analysis.most_common(names) == ("ana", 2)  # tie with "bo": the first wins
    assert analysis.same_places(names, ["ana", "xx", "ana", "cy", "yy", "zz"]) == 3
    assert analysis.cut_off_count(["a" * 16, "b" * 15, "c" * 16], 16) == 2
    with pytest.raises(ValueError):
        analysis.same_places(names, names[:2])


def test_labels(tokenizer):
    labels = analysis.token_labels(tokenizer)
    assert labels[tokenizer.BOS] == "BOS" and labels[0] == "a"
    assert analysis.position_labels("ava") == ["BOS", "a", "v", "a"]


def test_count_table_summaries_on_a_tiny_table():
    tokenizer = Tokenizer(["ab"])  # a = 0, b = 1, BOS = 2
    counts = step0_counting.new_count_table(tokenizer.vocab_size)
    for name in ("ab", "a", "ab"):
        step0_counting.add_pairs(counts, tokenizer.encode(name))
    # BOS->a 3 times, a->b 2, b->BOS 2, a->BOS 1
    assert analysis.total_pairs(counts) == 8
    assert analysis.zero_cells(counts) == 5
    assert analysis.column_total(counts, tokenizer.BOS) == 3
    assert analysis.largest_pair(counts, tokenizer) == ("BOS", "a", 3)
    assert analysis.most_likely_next(counts, tokenizer, 0) == ("b", 3 / 6)
    assert analysis.greedy_name(counts, tokenizer) == "ab"
    row = analysis.count_row(counts, tokenizer, 0)  # after a: b twice, BOS once, a never
    assert (row.label, row.total, row.denominator) == ("a", 3, 6)
    assert [(c.label, c.count, c.probability) for c in row.cells] == [
        ("b", 2, 3 / 6), ("BOS", 1, 2 / 6), ("a", 0, 1 / 6)]
    assert row.probability_sum == pytest.approx(1.0)
    rows = analysis.pair_table(counts, tokenizer, "ab")
    assert [(r.current, r.next) for r in rows] == [("BOS", "a"), ("a", "b"), ("b", "BOS")]
    assert rows[1].probability == 3 / 6 and rows[1].loss == -math.log(3 / 6)


def test_greedy_name_stops_at_the_cap():
    tokenizer = Tokenizer(["ab"])
    counts = step0_counting.new_count_table(tokenizer.vocab_size)
    for _ in range(3):
        step0_counting.add_pairs(counts, tokenizer.encode("aaaa"))  # a -> a dominates
    assert analysis.greedy_name(counts, tokenizer, max_len=5) == "aaaaa"


def test_greedy_name_of_the_stored_table_follows_the_largest_probability(results, tokenizer):
    counts = results["step0"]["counts"]
    tokens = tokenizer.encode(analysis.greedy_name(counts, tokenizer))
    for current, chosen in zip(tokens, tokens[1:]):
        assert counts[current][chosen] == max(counts[current])


def test_shapes():
    shapes = {"wte": [27, 16], "layer0.attn_wq": [16, 16], "layer0.mlp_fc1": [64, 16], "lm_head": [27, 16]}
    assert analysis.parameter_count(shapes) == 27 * 16 * 2 + 256 + 1024
    assert analysis.parameter_count(shapes, "wte", "lm_head") == 27 * 16 * 2
    assert analysis.layer_parameter_count(shapes) == 256 + 1024
    assert analysis.new_matrices(shapes, {"wte": [27, 16]}) == ["layer0.attn_wq", "layer0.mlp_fc1", "lm_head"]
    model = {"n_embd": 16, "n_head": 4}
    assert analysis.head_dim(model) == 4
    assert analysis.head_starts(model) == [0, 4, 8, 12]


def test_small_numeric_helpers(tokenizer):
    assert analysis.largest_abs([0.5, -2.0, 1.0]) == 2.0
    assert analysis.zero_count([0.0, 1.0, 0, -0.0]) == 3
    assert analysis.power_of_ten_below(1) == 1
    assert analysis.power_of_ten_below(99999.9) == 10000
    assert analysis.power_of_ten_below(100000) == 100000
    with pytest.raises(ValueError):
        analysis.power_of_ten_below(0.5)
    # "ava": BOS, a and v are current tokens; every other id is not
    assert analysis.absent_current_tokens(tokenizer, "ava") == tokenizer.vocab_size - 3


def test_example_graph_gradients_match_calculus():
    g = analysis.example_graph(2.0, 3.0)
    assert g.L.data == pytest.approx(math.log(8.0))
    assert g.a.grad == pytest.approx((3.0 + 1) / 8.0)
    assert g.b.grad == pytest.approx(2.0 / 8.0)
    assert g.d.grad == pytest.approx(1 / 8.0)


def test_trained_state_rebuilds_every_stored_weight(results):
    stored = results["step3"]["weights"]
    state = analysis.trained_state(results["step3"])
    assert list(state) == list(stored)
    assert all(value.data == w for name in stored for row_v, row_w in zip(state[name], stored[name])
               for value, w in zip(row_v, row_w))
    with pytest.raises(ValueError, match="no trained weights"):
        analysis.trained_state(results["step0"])


@pytest.mark.parametrize("step", ["step3", "step4", "step5"])
def test_attention_rows_are_distributions_over_the_positions_so_far(results, step):
    rows = analysis.attention(results[step], "emma")
    model = results[step].get("model", {"n_head": 1, "n_layer": 1})  # Step 3: one head
    heads = model["n_head"] * model["n_layer"]
    assert len(rows) == len("emma") + 1
    for position, per_head in enumerate(rows):
        assert len(per_head) == heads
        for row in per_head:
            assert len(row) == position + 1
            assert sum(row) == pytest.approx(1.0)


def test_peaks(results):
    peaks = analysis.head_peaks(results["step5"], "isabella")
    rows = analysis.attention(results["step5"], "isabella")[-1]
    assert [p.head for p in peaks] == list(range(len(rows)))
    for p, row in zip(peaks, rows):
        assert p.position == len("isabella") and row[p.target] == max(row) == p.weight
        assert p.share == pytest.approx(p.weight * (len("isabella") + 1))
    best = analysis.strongest(peaks)
    assert best.weight == max(p.weight for p in peaks)
    assert analysis.focused_count(peaks, 2) == sum(1 for p in peaks if p.share > 2)


def test_sharpest_is_the_largest_share_over_every_row(results):
    names = ["emma", "olivia"]
    best = analysis.sharpest(results["step3"], names)
    shares = [max(row) * len(row) for name in names
              for heads in analysis.attention(results["step3"], name) for row in heads if len(row) > 1]
    assert best.share == max(shares)
    assert best.name in names and best.position >= 1


def test_adam_trace_replays_the_moments_step5_recorded(results):
    for watched in results["step5"]["moments"]:
        trace = analysis.adam_trace(watched["grad"])
        assert trace["m"] == watched["m"] and trace["v"] == watched["v"], watched["where"]


def test_adam_trace_on_a_small_history():
    trace = analysis.adam_trace([1.0, 1.0, -2.0], beta1=0.5, beta2=0.5, eps=0.0)
    assert trace["m"] == [0.5, 0.75, -0.625]
    assert trace["v"] == [0.5, 0.75, 2.375]
    assert trace["m_hat"] == [1.0, 1.0, -0.625 / 0.875]
    assert trace["step"][:2] == [1.0, 1.0]  # a steady gradient: a step of one learning rate
    assert trace["step"][2] == pytest.approx((-0.625 / 0.875) / math.sqrt(2.375 / 0.875))


@pytest.mark.parametrize("step", ["step3", "step4", "step5"])
def test_attention_trace_follows_the_models_own_attention(results, step):
    res = results[step]
    trace = analysis.attention_trace(res, "emma")
    n_head, head_dim = trace["n_head"], trace["head_dim"]
    assert trace["labels"] == ["BOS", "e", "m", "m", "a"] and n_head * head_dim == 16
    layer0 = [rows[:n_head] for rows in analysis.attention(res, "emma")]  # the first layer's heads
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


def test_attention_trace_refuses_what_the_model_cannot_read(results):
    from microgpt.errors import MicrogptError

    with pytest.raises(MicrogptError):
        analysis.attention_trace(results["step3"], "Emma!")
    with pytest.raises(ValueError, match="at most 16 positions"):
        analysis.attention_trace(results["step3"], "a" * 16)
    assert len(analysis.attention_trace(results["step3"], "a" * 15)["positions"]) == 16


def test_sampled_names_come_from_the_steps_own_sample_and_repeat_with_the_seed():
    import random

    from microgpt import analysis, step4_transformer
    from microgpt.config import ModelConfig
    from microgpt.data import Tokenizer
    from microgpt.errors import MicrogptError
    from microgpt.results import load

    step5 = load("step5", "docs/results")
    names = analysis.sample_names(step5, 4, 0.8, 7)
    rng, tokenizer = random.Random(7), Tokenizer(step5["uchars"])
    state = analysis.trained_state(step5)
    assert names == [step4_transformer.sample(state, tokenizer, rng, 0.8, ModelConfig(**step5["model"]))
                     for _ in range(4)]
    assert analysis.sample_names(step5, 4, 0.8, 7) == names
    assert analysis.sample_names(step5, 4, 0.8, 8) != names
    with pytest.raises(MicrogptError, match="from 1 to 50"):
        analysis.sample_names(step5, 0)
    with pytest.raises(MicrogptError, match="temperature must be greater than 0"):
        analysis.sample_names(step5, 3, 0)


# Step 1: its trained model, one weight's slope, the place of a weight ----------

def small_step1_state():
    """Step 1's model for 5 tokens with embeddings of 2 numbers: quick to differentiate."""
    return step1_gradient_descent.init_state_dict(random.Random(7), 5, n_embd=2)


def test_step1_trained_state_is_the_runs_model(docs):
    config = RunConfig(num_steps=2, num_samples=0)
    res = {**step1_gradient_descent.run(config, log=lambda line: None), "config": asdict(config)}
    state = analysis.step1_trained_state(res)
    bos = res["vocab_size"] - 1
    assert step1_gradient_descent.mlp(state, bos) == res["bos_logits"]
    assert state != res["init"]  # trained, not the initial weights
    for key, wrong in (("losses", [res["losses"][0], res["losses"][1] + 1e-15]),
                       ("bos_logits", [v + 1e-15 for v in res["bos_logits"]]),
                       ("init", {**res["init"], "wte": res["init"]["wte"][::-1]})):
        with pytest.raises(ValueError, match="stale"):
            analysis.step1_trained_state({**res, key: wrong})


def test_mlp_layers_are_the_moves_of_mlp():
    state = small_step1_state()
    for token_id in range(5):
        layers = analysis.mlp_layers(state, token_id)
        assert layers["embedding"] == state["wte"][token_id]
        assert layers["relu"] == [max(0.0, v) for v in layers["hidden"]]
        assert layers["logits"] == step1_gradient_descent.mlp(state, token_id)
        assert layers["probs"] == step1_gradient_descent.softmax(layers["logits"])
        assert [len(layers[k]) for k in ("embedding", "hidden", "logits")] == [2, 8, 5]


def test_forward_difference_is_the_numerical_gradients_slope():
    state, tokens = small_step1_state(), [4, 0, 1, 0, 4]
    before = copy.deepcopy(state)
    _, grad = step1_gradient_descent.numerical_gradient(state, tokens, 4)
    for index in (0, 13, len(grad) - 1):
        slope = analysis.forward_difference(state, tokens, 4, index, step1_gradient_descent.GRAD_CHECK_EPS)
        assert slope == grad[index]
    assert state == before  # every nudged weight put back
    row, j = step1_gradient_descent.parameters(state)[13]
    nudged = analysis.nudged_loss(state, tokens, 4, 13, 0.5)
    row[j] += 0.5
    assert nudged == step1_gradient_descent.forward(state, tokens, 4)


def test_largest_abs_index_takes_the_first_on_a_tie():
    assert analysis.largest_abs_index([0.5, -2.0, 2.0, 1.0]) == 1
    assert analysis.largest_abs_index([0.0]) == 0


def test_parameter_place_follows_the_parameters_order():
    state = small_step1_state()
    shapes = {name: [len(mat), len(mat[0])] for name, mat in state.items()}
    places = step1_gradient_descent.parameters(state)
    assert [b["start"] for b in analysis.parameter_blocks(shapes)] == [0, 10, 26]
    for index in (0, 9, 10, 25, 26, len(places) - 1):
        name, row, col = analysis.parameter_place(shapes, index)
        assert places[index] == (state[name][row], col) and places[index][0] is state[name][row]
    with pytest.raises(ValueError, match="no weight number 66"):
        analysis.parameter_place(shapes, len(places))


def test_steepest_weight_slopes_nudge_the_steepest_weight():
    state, tokens = small_step1_state(), [4, 0, 1, 0, 4]
    _, grad = step1_gradient_descent.analytic_gradient(state, tokens, 4)
    study = analysis.steepest_weight_slopes(state, tokens, [1e-1, 1e-5])
    assert abs(grad[study.index]) == max(abs(g) for g in grad)
    assert study.true_slope == grad[study.index]
    assert study.loss == step1_gradient_descent.forward(state, tokens, 4)
    assert study.slopes[1] == analysis.forward_difference(state, tokens, 4, study.index, 1e-5)
    assert study.slopes[1] == pytest.approx(study.true_slope, abs=1e-7)
    assert study.differences == [s - study.true_slope for s in study.slopes]
    assert study.nudged[0] == analysis.nudged_loss(state, tokens, 4, study.index, 1e-1)
    assert analysis.SLIDER_EPSILONS[0] == 1 and analysis.SLIDER_EPSILONS[-1] == 1e-12
    assert set(analysis.TABLE_EPSILONS) <= set(analysis.SLIDER_EPSILONS)


def test_top_next_sorts_by_probability():
    top = analysis.top_next([0.0, 2.0, -1.0, 2.0], k=3)
    assert [i for i, _, _ in top] == [1, 3, 0]
    probs = step1_gradient_descent.softmax([0.0, 2.0, -1.0, 2.0])
    assert top[0] == (1, 2.0, probs[1])


def test_slope_rows_are_the_columns_side_by_side():
    study = analysis.steepest_weight_slopes(small_step1_state(), [4, 0, 4], [1e-2, 1e-4])
    rows = analysis.slope_rows(study)
    assert rows[1] == (1e-4, study.nudged[1], study.slopes[1], study.differences[1])
    assert len(rows) == 2


# Step 2: backward() visit by visit -------------------------------------------

def test_backward_walk_ends_with_backwards_grads():
    walked = analysis.example_graph(backward=False)
    assert all(v.grad == 0 for v in walked)
    visits = list(analysis.backward_walk(walked.L))
    assert visits == list(reversed(step2_autograd.topological_order(walked.L)))
    assert [v.grad for v in walked] == [v.grad for v in analysis.example_graph()]


def small_step2_state():
    state = small_step1_state()
    return {name: [[step2_autograd.Value(w) for w in row] for row in mat] for name, mat in state.items()}


def test_name_loss_graph_is_name_losss_graph_cut_into_moves():
    tokens = [4, 1, 4]
    graph = analysis.name_loss_graph(small_step2_state(), tokens)
    everything = step2_autograd.topological_order(graph.loss)
    members = [v for _, values, _ in graph.groups for v in values]
    assert len(members) == len(set(members)) == len(everything) and set(members) == set(everything)
    assert [label for label, _, _ in graph.groups] == [
        "wte", "mlp_fc1", "mlp_fc2", "pair 1: mlp_fc1 · x", "pair 1: relu", "pair 1: mlp_fc2 · h",
        "pair 1: softmax", "pair 1: -log p", "pair 2: mlp_fc1 · x", "pair 2: relu",
        "pair 2: mlp_fc2 · h", "pair 2: softmax", "pair 2: -log p", "loss: mean over pairs"]
    assert len(graph.groups[0][1]) == 2 * 2  # the two embedding rows it reads, 2 numbers each
    # the walk gives every weight the grad that name_loss(...).backward() gives it
    for _ in analysis.backward_walk(graph.loss):
        pass
    reference_state = small_step2_state()
    reference = step2_autograd.name_loss(reference_state, tokens, 2)
    reference.backward()
    assert reference.data == graph.loss.data
    walked_grads = [p.grad for _, values, _ in graph.groups[1:3] for p in values]
    assert walked_grads == [p.grad for p in step2_autograd.parameters(reference_state)[10:]]


def test_gradient_check_rows_are_the_steepest_then_the_worst():
    shapes = {"wte": [2, 2], "mlp_fc1": [1, 2]}
    grad_a = [0.1, -0.5, 0.0, 0.3, 0.2, -0.05]
    grad_n = [0.1, -0.5, 1e-9, 0.3, 0.2, -0.05]
    rows = analysis.gradient_check_rows(shapes, grad_n, grad_a, k=2)
    assert [r.index for r in rows] == [1, 3, 2]
    assert rows[0] == (1, ("wte", 0, 1), -0.5, -0.5, 0.0)
    assert rows[2].place == ("wte", 1, 0) and rows[2].difference == 1e-9
