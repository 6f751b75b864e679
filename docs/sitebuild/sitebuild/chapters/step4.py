"""Step 4, Transformer: heads and layers; the pictures of the chapter, and
the data of its widget (widgets/step4.js)."""

from microgpt.config import ModelConfig
from microgpt.steps import ALL as STEPS
from sitebuild.chapters.step1 import parameter_count
from sitebuild.chapters.step3 import attention, attention_widget
from sitebuild.claims import Check, within_percent_of_fit
from sitebuild.common import mean, mean_last, model_data, results, running_mean
from sitebuild.diagrams import pipeline
from sitebuild.plotting import MEAN_TITLE, loss_chart, loss_curve, step_colour, style

HEADS_NAME = "isabella"


# Numbers of the pages ---------------------------------------------------------------------

def layer_parameter_count(shapes, layer=0):
    """How many numbers one layer of a Step 4/5 model holds."""
    return parameter_count(shapes, *[name for name in shapes if name.startswith(f"layer{layer}.")])


def head_dim(model):
    """How many numbers each head sees, for a results file's `model` dict."""
    return model["n_embd"] // model["n_head"]


def head_starts(model):
    """Where each head's slice of q, k and v begins."""
    return [head * head_dim(model) for head in range(model["n_head"])]


def model_parameter_count(shapes, model):
    """Parameters of a Step 4/5 model: the shared matrices plus n_layer layers."""
    shared = parameter_count(shapes, "wte", "wpe", "lm_head")
    return shared + model["n_layer"] * layer_parameter_count(shapes, 0)


def head_last_place(model, head):
    """The last place of head `head`'s slice of q, k, v and of the output."""
    return (head + 1) * head_dim(model) - 1


def score_divisor(width):
    """What attention divides the scores of `width`-number vectors by: sqrt(width)."""
    return width ** 0.5


def shrink_with_step3_divisor(model):
    """How many times too small a head's scores would come out if it divided
    by Step 3's divisor, the square root of the full width, instead of by the
    square root of its own width."""
    return (results("step3")["shapes"]["attn_wq"][0] / head_dim(model)) ** 0.5


def attention_rows(model, layers):
    """Rows of attention weights one position records: one per head of each layer."""
    return layers * model["n_head"]


def last_loss_gap():
    """How far apart the final mean losses of Steps 3 and 4 are."""
    return abs(mean_last(results("step3")["losses"]) - mean_last(results("step4")["losses"]))




# Pictures ---------------------------------------------------------------------------------

def step4_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("wte + wpe", False), ("RMSNorm", False),
                  ("for each layer:", True), ("q, k, v", False), ("split into\nn_head heads", True),
                  ("attention\nper head", True), ("concatenate", True), ("attn_wo\n+ residual", False),
                  ("MLP + residual", False), ("next layer", True), ("lm_head", False),
                  ("softmax, loss", False)], theme, per_row=6)
    ax.set_title("Step 4: new blocks highlighted", color=theme["text"])


def heads(fig, theme):
    res = results("step4")
    model, labels = ModelConfig(**res["model"]), ["BOS", *HEADS_NAME]
    rows = attention(res, HEADS_NAME)  # per position: n_layer * n_head rows of weights
    axes = fig.subplots(1, model.n_head)
    for h, ax in enumerate(axes):
        grid = [row[h] + [float("nan")] * (len(labels) - len(row[h])) for row in rows]
        ax.imshow(grid, cmap=theme["cmap"], vmin=0, vmax=1)
        ax.set_xticks(range(len(labels)), labels, fontsize=7, rotation=90)
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        start = h * model.head_dim
        ax.set_title(f"head {h}: dims {start}-{start + model.head_dim - 1}", fontsize=9)
        style(ax, theme)
    axes[0].set_ylabel("current position")


def heads_card(fig, theme):
    """The heads for the home page's card, two by two and large enough to read
    at card size: each head's title and, on the left, the letters of the name."""
    res = results("step4")
    model, labels = ModelConfig(**res["model"]), ["BOS", *HEADS_NAME]
    rows = attention(res, HEADS_NAME)
    columns = 2
    axes = fig.subplots(-(-model.n_head // columns), columns, sharex=True, sharey=True, squeeze=False)
    for h, ax in enumerate(axes.flat):
        if h >= model.n_head:
            ax.set_axis_off()
            continue
        grid = [row[h] + [float("nan")] * (len(labels) - len(row[h])) for row in rows]
        ax.imshow(grid, cmap=theme["cmap"], vmin=0, vmax=1)
        ax.set_title(f"head {h}", fontsize=12)
        ax.set_xticks([])
        ax.set_yticks(range(len(labels)), labels, fontsize=10)
        style(ax, theme)
        if h % columns:  # the letters are on the left of the row only
            ax.tick_params(axis="y", length=0)
    fig.suptitle(f'{model.n_head} heads reading "{HEADS_NAME}"', fontsize=13, color=theme["text"])


def all_losses(fig, theme, steps):
    loss_chart(fig, theme, [
        (loss_curve(results(step.name)["losses"]),
         {"color": step_colour(theme, step.number), "linewidth": 1.6,
          "linestyle": "--" if step.number == 2 else "-",  # Step 2 lies on Step 1
          "label": step.heading}) for step in steps],
        MEAN_TITLE, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.16))


PICTURES = {
    "step-4/pipeline": (step4_pipeline, (12, 2.7)),
    "step-4/heads": (heads, (12, 3.8)),
    "step-4/heads-card": (heads_card, (3.6, 4.2)),
    "step-4/loss-curves": (lambda fig, theme: all_losses(fig, theme, STEPS[:5]), (8, 4.2)),
}


WIDGETS = {"heads": attention_widget("step4", HEADS_NAME), "model-step4": lambda: model_data("step4")}


# --- claims ---

def about_half(count, total, tolerance=0.05):
    """Whether `count` is within `tolerance` × total of total / 2, as a coin
    toss would land."""
    return Check(abs(count - total / 2) < total * tolerance,
                 f"{count} of {total} is within {tolerance:.0%} of the total from half")


LEVEL_PERCENT = 1  # final mean losses within 1% of each other have "levelled off together"
CLOSE_PERCENT = 3  # running means within 3% of each other at every name "run close together"


def level_off_together(*steps, percent=LEVEL_PERCENT):
    """Whether the steps' mean losses over their last names lie within
    `percent`% of their common mean."""
    finals = [mean_last(results(step)["losses"]) for step in steps]
    return within_percent_of_fit(finals, [mean(finals)] * len(finals), percent)


def below_all(lower_steps, upper_steps):
    """Whether every step of `lower_steps` ends (mean of the last names) below every step of `upper_steps`."""
    highest = max(mean_last(results(step)["losses"]) for step in lower_steps)
    lowest = min(mean_last(results(step)["losses"]) for step in upper_steps)
    return Check(highest < lowest, f"the highest final mean of {', '.join(lower_steps)}, {highest:.4f}, "
                                   f"is below the lowest of {', '.join(upper_steps)}, {lowest:.4f}")


def run_close(first, second, percent=CLOSE_PERCENT):
    """Whether the running means of two steps' losses stay within `percent`% of each other at every name."""
    return within_percent_of_fit(running_mean(results(second)["losses"]),
                                 running_mean(results(first)["losses"]), percent)


def draws(samples):
    """The tokens the sampling drew, in the order of the random stream: each
    name's letters, then "." for the BOS that ended it (one draw each)."""
    return "".join(name + "." for name in samples)


def draw_count(samples):
    """How many draws the sampling of these names took."""
    return len(draws(samples))


def same_draws(samples, others):
    """At how many draws, counted along the random stream, two samplings drew the same token."""
    return sum(1 for a, b in zip(draws(samples), draws(others)) if a == b)
