import math
import random

import pytest

from microgpt import step0_counting as s0
from microgpt.config import RunConfig
from microgpt.data import Tokenizer


def test_an_empty_table_predicts_uniformly_and_costs_log_vocab(docs):
    tok = Tokenizer(docs)
    counts = s0.new_count_table(tok.vocab_size)
    assert s0.bigram(counts, tok.BOS) == [1 / tok.vocab_size] * tok.vocab_size
    assert math.isclose(s0.name_loss(counts, tok.encode("ava")), math.log(tok.vocab_size))


def test_counting_adds_one_per_pair_and_probabilities_sum_to_one(docs):
    tok = Tokenizer(docs)
    counts = s0.new_count_table(tok.vocab_size)
    tokens = tok.encode("ava")
    s0.add_pairs(counts, tokens)
    assert sum(map(sum, counts)) == len(tokens) - 1 == 4
    assert counts[tok.BOS][0] == 1 and counts[0][21] == 1
    for row in range(tok.vocab_size):
        assert math.isclose(sum(s0.bigram(counts, row)), 1.0)


def test_training_quizzes_before_counting(docs):
    tok = Tokenizer(docs)
    counts = s0.new_count_table(tok.vocab_size)
    losses = s0.train(counts, docs, tok, 1000, on_step=lambda step, loss: None, stop_after=1)
    assert losses == [math.log(tok.vocab_size)]  # the first name meets an empty table


def test_samples_are_names_of_known_letters(docs):
    tok = Tokenizer(docs)
    counts = s0.new_count_table(tok.vocab_size)
    s0.train(counts, docs, tok, 200, on_step=lambda step, loss: None)
    rng = random.Random(0)
    names = [s0.sample(counts, tok, rng) for _ in range(50)]
    assert all(len(name) <= 16 and set(name) <= set(tok.uchars) for name in names)


@pytest.mark.needs_names
def test_stop_after_gives_a_prefix_of_the_full_run():
    full = s0.run(RunConfig(num_steps=30), log=lambda line: None)
    prefix = s0.run(RunConfig(num_steps=30), log=lambda line: None, stop_after=10)
    assert prefix["losses"] == full["losses"][:10] and prefix["samples"] == []
