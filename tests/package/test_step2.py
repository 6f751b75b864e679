import math
import random

import pytest

from microgpt import step1_gradient_descent as s1
from microgpt import step2_autograd as s2
from microgpt.data import Tokenizer
from microgpt.step2_autograd import Value, topological_order

OPERATIONS = {
    "a + b": lambda a, b: a + b,
    "a * b": lambda a, b: a * b,
    "a ** 3": lambda a, b: a**3,
    "a ** -0.5": lambda a, b: a**-0.5,
    "log(a)": lambda a, b: a.log(),
    "exp(a)": lambda a, b: a.exp(),
    "relu(a)": lambda a, b: a.relu(),
    "relu(-a)": lambda a, b: (-a).relu(),
    "-a": lambda a, b: -a,
    "a - b": lambda a, b: a - b,
    "a / b": lambda a, b: a / b,
    "2 + a": lambda a, b: 2 + a,
    "2 - a": lambda a, b: 2 - a,
    "2 * a": lambda a, b: 2 * a,
    "2 / a": lambda a, b: 2 / a,
}


def as_number(f, a, b):
    """Run an operation on plain floats by wrapping them and reading .data."""
    return f(Value(a), Value(b)).data


@pytest.mark.parametrize("name", OPERATIONS)
def test_each_operation_matches_a_finite_difference(name):
    f, a0, b0, h = OPERATIONS[name], 1.7, -0.6, 1e-6
    a, b = Value(a0), Value(b0)
    f(a, b).backward()
    da = (as_number(f, a0 + h, b0) - as_number(f, a0 - h, b0)) / (2 * h)
    db = (as_number(f, a0, b0 + h) - as_number(f, a0, b0 - h)) / (2 * h)
    assert a.grad == pytest.approx(da, rel=1e-6, abs=1e-9)
    assert b.grad == pytest.approx(db, rel=1e-6, abs=1e-9)


def test_a_value_used_twice_collects_both_contributions():
    a = Value(3.0)
    loss = a * a + a  # dL/da = 2a + 1
    loss.backward()
    assert a.grad == 7.0


def test_topological_order_puts_every_value_after_its_inputs():
    a, b = Value(2.0), Value(3.0)
    loss = (a * b + a).log()
    order = topological_order(loss)
    assert order[-1] is loss and len(order) == len(set(map(id, order))) == 5
    for i, v in enumerate(order):
        assert all(order.index(child) < i for child in v._children)


def test_a_deep_graph_does_not_overflow_the_stack():
    x = Value(0.0)
    total = x
    for _ in range(20_000):
        total = total + x
    total.backward()
    assert x.grad == 20_001


def test_step2_gradient_equals_step1_analytic_gradient(docs):
    tok = Tokenizer(docs)
    plain = s1.init_state_dict(random.Random(3), tok.vocab_size)
    values = {k: [[Value(w) for w in row] for row in m] for k, m in plain.items()}
    tokens = tok.encode("isabella")
    n = len(tokens) - 1
    loss_1, grad_1 = s1.analytic_gradient(plain, tokens, n)
    loss_2 = s2.name_loss(values, tokens, n)
    loss_2.backward()
    assert loss_2.data == pytest.approx(loss_1, rel=1e-12)
    grad_2 = [p.grad for p in s2.parameters(values)]
    assert max(abs(g1 - g2) for g1, g2 in zip(grad_1, grad_2)) < 1e-12
    assert any(g != 0 for g in grad_2)


def test_softmax_takes_its_max_from_plain_numbers():
    logits = [Value(1.0), Value(2.0), Value(3.0)]
    probs = s2.softmax(logits)
    assert math.isclose(sum(p.data for p in probs), 1.0)
    probs[2].backward()
    assert sum(v.grad for v in logits) == pytest.approx(0.0, abs=1e-12)  # shift-invariant
