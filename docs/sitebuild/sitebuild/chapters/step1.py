"""Step 1, Gradient Descent: its trained model, one weight's slope, the place
of a weight, the gradient check; its pictures, and the data of its widgets
(widgets/step1.js).

Step 1's results file keeps the initial weights, not the trained ones; the
trained model is rebuilt once per build by `step1_trained_state`, which fails
unless it reproduces the file's losses bit for bit (about 9 s of CPU), so the
widgets show the very model whose numbers the pages print.
"""

import math
from functools import cache
from typing import NamedTuple

from matplotlib.patches import Rectangle

from microgpt import step1_gradient_descent as step1
from microgpt.config import RunConfig
from microgpt.program import start
from sitebuild.claims import all_of
from sitebuild.common import results, rounded, token_labels, tokenizer
from sitebuild.plotting import MEAN_TITLE, loss_chart, loss_curve, step_colour, style

SHOWN_DIGITS = 3  # the strips of 1.4 and the bars of 1.3 print 3 decimals (no double rounding)
WEIGHT_DIGITS = 6  # initial weights, as 1.2's Try it prints them
TEMPERATURES = [round(0.1 + 0.05 * i, 2) for i in range(39)]  # 1.9's slider: 0.10, 0.15, ..., 2.00
EXAMPLE_NAME = "ava"  # 1.4 steps through its pairs, as 1.5's "Try it" does
CURVE_POINTS = 81  # points of the loss curve of 1.6
CURVE_HALF_WIDTH = 1.2  # the curve spans the weight +- this much, so eps = 1 fits
GRADIENT_DIGITS = 6  # significant digits of 1.8's slopes; their difference gets 2
# The eps of 1.6's slider (1 down to 1e-12, about half a decade apart) and
# of its table without JavaScript.
SLIDER_EPSILONS = [float(f"{m}e-{k + (m == 3)}") for k in range(13) for m in (1, 3)][:-1]
TABLE_EPSILONS = [1.0, 1e-2, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-12]
EXAMPLE_LOGITS = [2, 1, 0]  # 1.3 and 1.9 turn these logits into probabilities


# Parameters and small numeric helpers ------------------------------------------------

def parameter_count(shapes, *names):
    """How many numbers the named matrices hold (all of them if none is named)."""
    if not names:
        names = tuple(shapes)
    return sum(shapes[name][0] * shapes[name][1] for name in names)


def largest_abs(values):
    """The largest absolute value in a list."""
    return max(abs(value) for value in values)


def largest_abs_index(values):
    """The index of the value furthest from zero (the first on a tie)."""
    return max(range(len(values)), key=lambda i: abs(values[i]))


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


def percent_within_one_std():
    """Percent of a Gaussian's draws that land within one standard deviation of its mean."""
    return 100 * math.erf(1 / math.sqrt(2))


def example_softmax(temperature=1):
    """softmax of EXAMPLE_LOGITS divided by `temperature` (1: the logits as they are)."""
    return step1.softmax([logit / temperature for logit in EXAMPLE_LOGITS])


def example_probability_ratio():
    """How many times likelier the first example logit's token is than the second's: e^(2 - 1)."""
    probs = example_softmax()
    return probs[0] / probs[1]


def numerical_gradient_passes():
    """Forward passes one numerical gradient takes: one as it is, one per nudged parameter."""
    return results("step1")["num_params"] + 1


def numerical_training_passes():
    """Forward passes training would take with the numerical gradient at every step."""
    return numerical_gradient_passes() * results("step1")["config"]["num_steps"]


def backward_multiplications(shapes):
    """Multiplications of the analytic backward pass for one pair: two per weight of the MLP."""
    return 2 * parameter_count(shapes, "mlp_fc1", "mlp_fc2")


def gradient_error_ratio(check):
    """How many times the largest analytic slope exceeds the largest disagreement
    of the two gradients in the stored gradient check."""
    return largest_abs(check["grad_a"]) / check["max_diff"]


def last_step_learning_rate():
    """The learning rate of Step 1's last step, after its linear decay."""
    num_steps = results("step1")["config"]["num_steps"]
    return step1.LEARNING_RATE * (1 - (num_steps - 1) / num_steps)


def percent_of_names_seen():
    """Percent of the dataset's names that Step 1's training reads, one per step."""
    return 100 * results("step1")["config"]["num_steps"] / results("step0")["num_docs"]


def absent_current_tokens(tokenizer, name):
    """How many token ids never occur as the current token of a pair of `name`."""
    return tokenizer.vocab_size - len(set(tokenizer.encode(name)[:-1]))


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


def flat_order(state_dict):
    """Where each entry of parameters(state_dict) sits, in its order:
    (matrix name, row, column), found by asking which matrix row each place
    is (the places hold the rows themselves, not copies)."""
    rows = {id(row): (name, i) for name, mat in state_dict.items() for i, row in enumerate(mat)}
    return [(*rows[id(row)], j) for row, j in step1.parameters(state_dict)]


# The trained model, one weight's slope -------------------------------------------------

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


@cache
def trained_step1():
    """Step 1's trained weights, re-trained once per build (see above)."""
    return step1_trained_state(results("step1"))


def initial_state():
    """A fresh copy of Step 1's initial weights (the widgets nudge its weights)."""
    return {name: [list(row) for row in mat] for name, mat in results("step1")["init"].items()}


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


# Pictures -------------------------------------------------------------------------------

def init_weights(fig, theme):
    res = results("step1")
    axes = fig.subplots(1, 3, gridspec_kw={"width_ratios": [16, 16, 64]})
    biggest = max(abs(w) for mat in res["init"].values() for row in mat for w in row)
    for ax, (name, mat) in zip(axes, res["init"].items()):
        image = ax.imshow(mat, cmap="RdBu_r", vmin=-biggest, vmax=biggest)
        ax.set_title(f"{name}  {len(mat)}x{len(mat[0])}", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
        style(ax, theme)
    bar = fig.colorbar(image, ax=axes, shrink=0.7)
    bar.ax.tick_params(colors=theme["text"])


FLATTEN_EXAMPLE = {"w": [[0.0, 0.0], [0.0, 0.0]]}  # 1.2: a 2 x 2 matrix, as parameters() lays it out


def flatten_matrix(fig, theme):
    """A 2 x 2 matrix, the path along which parameters() reads it, and the
    flat list that comes out, each entry under its index."""
    ax = fig.subplots()
    (name, mat), = FLATTEN_EXAMPLE.items()
    colours = theme["lines"]  # one per row of the matrix
    size, gap = 1.1, 0.6

    def box(x, y, i, j):
        patch = Rectangle((x, y), size, size, facecolor=colours[i], alpha=0.35, edgecolor=theme["text"],
                          linewidth=1)
        ax.add_patch(patch)
        ax.text(x + size / 2, y + size / 2, f"{name}[{i}][{j}]", ha="center", va="center", fontsize=10,
                color=theme["text"])
        return patch

    cells = {(i, j): box(j * (size + gap), (len(mat) - 1 - i) * (size + gap), i, j)
             for i, row in enumerate(mat) for j in range(len(row))}
    order = flat_order(FLATTEN_EXAMPLE)
    for (_, i, j), (_, k, m) in zip(order, order[1:]):  # the reading path, cell to cell
        ax.annotate("", xy=cells[k, m].get_center(), xytext=cells[i, j].get_center(),
                    arrowprops={"arrowstyle": "-|>", "color": theme["text"], "linewidth": 1.2,
                                "patchA": cells[i, j], "patchB": cells[k, m], "shrinkA": 3, "shrinkB": 3})
    width = len(mat[0]) * size + (len(mat[0]) - 1) * gap
    ax.text(width / 2, 2 * size + gap + 0.25, f"{name}: {len(mat)} × {len(mat[0])}", ha="center",
            fontsize=11, color=theme["text"])
    start, y = width + 1.6, (size + gap) / 2
    ax.annotate("", xy=(start - 0.2, y + size / 2), xytext=(width + 0.2, y + size / 2),
                arrowprops={"arrowstyle": "-|>", "color": theme["text"], "linewidth": 2})
    for k, (_, i, j) in enumerate(order):
        x = start + k * (size + 0.25)
        box(x, y, i, j)
        ax.text(x + size / 2, y + size + 0.12, f"[{k}]", ha="center", va="bottom", fontsize=10,
                color=theme["text"])
    ax.text(start + (len(order) * (size + 0.25) - 0.25) / 2, 2 * size + gap + 0.25, "parameters(state_dict)",
            ha="center", fontsize=11, color=theme["text"], family="monospace")
    ax.set_xlim(-0.1, start + len(order) * (size + 0.25))
    ax.set_ylim(-0.1, 2 * size + gap + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")


def step1_loss(fig, theme):
    loss_chart(fig, theme, [
        (loss_curve(results(f"step{step}")["losses"]), {"color": step_colour(theme, step), "linewidth": 2,
                                                         "label": label})
        for step, label in [(0, "Step 0: counting"), (1, "Step 1: MLP + SGD")]], MEAN_TITLE)


PICTURES = {
    "step-1/init-weights": (init_weights, (10, 3.6)),
    "step-1/flatten": (flatten_matrix, (7.5, 2.4)),
    "step-1/loss-curve": (step1_loss, (8, 4)),
}


# Widget data ------------------------------------------------------------------------------

def significant(value, digits):
    """A float cut to `digits` significant digits (JSON then writes no more)."""
    return float(f"{value:.{digits - 1}e}")


def check_tokens():
    """The name of the program's gradient check (the first training name), as tokens."""
    doc = results("step1")["gradient_check"]["doc"]
    tokens = tokenizer().encode(doc)
    return doc, tokens, len(tokens) - 1


def temperature():
    """1.9: the first letter's probabilities at each temperature of the slider."""
    logits = results("step1")["bos_logits"]
    return {"labels": token_labels(tokenizer()),  # Step 1 uses Step 0's tokenizer
            "temperatures": TEMPERATURES,
            "probs": [rounded(step1.softmax([v / t for v in logits]), SHOWN_DIGITS) for t in TEMPERATURES]}


def init_weights_data():
    """1.2: Step 1's three matrices at initialisation, and where each starts in
    the flat list parameters(state_dict)."""
    init = results("step1")["init"]
    places = step1.parameters(init)
    first = {id(row): k for k, (row, j) in enumerate(places) if j == 0}
    return {"num_params": len(places),
            "matrices": [{"name": name, "offset": first[id(mat[0])],
                          "values": [rounded(row, WEIGHT_DIGITS) for row in mat]}
                         for name, mat in init.items()]}


def mlp_layers_data():
    """1.4: every move of the trained Step 1 model, for each of the 27 tokens."""
    state = trained_step1()
    layers = [mlp_layers(state, token_id) for token_id in range(tokenizer().vocab_size)]
    return {"labels": token_labels(tokenizer()),
            "example": {"name": EXAMPLE_NAME, "tokens": tokenizer().encode(EXAMPLE_NAME)},
            "layers": [{key: rounded(values, SHOWN_DIGITS) for key, values in moves.items()}
                       for moves in layers],
            "switched_off": [zero_count(moves["relu"]) for moves in layers]}


def loss_slope():
    """1.6: the loss of the gradient check's name along its steepest weight, at
    the initial weights, and the forward difference for each eps of the slider."""
    state = initial_state()
    doc, tokens, n = check_tokens()
    study = steepest_weight_slopes(state, tokens)
    offsets = rounded([CURVE_HALF_WIDTH * (2 * i / (CURVE_POINTS - 1) - 1) for i in range(CURVE_POINTS)],
                      SHOWN_DIGITS)
    return {"doc": doc, "place": parameter_place(results("step1")["shapes"], study.index),
            **study._asdict(), "default_eps": step1.GRAD_CHECK_EPS,
            "curve": {"offsets": offsets,
                      "losses": [nudged_loss(state, tokens, n, study.index, d) for d in offsets]}}


def gradient_check():
    """1.8: both gradients of every weight, from the program's own check: one
    [analytic, numerical, numerical - analytic] per weight, cut to the digits
    the widget prints (the page's weight budget allows no more)."""
    res = results("step1")
    check = res["gradient_check"]
    rows = [[significant(ga, GRADIENT_DIGITS), significant(gn, GRADIENT_DIGITS), significant(gn - ga, 2)]
            for gn, ga in zip(check["grad_n"], check["grad_a"])]
    differences = [gn - ga for gn, ga in zip(check["grad_n"], check["grad_a"])]
    return {"doc": check["doc"], "eps": step1.GRAD_CHECK_EPS, "blocks": parameter_blocks(res["shapes"]),
            "weights": rows, "largest_slope": largest_abs_index(check["grad_a"]),
            "largest_difference": largest_abs_index(differences)}


def trained_model():
    """What microgpt.analysis.sample_names reads, weights at full precision:
    the in-browser Python of 1.9's sample widget loads it when a reader asks."""
    return {"step": "step1", "uchars": tokenizer().uchars, "weights": trained_step1()}


WIDGETS = {"temperature": temperature, "init-weights": init_weights_data, "mlp-layers": mlp_layers_data,
           "loss-slope": loss_slope, "gradient-check": gradient_check, "model-step1": trained_model}


# --- claims ---

def same_zero_slopes(grad_n, grad_a):
    """Whether the numerical gradient is exactly zero wherever the analytic one is."""
    zeros = [k for k, slope in enumerate(grad_a) if slope == 0]
    return all_of(sum(grad_n[k] == 0 for k in zeros), len(zeros))
