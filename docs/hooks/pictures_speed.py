"""Pictures of "Why is it so slow?", drawn from docs/results/speed.json
(written by `python -m microgpt.speed`)."""

from plotting import results, style

from microgpt.config import ModelConfig

PHASES = ("forward", "backward", "update")
ENGINE_NAMES = {"step5": "Step 5 (a Value per number)", "fast": "fast engine (floats, backward by hand)"}


def phases(fig, theme):
    """Milliseconds per training step, phase by phase, both engines."""
    speed = results("speed")
    ax = fig.subplots()
    steps = speed["split_steps"]
    height = 0.38
    for k, (engine, label) in enumerate(ENGINE_NAMES.items()):
        ms = [1000 * speed["split"][engine][phase] / steps for phase in PHASES]
        ys = [i + (k - 0.5) * height for i in range(len(PHASES))]
        ax.barh(ys, ms, height=height, color=theme["lines"][k], label=label)
        for y, value in zip(ys, ms):
            ax.text(value, y, f" {value:.1f} ms", va="center", color=theme["text"], fontsize=8)
    ax.set_yticks(range(len(PHASES)), PHASES)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(right=ax.get_xlim()[1] * 4)  # room for the labels of the longest bars
    ax.set_xlabel(f"milliseconds per training step (log scale; mean of the first {steps} steps)")
    ax.legend(loc="lower right", frameon=False, labelcolor=theme["text"], fontsize=8)
    ax.grid(axis="x", color=theme["grid"], linewidth=0.5)
    style(ax, theme)


def growth_panel(ax, theme, rows, key, reference, xlabel):
    """Measured seconds of both engines, and Step 5's expected growth: time in
    proportion to the number of graph nodes, scaled through one measured point."""
    xs = [row[key] for row in rows]
    ref = next(row for row in rows if row[key] == reference)
    per_node = ref["step5"] / ref["nodes"]
    ax.plot(xs, [1000 * row["nodes"] * per_node for row in rows], color=theme["faint"],
            linestyle="--", label=f"expected: ∝ graph nodes (through {key} = {reference})")
    for k, engine in enumerate(("step5", "fast")):
        ax.plot(xs, [1000 * row[engine] for row in rows], "o-", color=theme["lines"][k],
                label=ENGINE_NAMES[engine] + ", measured")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("ms per name (forward + backward)")
    ax.grid(color=theme["grid"], linewidth=0.5)
    style(ax, theme)


def growth(fig, theme):
    speed = results("speed")["growth"]
    by_length, by_width = fig.subplots(1, 2, sharey=True)
    # the reference points: the default width, and the length used for the widths
    width, length = ModelConfig().n_embd, speed["width_positions"]
    growth_panel(by_length, theme, speed["by_length"], "positions", length,
                 f"positions in the name (n_embd = {width})")
    growth_panel(by_width, theme, speed["by_width"], "n_embd", width,
                 f"n_embd ({length} positions)")
    handles, labels = by_length.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=1, frameon=False,
               labelcolor=theme["text"], fontsize=8)


PICTURES = {
    "speed/phases": (phases, (7, 2.6)),
    "speed/growth": (growth, (7, 3.6)),
}
