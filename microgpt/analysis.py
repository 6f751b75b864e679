"""Derived numbers: what the site computes from the results files.

The pages, the pictures and the widgets all show numbers derived from what a
step measured (its losses, samples, counts or trained weights): the mean of
the last 50 losses, the point where one loss curve drops below another, the
attention weights of the trained model on a name. They are computed here,
once, with the step modules' own code, so each can be unit-tested; a page
only formats them, e.g. ``{{ analysis.mean_last(step1.losses) | f4 }}``.

Sums use Python's ``sum`` in list order, as the pages did before, so every
number comes out bit for bit the same.
"""

import random
from collections import Counter
from typing import NamedTuple

from . import step0_counting, step2_autograd, step3_attention, step4_transformer
from . import step1_gradient_descent as step1
from .config import MAX_SAMPLE_LENGTH, ModelConfig, RunConfig
from .data import Tokenizer
from .errors import MicrogptError
from .program import start
from .step1_gradient_descent import logged_every_200
from .step2_autograd import Value, topological_order
from .step5_adam import BETA1, BETA2, EPS

WINDOW = 50  # the site compares losses as means over this many names
# The decay rates Kingma and Ba's Adam paper suggests (and most libraries use
# by default), for comparison with Step 5's BETA1 and BETA2.
PAPER_BETA1, PAPER_BETA2 = 0.9, 0.999


# Losses ---------------------------------------------------------------------

def mean(values):
    """The arithmetic mean of a non-empty list."""
    if not values:
        raise ValueError("the mean of an empty list is undefined")
    return sum(values) / len(values)


def mean_first(losses, n=WINDOW):
    """Mean of the first `n` losses."""
    return mean(losses[:n])


def mean_last(losses, n=WINDOW):
    """Mean of the last `n` losses."""
    return mean(losses[-n:])


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


def about_half(count, total, tolerance=0.05):
    """Whether `count` is within `tolerance` × total of total / 2, as a coin
    toss would land."""
    return abs(count - total / 2) < total * tolerance


def logged_steps(num_steps, logged=logged_every_200):
    """The steps (counted from 0) whose loss a program prints."""
    return [step for step in range(num_steps) if logged(step)]


def _indices(a, b, steps):
    if len(a) != len(b):
        raise ValueError(f"the two loss lists differ in length: {len(a)} and {len(b)}")
    return range(len(a)) if steps is None else steps


def memory_length(beta):
    """Roughly how many steps a running mean with decay `beta` remembers: 1 / (1 - beta)."""
    if not 0 <= beta < 1:
        raise ValueError(f"a decay rate must be in [0, 1), got {beta}")
    return 1 / (1 - beta)


# Generated names -------------------------------------------------------------

def name_lengths(names):
    """The number of letters of each name."""
    return [len(name) for name in names]


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


# Step 0: the count table ----------------------------------------------------

def token_labels(tokenizer):
    """A label per token id: the letters, then "BOS"."""
    return tokenizer.uchars + ["BOS"]


def position_labels(name):
    """What sits at each position when a name is fed in: BOS, then its letters."""
    return ["BOS"] + list(name)


def total_pairs(counts):
    """How many pairs the table has counted."""
    return sum(sum(row) for row in counts)


def zero_cells(counts):
    """How many cells of the table are still zero."""
    return sum(row.count(0) for row in counts)


def column_total(counts, token_id):
    """How often `token_id` was counted as the next token."""
    return sum(row[token_id] for row in counts)


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


class Row(NamedTuple):
    """One row of the count table, worked out as bigram() does."""
    label: str  # the current token
    cells: list  # a NextToken per possible next token, most frequent first (id order on ties)
    total: int  # the real counts of the row
    denominator: int  # total plus one pretend count per cell
    probability_sum: float


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


# Shapes and parameter counts -------------------------------------------------

def parameter_count(shapes, *names):
    """How many numbers the named matrices hold (all of them if none is named)."""
    if not names:
        names = tuple(shapes)
    return sum(shapes[name][0] * shapes[name][1] for name in names)


def layer_parameter_count(shapes, layer=0):
    """How many numbers one layer of a Step 4/5 model holds."""
    return parameter_count(shapes, *[name for name in shapes if name.startswith(f"layer{layer}.")])


def new_matrices(shapes, old_shapes):
    """The names of the matrices that `old_shapes` did not have, in order."""
    return [name for name in shapes if name not in old_shapes]


def head_dim(model):
    """How many numbers each head sees, for a results file's `model` dict."""
    return model["n_embd"] // model["n_head"]


def head_starts(model):
    """Where each head's slice of q, k and v begins."""
    return [head * head_dim(model) for head in range(model["n_head"])]


def largest_abs(values):
    """The largest absolute value in a list."""
    return max(abs(value) for value in values)


def zero_count(values):
    """How many of the values are exactly zero."""
    return sum(1 for value in values if value == 0)


def power_of_ten_below(ratio):
    """The largest power of ten that is at most `ratio` (for ratio >= 1)."""
    if ratio < 1:
        raise ValueError(f"expected a ratio of at least 1, got {ratio}")
    power = 1
    while power * 10 <= ratio:
        power *= 10
    return power


def absent_current_tokens(tokenizer, name):
    """How many token ids never occur as the current token of a pair of `name`."""
    return tokenizer.vocab_size - len(set(tokenizer.encode(name)[:-1]))


# Step 1: its trained model, one weight's slope, the place of a weight ----------

def step1_trained_state(results):
    """Step 1's trained weights, which its results file does not store: run()'s
    own sequence (shuffle, initial weights, train) with the file's settings.
    Raises ValueError unless the initial weights, every loss and the trained
    first-letter logits equal the file's, bit for bit."""
    config = RunConfig(**results["config"])
    rng, docs, tokenizer = start(config, log=lambda line: None)
    state_dict = step1.init_state_dict(rng, tokenizer.vocab_size)
    if state_dict != results["init"]:
        raise ValueError("Step 1's initial weights differ from its results file's: the file "
                         "is stale (python -m microgpt.results step1 rewrites it)")
    losses = step1.train(state_dict, docs, tokenizer, config.num_steps, lambda step, loss: None)
    if losses != results["losses"] or step1.mlp(state_dict, tokenizer.BOS) != results["bos_logits"]:
        raise ValueError("re-training Step 1 gave other losses or logits than its results "
                         "file: the file is stale (python -m microgpt.results step1 rewrites it)")
    return state_dict


def mlp_layers(state_dict, token_id):
    """What Step 1's `mlp` computes for one token, move by move, then softmax."""
    x = state_dict["wte"][token_id]
    h_pre = step1.linear(x, state_dict["mlp_fc1"])
    h = step1.relu(h_pre)
    logits = step1.linear(h, state_dict["mlp_fc2"])
    return {"embedding": list(x), "hidden": h_pre, "relu": h, "logits": logits,
            "probs": step1.softmax(logits)}


def nudged_loss(state_dict, tokens, n, index, delta):
    """Step 1's loss of a name with weight number `index` (in `parameters`
    order) moved by `delta`; the weight is put back exactly afterwards."""
    row, j = step1.parameters(state_dict)[index]
    saved = row[j]
    row[j] = saved + delta
    try:
        return step1.forward(state_dict, tokens, n)
    finally:
        row[j] = saved


def forward_difference(state_dict, tokens, n, index, eps):
    """The slope of one weight as `numerical_gradient` measures it, with any `eps`."""
    return (nudged_loss(state_dict, tokens, n, index, eps) - step1.forward(state_dict, tokens, n)) / eps


# The eps of 1.6's slider (1 down to 1e-12, about half a decade apart) and
# of its table without JavaScript.
SLIDER_EPSILONS = [float(f"{m}e-{k + (m == 3)}") for k in range(13) for m in (1, 3)][:-1]
TABLE_EPSILONS = [1.0, 1e-2, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12]


class WeightSlopes(NamedTuple):
    """A name's loss along one weight: its true slope and forward differences."""
    index: int  # in `parameters` order
    weight: float
    loss: float
    true_slope: float  # from analytic_gradient
    epsilons: list
    nudged: list  # the loss with the weight moved by each eps
    slopes: list  # the forward difference for each eps
    differences: list  # slope - true_slope


def steepest_weight_slopes(state_dict, tokens, epsilons=SLIDER_EPSILONS):
    """For the weight with the steepest slope of the loss of `tokens` (every
    pair), the forward difference with each eps, next to the true slope."""
    n = len(tokens) - 1
    loss, grad = step1.analytic_gradient(state_dict, tokens, n)
    index = largest_abs_index(grad)
    row, j = step1.parameters(state_dict)[index]
    nudged = [nudged_loss(state_dict, tokens, n, index, eps) for eps in epsilons]
    slopes = [forward_difference(state_dict, tokens, n, index, eps) for eps in epsilons]
    return WeightSlopes(index, row[j], loss, grad[index], list(epsilons), nudged, slopes,
                        [slope - grad[index] for slope in slopes])


def slope_rows(slopes):
    """WeightSlopes as rows (eps, nudged loss, slope, difference), for a table."""
    return list(zip(slopes.epsilons, slopes.nudged, slopes.slopes, slopes.differences))


class CheckedWeight(NamedTuple):
    """One weight of a gradient check: where it sits, and both of its slopes."""
    index: int
    place: tuple  # (matrix, row, column)
    analytic: float
    numerical: float
    difference: float  # numerical - analytic


def gradient_check_rows(shapes, grad_n, grad_a, k=5):
    """The k weights with the steepest analytic slope, then the one whose two
    slopes differ most (the first on a tie)."""
    differences = [gn - ga for gn, ga in zip(grad_n, grad_a)]
    steepest = sorted(range(len(grad_a)), key=lambda i: -abs(grad_a[i]))[:k]
    return [CheckedWeight(i, parameter_place(shapes, i), grad_a[i], grad_n[i], differences[i])
            for i in steepest + [largest_abs_index(differences)]]


def top_next(logits, k=5):
    """The k most likely next tokens of Step 1's logits: (token id, logit,
    probability), most likely first (the lower id first on a tie)."""
    probs = step1.softmax(logits)
    ids = sorted(range(len(logits)), key=lambda i: -probs[i])[:k]
    return [(i, logits[i], probs[i]) for i in ids]


def largest_abs_index(values):
    """The index of the value furthest from zero (the first on a tie)."""
    return max(range(len(values)), key=lambda i: abs(values[i]))


def parameter_blocks(shapes):
    """Each matrix of a state dict with its shape and the index of its first
    weight in the flat `parameters` list, in state-dict order."""
    blocks, start_index = [], 0
    for name, (rows, cols) in shapes.items():
        blocks.append({"name": name, "rows": rows, "cols": cols, "start": start_index})
        start_index += rows * cols
    return blocks


def parameter_place(shapes, index):
    """(matrix, row, column) of weight number `index` of the flat list."""
    for block in parameter_blocks(shapes):
        offset = index - block["start"]
        if 0 <= offset < block["rows"] * block["cols"]:
            return block["name"], offset // block["cols"], offset % block["cols"]
    raise ValueError(f"no weight number {index}: there are "
                     f"{sum(r * c for r, c in shapes.values())} (numbered from 0)")


# Step 2: the worked graph ------------------------------------------------------

class Graph(NamedTuple):
    a: Value
    b: Value
    c: Value
    d: Value
    L: Value


def example_graph(a=2.0, b=3.0, backward=True):
    """The graph of Step 2's pages, L = log(a*b + a), after L.backward()
    (before it, with backward=False)."""
    a, b = Value(a), Value(b)
    c = a * b
    d = c + a
    loss = d.log()
    if backward:
        loss.backward()
    return Graph(a, b, c, d, loss)


def backward_walk(root):
    """`root.backward()` one visit at a time: yields each Value of
    reversed(topological_order(root)) right after it has passed its grad on
    to its children, so a caller can watch the grads fill in. When the walk
    ends, every grad is what backward() gives (tests/package checks it)."""
    order = topological_order(root)
    root.grad = 1
    for v in reversed(order):
        for child, local_grad in zip(v._children, v._local_grads):
            child.grad += local_grad * v.grad
        yield v


class NameGraph(NamedTuple):
    """The loss of a name in Step 2's model, built move by move as
    `name_loss` builds it, with the Values each move made."""
    loss: Value
    groups: list  # (label, the Values first made by that move, the move's outputs), in order


def name_loss_graph(state_dict, tokens):
    """Step 2's `name_loss` over every pair of `tokens`, spelled out move by
    move (mlp's three moves, softmax, -log p, the mean) so that each Value
    of the graph can be told which move made it. Raises ValueError unless
    the loss equals `name_loss`'s and the graph has as many Values."""
    n = len(tokens) - 1
    groups, seen = [], set()

    def made(label, outputs):
        new = [v for out in outputs for v in topological_order(out) if v not in seen]
        new = list(dict.fromkeys(new))
        seen.update(new)
        groups.append((label, new, list(outputs)))

    for name, mat in state_dict.items():
        made(name, [p for row in mat for p in row])
    losses = []
    for pos in range(n):
        x = state_dict["wte"][tokens[pos]]
        h_pre = step1.linear(x, state_dict["mlp_fc1"])
        made(f"pair {pos + 1}: mlp_fc1 · x", h_pre)
        h = [v.relu() for v in h_pre]
        made(f"pair {pos + 1}: relu", h)
        logits = step1.linear(h, state_dict["mlp_fc2"])
        made(f"pair {pos + 1}: mlp_fc2 · h", logits)
        probs = step2_autograd.softmax(logits)
        made(f"pair {pos + 1}: softmax", probs)
        losses.append(-probs[tokens[pos + 1]].log())
        made(f"pair {pos + 1}: -log p", losses[-1:])
    loss = (1 / n) * sum(losses)
    made("loss: mean over pairs", [loss])
    reference = step2_autograd.name_loss(state_dict, tokens, n)
    if reference.data != loss.data or len(topological_order(reference)) != len(topological_order(loss)):
        raise ValueError("the move-by-move graph differs from step2_autograd.name_loss's: "
                         "name_loss_graph must follow name_loss")
    in_graph = set(topological_order(loss))  # e.g. only two rows of wte for a one-letter name
    kept = [(label, [v for v in values if v in in_graph], [v for v in outputs if v in in_graph])
            for label, values, outputs in groups]
    return NameGraph(loss, [group for group in kept if group[1]])


# Steps 3-5: the trained model and its attention ---------------------------------

def trained_state(results):
    """The trained weights of a results file as a state dict of Values, the
    form the step's `gpt` takes."""
    try:
        weights = results["weights"]
    except KeyError:
        raise ValueError(f"the results of {results.get('step', 'this step')} hold no trained "
                         "weights (only Steps 3-5 store them)") from None
    return {name: [[Value(w) for w in row] for row in matrix] for name, matrix in weights.items()}


def attention(results, name, state=None):
    """The trained model's attention weights while it reads `name`: one entry
    per position (BOS, then each letter), each a list of rows, one per layer
    and head in that order, over the positions so far. Pass `state` (from
    trained_state) to reuse a rebuilt model."""
    state = state or trained_state(results)
    tokens = Tokenizer(results["uchars"]).encode(name)
    rows = []
    if "model" in results:  # Steps 4 and 5: layers and heads
        model = results["model"]
        keys, values = step4_transformer.empty_cache(model["n_layer"])
        for pos in range(len(tokens) - 1):
            collected = []
            step4_transformer.gpt(state, tokens[pos], pos, keys, values, model["n_head"], collected)
            rows.append(collected)
    else:  # Step 3: one head
        keys, values = [], []
        for pos in range(len(tokens) - 1):
            collected = []
            step3_attention.gpt(state, tokens[pos], pos, keys, values, collected)
            rows.append(collected)
    return rows


class Peak(NamedTuple):
    """The largest weight of one attention row."""
    name: str
    position: int  # the position whose row it is
    head: int
    target: int  # the position it looks at
    weight: float
    share: float  # weight divided by the even share 1 / (position + 1)


def peak(name, position, head, row):
    weight = max(row)
    return Peak(name, position, head, row.index(weight), weight, weight * len(row))


def head_peaks(results, name, position=-1):
    """The peak of every head's row at one position (default: the last)."""
    rows = attention(results, name)
    position = position % len(rows)
    return [peak(name, position, head, row) for head, row in enumerate(rows[position])]


def sharpest(results, names):
    """Of every row with more than one position, over the given names, the
    peak furthest above its even share (the first on a tie)."""
    best, state = None, trained_state(results)
    for name in names:
        for position, heads in enumerate(attention(results, name, state)):
            for head, row in enumerate(heads):
                if len(row) > 1 and (best is None or peak(name, position, head, row).share > best.share):
                    best = peak(name, position, head, row)
    return best


def focused_count(peaks, factor=2):
    """How many of the peaks give their position more than `factor` times the even share."""
    return sum(1 for p in peaks if p.share > factor)


def strongest(peaks):
    """The peak with the largest weight (the first on a tie)."""
    return max(peaks, key=lambda p: p.weight)


# Speed (docs/results/speed.json) ----------------------------------------------

PHASES = ("forward", "backward", "update")


def speed_figures(speed, num_steps=1000):
    """What the chapter "Why is it so slow?" says about microgpt.speed's
    measurements (times in ms, memory in MiB)."""
    census, split, steps = speed["census"], speed["split"], speed["split_steps"]
    created = [row["created"] for row in census]
    in_graph = [row["in_graph"] for row in census]
    positions = [row["positions"] for row in census]
    new_nodes = sum(row["new_in_graph"] for row in census)
    slow_total = sum(split["step5"][phase] for phase in PHASES)
    phases = [{"phase": phase, "step5_ms": 1000 * split["step5"][phase] / steps,
               "share": split["step5"][phase] / slow_total,
               "fast_ms": 1000 * split["fast"][phase] / steps} for phase in PHASES]

    growth = speed["growth"]
    by_length, by_width = growth["by_length"], growth["by_width"]

    def worst_fit(rows, key, reference):
        """Largest relative distance of Step 5's time from time ∝ graph nodes,
        the line through the reference point."""
        ref = next(row for row in rows if row[key] == reference)
        return max(abs(row["step5"] / (row["nodes"] * ref["step5"] / ref["nodes"]) - 1) for row in rows)

    default_width = ModelConfig().n_embd
    width_from = next(row for row in by_width if row["n_embd"] == default_width)
    first, last = by_length[0], by_length[-1]
    per_node_first, per_node_last = first["step5"] / first["nodes"], last["step5"] / last["nodes"]

    bench = speed["bench"]
    slow, quick = bench["runs"]["step5"], bench["runs"]["fast"]
    return {
        "names": len(census),
        "created_min": min(created), "created_max": max(created), "created_mean": mean(created),
        "in_graph_min": min(in_graph), "in_graph_max": max(in_graph),
        "positions_min": min(positions), "positions_max": max(positions),
        "blocks_per_node": sum(row["blocks"] for row in census) / new_nodes,
        "bytes_per_node": sum(row["bytes"] for row in census) / new_nodes,
        "largest_graph_mib": max(row["bytes"] for row in census) / 2**20,
        "phases": phases,
        "step5_graph_share": (split["step5"]["forward"] + split["step5"]["backward"]) / slow_total,
        "step5_update_share": split["step5"]["update"] / slow_total,
        "fast_update_ms": phases[2]["fast_ms"],
        "fast_step_ms": sum(row["fast_ms"] for row in phases),
        "fit_worst": max(worst_fit(by_length, "positions", growth["width_positions"]),
                         worst_fit(by_width, "n_embd", default_width)),
        "per_node_first_us": 1e6 * per_node_first, "per_node_last_us": 1e6 * per_node_last,
        "per_node_grows": per_node_last > 1.1 * per_node_first,
        "length_nodes_ratio": last["nodes"] / first["nodes"],
        "length_time_ratio": last["step5"] / first["step5"],
        "width_from": width_from["n_embd"], "width_to": by_width[-1]["n_embd"],
        "width_nodes_ratio": by_width[-1]["nodes"] / width_from["nodes"],
        "width_time_ratio": by_width[-1]["step5"] / width_from["step5"],
        "step5_ms": 1000 * slow["seconds"] / bench["steps"],
        "fast_ms": 1000 * quick["seconds"] / bench["steps"],
        "fast_full_seconds": quick["seconds"] / bench["steps"] * num_steps,
        "step5_full_minutes": slow["seconds"] / bench["steps"] * num_steps / 60,
        "step5_added_mib": slow["peak_mib"] - slow["before_training_mib"],
        "fast_added_mib": quick["peak_mib"] - quick["before_training_mib"],
    }


# Widgets of Steps 3-5: Adam on a recorded gradient, the attention layer at work ----

def adam_trace(grads, beta1=BETA1, beta2=BETA2, eps=EPS):
    """Adam's two running means over a recorded gradient history, kept as
    step5_adam.Adam keeps them, with any decay rates: per step the raw `m`
    and `v`, their bias-corrected `m_hat` and `v_hat`, `sqrt_v_hat`, and `step`, the move
    m_hat / (sqrt(v_hat) + eps) in units of the learning rate. With Step 5's
    rates, `m` and `v` are exactly what the run recorded (results "moments")."""
    m = v = 0.0
    trace = {"m": [], "v": [], "m_hat": [], "v_hat": [], "sqrt_v_hat": [], "step": []}
    for t, g in enumerate(grads):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1 ** (t + 1))
        v_hat = v / (1 - beta2 ** (t + 1))
        for key, value in (("m", m), ("v", v), ("m_hat", m_hat), ("v_hat", v_hat),
                           ("sqrt_v_hat", v_hat**0.5), ("step", m_hat / (v_hat**0.5 + eps))):
            trace[key].append(value)
    return trace


def attention_trace(results, name):
    """What the trained model of a results file (Step 3, 4 or 5) computes at
    each position while it reads `name` (BOS, then its letters), up to its
    first attention output, as plain lists of floats (JSON-ready):

    - `labels`: what sits at each position; `n_head`, `head_dim`;
    - per position: `token`, `tok_emb` (its row of wte), `pos_emb` (the row of
      wpe), `x` (their sum), the query `q`, the key `k` and the value `v` it
      adds to the cache, `weights` (one row per head, over the positions so
      far) and `x_attn`, the weights times the cached values, heads
      concatenated. For Steps 4-5 these are the first layer's.

    The model runs with the step's own `gpt`, which fills the cache; `q` comes
    from the same rmsnorm and linear, and the weights and `x_attn` from Step 4's
    multi_head_attention (one head of width n_embd for Step 3, the same sums).
    """
    tokenizer = Tokenizer(results["uchars"])
    tokens = tokenizer.encode(name)  # a clear MicrogptError for a character outside the vocabulary
    state = trained_state(results)
    block_size = len(state["wpe"])
    if len(tokens) - 1 > block_size:
        raise ValueError(f"the model sees at most {block_size} positions: BOS and {block_size - 1} "
                         f"letters, and {name!r} has {len(name)}; type a shorter name")
    model = results.get("model")
    n_head = model["n_head"] if model else 1
    layer = "layer0." if model else ""
    keys, values = step4_transformer.empty_cache(model["n_layer"] if model else 1)
    labels = position_labels(name)
    positions = []
    for pos, token in enumerate(tokens[:-1]):
        if model:
            step4_transformer.gpt(state, token, pos, keys, values, n_head)
        else:
            step3_attention.gpt(state, token, pos, keys[0], values[0])
        x = [t + p for t, p in zip(state["wte"][token], state["wpe"][pos])]
        q = step1.linear(step3_attention.rmsnorm(step3_attention.rmsnorm(x)),
                                          state[layer + "attn_wq"])
        weights = []
        x_attn = step4_transformer.multi_head_attention(q, keys[0], values[0], n_head, weights)
        positions.append({"token": labels[pos],
                          "tok_emb": results["weights"]["wte"][token],
                          "pos_emb": results["weights"]["wpe"][pos],
                          **{key: [value.data for value in vector] for key, vector in
                             (("x", x), ("q", q), ("k", keys[0][pos]), ("v", values[0][pos]),
                              ("x_attn", x_attn))},
                          "weights": weights})
    return {"name": name, "labels": labels, "n_head": n_head, "head_dim": len(q) // n_head,
            "positions": positions}


# Sampling from a trained model -----------------------------------------------

MAX_SAMPLES = 50


def sample_names(model, count=10, temperature=0.5, seed=42):
    """`count` names from a trained model, drawn by the step's own `sample`
    with a fresh random.Random(seed), so the same arguments always give the
    same names. `model`: a results file of Steps 3-5, or any dict with its
    "step", "uchars", "weights" (and for Steps 4-5 "model"), as the site
    serves it for the reader's browser."""
    if not isinstance(count, int) or not 1 <= count <= MAX_SAMPLES:
        raise MicrogptError(f"the number of names must be a whole number from 1 to {MAX_SAMPLES}, "
                            f"got {count!r}")
    if not temperature > 0:
        raise MicrogptError(f"the temperature must be greater than 0, got {temperature!r}")
    tokenizer, rng = Tokenizer(model["uchars"]), random.Random(seed)
    if model["step"] == "step1":
        weights = {name: [list(row) for row in matrix] for name, matrix in model["weights"].items()}
        return [step1.sample(weights, tokenizer, rng, temperature) for _ in range(count)]
    state = trained_state(model)
    if model["step"] == "step3":
        return [step3_attention.sample(state, tokenizer, rng, temperature) for _ in range(count)]
    shape = ModelConfig(**model["model"])
    return [step4_transformer.sample(state, tokenizer, rng, temperature, shape) for _ in range(count)]
