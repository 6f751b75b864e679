"""Step 0, Counting: the count table's numbers, its pictures and the data of
its widgets (widgets/step0.js)."""

import math
from typing import NamedTuple

from microgpt import step0_counting
from microgpt.config import MAX_SAMPLE_LENGTH, RunConfig
from microgpt.program import start
from sitebuild.claims import Check, all_of, most_of, none_of
from sitebuild.common import (
    WINDOW,
    mean,
    mean_first,
    mean_last,
    possible_sequences,
    results,
    rounded,
    running_mean,
    token_labels,
    tokenizer,
)
from sitebuild.plotting import MEAN_LABEL, loss_chart, loss_curve, step_colour, style

SHOWN_DIGITS = 4  # losses and probabilities are printed with 4 decimals, as on the pages
NEXT_TOKEN_DIGITS = 3  # the bars of the next-token widget


# Numbers of the pages ----------------------------------------------------------

def total_pairs(counts):
    """How many pairs the table has counted."""
    return sum(sum(row) for row in counts)


def zero_cells(counts):
    """How many cells of the table are still zero."""
    return sum(row.count(0) for row in counts)


def column_total(counts, token_id):
    """How often `token_id` was counted as the next token."""
    return sum(row[token_id] for row in counts)


def row_total(counts, token_id):
    """How often `token_id` was counted as the current token (for BOS: how many names started)."""
    return sum(counts[token_id])


def next_probability(counts, token_id, next_id):
    """The smoothed probability that `next_id` follows `token_id`, as bigram() gives it."""
    return step0_counting.bigram(counts, token_id)[next_id]


def largest_next_probability(counts, token_id):
    """The smoothed probability of the most likely token after `token_id`."""
    return max(step0_counting.bigram(counts, token_id))


def name_loss(counts, tokens):
    """The mean loss of the pairs of one encoded name under the table."""
    return step0_counting.name_loss(counts, tokens)


def largest_pair(counts, tokenizer):
    """(current label, next label, count) of the largest cell; on a tie, the
    first in row order."""
    cells = [count for row in counts for count in row]
    row, column = divmod(cells.index(max(cells)), len(counts))
    labels = token_labels(tokenizer)
    return labels[row], labels[column], counts[row][column]


def most_likely_next(counts, tokenizer, token_id):
    """(label, probability) of the most likely token after `token_id` in the
    smoothed table; on a tie, the lowest id."""
    probs = step0_counting.bigram(counts, token_id)
    best = probs.index(max(probs))
    return token_labels(tokenizer)[best], probs[best]


class Pair(NamedTuple):
    current: str
    next: str
    probability: float
    loss: float


class NextToken(NamedTuple):
    label: str
    count: int
    probability: float  # smoothed, as bigram() gives it

    @property
    def smoothed_count(self):
        """The count plus the one pretend count that smoothing adds."""
        return self.count + 1


class Row(NamedTuple):
    """One row of the count table, worked out as bigram() does."""
    label: str  # the current token
    cells: list  # a NextToken per possible next token, most frequent first (id order on ties)
    total: int  # the real counts of the row
    denominator: int  # total plus one pretend count per cell
    probability_sum: float

    @property
    def size(self):
        """How many cells the row has: one per possible next token."""
        return len(self.cells)

    @property
    def top_unsmoothed_probability(self):
        """The most frequent next token's share of the real counts, without smoothing."""
        return self.cells[0].count / self.total


def cells_between(row, shown_first):
    """How many cells of a row lie between the `shown_first` most frequent and the rarest."""
    return row.size - shown_first - 1


def count_row(counts, tokenizer, token_id):
    """The row of `token_id`: its counts, their total and the smoothed probabilities."""
    labels, row = token_labels(tokenizer), counts[token_id]
    probs = step0_counting.bigram(counts, token_id)
    cells = sorted((NextToken(labels[j], row[j], probs[j]) for j in range(len(row))),
                   key=lambda cell: -cell.count)
    return Row(labels[token_id], cells, sum(row), sum(row) + len(row), sum(probs))


def pair_table(counts, tokenizer, name):
    """One row per pair of a name: its labels, the table's probability of the
    next token, and that pair's loss."""
    tokens = tokenizer.encode(name)
    labels = token_labels(tokenizer)
    losses = step0_counting.pair_losses(counts, tokens)
    return [Pair(labels[cur], labels[nxt], step0_counting.bigram(counts, cur)[nxt], loss)
            for cur, nxt, loss in zip(tokens, tokens[1:], losses)]


def greedy_name(counts, tokenizer, max_len=MAX_SAMPLE_LENGTH):
    """The name the count table writes when it always takes its most likely
    next token (the lowest id on a tie) instead of drawing one."""
    token_id, name = tokenizer.BOS, []
    for _ in range(max_len):
        probs = step0_counting.bigram(counts, token_id)
        token_id = probs.index(max(probs))
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


# Pictures ------------------------------------------------------------------------

def table_axes(fig, theme, counts, title, **imshow_options):
    """A count table as a grid of squares, rows the current token, columns the next."""
    labels = token_labels(tokenizer())
    ax = fig.subplots()
    image = ax.imshow(counts, cmap=theme["cmap"], **imshow_options)
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("next token")
    ax.set_ylabel("current token")
    ax.set_title(title)
    style(ax, theme)
    return ax, image


def count_table(fig, theme):
    res = results("step0")
    _, image = table_axes(fig, theme, res["counts"], f"Pair counts after {len(res['losses']):,} names")
    bar = fig.colorbar(image, ax=image.axes, shrink=0.8)
    bar.ax.tick_params(colors=theme["text"])


def empty_count_table(fig, theme):
    """The table as new_count_table makes it, before the first name: each
    cell written out, every one of them 0."""
    counts = step0_counting.new_count_table(tokenizer().vocab_size)
    size = len(counts)
    ax, _ = table_axes(fig, theme, counts, f"The table before counting: {size} × {size} cells",
                       vmin=0, vmax=1)  # a count of 0 takes the colour scale's low end
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            ax.text(j, i, str(count), ha="center", va="center", fontsize=5.5, color=theme["text"])
    ax.set_xticks([x - 0.5 for x in range(1, size)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, size)], minor=True)
    ax.grid(which="minor", color=theme["grid"], linewidth=0.5)
    ax.tick_params(which="minor", length=0)


def next_token_bars(fig, theme):
    res = results("step0")
    labels = token_labels(tokenizer())
    axes = fig.subplots(2, 1, sharex=True)
    for ax, current, color in zip(axes, [len(labels) - 1, labels.index("a")], theme["lines"]):
        probs = step0_counting.bigram(res["counts"], current)
        ax.bar(range(len(probs)), probs, color=color)
        ax.set_title(f"bigram({labels[current]}): what comes after {labels[current]}?")
        ax.set_ylabel("probability")
        ax.grid(axis="y", color=theme["grid"], linewidth=0.5)
        style(ax, theme)
    axes[-1].set_xticks(range(len(labels)), labels, fontsize=8)


def step0_loss(fig, theme):
    losses = results("step0")["losses"]
    loss_chart(fig, theme, [
        ((losses,), {"color": theme["faint"], "linewidth": 0.6, "label": "loss of each name"}),
        (loss_curve(losses), {"color": step_colour(theme, 0), "linewidth": 2, "label": MEAN_LABEL})])


PICTURES = {
    # name: (draw function, figure size in inches)
    "step-0/empty-count-table": (empty_count_table, (6.6, 6.5)),
    "step-0/count-table": (count_table, (7.5, 6.5)),
    "step-0/next-token": (next_token_bars, (8, 5)),
    "step-0/loss-curve": (step0_loss, (8, 4)),
}


# Widget data ----------------------------------------------------------------------

def tokenizer_data():
    """0.2: the characters of the vocabulary, in id order."""
    return {"uchars": "".join(tokenizer().uchars)}


def next_token_data():
    """0.4: each row of the trained table: its pairs and its probabilities."""
    counts = results("step0")["counts"]
    rows = range(len(counts))
    return {"labels": token_labels(tokenizer()),
            "pairs": [sum(counts[i]) for i in rows],
            "probs": [rounded(step0_counting.bigram(counts, i), NEXT_TOKEN_DIGITS) for i in rows]}


def count_fill():
    """0.3: the first names of training, counted one pair at a time. Each cell
    is [current id, next id, the cell's count once add_pairs has counted it]."""
    counts = step0_counting.new_count_table(tokenizer().vocab_size)
    names = []
    for name in results("step0")["first_docs"]:
        tokens = tokenizer().encode(name)
        cells = []
        for cur, nxt in zip(tokens, tokens[1:]):
            step0_counting.add_pairs(counts, [cur, nxt])  # the one pair (cur, nxt)
            cells.append([cur, nxt, counts[cur][nxt]])
        names.append({"name": name, "cells": cells})
    return {"labels": token_labels(tokenizer()), "names": names}


def pair_loss():
    """0.6: for every (current, next) pair, the trained table's probability of
    next (rounded for display) and its loss -log p, unrounded, so that the mean
    over a typed name's pairs is the package's name_loss to the last bit."""
    counts = results("step0")["counts"]
    ids = range(len(counts))
    return {"labels": token_labels(tokenizer()),
            "probs": [rounded(step0_counting.bigram(counts, i), SHOWN_DIGITS) for i in ids],
            "losses": [[step0_counting.pair_losses(counts, [i, j])[0] for j in ids] for i in ids]}


def step0_losses():
    """0.6: the loss of every training step and the name it scored. The names
    come from re-running Step 0 (a fraction of a second), whose losses must be
    the results file's."""
    res = results("step0")
    config = RunConfig(**res["config"])
    _, docs, run_tokenizer = start(config, log=lambda line: None)
    losses = step0_counting.train(step0_counting.new_count_table(run_tokenizer.vocab_size), docs,
                                  run_tokenizer, config.num_steps, on_step=lambda step, loss: None)
    if losses != res["losses"]:
        raise RuntimeError("Step 0 re-run here gives other losses than docs/results/step0.json: "
                           "the results are stale; run `nox -s results`")
    return {"names": [docs[step % len(docs)] for step in range(len(losses))],
            "losses": rounded(losses, SHOWN_DIGITS), "window": WINDOW,
            "mean": rounded(running_mean(losses), SHOWN_DIGITS),
            "baseline": math.log(run_tokenizer.vocab_size)}


WIDGETS = {"tokenizer": tokenizer_data, "next-token": next_token_data, "count-fill": count_fill,
           "pair-loss": pair_loss, "step0-losses": step0_losses}


# --- claims ---

def letter_pairs(name):
    """The (token, next token) pairs of a name, BOS at both ends: what Step 0 counts."""
    tokens = tokenizer().encode(name)
    return set(zip(tokens, tokens[1:]))


def shares_no_pair(seen, new):
    """Whether the name `new` has none of the letter pairs of the name `seen`."""
    return none_of(len(letter_pairs(new) & letter_pairs(seen)), len(letter_pairs(new)))

BARELY = 5  # "barely moves": by less than this many percent


def barely_moves(before, after):
    """Whether smoothing changes a probability by less than BARELY percent."""
    change = abs(after - before) / before * 100
    return Check(change < BARELY, f"{before:.4f} becomes {after:.4f}, a change of {change:.1f}% "
                                  f"(less than {BARELY}%)")


def below_guess_except(pairs, costly):
    """Whether every pair of a pair_table but the one at index `costly` costs
    less than the uniform guess, log(vocabulary size)."""
    guess = math.log(tokenizer().vocab_size)
    others = [pair for index, pair in enumerate(pairs) if index != costly]
    return all_of(sum(pair.loss < guess for pair in others), len(others))


def falls_then_flattens(losses, window=WINDOW):
    """Whether the loss falls faster per name from the first `window` names to
    the next `window` than from there to the last 2 x `window` (each mean
    placed at the middle of its names), and still falls after: the curve
    drops first, then flattens."""
    first, second, last = (mean_first(losses, window), mean(losses[window:2 * window]),
                           mean_last(losses, 2 * window))
    early = (first - second) / window
    late = (second - last) / (len(losses) - window - 1.5 * window)
    return Check(early > late > 0,
                 f"the mean loss goes {first:.4f}, {second:.4f}, then {last:.4f} over the last "
                 f"{2 * window}: a fall of {early:.5f} per name at first, then {late:.5f}")


def mostly_unseen(counts, context_lengths=(2, 3)):
    """Whether a table with `context_lengths` tokens of context would leave
    most of its cells without a single example, had it read the same names.
    Each counted pair is one position of a name; a longer context has at most
    as many positions, so at most that many of its cells can have been seen."""
    positions = sum(sum(row) for row in counts)
    checks = [most_of(max(0, possible_sequences(n + 1) - positions), possible_sequences(n + 1))
              for n in context_lengths]
    return Check(all(checks), "; ".join(check.description for check in checks)
                 + f" (at least; {positions} positions read)")
