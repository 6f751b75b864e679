import math

import pytest

from microgpt import step5_adam as s5
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
