import math

import pytest

from microgpt import step5_adam as s5
from microgpt.config import ModelConfig, RunConfig
from microgpt.step2_autograd import Value


def adam_by_hand(gradients, lr, num_steps, start=0.0):
    """Adam for one parameter, written out from the formulas (no shared code)."""
    b1, b2, eps = 0.85, 0.99, 1e-8
    p, m, v = start, 0.0, 0.0
    for t, g in enumerate(gradients):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** (t + 1)), v / (1 - b2 ** (t + 1))
        p -= lr * (1 - t / num_steps) * m_hat / (math.sqrt(v_hat) + eps)
    return p


def test_two_adam_steps_match_a_hand_computation():
    state_dict = {"w": [[Value(0.5), Value(-1.0)]]}
    params = [p for row in state_dict["w"] for p in row]
    adam = s5.Adam(state_dict)
    gradients = {0: [0.3, -0.1], 1: [2.0, 2.0]}
    for step in range(2):
        for i, p in enumerate(params):
            p.grad = gradients[i][step]
        adam(params, step, num_steps=10)
        assert all(p.grad == 0 for p in params)
    assert params[0].data == pytest.approx(adam_by_hand([0.3, -0.1], 0.01, 10, 0.5), rel=1e-12)
    assert params[1].data == pytest.approx(adam_by_hand([2.0, 2.0], 0.01, 10, -1.0), rel=1e-12)


def test_the_first_step_moves_every_parameter_by_about_the_learning_rate():
    """After bias correction, m_hat / sqrt(v_hat) = sign(g) on step one, whatever |g|."""
    state_dict = {"w": [[Value(0.0), Value(0.0)]]}
    params = state_dict["w"][0]
    params[0].grad, params[1].grad = 1e-3, -50.0
    s5.Adam(state_dict)(params, 0, 1000)
    assert params[0].data == pytest.approx(-0.01, rel=1e-4)
    assert params[1].data == pytest.approx(0.01, rel=1e-4)


def test_flat_index_follows_state_dict_order():
    state_dict = {"a": [[0] * 3] * 2, "b": [[0] * 4] * 5}
    assert s5.flat_index(state_dict, "a", 1, 2) == 5
    assert s5.flat_index(state_dict, "b", 2, 1) == 6 + 9


def test_flat_index_rejects_a_place_outside_the_matrix():
    with pytest.raises(IndexError, match=r"b\[5\]\[0\] is outside its 5 x 4 shape"):
        s5.flat_index({"b": [[0] * 4] * 5}, "b", 5, 0)


def test_the_watched_output_row_is_bos_whatever_the_vocabulary(tmp_path):
    """With a custom vocabulary of 3 letters, BOS is token 3: its lm_head row is watched."""
    names = tmp_path / "names.txt"
    names.write_text("abc\ncab\nba\n")
    config = RunConfig(num_steps=2, num_samples=0, data=str(names))
    results = s5.run(config, log=lambda line: None, model=ModelConfig(n_embd=4, n_head=2))
    assert results["vocab_size"] == 4
    assert [record["where"] for record in results["moments"]] == [
        ["wte", 0, 0], ["lm_head", 3, 0], ["layer0.attn_wq", 0, 0]]
    bos_row = results["moments"][1]
    assert len(bos_row["grad"]) == 2 and bos_row["grad"][0] != 0
    assert bos_row["m"][0] == (1 - s5.BETA1) * bos_row["grad"][0]
