"""Pictures of Steps 4 and 5: pipelines, attention per head, Adam's moments,
what beta does to a noisy signal, and the loss curves of every step."""

import random

from diagrams import pipeline
from plotting import every_nth, loss_axes, loss_curve, results, step_colour, style

from microgpt.config import ModelConfig
from microgpt.data import Tokenizer
from microgpt.step2_autograd import Value
from microgpt.step4_transformer import empty_cache, gpt
from microgpt.step5_adam import BETA1, BETA2
from microgpt.steps import ALL as STEPS

HEADS_NAME = "isabella"
MOMENT_POINTS = 300


def head_attention(step, name):
    """Attention weights of a trained model, per head, at every position of BOS + name."""
    res = results(step)
    model = ModelConfig(**res["model"])
    state_dict = {k: [[Value(w) for w in row] for row in m] for k, m in res["weights"].items()}
    keys, values = empty_cache(model.n_layer)
    rows = []  # per position: n_layer * n_head rows of weights
    for pos, token_id in enumerate(Tokenizer(res["uchars"]).encode(name)[:-1]):
        collected = []
        gpt(state_dict, token_id, pos, keys, values, model.n_head, attention=collected)
        rows.append(collected)
    return model, ["BOS", *name], rows


def step4_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("wte + wpe", False), ("RMSNorm", False),
                  ("for each layer:", True), ("q, k, v", False), ("split into\nn_head heads", True),
                  ("attention\nper head", True), ("concatenate", True), ("attn_wo\n+ residual", False),
                  ("MLP + residual", False), ("next layer", True), ("lm_head", False),
                  ("softmax, loss", False)], theme, per_row=6)
    ax.set_title("Step 4: new blocks highlighted", color=theme["text"])


def step5_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("the Step 4\ntransformer", False), ("loss", False), ("backward()", False),
                  ("m: mean of grads", True), ("v: mean of grads²", True),
                  ("bias correction", True), ("p -= lr · m̂ /\n(√v̂ + ε)", True), ("zero grads", False)],
             theme, per_row=4)
    ax.set_title("Step 5: only the update changes", color=theme["text"])


def heads(fig, theme):
    model, labels, rows = head_attention("step4", HEADS_NAME)
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


def all_losses(fig, theme, steps):
    ax = fig.subplots()
    for step in steps:
        ax.plot(*loss_curve(results(step.name)["losses"]), color=step_colour(theme, step.number),
                linewidth=1.6, linestyle="--" if step.number == 2 else "-",  # Step 2 lies on Step 1
                label=step.heading)
    loss_axes(ax, theme, results("step0"))
    ax.set_title("Loss, mean of the last 50 names")
    ax.legend(frameon=False, labelcolor=theme["text"], ncols=3, loc="upper center",
              bbox_to_anchor=(0.5, -0.16))
    style(ax, theme)


def moments(fig, theme):
    watched = results("step5")["moments"]
    axes = fig.subplots(len(watched), 1, sharex=True)
    for ax, record in zip(axes, watched):
        matrix, row, column = record["where"]
        # MOMENT_POINTS per curve: as much as a plot this wide can show
        ax.plot(*every_nth(record["grad"], MOMENT_POINTS), color=theme["faint"], linewidth=0.6,
                label="gradient")
        ax.plot(*every_nth(record["m"], MOMENT_POINTS), color=theme["lines"][0], linewidth=1.6,
                label="m (first moment)")
        ax.plot(*every_nth([v**0.5 for v in record["v"]], MOMENT_POINTS), color=theme["lines"][1],
                linewidth=1.6, label="√v (second moment)")
        ax.set_title(f"{matrix}[{row}][{column}]", fontsize=9)
        ax.grid(color=theme["grid"], linewidth=0.5)
        style(ax, theme)
    axes[0].legend(frameon=False, labelcolor=theme["text"], ncols=3, fontsize=8)
    axes[-1].set_xlabel("training step")


def noisy_signal(n=200, seed=0):
    """A made-up gradient: a slow drift buried in noise (seeded, so the picture is stable)."""
    rng = random.Random(seed)
    return [0.5 * (i / n) - 0.2 + rng.gauss(0, 0.6) for i in range(n)]


def moving_average(signal, beta):
    """Adam's running mean, with the same bias correction."""
    m, out = 0.0, []
    for t, g in enumerate(signal):
        m = beta * m + (1 - beta) * g
        out.append(m / (1 - beta ** (t + 1)))
    return out


def beta_multiples(fig, theme):
    signal = noisy_signal()
    axes = fig.subplots(1, 3, sharey=True)
    for ax, beta in zip(axes, (0.5, BETA1, BETA2)):
        ax.plot(signal, color=theme["faint"], linewidth=0.7)
        ax.plot(moving_average(signal, beta), color=theme["lines"][0], linewidth=2)
        ax.set_title(f"beta = {beta}", fontsize=10)
        ax.set_xlabel("step")
        ax.grid(color=theme["grid"], linewidth=0.5)
        style(ax, theme)


PICTURES = {
    "step-4/pipeline": (step4_pipeline, (12, 2.7)),
    "step-4/heads": (heads, (12, 3.8)),
    "step-4/loss-curves": (lambda fig, theme: all_losses(fig, theme, STEPS[:5]), (8, 4.2)),
    "step-5/pipeline": (step5_pipeline, (9, 3.2)),
    "step-5/moments": (moments, (9, 6)),
    "step-5/beta": (beta_multiples, (10, 3)),
    "step-5/loss-curves": (lambda fig, theme: all_losses(fig, theme, STEPS), (8, 4.2)),
}
