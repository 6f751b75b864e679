"""The fast engine computes exactly what Step 5 computes: the same gradient,
bit for bit (compared with ==, not approximately), the same losses and weights
after training, the same printed output."""

import random
from operator import mul

import pytest

from microgpt import fast, step4_transformer, step5_adam
from microgpt.cli import main
from microgpt.config import ModelConfig, RunConfig
from microgpt.data import Tokenizer
from microgpt.step2_autograd import Value

SHAPES = {
    "default": ModelConfig(),
    "2 layers, 2 heads": ModelConfig(n_layer=2, n_head=2),
    "odd shape": ModelConfig(n_embd=12, n_head=3, n_layer=3, block_size=5),
}


def autograd_gradient(weights, tokens, model):
    """Step 4's loss and Value.backward() gradient for these weights."""
    state_dict = {name: [[Value(x) for x in row] for row in m] for name, m in weights.items()}
    loss = step4_transformer.name_loss(state_dict, tokens, model)
    loss.backward()
    return loss.data, {name: [[p.grad for p in row] for row in m] for name, m in state_dict.items()}


@pytest.mark.parametrize("name, shape", [
    ("al", "default"),
    ("emma", "default"),
    ("christopher", "default"),
    ("mariaguadalupeteresa", "default"),  # longer than the block: cut at block_size
    ("emma", "2 layers, 2 heads"),
    ("christopher", "2 layers, 2 heads"),
    ("mariaguadalupeteresa", "odd shape"),
])
def test_the_gradient_is_autograds_bit_for_bit(docs, name, shape):
    model = SHAPES[shape]
    tokenizer = Tokenizer(docs)
    tokens = tokenizer.encode(name)
    weights = fast.init_weights(random.Random(len(name)), tokenizer.vocab_size, model)
    expected_loss, expected = autograd_gradient(weights, tokens, model)
    loss, grad = fast.Engine(model).loss_and_gradient(weights, tokens)
    assert loss == expected_loss
    differ = [(m, i, j) for m in expected for i, row in enumerate(expected[m])
              for j, g in enumerate(row) if grad[m][i][j] != g]
    assert not differ, f"{len(differ)} gradients differ, first {differ[:3]}"


def test_a_small_vocabulary_and_repeated_letters():
    """Any vocabulary: three letters, a token repeated (its embedding row
    receives several contributions), the target on the first and last rows."""
    tokenizer = Tokenizer(["abc", "cab"])
    tokens = tokenizer.encode("aabccbaa")
    model = ModelConfig(n_embd=8, n_head=2)
    weights = fast.init_weights(random.Random(5), tokenizer.vocab_size, model)
    expected_loss, expected = autograd_gradient(weights, tokens, model)
    loss, grad = fast.Engine(model).loss_and_gradient(weights, tokens)
    assert (loss, grad) == (expected_loss, expected)


@pytest.mark.parametrize("n", [1, 2, 7, 64, fast.LONGEST_UNROLLED, fast.LONGEST_UNROLLED + 1])
def test_the_generated_products_add_up_as_values_do(n):
    """products(n) against the plain left-to-right sum, compared as float.hex
    so that the sign of a zero counts: rows of random numbers, and rows whose
    products are all -0.0 (add_up starts from 0, so their sum is +0.0)."""
    rng = random.Random(n)
    x = [rng.gauss(0, 1) for _ in range(n)]
    rows = [[rng.gauss(0, 1) for _ in range(n)] for _ in range(3)]
    rows.append([-0.0 if xi > 0 else 0.0 for xi in x])
    expected = [fast.add_up(map(mul, row, x)) for row in rows]
    got = fast.products(n)(rows, x)
    assert [v.hex() for v in got] == [v.hex() for v in expected]
    assert got[-1].hex() == "0x0.0p+0"


SHORT_RUN = ["--steps", "20", "--samples", "3"]


@pytest.fixture(scope="module")
def step5_short_run():
    """Step 5 itself (the slow part of this file), run once: what it returns and prints."""
    printed = []
    config = RunConfig(num_steps=20, num_samples=3)
    return step5_adam.run(config, log=printed.append), printed


def test_twenty_steps_train_exactly_as_step5(step5_short_run):
    expected, _ = step5_short_run
    ours = fast.run(RunConfig(num_steps=20, num_samples=3), log=lambda line: None)
    assert len(ours["losses"]) == 20
    for key in ("losses", "weights", "samples"):
        assert ours[key] == expected[key], key
    # to the bit, the sign of zeros included: repr() writes every float exactly
    assert repr((ours["losses"], ours["weights"])) == repr((expected["losses"], expected["weights"]))


def test_another_shape_trains_and_samples_exactly_as_step5():
    config, model = RunConfig(num_steps=3, num_samples=2), ModelConfig(n_layer=2, n_head=2, n_embd=8)
    expected = step5_adam.run(config, log=lambda line: None, model=model)
    ours = fast.run(config, log=lambda line: None, model=model)
    assert repr([ours[k] for k in ("losses", "weights", "samples")]) == \
        repr([expected[k] for k in ("losses", "weights", "samples")])


def test_the_command_prints_what_step5_prints(step5_short_run, capsys):
    _, printed = step5_short_run
    assert main(["step5", "--fast", *SHORT_RUN]) == 0
    assert capsys.readouterr().out == "".join(line + "\n" for line in printed)


def test_fast_is_refused_for_other_steps(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["step4", "--fast"])
    assert stopped.value.code == 2
    assert "--fast applies to step5 only, not step4" in capsys.readouterr().err
