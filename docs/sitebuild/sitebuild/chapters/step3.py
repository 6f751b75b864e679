"""Step 3, Attention: the trained model's attention and its peaks; the
pictures of the chapter, and the data of its widgets (widgets/step3.js)."""

import math
import random
from functools import cache
from typing import NamedTuple

from matplotlib.patches import Rectangle

from microgpt import step1_gradient_descent, step3_attention, step4_transformer
from microgpt.analysis import attention_trace
from microgpt.data import Tokenizer
from microgpt.recording import with_attention
from microgpt.step1_gradient_descent import N_EMBD
from microgpt.steps import ALL as STEPS
from sitebuild.claims import Check, within_percent_of_fit
from sitebuild.common import (
    WINDOW,
    below_from,
    mean_last,
    model_data,
    results,
    rounded,
    token_labels,
    trained_for,
    uniform_loss,
)
from sitebuild.diagrams import pipeline
from sitebuild.plotting import MEAN_TITLE, loss_chart, loss_curve, step_colour, style

SHOWN_DIGITS = 3  # the attention widgets print 3 decimals
EXAMPLE_NAME = "emma"  # a name with a repeated letter: same token, two positions
ATTENTION_NAMES = ("emma", "olivia", "isabella")


# Numbers of the pages --------------------------------------------------------------------

def new_matrices(shapes, old_shapes):
    """The names of the matrices that `old_shapes` did not have, in order."""
    return [name for name in shapes if name not in old_shapes]


def matrix_count(matrices):
    """How many matrices a state dict's shapes (or a list of matrix names) hold."""
    return len(matrices)


def mlp_width():
    """Hidden units of the MLP: four per number of an embedding."""
    return 4 * N_EMBD


def concatenated_width():
    """Numbers per position if the position's embedding were placed beside the token's."""
    return 2 * N_EMBD


def last_position(shapes):
    """The last position the model has an embedding for (positions count from 0)."""
    return shapes["wpe"][0] - 1


def score_scale(width):
    """The typical size of a dot product of `width` random numbers, sqrt(width),
    as a whole number: what attention divides its scores by."""
    return int(width ** 0.5)


def final_position(weights):
    """The last position of a name's attention weights, one entry per position."""
    return len(weights) - 1


def position_count(positions):
    """How many positions a row of attention weights (or of labels) covers."""
    return len(positions)


def smallest_weight(row):
    """The smallest attention weight of a row."""
    return min(row)


def largest_weight(row):
    """The largest attention weight of a row."""
    return max(row)


def even_share_at(position):
    """Each weight if the row at `position` (from 0) spread its attention evenly."""
    return 1 / (position + 1)


def even_share(row):
    """Each weight if the row spread its attention evenly over its positions."""
    return 1 / len(row)


def learning_rate_drop():
    """How many times lower Step 3's learning rate is than Step 2's, rounded."""
    return round(STEPS[2].module.LEARNING_RATE / STEPS[3].module.LEARNING_RATE)


def final_loss_gain():
    """How much lower Step 3's final mean loss is than Step 2's."""
    return mean_last(results("step2")["losses"]) - mean_last(results("step3")["losses"])


def attention(results, name):
    """The trained model's attention weights while it reads `name`: one entry
    per position (BOS, then each letter), each a list of rows, one per layer
    and head in that order, over the positions so far (Steps 3, 4 and 5)."""
    state = trained_for(results)
    tokens = Tokenizer(results["uchars"]).encode(name)
    rows = []
    if "model" in results:  # Steps 4 and 5: layers and heads
        model = results["model"]
        keys, values = step4_transformer.empty_cache(model["n_layer"])
        for pos in range(len(tokens) - 1):
            rows.append(with_attention(step4_transformer.gpt, state, tokens[pos], pos, keys, values,
                                       model["n_head"])[1])
    else:  # Step 3: one head
        keys, values = [], []
        for pos in range(len(tokens) - 1):
            rows.append(with_attention(step3_attention.gpt, state, tokens[pos], pos, keys, values)[1])
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
    best = None
    for name in names:
        for position, heads in enumerate(attention(results, name)):
            for head, row in enumerate(heads):
                if len(row) > 1 and (best is None or peak(name, position, head, row).share > best.share):
                    best = peak(name, position, head, row)
    return best


FOCUSED = 2  # a head "picks" a position when it gives it more than twice the even share


def focused_count(peaks, factor=FOCUSED):
    """How many of the peaks give their position more than `factor` times the even share."""
    return sum(1 for p in peaks if p.share > factor)


def strongest(peaks):
    """The peak with the largest weight (the first on a tie)."""
    return max(peaks, key=lambda p: p.weight)


PROJECTED_POSITION = 1  # 3.4's picture projects the input at this position of EXAMPLE_NAME
PROJECTIONS = (("q", "attn_wq"), ("k", "attn_wk"), ("v", "attn_wv"))


class Projections(NamedTuple):
    """One position's normalised input and its three projections (3.4)."""
    label: str  # the token read at that position
    x: list  # the block's input after its RMSNorm
    matrices: dict  # "attn_wq", "attn_wk", "attn_wv": rows of floats
    outputs: dict  # "q", "k", "v"


def projections(results, name=EXAMPLE_NAME, position=PROJECTED_POSITION):
    """The trained model's x, q, k and v at one position of `name`, worked
    out as gpt's first lines do. Raises ValueError unless k and v equal the
    key and value that gpt itself caches at that position."""
    state = trained_for(results)
    tokens = Tokenizer(results["uchars"]).encode(name)
    keys, values = [], []
    for pos in range(position + 1):
        step3_attention.gpt(state, tokens[pos], pos, keys, values)
    token_id = tokens[position]
    embedded = [t + p for t, p in zip(state["wte"][token_id], state["wpe"][position])]
    x = step3_attention.rmsnorm(step3_attention.rmsnorm(embedded))
    outputs = {out: step1_gradient_descent.linear(x, state[matrix]) for out, matrix in PROJECTIONS}
    if [a.data for a in outputs["k"]] != [b.data for b in keys[-1]] or \
            [a.data for a in outputs["v"]] != [b.data for b in values[-1]]:
        raise ValueError("3.4's projections differ from what gpt caches: follow gpt's first lines again")
    matrices = {matrix: [[w.data for w in row] for row in state[matrix]] for _, matrix in PROJECTIONS}
    return Projections(token_labels(Tokenizer(results["uchars"]))[token_id], [a.data for a in x], matrices,
                       {out: [a.data for a in vector] for out, vector in outputs.items()})


# Pictures -----------------------------------------------------------------------------------

def step3_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("token, position", True), ("wte + wpe", True), ("RMSNorm", True),
                  ("q, k, v", True), ("attention\nover KV cache", True), ("attn_wo\n+ residual", True),
                  ("RMSNorm", True), ("MLP\n16→64→16", False), ("+ residual", True),
                  ("lm_head\n→ logits", True), ("softmax,\nloss", False), ("backward,\nSGD", False)],
             theme, per_row=6)
    ax.set_title("Step 3: new blocks highlighted", color=theme["text"])


def embeddings(fig, theme):
    res = results("step3")
    tokenizer = Tokenizer(res["uchars"])
    tokens = tokenizer.encode(EXAMPLE_NAME)[:-1]
    wte, wpe = res["weights"]["wte"], res["weights"]["wpe"]
    panels = [("wte[token]", [wte[t] for t in tokens]),
              ("wpe[position]", [wpe[p] for p in range(len(tokens))]),
              ("x = wte[token] + wpe[position]",
               [[a + b for a, b in zip(wte[t], wpe[p])] for p, t in enumerate(tokens)])]
    labels = [f"{p}: {token_labels(tokenizer)[t]}" for p, t in enumerate(tokens)]
    axes = fig.subplots(1, 3)
    biggest = max(abs(v) for _, rows in panels for row in rows for v in row)
    for ax, (title, rows) in zip(axes, panels):
        image = ax.imshow(rows, cmap="RdBu_r", vmin=-biggest, vmax=biggest)
        ax.set_title(title, fontsize=10)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xticks([])
        ax.set_xlabel("16 dimensions")
        style(ax, theme)
    bar = fig.colorbar(image, ax=axes, shrink=0.8)
    bar.ax.tick_params(colors=theme["text"])


def attention_maps(fig, theme):
    axes = fig.subplots(1, len(ATTENTION_NAMES))
    for ax, name in zip(axes, ATTENTION_NAMES):
        labels = ["BOS", *name]
        rows = [heads[0] for heads in attention(results("step3"), name)]  # one head
        grid = [row + [float("nan")] * (len(labels) - len(row)) for row in rows]
        ax.imshow(grid, cmap=theme["cmap"], vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)), labels)
        ax.set_yticks(range(len(labels)), labels)
        ax.set_xlabel("looks at (cached position)")
        ax.set_title(name)
        style(ax, theme)
    axes[0].set_ylabel("current position")


def kv_cache(fig, theme):
    labels = ["BOS", *EXAMPLE_NAME]
    ax = fig.subplots()
    for pos in range(len(labels)):
        y = -pos
        ax.text(-0.6, y, f"position {pos}, reading {labels[pos]}", ha="right", va="center",
                color=theme["text"], fontsize=9)
        for t in range(pos + 1):
            new = t == pos
            for row, kind in ((0.2, "k"), (-0.2, "v")):
                ax.add_patch(Rectangle((t * 1.1, y + row - 0.17), 1.0, 0.34,
                                       facecolor=theme["lines"][1] if new else "none",
                                       edgecolor=theme["text"], linewidth=0.8))
                ax.text(t * 1.1 + 0.5, y + row, f"{kind}{t} ({labels[t]})", ha="center", va="center",
                        fontsize=7, color="#1b1b1b" if new else theme["text"])
    ax.set_xlim(-5.2, len(labels) * 1.1)
    ax.set_ylim(-len(labels) + 0.4, 0.6)
    ax.set_title("keys and values in the cache; the highlighted pair is added at this position",
                 color=theme["text"])
    ax.axis("off")


def vector_column(ax, values, biggest, title):
    """A vector drawn as a column of coloured cells, each with its value."""
    ax.imshow([[v] for v in values], cmap="RdBu_r", vmin=-biggest, vmax=biggest, aspect="auto")
    for i, v in enumerate(values):
        ax.text(0, i, f"{v:.2f}".replace("-0.00", "0.00"), ha="center", va="center", fontsize=6.5,
                color="#ffffff" if abs(v) > 0.6 * biggest else "#1b1b1b")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=11)


def qkv_projections(fig, theme):
    found = projections(results("step3"))
    grid = fig.add_gridspec(1, 7, width_ratios=[2.2, 16, 2.2, 16, 2.2, 16, 2.2], wspace=0.15)
    vectors = [found.x, *found.outputs.values()]
    biggest_vector = max(abs(v) for vector in vectors for v in vector)
    biggest_weight = max(abs(w) for mat in found.matrices.values() for row in mat for w in row)
    vector_column(fig.add_subplot(grid[0]), found.x, biggest_vector, "x")
    for n, ((out, matrix), outputs) in enumerate(zip(PROJECTIONS, found.outputs.values())):
        ax = fig.add_subplot(grid[1 + 2 * n])
        image = ax.imshow(found.matrices[matrix], cmap="RdBu_r", vmin=-biggest_weight, vmax=biggest_weight,
                          aspect="auto")  # row i of the matrix beside entry i of its output
        ax.set_title(f"{matrix}  ·  x", fontsize=11, family="monospace")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{len(found.matrices[matrix][0])} columns, one per number of x", fontsize=8)
        style(ax, theme)
        vector_column(fig.add_subplot(grid[2 + 2 * n]), outputs, biggest_vector, f"= {out}")
    bar = fig.colorbar(image, ax=fig.axes, orientation="horizontal", shrink=0.35, aspect=40, pad=0.04)
    bar.set_label("weights of the three matrices", color=theme["text"], fontsize=9)
    bar.ax.tick_params(colors=theme["text"], labelsize=8)
    fig.suptitle(f"The input at position {PROJECTED_POSITION} of \"{EXAMPLE_NAME}\" (reading {found.label}), "
                 f"projected three ways by the trained Step 3 model", color=theme["text"], fontsize=11)


def step3_loss(fig, theme):
    loss_chart(fig, theme, [
        (loss_curve(results(f"step{step}")["losses"]), {"color": step_colour(theme, step), "linewidth": 2,
                                                         "label": label})
        for step, label in [(2, "Step 2: MLP on one token"), (3, "Step 3: attention over the name so far")]],
        MEAN_TITLE)


PICTURES = {
    "step-3/pipeline": (step3_pipeline, (12, 2.7)),
    "step-3/embeddings": (embeddings, (10, 2.4)),
    "step-3/attention": (attention_maps, (12, 4.4)),
    "step-3/kv-cache": (kv_cache, (9, 4.2)),
    "step-3/qkv": (qkv_projections, (11, 4.6)),
    "step-3/loss-curves": (step3_loss, (8, 4)),
}


# Widget data --------------------------------------------------------------------------------

@cache
def attention_trace_data(step, name):
    """What microgpt.analysis.attention_trace returns, rounded: the attention
    widgets draw this, whether it was computed here or in the reader's browser."""
    return rounded(attention_trace(results(step), name), SHOWN_DIGITS)


def attention_widget(step, name):
    """The data of an attention widget: the trace of `name` in `step`'s model."""
    return lambda: attention_trace_data(step, name)


WIDGETS = {
    **{widget: attention_widget("step3", EXAMPLE_NAME)
       for widget in ("embeddings", "attention-weights", "attention-output", "kv-cache")},
    "model-step3": lambda: model_data("step3"),
}


# --- claims ---

SATURATION_LENGTHS = (4, 16, 64, 256, 1024)
SATURATION_TRIALS = 100
NEARLY_ONE_HOT = 0.9  # a row whose top weight is above this has all but picked one position


class SaturationRow(NamedTuple):
    """What softmax makes of random scores q·k at one vector length d."""
    d: int
    top_raw: float  # mean largest weight, scores as they are
    top_scaled: float  # the same, scores divided by √d
    one_hot_raw: int  # trials whose largest weight is above NEARLY_ONE_HOT
    one_hot_scaled: int


@cache
def saturation(lengths=SATURATION_LENGTHS, positions=8, trials=SATURATION_TRIALS, seed=0):
    """3.5's experiment: per length d, `trials` random attention rows over
    `positions` keys (query, keys: numbers of size 1), with and without the
    division by √d. The "Try it" of 3.5 runs the same computation."""
    rng = random.Random(seed)
    rows = []
    for d in lengths:
        raw, scaled = [], []
        for _ in range(trials):
            q = [rng.gauss(0, 1) for _ in range(d)]
            dots = [sum(a * rng.gauss(0, 1) for a in q) for _ in range(positions)]
            raw.append(max(step1_gradient_descent.softmax(dots)))
            scaled.append(max(step1_gradient_descent.softmax([dot / math.sqrt(d) for dot in dots])))
        rows.append(SaturationRow(d, sum(raw) / trials, sum(scaled) / trials,
                                  sum(1 for top in raw if top > NEARLY_ONE_HOT),
                                  sum(1 for top in scaled if top > NEARLY_ONE_HOT)))
    return rows


def saturates_without_division(rows):
    """Whether, without the division, the mean top weight rises with every
    length and ends above NEARLY_ONE_HOT."""
    tops = [row.top_raw for row in rows]
    rising = all(a < b for a, b in zip(tops, tops[1:]))
    return Check(rising and tops[-1] > NEARLY_ONE_HOT,
                 f"the top weights without division, {[round(t, 3) for t in tops]}, rise and end "
                 f"above {NEARLY_ONE_HOT}")


def stays_spread_with_division(rows, percent=10):
    """Whether, with the division, every length's mean top weight lies within
    `percent`% of their average."""
    tops = [row.top_scaled for row in rows]
    level = sum(tops) / len(tops)
    return within_percent_of_fit(tops, [level] * len(tops), percent)


# Attention is "nearly even" when no weight lies further than this from its row's even share.
NEARLY_EVEN_PERCENT = 30
TRAINED_NAMES = ATTENTION_NAMES  # the names whose trained attention the pages show


def _weights_and_even_shares(results, names):
    """Every weight of every row with more than one position (every layer and
    head), over the given names, and the even share of its row."""
    weights, shares = [], []
    for name in names:
        for heads in attention(results, name):
            for row in heads:
                if len(row) > 1:
                    weights += row
                    shares += [1 / len(row)] * len(row)
    return weights, shares


def off_even_percent(results, names=TRAINED_NAMES):
    """How far, in percent of the even share, the weight furthest from its
    row's even share lies (rows over more than one position)."""
    weights, shares = _weights_and_even_shares(results, names)
    return max(abs(w - s) / s for w, s in zip(weights, shares)) * 100


def nearly_even(results, names=TRAINED_NAMES, percent=NEARLY_EVEN_PERCENT):
    """Whether every attention weight of the names lies within `percent`% of its row's even share."""
    return within_percent_of_fit(*_weights_and_even_shares(results, names), percent)


def picks_positions(peak):
    """Whether a head's peak is more than FOCUSED times the even share of its row."""
    return Check(peak.share > FOCUSED, f"the peak of {peak.name!r} at position {peak.position}, "
                                       f"head {peak.head}, is {peak.share:.2f} times the even share, "
                                       f"more than {FOCUSED}")


NEAR_UNIFORM_PERCENT = 5  # a first loss "near the blind guess" is within this of log(vocab_size)


def start_near_uniform(*steps, percent=NEAR_UNIFORM_PERCENT):
    """Whether each step's loss of the first name lies within `percent`% of the uniform guess."""
    firsts = [results(step)["losses"][0] for step in steps]
    return within_percent_of_fit(firsts, [uniform_loss()] * len(firsts), percent)


def stays_below(lower, upper, by=None):
    """Whether the running mean of step `lower`'s losses ends below that of
    `upper` and stays below from some name on (from name `by` or earlier, if given)."""
    start = below_from(results(lower)["losses"], results(upper)["losses"])
    holds = start is not None and (by is None or start <= by)
    return Check(holds, f"{lower}'s running mean stays below {upper}'s from name {start}"
                        + (f", at the latest from name {by}" if by is not None else ""))


def pulls_ahead_at_once(lower, upper):
    """stays_below, from within the first WINDOW names."""
    return stays_below(lower, upper, by=WINDOW)

