import random

import pytest

from microgpt import step3_attention as s3
from microgpt import step4_transformer as s4
from microgpt.config import ModelConfig
from microgpt.data import Tokenizer
from microgpt.errors import MicrogptError
from microgpt.recording import with_attention
from microgpt.step2_autograd import parameters


def test_parameters_are_named_per_layer_and_counted_per_layer():
    one = s4.init_state_dict(random.Random(42), 27, ModelConfig(n_layer=1))
    three = s4.init_state_dict(random.Random(42), 27, ModelConfig(n_layer=3))
    assert list(one) == ["wte", "wpe", "lm_head", "layer0.attn_wq", "layer0.attn_wk",
                         "layer0.attn_wv", "layer0.attn_wo", "layer0.mlp_fc1", "layer0.mlp_fc2"]
    assert "layer2.mlp_fc2" in three and "layer3.attn_wq" not in three
    per_layer = 4 * 16 * 16 + 2 * 64 * 16
    assert len(parameters(one)) == 4192
    assert len(parameters(three)) - len(parameters(one)) == 2 * per_layer


def test_one_head_and_one_layer_is_exactly_step3(docs):
    """Step 3's matrices under Step 4's names (the init order differs, so they
    are handed over by name): the same logits, bit for bit."""
    tok = Tokenizer(docs)
    single = s3.init_state_dict(random.Random(5), tok.vocab_size)
    multi = s4.init_state_dict(random.Random(5), tok.vocab_size, ModelConfig(n_head=1))
    multi = {name: single[name.removeprefix("layer0.")] for name in multi}
    keys3, values3 = [], []
    keys4, values4 = s4.empty_cache(1)
    for pos, token_id in enumerate(tok.encode("olivia")[:-1]):
        logits3 = s3.gpt(single, token_id, pos, keys3, values3)
        logits4 = s4.gpt(multi, token_id, pos, keys4, values4, n_head=1)
        assert [v.data for v in logits3] == [v.data for v in logits4]


def test_each_head_attends_over_its_own_slice(docs):
    tok = Tokenizer(docs)
    state_dict = s4.init_state_dict(random.Random(1), tok.vocab_size)
    keys, values = s4.empty_cache(1)
    for pos, token_id in enumerate(tok.encode("emma")[:-1]):
        _, rows = with_attention(s4.gpt, state_dict, token_id, pos, keys, values, n_head=4)
        assert len(rows) == 4 and all(len(r) == pos + 1 for r in rows)
        assert all(sum(r) == pytest.approx(1.0) for r in rows)
    assert len(set(map(tuple, rows))) == 4  # four heads, four different patterns


def test_every_layer_keeps_its_own_cache(docs):
    tok = Tokenizer(docs)
    model = ModelConfig(n_layer=2)
    state_dict = s4.init_state_dict(random.Random(1), tok.vocab_size, model)
    keys, values = s4.empty_cache(model.n_layer)
    for pos, token_id in enumerate(tok.encode("ava")):
        s4.gpt(state_dict, token_id, pos, keys, values, model.n_head)
    assert [len(k) for k in keys] == [len(v) for v in values] == [5, 5]
    assert keys[0][0][0] is not keys[1][0][0]


@pytest.mark.parametrize("shape, message", [
    ({"n_embd": 16, "n_head": 3}, "must be divisible by n_head"),
    ({"n_layer": 0}, "n_layer must be a whole number >= 1"),
    ({"block_size": -2}, "block_size must be a whole number >= 1"),
    ({"n_embd": 8.5}, "n_embd must be a whole number"),
])
def test_impossible_shapes_are_refused(shape, message):
    with pytest.raises(MicrogptError, match=message):
        ModelConfig(**shape)
