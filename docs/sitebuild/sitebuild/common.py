"""What every chapter of the site shares: the results files (read once), the
trained models (rebuilt once), rounding for the widgets, token labels, the
averaging window, and the statistics of losses and of generated names.

Sums use Python's ``sum`` in list order, as the pages always did, so every
number comes out bit for bit the same.
"""

import math
from collections import Counter
from functools import cache
from pathlib import Path

from microgpt.analysis import WINDOW, mean, trained_state
from microgpt.analysis import mean_last as mean_last  # shared with the reader's browser (live.py)
from microgpt.analysis import position_labels as position_labels  # shared with attention_trace
from microgpt.config import MAX_SAMPLE_LENGTH
from microgpt.data import Tokenizer
from microgpt.results import load, load_timings

ROOT = Path(__file__).parents[3]
RESULTS_DIR = ROOT / "docs" / "results"  # the one place that names the results folder


# The results files and what is rebuilt from them ------------------------------

@cache
def results(name):
    """docs/results/<name>.json (a step, or "speed"), read once per build.
    Shared by every caller: treat it as read-only."""
    return load(name, RESULTS_DIR)


@cache
def timings():
    """CPU seconds of each step's last full run (machine-dependent)."""
    return load_timings(RESULTS_DIR)


@cache
def tokenizer():
    """The names.txt tokenizer, rebuilt from the characters Step 0 stored
    (every step uses the same)."""
    return Tokenizer(results("step0")["uchars"])


@cache
def trained(step):
    """The trained model of Step 3, 4 or 5 as a state dict of Values, rebuilt
    once per build (microgpt.analysis.trained_state). Only read it: forward
    passes leave it as it is, a backward pass would not."""
    return trained_state(results(step))


def trained_for(res):
    """The trained model of a results file: the cached one when `res` is the
    stored file itself, else rebuilt (a file a test made, say)."""
    step = res.get("step")
    return trained(step) if step and res is results(step) else trained_state(res)


def model_data(step):
    """What microgpt.analysis.attention_trace and sample_names read of a
    results file (Steps 3-5), weights at full precision: the in-browser
    Python loads it when a reader types a name or asks for samples."""
    return {key: value for key, value in results(step).items()
            if key in ("step", "uchars", "model", "weights")}


def token_labels(tokenizer):
    """A label per token id: the letters, then "BOS"."""
    return tokenizer.uchars + ["BOS"]


def last_letter_id():
    """The id of the last letter: the letters take ids 0 up to it, BOS the next."""
    return tokenizer().BOS - 1


def possible_sequences(length):
    """How many sequences of `length` tokens the vocabulary allows (for 2, the
    cells of Step 0's count table)."""
    return tokenizer().vocab_size ** length


def uniform_probability():
    """Each token's probability under a uniform guess: 1 / vocabulary size."""
    return 1 / tokenizer().vocab_size


def uniform_loss():
    """The loss of a uniform guess, log(vocabulary size): the line every model starts from."""
    return math.log(tokenizer().vocab_size)


def pairs_in(name):
    """How many (current, next) pairs a name gives: its tokens, BOS at both ends, less one."""
    return len(tokenizer().encode(name)) - 1


def run_seconds(step, digits=0):
    """Seconds of the step's last full run, rounded to `digits` decimals (a whole number for 0)."""
    return round(timings()[step]) if digits == 0 else round(timings()[step], digits)


def seconds_per_step(step):
    """Seconds per training step of the step's last full run."""
    return timings()[step] / results(step)["config"]["num_steps"]


def rounded(values, digits):
    """Every float in a nest of lists, tuples and dicts rounded to `digits`
    decimals (JSON-ready: tuples become lists); anything else as it is."""
    if isinstance(values, float):
        return round(values, digits)
    if isinstance(values, list | tuple):
        return [rounded(v, digits) for v in values]
    if isinstance(values, dict):
        return {k: rounded(v, digits) for k, v in values.items()}
    return values


# Losses ------------------------------------------------------------------------

def training_steps(losses):
    """How many training steps a run took: one loss each."""
    return len(losses)


def mean_first(losses, n=WINDOW):
    """Mean of the first `n` losses."""
    return mean(losses[:n])


def spread_last(losses, n=WINDOW):
    """Sample standard deviation of the last `n` losses: how far the loss of
    one name typically lies from their mean."""
    window = losses[-n:]
    centre = mean(window)
    squares = 0.0
    for loss in window:
        squares = squares + (loss - centre) ** 2
    return (squares / (len(window) - 1)) ** 0.5


def running_mean(losses, window=WINDOW):
    """Entry i is the mean of the losses of names i-window+1 .. i (fewer at
    the start): the curve the loss pictures draw."""
    return [mean(losses[max(0, i - window + 1):i + 1]) for i in range(len(losses))]


def below_from(lower, upper, window=WINDOW):
    """The name number (counted from 1) from which the running mean of `lower`
    stays strictly below that of `upper` to the end; None if it ends at or
    above it."""
    a, b = running_mean(lower, window), running_mean(upper, window)
    last_not_below = max((i for i in range(len(a)) if a[i] >= b[i]), default=-1)
    if last_not_below == len(a) - 1:
        return None
    return last_not_below + 2  # the index after it, counted from 1


def first_reach(losses, target, window=WINDOW):
    """The first name number (counted from 1) at which the running mean of
    `losses` is at or below `target`; None if it never gets there."""
    for i, value in enumerate(running_mean(losses, window)):
        if value <= target:
            return i + 1
    return None


def lower_count(a, b, steps=None):
    """On how many steps (all, or the given indices) loss `a` is below loss `b`."""
    return sum(1 for i in _indices(a, b, steps) if a[i] < b[i])


def exact_count(a, b, steps=None):
    """On how many steps the two losses are exactly equal."""
    return sum(1 for i in _indices(a, b, steps) if a[i] == b[i])


def agree_count(a, b, digits=4, steps=None):
    """On how many steps the two losses print the same with `digits` decimals."""
    return sum(1 for i in _indices(a, b, steps) if f"{a[i]:.{digits}f}" == f"{b[i]:.{digits}f}")


def largest_gap(a, b):
    """The largest difference between the losses of the same step."""
    return max(abs(x - y) for x, y in zip(a, b, strict=True))


def _indices(a, b, steps):
    if len(a) != len(b):
        raise ValueError(f"the two loss lists differ in length: {len(a)} and {len(b)}")
    return range(len(a)) if steps is None else steps


# Generated names -----------------------------------------------------------------

def name_lengths(names):
    """The number of letters of each name."""
    return [len(name) for name in names]


def name_count(names):
    """How many names a list holds."""
    return len(names)


def shortest_length(names):
    """Letters of the shortest name."""
    return min(name_lengths(names))


def longest_length(names):
    """Letters of the longest name."""
    return max(name_lengths(names))


def mean_length(names):
    """Average number of letters of the names."""
    return mean(name_lengths(names))


def distinct_count(names):
    """How many different names there are."""
    return len(set(names))


def most_common(names):
    """The name that comes out most often and how often; on a tie, the one
    that comes first in the list."""
    name, count = Counter(names).most_common(1)[0]
    return name, count


def same_places(names, others):
    """How many positions hold the same name in both lists."""
    return sum(1 for a, b in zip(names, others, strict=True) if a == b)


def cut_off_count(names, max_len=MAX_SAMPLE_LENGTH):
    """How many names reached the sampling cap of `max_len` tokens."""
    return sum(1 for name in names if len(name) == max_len)
