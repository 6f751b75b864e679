"""What every picture shares: the Agg backend (drawing to files), the two
themes, the step colours, axis styling, loss curves."""

import math

import matplotlib

from sitebuild.common import WINDOW, results, running_mean

matplotlib.use("Agg")  # draw to files, never to a window (allowed before any figure)

LOSS_CURVE_POINTS = 200  # points per loss curve, in pictures and widgets
# One colour per step, by step number: every picture and widget takes a
# step's colour from here (the widgets through the generated steps.css).
STEP_COLOURS = {
    "light": ["#ef6c00", "#5e35b1", "#00897b", "#c62828", "#6d4c41", "#1e88e5"],
    "dark": ["#ef6c00", "#b39ddb", "#00897b", "#c62828", "#bcaaa4", "#1e88e5"],
}
THEMES = {
    "light": {"text": "#24292f", "grid": "#d0d7de", "cmap": "Purples",
              "lines": ["#5e35b1", "#ef6c00", "#00897b", "#c62828"], "faint": "#b39ddb",
              "steps": STEP_COLOURS["light"]},
    "dark": {"text": "#e6edf3", "grid": "#3d444d", "cmap": "magma",
             "lines": ["#b39ddb", "#ffb74d", "#4db6ac", "#ef9a9a"], "faint": "#5e4b8b",
             "steps": STEP_COLOURS["dark"]},
}


def step_colour(theme, step):
    """The colour of a step ("step3" or 3) in a theme."""
    return theme["steps"][int(str(step).removeprefix("step"))]


def steps_css():
    """CSS classes mg-step-N for the widgets: the stroke of step N's line, and
    `--mg-step`, the same colour for a label's swatch (label text keeps the
    text colour: some step colours are too faint for small text)."""
    rules = []
    for theme, scope in (("light", ""), ("dark", '[data-md-color-scheme="slate"] ')):
        rules += [f"{scope}.mg-step-{n} {{ stroke: {colour}; --mg-step: {colour}; }}"
                  for n, colour in enumerate(STEP_COLOURS[theme])]
    source = "/* Generated from STEP_COLOURS in docs/sitebuild/sitebuild/plotting.py */"
    return source + "\n" + "\n".join(rules) + "\n"


def every_nth(values, points):
    """About `points` evenly spaced values, the last one included, and their indices."""
    stride = max(1, len(values) // points)
    indices = list(range(0, len(values), stride))
    if indices[-1] != len(values) - 1:
        indices.append(len(values) - 1)
    return indices, [values[i] for i in indices]


def loss_curve(losses, points=LOSS_CURVE_POINTS):
    """The running mean of the losses at about `points` steps: (steps, means).
    A curve drawn a few hundred pixels wide shows no more than that."""
    return every_nth(running_mean(losses), points)


def style(ax, theme):
    ax.set_facecolor("none")
    for spine in ax.spines.values():
        spine.set_color(theme["grid"])
    ax.tick_params(colors=theme["text"])
    ax.xaxis.label.set_color(theme["text"])
    ax.yaxis.label.set_color(theme["text"])
    ax.title.set_color(theme["text"])


MEAN_LABEL = f"mean of the last {WINDOW}"  # what a loss curve shows
MEAN_TITLE = f"Loss, mean of the last {WINDOW} names"


def loss_axes(ax, theme, res0):
    baseline = math.log(res0["vocab_size"])
    ax.axhline(baseline, color=theme["grid"], linestyle="--", linewidth=1)
    ax.text(len(res0["losses"]), baseline, f"uniform guess, -log(1/{res0['vocab_size']})",
            color=theme["text"], ha="right", va="bottom", fontsize=9)
    ax.set_xlabel("training step")
    ax.set_ylabel("loss (cross-entropy)")
    ax.grid(color=theme["grid"], linewidth=0.5)


def loss_chart(fig, theme, lines, title=None, **legend_options):
    """A chart of losses: each line as (x and y, plot options), the uniform
    guess of Step 0's vocabulary, the title, a legend of the lines."""
    ax = fig.subplots()
    for points, options in lines:
        ax.plot(*points, **options)
    loss_axes(ax, theme, results("step0"))
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, labelcolor=theme["text"], **legend_options)
    style(ax, theme)
