import math
import random

import pytest

from microgpt import step1_gradient_descent as s1
from microgpt.data import Tokenizer


@pytest.fixture
def tiny():
    """A 4-wide MLP: small enough to check every gradient numerically in a blink."""
    rng = random.Random(7)
    return s1.init_state_dict(rng, vocab_size=27, n_embd=4)


def test_parameter_count_is_the_sum_of_the_three_matrices():
    state_dict = s1.init_state_dict(random.Random(42), vocab_size=27)
    shapes = {name: (len(m), len(m[0])) for name, m in state_dict.items()}
    assert shapes == {"wte": (27, 16), "mlp_fc1": (64, 16), "mlp_fc2": (27, 64)}
    assert len(s1.parameters(state_dict)) == 27 * 16 + 64 * 16 + 27 * 64 == 3184


def test_linear_is_one_dot_product_per_row():
    assert s1.linear([1.0, 2.0], [[3.0, 4.0], [0.5, -1.0]]) == [11.0, -1.5]


def test_softmax_normalises_and_survives_huge_logits():
    probs = s1.softmax([2.0, 1.0, 0.0])
    assert math.isclose(sum(probs), 1.0) and probs[0] > probs[1] > probs[2]
    assert s1.softmax([1000.0, 1000.0]) == [0.5, 0.5]


def test_relu_keeps_only_positive_values():
    assert s1.relu([-1.0, 0.0, 2.5]) == [0.0, 0.0, 2.5]


def test_analytic_gradient_matches_numerical(tiny, docs):
    tokens = Tokenizer(docs).encode("emma")
    check = s1.gradient_check(tiny, tokens, len(tokens) - 1)
    assert check["loss_n"] == check["loss_a"]
    assert check["max_diff"] < 1e-4
    assert any(abs(g) > 1e-3 for g in check["grad_a"])  # a real gradient, not all zeros


def test_numerical_gradient_restores_every_weight(tiny, docs):
    before = [row[j] for row, j in s1.parameters(tiny)]
    tokens = Tokenizer(docs).encode("ava")
    s1.numerical_gradient(tiny, tokens, len(tokens) - 1)
    assert [row[j] for row, j in s1.parameters(tiny)] == before


def test_training_lowers_the_loss(docs):
    tok = Tokenizer(docs)
    state_dict = s1.init_state_dict(random.Random(42), tok.vocab_size)
    losses = s1.train(state_dict, docs, tok, 1000, on_step=lambda step, loss: None, stop_after=150)
    assert sum(losses[-50:]) / 50 < sum(losses[:50]) / 50 - 0.3


def test_low_temperature_sharpens_sampling(docs):
    tok = Tokenizer(docs)
    state_dict = s1.init_state_dict(random.Random(42), tok.vocab_size)
    s1.train(state_dict, docs, tok, 300, on_step=lambda step, loss: None)
    cold = {s1.sample(state_dict, tok, random.Random(i), 0.01) for i in range(20)}
    warm = {s1.sample(state_dict, tok, random.Random(i), 2.0) for i in range(20)}
    assert len(cold) == 1 and len(warm) > 10
