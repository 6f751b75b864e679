"""Draw the site's pictures at build time from the results files.

Every picture is drawn twice, for the light and the dark theme, as SVG with
live text, and added to the build as a generated file: nothing is committed,
so nothing can go stale. Pages show them with the `picture` macro.
"""

import io
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from microgpt.results import load  # noqa: E402
from microgpt.step0_counting import bigram  # noqa: E402

RESULTS_DIR = "docs/results"
THEMES = {
    "light": {"text": "#24292f", "grid": "#d0d7de", "cmap": "Purples",
              "lines": ["#5e35b1", "#ef6c00", "#00897b", "#c62828"], "faint": "#b39ddb"},
    "dark": {"text": "#e6edf3", "grid": "#3d444d", "cmap": "magma",
             "lines": ["#b39ddb", "#ffb74d", "#4db6ac", "#ef9a9a"], "faint": "#5e4b8b"},
}


def results(step):
    return load(step, RESULTS_DIR)


def token_labels(res):
    return res["uchars"] + ["BOS"]


def running_mean(values, window=50):
    """The mean of the last `window` values at every step (fewer at the start)."""
    out = []
    for i in range(len(values)):
        recent = values[max(0, i - window + 1): i + 1]
        out.append(sum(recent) / len(recent))
    return out


def style(ax, theme):
    ax.set_facecolor("none")
    for spine in ax.spines.values():
        spine.set_color(theme["grid"])
    ax.tick_params(colors=theme["text"])
    ax.xaxis.label.set_color(theme["text"])
    ax.yaxis.label.set_color(theme["text"])
    ax.title.set_color(theme["text"])


def loss_axes(ax, theme, res0):
    baseline = math.log(res0["vocab_size"])
    ax.axhline(baseline, color=theme["grid"], linestyle="--", linewidth=1)
    ax.text(len(res0["losses"]), baseline, f"uniform guess, -log(1/{res0['vocab_size']})",
            color=theme["text"], ha="right", va="bottom", fontsize=9)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (cross-entropy)")
    ax.grid(color=theme["grid"], linewidth=0.5)


# ---- Step 0 --------------------------------------------------------------

def count_table(fig, theme):
    res = results("step0")
    labels = token_labels(res)
    ax = fig.subplots()
    image = ax.imshow(res["counts"], cmap=theme["cmap"])
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("next token")
    ax.set_ylabel("current token")
    ax.set_title(f"Pair counts after {len(res['losses']):,} names")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.ax.tick_params(colors=theme["text"])
    style(ax, theme)


def next_token(fig, theme):
    res = results("step0")
    labels = token_labels(res)
    axes = fig.subplots(2, 1, sharex=True)
    for ax, current, color in zip(axes, [len(labels) - 1, labels.index("a")], theme["lines"]):
        probs = bigram(res["counts"], current)
        ax.bar(range(len(probs)), probs, color=color)
        ax.set_title(f"bigram({labels[current]}): what comes after {labels[current]}?")
        ax.set_ylabel("probability")
        ax.grid(axis="y", color=theme["grid"], linewidth=0.5)
        style(ax, theme)
    axes[-1].set_xticks(range(len(labels)), labels, fontsize=8)


def step0_loss(fig, theme):
    res = results("step0")
    ax = fig.subplots()
    ax.plot(res["losses"], color=theme["faint"], linewidth=0.6, label="loss of each name")
    ax.plot(running_mean(res["losses"]), color=theme["lines"][0], linewidth=2,
            label="mean of the last 50")
    loss_axes(ax, theme, res)
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


# ---- Step 1 --------------------------------------------------------------

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


def gradient_check(fig, theme):
    check = results("step1")["gradient_check"]
    ax = fig.subplots()
    lo = min(check["grad_a"] + check["grad_n"])
    hi = max(check["grad_a"] + check["grad_n"])
    ax.plot([lo, hi], [lo, hi], color=theme["grid"], linewidth=1)
    ax.scatter(check["grad_a"], check["grad_n"], s=6, color=theme["lines"][0])
    ax.set_xlabel("analytic gradient (backpropagation)")
    ax.set_ylabel("numerical gradient (nudge by 1e-5)")
    ax.set_title(f"All {len(check['grad_a']):,} parameters, name '{check['doc']}'")
    ax.grid(color=theme["grid"], linewidth=0.5)
    style(ax, theme)


def step1_loss(fig, theme):
    res0, res1 = results("step0"), results("step1")
    ax = fig.subplots()
    for res, label, color in [(res0, "Step 0: counting", theme["lines"][1]),
                              (res1, "Step 1: MLP + SGD", theme["lines"][0])]:
        ax.plot(running_mean(res["losses"]), color=color, linewidth=2, label=label)
    loss_axes(ax, theme, res0)
    ax.set_title("Loss, mean of the last 50 names")
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


PICTURES = {
    # name: (draw function, figure size in inches)
    "step-0/count-table": (count_table, (7.5, 6.5)),
    "step-0/next-token": (next_token, (8, 5)),
    "step-0/loss-curve": (step0_loss, (8, 4)),
    "step-1/init-weights": (init_weights, (10, 3.6)),
    "step-1/gradient-check": (gradient_check, (6, 5.5)),
    "step-1/loss-curve": (step1_loss, (8, 4)),
}


def svg(draw, size, theme):
    with plt.rc_context({"svg.fonttype": "none", "font.size": 10,
                         "text.color": theme["text"]}):
        fig = plt.figure(figsize=size, layout="constrained")
        draw(fig, theme)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", transparent=True)
        plt.close(fig)
    return buffer.getvalue()


def picture_path(name, theme):
    return f"pictures/{name}-{theme}.svg"


def on_files(files, config):
    for name, (draw, size) in PICTURES.items():
        for theme_name, theme in THEMES.items():
            files.append(File.generated(config, picture_path(name, theme_name),
                                        content=svg(draw, size, theme)))
    return files
