"""Pictures of Step 1: initial weights, the gradient check, the loss."""

from plotting import loss_axes, loss_curve, results, step_colour, style


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


def step1_loss(fig, theme):
    res0, res1 = results("step0"), results("step1")
    ax = fig.subplots()
    for step, res, label in [(0, res0, "Step 0: counting"), (1, res1, "Step 1: MLP + SGD")]:
        ax.plot(*loss_curve(res["losses"]), color=step_colour(theme, step), linewidth=2, label=label)
    loss_axes(ax, theme, res0)
    ax.set_title("Loss, mean of the last 50 names")
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


PICTURES = {
    "step-1/init-weights": (init_weights, (10, 3.6)),
    "step-1/loss-curve": (step1_loss, (8, 4)),
}
