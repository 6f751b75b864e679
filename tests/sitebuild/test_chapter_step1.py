"""Step 1's numbers (sitebuild.chapters.step1): its trained model, one
weight's slope, the place of a weight. Only the test that takes `docs`
needs the dataset (and trains Step 1 for two steps)."""

import copy
import json
import math
import random
from dataclasses import asdict
from pathlib import Path
from statistics import NormalDist

import pytest

from microgpt import step1_gradient_descent
from microgpt.config import RunConfig
from sitebuild import common
from sitebuild.chapters import step1 as ch1


@pytest.fixture(scope="module")
def tokenizer():
    return common.tokenizer()


def test_small_numeric_helpers(tokenizer):
    assert ch1.largest_abs([0.5, -2.0, 1.0]) == 2.0
    assert ch1.zero_count([0.0, 1.0, 0, -0.0]) == 3
    assert ch1.power_of_ten_below(1) == 1
    assert ch1.power_of_ten_below(99999.9) == 10000
    assert ch1.power_of_ten_below(100000) == 100000
    with pytest.raises(ValueError):
        ch1.power_of_ten_below(0.5)
    # "ava": BOS, a and v are current tokens; every other id is not
    assert ch1.absent_current_tokens(tokenizer, "ava") == tokenizer.vocab_size - 3


def small_step1_state():
    """Step 1's model for 5 tokens with embeddings of 2 numbers: quick to differentiate."""
    return step1_gradient_descent.init_state_dict(random.Random(7), 5, n_embd=2)


def test_step1_trained_state_is_the_runs_model(tmp_path):
    names = tmp_path / "names.txt"  # short names: the run's gradient check on names.txt takes seconds
    names.write_text("al\nbo\nem\nli\n")
    config = RunConfig(num_steps=2, num_samples=0, data=str(names))
    res = {**step1_gradient_descent.run(config, log=lambda line: None), "config": asdict(config)}
    state = ch1.step1_trained_state(res)
    bos = res["vocab_size"] - 1
    assert step1_gradient_descent.mlp(state, bos) == res["bos_logits"]
    assert state != res["init"]  # trained, not the initial weights
    for key, wrong in (("losses", [res["losses"][0], res["losses"][1] + 1e-15]),
                       ("bos_logits", [v + 1e-15 for v in res["bos_logits"]]),
                       ("init", {**res["init"], "wte": res["init"]["wte"][::-1]})):
        with pytest.raises(ValueError, match="stale"):
            ch1.step1_trained_state({**res, key: wrong})


def test_mlp_layers_are_the_moves_of_mlp():
    state = small_step1_state()
    for token_id in range(5):
        layers = ch1.mlp_layers(state, token_id)
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
        slope = ch1.forward_difference(state, tokens, 4, index, step1_gradient_descent.GRAD_CHECK_EPS)
        assert slope == grad[index]
    assert state == before  # every nudged weight put back
    row, j = step1_gradient_descent.parameters(state)[13]
    nudged = ch1.nudged_loss(state, tokens, 4, 13, 0.5)
    row[j] += 0.5
    assert nudged == step1_gradient_descent.forward(state, tokens, 4)


def test_largest_abs_index_takes_the_first_on_a_tie():
    assert ch1.largest_abs_index([0.5, -2.0, 2.0, 1.0]) == 1
    assert ch1.largest_abs_index([0.0]) == 0


def test_parameter_place_follows_the_parameters_order():
    state = small_step1_state()
    shapes = {name: [len(mat), len(mat[0])] for name, mat in state.items()}
    places = step1_gradient_descent.parameters(state)
    assert [b["start"] for b in ch1.parameter_blocks(shapes)] == [0, 10, 26]
    for index in (0, 9, 10, 25, 26, len(places) - 1):
        name, row, col = ch1.parameter_place(shapes, index)
        assert places[index] == (state[name][row], col) and places[index][0] is state[name][row]
    with pytest.raises(ValueError, match="no weight number 66"):
        ch1.parameter_place(shapes, len(places))


def test_steepest_weight_slopes_nudge_the_steepest_weight():
    state, tokens = small_step1_state(), [4, 0, 1, 0, 4]
    _, grad = step1_gradient_descent.analytic_gradient(state, tokens, 4)
    study = ch1.steepest_weight_slopes(state, tokens, [1e-1, 1e-5])
    assert abs(grad[study.index]) == max(abs(g) for g in grad)
    assert study.true_slope == grad[study.index]
    assert study.loss == step1_gradient_descent.forward(state, tokens, 4)
    assert study.slopes[1] == ch1.forward_difference(state, tokens, 4, study.index, 1e-5)
    assert study.slopes[1] == pytest.approx(study.true_slope, abs=1e-7)
    assert study.differences == [s - study.true_slope for s in study.slopes]
    assert study.nudged[0] == ch1.nudged_loss(state, tokens, 4, study.index, 1e-1)
    assert ch1.SLIDER_EPSILONS[0] == 1 and ch1.SLIDER_EPSILONS[-1] == 1e-12
    assert set(ch1.TABLE_EPSILONS) <= set(ch1.SLIDER_EPSILONS)


def test_top_next_sorts_by_probability():
    top = ch1.top_next([0.0, 2.0, -1.0, 2.0], k=3)
    assert [i for i, _, _ in top] == [1, 3, 0]
    probs = step1_gradient_descent.softmax([0.0, 2.0, -1.0, 2.0])
    assert top[0] == (1, 2.0, probs[1])


def test_slope_rows_are_the_columns_side_by_side():
    study = ch1.steepest_weight_slopes(small_step1_state(), [4, 0, 4], [1e-2, 1e-4])
    rows = ch1.slope_rows(study)
    assert rows[1] == (1e-4, study.nudged[1], study.slopes[1], study.differences[1])
    assert len(rows) == 2


def test_gradient_check_rows_are_the_steepest_then_the_worst():
    shapes = {"wte": [2, 2], "mlp_fc1": [1, 2]}
    grad_a = [0.1, -0.5, 0.0, 0.3, 0.2, -0.05]
    grad_n = [0.1, -0.5, 1e-9, 0.3, 0.2, -0.05]
    rows = ch1.gradient_check_rows(shapes, grad_n, grad_a, k=2)
    assert [r.index for r in rows] == [1, 3, 2]
    assert rows[0] == (1, ("wte", 0, 1), -0.5, -0.5, 0.0)
    assert rows[2].place == ("wte", 1, 0) and rows[2].difference == 1e-9


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_example_softmax_and_temperature():
    exps = [math.exp(logit) for logit in ch1.EXAMPLE_LOGITS]
    assert ch1.example_softmax() == pytest.approx([e / sum(exps) for e in exps])
    assert ch1.example_probability_ratio() == pytest.approx(math.e)
    cold, warm = ch1.example_softmax(0.5), ch1.example_softmax(2)
    assert cold[0] == pytest.approx(math.exp(4) / (math.exp(4) + math.exp(2) + 1))
    assert cold[0] > ch1.example_softmax()[0] > warm[0]


def test_gaussian_share_within_one_std():
    normal = NormalDist()
    assert ch1.percent_within_one_std() == pytest.approx(100 * (normal.cdf(1) - normal.cdf(-1)))


def test_costs_of_the_numerical_gradient():
    step1 = stored("step1")
    assert ch1.numerical_gradient_passes() == step1["num_params"] + 1
    assert ch1.numerical_training_passes() == (step1["num_params"] + 1) * step1["config"]["num_steps"]
    shapes = step1["shapes"]
    mlp = shapes["mlp_fc1"][0] * shapes["mlp_fc1"][1] + shapes["mlp_fc2"][0] * shapes["mlp_fc2"][1]
    assert ch1.backward_multiplications(shapes) == 2 * mlp


def test_gradient_error_ratio_and_schedule():
    check = stored("step1")["gradient_check"]
    ratio = ch1.gradient_error_ratio(check)
    assert ratio * check["max_diff"] == pytest.approx(max(abs(g) for g in check["grad_a"]))
    num_steps = stored("step1")["config"]["num_steps"]
    assert ch1.last_step_learning_rate() == pytest.approx(step1_gradient_descent.LEARNING_RATE / num_steps)
    assert ch1.percent_of_names_seen() == pytest.approx(100 * num_steps / stored("step0")["num_docs"])


def test_same_zero_slopes_compares_the_places_of_the_zeros():
    assert ch1.same_zero_slopes([0.0, 0.5, 0.0], [0.0, 0.4, 0.0])
    assert not ch1.same_zero_slopes([0.0, 0.5, 1e-12], [0.0, 0.4, 0.0])


def test_flat_order_names_each_place_of_parameters_in_order():
    state = {"a": [[1.0, 2.0], [3.0, 4.0]], "b": [[5.0, 6.0, 7.0]]}
    assert ch1.flat_order(state) == [("a", 0, 0), ("a", 0, 1), ("a", 1, 0), ("a", 1, 1),
                                     ("b", 0, 0), ("b", 0, 1), ("b", 0, 2)]
    values = [row[j] for row, j in step1_gradient_descent.parameters(state)]
    assert values == [state[name][i][j] for name, i, j in ch1.flat_order(state)]
    # the 2 x 2 example of 1.2's picture: row by row
    assert ch1.flat_order(ch1.FLATTEN_EXAMPLE) == [("w", 0, 0), ("w", 0, 1), ("w", 1, 0), ("w", 1, 1)]
