"""The site's recorders (microgpt/recording.py) see exactly what the taught
steps compute, change nothing about it, and leave the steps as they were."""

import math
import random

import pytest

from microgpt import recording
from microgpt import step3_attention as s3
from microgpt import step4_transformer as s4
from microgpt import step5_adam as s5
from microgpt.config import ModelConfig, RunConfig
from microgpt.data import Tokenizer
from microgpt.step1_gradient_descent import linear
from microgpt.step2_autograd import Value, parameters


def attention_by_hand(q, keys, n_head):
    """softmax(q_h . k_h / sqrt(head_dim)) of every head, from the formula, in floats."""
    head_dim = len(q) // n_head
    rows = []
    for h in range(n_head):
        part = slice(h * head_dim, (h + 1) * head_dim)
        logits = [sum(a.data * b.data for a, b in zip(q[part], k[part])) / math.sqrt(head_dim)
                  for k in keys]
        exps = [math.exp(x - max(logits)) for x in logits]
        rows.append([e / sum(exps) for e in exps])
    return rows


def first_query(state_dict, token_id, pos, layer=""):
    """The query of the first attention layer: embeddings, rmsnorm twice, attn_wq."""
    x = [t + p for t, p in zip(state_dict["wte"][token_id], state_dict["wpe"][pos])]
    return linear(s3.rmsnorm(s3.rmsnorm(x)), state_dict[layer + "attn_wq"])


# gpt, its extra arguments, an empty cache, the first layer's prefix: Step 3,
# and Step 4 with 4 heads
MODELS = {"step3": (s3.gpt, (), lambda: ([], []), ""),
          "step4": (s4.gpt, (4,), lambda: s4.empty_cache(1), "layer0.")}


@pytest.mark.parametrize("step", MODELS)
def test_recorded_attention_is_the_attention_recomputed_from_the_cache(docs, step):
    tokenizer = Tokenizer(docs)
    gpt, extra, empty, layer = MODELS[step]
    init = s4.init_state_dict if layer else s3.init_state_dict
    state_dict = init(random.Random(3), tokenizer.vocab_size)
    (keys, values), (plain_keys, plain_values) = empty(), empty()
    for pos, token_id in enumerate(tokenizer.encode("isabella")[:-1]):
        logits, rows = recording.with_attention(gpt, state_dict, token_id, pos, keys, values, *extra)
        plain = gpt(state_dict, token_id, pos, plain_keys, plain_values, *extra)
        assert [v.data for v in logits] == [v.data for v in plain]  # recording changes nothing
        cache = keys[0] if layer else keys
        expected = attention_by_hand(first_query(state_dict, token_id, pos, layer), cache, (extra or (1,))[0])
        assert [len(row) for row in rows] == [pos + 1] * len(expected)
        assert rows == [pytest.approx(row, rel=1e-12) for row in expected]


def test_the_softmax_is_put_back_even_when_the_call_fails():
    original = s3.softmax
    with pytest.raises(IndexError):
        recording.with_attention(s3.gpt, {"wte": [], "wpe": []}, 0, 0, [], [])
    assert s3.softmax is original and s4.softmax is original


def test_the_first_layer_of_a_deeper_model_comes_first():
    rng = random.Random(5)
    model = ModelConfig(n_layer=2, n_head=2)
    state_dict = s4.init_state_dict(rng, 6, model)
    keys, values = s4.empty_cache(2)
    _, rows = recording.with_attention(s4.gpt, state_dict, 1, 0, keys, values, model.n_head)
    assert rows == [[1.0]] * 4  # 2 layers x 2 heads, one position


def test_flat_index_follows_state_dict_order():
    state_dict = {"a": [[0] * 3] * 2, "b": [[0] * 4] * 5}
    assert recording.flat_index(state_dict, "a", 1, 2) == 5
    assert recording.flat_index(state_dict, "b", 2, 1) == 6 + 9


def test_flat_index_rejects_a_place_outside_the_matrix():
    with pytest.raises(IndexError, match=r"b\[5\]\[0\] is outside its 5 x 4 shape"):
        recording.flat_index({"b": [[0] * 4] * 5}, "b", 5, 0)


def test_the_recording_adam_updates_exactly_as_step5s_adam():
    rng = random.Random(7)
    model = ModelConfig(n_embd=4, n_head=2)
    plain, recorded = (s4.init_state_dict(random.Random(11), 5, model) for _ in range(2))
    adams = s5.Adam(plain), recording.RecordingAdam(recorded)
    for step in range(3):
        gradients = [rng.gauss(0, 1) for _ in parameters(plain)]
        for state_dict, adam in zip((plain, recorded), adams):
            params = parameters(state_dict)
            for p, g in zip(params, gradients):
                p.grad = g
            adam(params, step, 10)
            assert all(p.grad == 0 for p in params)
    assert [p.data for p in parameters(plain)] == [p.data for p in parameters(recorded)]
    assert adams[0].m == adams[1].m and adams[0].v == adams[1].v


def test_the_watched_output_row_is_bos_whatever_the_vocabulary(tmp_path):
    """With a custom vocabulary of 3 letters, BOS is token 3: its lm_head row is watched."""
    names = tmp_path / "names.txt"
    names.write_text("abc\ncab\nba\n")
    config = RunConfig(num_steps=2, num_samples=0, data=str(names))
    with recording.adam_moments() as recorded:
        results = s5.run(config, log=lambda line: None, model=ModelConfig(n_embd=4, n_head=2))
    assert s5.Adam is recording.RecordingAdam.__base__  # the original is back
    assert results["vocab_size"] == 4 and "moments" not in results
    moments, = recorded
    assert [record["where"] for record in moments] == [["wte", 0, 0], ["lm_head", 3, 0],
                                                       ["layer0.attn_wq", 0, 0]]
    bos_row = moments[1]
    assert len(bos_row["grad"]) == 2 and bos_row["grad"][0] != 0
    assert bos_row["m"][0] == (1 - s5.BETA1) * bos_row["grad"][0]
    assert bos_row["v"][0] == (1 - s5.BETA2) * bos_row["grad"][0] ** 2


def test_a_model_without_a_watched_matrix_skips_it():
    state_dict = {"wte": [[Value(0.0)] * 2] * 3, "lm_head": [[Value(0.0)] * 2] * 4}
    assert recording.watched_parameters(state_dict) == [("wte", 0, 0), ("lm_head", 3, 0)]
