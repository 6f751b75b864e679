"""Step 0's numbers (sitebuild.chapters.step0): the count table, worked out
by hand on a tiny table, and the stored table."""

import math

import matplotlib.pyplot as plt
import pytest

from microgpt import step0_counting
from microgpt.data import Tokenizer
from sitebuild import common
from sitebuild.chapters import step0 as ch0
from sitebuild.plotting import THEMES


@pytest.fixture(scope="module")
def results():
    return {step: common.results(step) for step in ("step0", "step3", "step4", "step5")}


@pytest.fixture(scope="module")
def tokenizer():
    return common.tokenizer()


def test_count_table_summaries_on_a_tiny_table():
    tokenizer = Tokenizer(["ab"])  # a = 0, b = 1, BOS = 2
    counts = step0_counting.new_count_table(tokenizer.vocab_size)
    for name in ("ab", "a", "ab"):
        step0_counting.add_pairs(counts, tokenizer.encode(name))
    # BOS->a 3 times, a->b 2, b->BOS 2, a->BOS 1
    assert ch0.total_pairs(counts) == 8
    assert ch0.zero_cells(counts) == 5
    assert ch0.column_total(counts, tokenizer.BOS) == 3
    assert ch0.largest_pair(counts, tokenizer) == ("BOS", "a", 3)
    assert ch0.most_likely_next(counts, tokenizer, 0) == ("b", 3 / 6)
    assert ch0.greedy_name(counts, tokenizer) == "ab"
    row = ch0.count_row(counts, tokenizer, 0)  # after a: b twice, BOS once, a never
    assert (row.label, row.total, row.denominator) == ("a", 3, 6)
    assert [(c.label, c.count, c.probability) for c in row.cells] == [
        ("b", 2, 3 / 6), ("BOS", 1, 2 / 6), ("a", 0, 1 / 6)]
    assert row.probability_sum == pytest.approx(1.0)
    rows = ch0.pair_table(counts, tokenizer, "ab")
    assert [(r.current, r.next) for r in rows] == [("BOS", "a"), ("a", "b"), ("b", "BOS")]
    assert rows[1].probability == 3 / 6 and rows[1].loss == -math.log(3 / 6)


def test_greedy_name_stops_at_the_cap():
    tokenizer = Tokenizer(["ab"])
    counts = step0_counting.new_count_table(tokenizer.vocab_size)
    for _ in range(3):
        step0_counting.add_pairs(counts, tokenizer.encode("aaaa"))  # a -> a dominates
    assert ch0.greedy_name(counts, tokenizer, max_len=5) == "aaaaa"


def test_greedy_name_of_the_stored_table_follows_the_largest_probability(results, tokenizer):
    counts = results["step0"]["counts"]
    tokens = tokenizer.encode(ch0.greedy_name(counts, tokenizer))
    for current, chosen in zip(tokens, tokens[1:]):
        assert counts[current][chosen] == max(counts[current])


def test_row_numbers_on_a_tiny_table():
    tokenizer = Tokenizer(["ab"])  # a = 0, b = 1, BOS = 2
    counts = step0_counting.new_count_table(tokenizer.vocab_size)
    for name in ("ab", "a", "ab"):
        step0_counting.add_pairs(counts, tokenizer.encode(name))
    # BOS->a 3 times, a->b 2, a->BOS 1: smoothing adds 1 to each of 3 cells
    assert ch0.row_total(counts, tokenizer.BOS) == 3
    assert ch0.next_probability(counts, tokenizer.BOS, 0) == (3 + 1) / (3 + 3)
    assert ch0.next_probability(counts, 0, tokenizer.BOS) == (1 + 1) / (3 + 3)
    assert ch0.largest_next_probability(counts, 0) == (2 + 1) / (3 + 3)
    # "a": BOS->a, then a->BOS
    assert ch0.name_loss(counts, tokenizer.encode("a")) == pytest.approx(
        (-math.log(4 / 6) - math.log(2 / 6)) / 2)
    row = ch0.count_row(counts, tokenizer, 0)  # b twice, BOS once, a never
    assert row.size == 3
    assert [cell.smoothed_count for cell in row.cells] == [3, 2, 1]
    assert row.top_unsmoothed_probability == 2 / 3
    assert ch0.cells_between(row, 1) == 1  # after b: BOS, then the rarest (a)


def test_row_numbers_of_the_stored_table(results, tokenizer):
    counts = results["step0"]["counts"]
    names = results["step0"]["config"]["num_steps"]
    assert ch0.row_total(counts, tokenizer.BOS) == names  # one start per name read
    row = ch0.count_row(counts, tokenizer, tokenizer.encode("a")[1])
    assert row.size == tokenizer.vocab_size
    assert ch0.cells_between(row, 5) == tokenizer.vocab_size - 6


# --- claims ---

def test_barely_moves_draws_the_line_at_five_percent():
    assert ch0.barely_moves(0.2, 0.195)
    assert not ch0.barely_moves(0.2, 0.18)


def test_below_guess_except_skips_only_the_costly_pair():
    guess = math.log(common.tokenizer().vocab_size)
    pairs = [ch0.Pair("BOS", "a", 0.5, guess - 1), ch0.Pair("a", "v", 0.01, guess + 1)]
    assert ch0.below_guess_except(pairs, 1)
    assert not ch0.below_guess_except(pairs, 0)


def test_falls_then_flattens_needs_a_fast_fall_then_a_slow_one():
    window = 50
    falling_fast_first = [3.0] * window + [2.5] * window + [2.4] * 900
    assert ch0.falls_then_flattens(falling_fast_first, window)
    steady_fall = [3.0 - 0.001 * step for step in range(1000)]
    assert not ch0.falls_then_flattens(steady_fall, window)
    assert not ch0.falls_then_flattens([3.0] * 1000, window)


def test_mostly_unseen_bounds_the_seen_cells_by_the_positions_read():
    empty = ch0.step0_counting.new_count_table(common.tokenizer().vocab_size)
    assert ch0.mostly_unseen(empty)
    crowded = [[100] * len(row) for row in empty]  # 72,900 positions: more than half of 27**3
    assert not ch0.mostly_unseen(crowded)


def test_the_empty_table_picture_writes_a_zero_in_every_cell(tokenizer):
    fig = plt.figure()
    ch0.empty_count_table(fig, THEMES["light"])
    cells = [text.get_text() for text in fig.axes[0].texts]
    plt.close(fig)
    assert cells == ["0"] * tokenizer.vocab_size ** 2
