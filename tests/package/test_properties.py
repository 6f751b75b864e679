"""Properties that must hold for every input, not just the examples of the
other tests: hypothesis draws the inputs (and shrinks any failure to a
smallest example). Each test keeps its number of examples small so that the
whole file runs in seconds."""

import math
import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from microgpt import step1_gradient_descent as s1
from microgpt import step2_autograd as s2
from microgpt import step3_attention as s3
from microgpt import step5_adam as s5
from microgpt.data import Tokenizer
from microgpt.errors import MicrogptError
from microgpt.step2_autograd import Value

FAST = settings(max_examples=40, deadline=None)
SLOW = settings(max_examples=8, deadline=None)  # each example builds a whole graph

# Characters a names file could hold: no surrogates, no control characters.
CHARACTERS = st.characters(exclude_categories=("Cs", "Cc"))
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def finite(low, high):
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


# --- the tokenizer ----------------------------------------------------------

@FAST
@given(docs=st.lists(st.text(CHARACTERS, min_size=1, max_size=8), min_size=1, max_size=6),
       data=st.data())
def test_any_string_over_the_vocabulary_round_trips(docs, data):
    tok = Tokenizer(docs)
    name = data.draw(st.text(st.sampled_from(tok.uchars), max_size=20), label="name")
    ids = tok.encode(name)
    assert ids[0] == ids[-1] == tok.BOS and len(ids) == len(name) + 2
    assert all(0 <= i < tok.BOS for i in ids[1:-1])
    assert tok.decode(ids) == name


@FAST
@given(docs=st.lists(st.text(CHARACTERS, min_size=1, max_size=8), min_size=1, max_size=6),
       data=st.data())
def test_any_string_outside_the_vocabulary_gets_one_clear_error(docs, data):
    tok = Tokenizer(docs)
    known = data.draw(st.text(st.sampled_from(tok.uchars), max_size=6), label="known part")
    stranger = data.draw(CHARACTERS.filter(lambda ch: ch not in tok.uchars), label="unknown")
    name = known + stranger + known
    with pytest.raises(MicrogptError) as error:
        tok.encode(name)
    message = str(error.value)
    assert f"contains {stranger!r}" in message  # what is wrong...
    assert "use only these characters: " + "".join(tok.uchars) in message  # ...and what to do


# --- Value: every operation against a finite difference ---------------------

# name: (operation on two values, range of a, range of b); a is kept away from
# where an operation is undefined (log, roots, division) or has a kink (relu).
OPERATIONS = {
    "a + b": (lambda a, b: a + b, (-5, 5), (-5, 5)),
    "a * b": (lambda a, b: a * b, (-5, 5), (-5, 5)),
    "a ** 3": (lambda a, b: a**3, (-3, 3), (0, 0)),
    "a ** -0.5": (lambda a, b: a**-0.5, (0.2, 5), (0, 0)),
    "a ** 2.5": (lambda a, b: a**2.5, (0.2, 5), (0, 0)),
    "log(a)": (lambda a, b: a.log(), (0.2, 5), (0, 0)),
    "exp(a)": (lambda a, b: a.exp(), (-5, 5), (0, 0)),
    "relu(a)": (lambda a, b: a.relu(), (0.01, 5), (0, 0)),
    "relu(-a)": (lambda a, b: (-a).relu(), (0.01, 5), (0, 0)),
    "-a": (lambda a, b: -a, (-5, 5), (0, 0)),
    "a - b": (lambda a, b: a - b, (-5, 5), (-5, 5)),
    "a / b": (lambda a, b: a / b, (-5, 5), (0.2, 5)),
    "c + a": (lambda a, b: 1.5 + a, (-5, 5), (0, 0)),
    "c - a": (lambda a, b: 1.5 - a, (-5, 5), (0, 0)),
    "c * a": (lambda a, b: 1.5 * a, (-5, 5), (0, 0)),
    "c / a": (lambda a, b: 1.5 / a, (0.2, 5), (0, 0)),
    "a * a + a (a used twice)": (lambda a, b: a * a + a, (-5, 5), (0, 0)),
    "log(a * b + exp(b))": (lambda a, b: (a * b + b.exp()).log(), (0.2, 5), (0.2, 3)),
}
STEP = 1e-6


@pytest.mark.parametrize("name", OPERATIONS)
@FAST
@given(data=st.data())
def test_every_value_operation_matches_a_finite_difference(name, data):
    f, a_range, b_range = OPERATIONS[name]
    a0 = data.draw(finite(*a_range), label="a")
    b0 = data.draw(finite(*b_range), label="b")
    a, b = Value(a0), Value(b0)
    out = f(a, b)
    out.backward()

    def at(x, y):
        return f(Value(x), Value(y)).data

    slope_a = (at(a0 + STEP, b0) - at(a0 - STEP, b0)) / (2 * STEP)
    slope_b = (at(a0, b0 + STEP) - at(a0, b0 - STEP)) / (2 * STEP)
    assert a.grad == pytest.approx(slope_a, rel=1e-5, abs=1e-6)
    assert b.grad == pytest.approx(slope_b, rel=1e-5, abs=1e-6)


# --- softmax and rmsnorm ----------------------------------------------------

LOGITS = st.lists(finite(-50, 50), min_size=1, max_size=30)


@FAST
@given(logits=LOGITS, shift=finite(-100, 100))
def test_softmax_sums_to_one_and_ignores_a_constant_added_to_every_logit(logits, shift):
    for softmax, wrap in ((s1.softmax, float), (s2.softmax, Value)):
        def probs(xs, softmax=softmax, wrap=wrap):
            return [getattr(p, "data", p) for p in softmax([wrap(x) for x in xs])]

        plain, shifted = probs(logits), probs([x + shift for x in logits])
        assert math.fsum(plain) == pytest.approx(1, abs=1e-12)
        assert all(0 <= p <= 1 for p in plain)
        assert shifted == pytest.approx(plain, rel=1e-9, abs=1e-12)


@FAST
@given(xs=st.lists(finite(-10, 10), min_size=1, max_size=32))
def test_rmsnorm_output_has_mean_square_one_within_eps(xs):
    mean_square = sum(x * x for x in xs) / len(xs)
    assume(mean_square > 0)
    out = [v.data for v in s3.rmsnorm([Value(x) for x in xs])]
    out_mean_square = sum(y * y for y in out) / len(out)
    # exactly mean_square / (mean_square + eps): 1 up to eps relative to the input's scale
    assert out_mean_square <= 1 + 1e-12
    assert 1 - out_mean_square <= s3.RMSNORM_EPS / mean_square + 1e-12
    if mean_square >= 1:
        assert 1 - out_mean_square <= s3.RMSNORM_EPS


# --- Adam -------------------------------------------------------------------

@FAST
@given(data=st.data(), size=st.integers(1, 6), step=st.integers(0, 99))
def test_one_adam_step_on_a_quadratic_moves_towards_its_minimum(data, size, step):
    """loss = sum c_i (w_i - t_i)^2. Adam's first move is about the learning
    rate (0.01) per weight, so each start is at least that far from t."""
    targets = data.draw(st.lists(finite(-5, 5), min_size=size, max_size=size), label="targets")
    curvatures = data.draw(st.lists(finite(0.1, 10), min_size=size, max_size=size), label="c")
    starts = [t + data.draw(st.one_of(finite(-5, -0.01), finite(0.01, 5)), label="offset")
              for t in targets]
    state_dict = {"w": [[Value(x) for x in starts]]}
    params = state_dict["w"][0]

    def quadratic():
        return sum(c * (w - t) ** 2 for c, w, t in zip(curvatures, params, targets))

    before = quadratic()
    before.backward()
    s5.Adam(state_dict)(params, step, num_steps=100)
    assert quadratic().data < before.data
    for w, x, t in zip(params, starts, targets):
        assert abs(w.data - t) < abs(x - t)  # every weight got closer to its target
        assert w.grad == 0


# --- Step 1's hand-written gradient is autograd's ---------------------------

@SLOW
@given(seed=st.integers(0, 2**32), scale=finite(0.2, 5),
       name=st.text(st.sampled_from(LETTERS), min_size=1, max_size=8))
def test_step1_analytic_gradient_equals_step2_autograd(seed, scale, name):
    tok = Tokenizer([LETTERS])
    weights = s1.init_state_dict(random.Random(seed), tok.vocab_size)
    for mat in weights.values():
        for row in mat:
            row[:] = [w * scale for w in row]
    values = {key: [[Value(w) for w in row] for row in mat] for key, mat in weights.items()}
    tokens = tok.encode(name)
    n = len(tokens) - 1

    loss, grad = s1.analytic_gradient(weights, tokens, n)
    auto_loss = s2.name_loss(values, tokens, n)
    auto_loss.backward()
    assert auto_loss.data == pytest.approx(loss, rel=1e-12)
    assert [p.grad for p in s2.parameters(values)] == pytest.approx(grad, rel=1e-9, abs=1e-12)
