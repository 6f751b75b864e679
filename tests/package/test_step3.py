import math
import random

import pytest

from microgpt import step3_attention as s3
from microgpt.config import RunConfig
from microgpt.data import Tokenizer
from microgpt.recording import with_attention
from microgpt.step2_autograd import parameters, softmax


@pytest.fixture(scope="module")
def model():
    return s3.init_state_dict(random.Random(42), vocab_size=27)


def test_parameter_count_and_shapes(model):
    shapes = {k: (len(m), len(m[0])) for k, m in model.items()}
    # the reference train3.py's order: lm_head is filled last (Step 4 moves it to third)
    assert list(shapes) == ["wte", "wpe", "attn_wq", "attn_wk", "attn_wv", "attn_wo",
                            "mlp_fc1", "mlp_fc2", "lm_head"]
    assert shapes["wpe"] == (16, 16) and shapes["mlp_fc2"] == (16, 64)
    assert len(parameters(model)) == 27 * 16 * 2 + 16 * 16 * 5 + 64 * 16 * 2 == 4192


def test_rmsnorm_gives_unit_mean_square():
    from microgpt.step2_autograd import Value

    out = s3.rmsnorm([Value(v) for v in (3.0, -4.0, 0.5, 12.0)])
    assert sum(v.data**2 for v in out) / len(out) == pytest.approx(1.0, rel=1e-5)


def test_attention_weights_sum_to_one_over_the_positions_so_far(model, docs):
    tokens = Tokenizer(docs).encode("isabella")
    keys, values, attention = [], [], []
    for pos, token_id in enumerate(tokens[:-1]):
        attention += with_attention(s3.gpt, model, token_id, pos, keys, values)[1]
        assert len(keys) == len(values) == pos + 1
    assert [len(row) for row in attention] == list(range(1, len(tokens)))
    assert all(math.isclose(sum(row), 1.0) for row in attention)


def test_a_position_never_sees_the_tokens_after_it(model, docs):
    tok = Tokenizer(docs)

    def first_logits(name, upto):
        keys, values, out = [], [], []
        for pos, token_id in enumerate(tok.encode(name)[: upto + 1]):
            out.append([v.data for v in s3.gpt(model, token_id, pos, keys, values)])
        return out

    assert first_logits("emma", 2) == first_logits("emily", 2)  # same first three tokens
    assert first_logits("emma", 3) != first_logits("emily", 3)


def test_long_names_are_cut_to_the_block_size(model, docs):
    tokens = Tokenizer(docs).encode("a" * 30)
    loss = s3.name_loss(model, tokens)  # would index past wpe without the cut
    assert loss.data == pytest.approx(
        s3.name_loss(model, tokens[: s3.BLOCK_SIZE + 1]).data, rel=1e-12)


def test_probabilities_of_the_next_token_sum_to_one(model):
    probs = softmax(s3.gpt(model, 26, 0, [], []))
    assert len(probs) == 27 and math.isclose(sum(p.data for p in probs), 1.0)


def test_the_first_loss_is_the_reference_programs():
    """train3.py prints `loss 3.3816` at step 1 with seed 42 (REFERENCE.md)."""
    lines = []
    s3.run(RunConfig(num_samples=0), log=lines.append, stop_after=1)
    assert lines[-1] == "step    1 / 1000 | loss 3.3816"
