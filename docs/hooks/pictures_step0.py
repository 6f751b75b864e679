"""Pictures of Step 0: the count table, next-token distributions, the loss."""

from plotting import loss_axes, loss_curve, results, step_colour, style, token_labels

from microgpt.step0_counting import bigram


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
    ax.plot(*loss_curve(res["losses"]), color=step_colour(theme, 0), linewidth=2,
            label="mean of the last 50")
    loss_axes(ax, theme, res)
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


PICTURES = {
    # name: (draw function, figure size in inches)
    "step-0/count-table": (count_table, (7.5, 6.5)),
    "step-0/next-token": (next_token, (8, 5)),
    "step-0/loss-curve": (step0_loss, (8, 4)),
}
