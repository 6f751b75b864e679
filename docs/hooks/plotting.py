"""What every picture shares: the two themes, the results files, axis styling."""

import math

from microgpt.results import load

RESULTS_DIR = "docs/results"
THEMES = {
    "light": {"text": "#24292f", "grid": "#d0d7de", "cmap": "Purples",
              "lines": ["#5e35b1", "#ef6c00", "#00897b", "#c62828"], "faint": "#b39ddb",
              # one colour per step, the same as the loss-curve widget's (extra.css)
              "steps": ["#ef6c00", "#5e35b1", "#00897b", "#c62828", "#6d4c41", "#1e88e5"]},
    "dark": {"text": "#e6edf3", "grid": "#3d444d", "cmap": "magma",
             "lines": ["#b39ddb", "#ffb74d", "#4db6ac", "#ef9a9a"], "faint": "#5e4b8b",
             "steps": ["#ef6c00", "#b39ddb", "#00897b", "#c62828", "#bcaaa4", "#1e88e5"]},
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
