"""Box-and-arrow drawings (pipelines, computation graphs) on a matplotlib axis."""

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def box(ax, x, y, text, theme, highlight=False, width=1.6, height=0.7):
    """A rounded box centred on (x, y); highlighted boxes are what a step adds."""
    face = theme["lines"][1] if highlight else "none"
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                facecolor=face, edgecolor=theme["text"] if not highlight else face,
                                alpha=0.9 if highlight else 1, linewidth=1.2))
    ax.text(x, y, text, ha="center", va="center", fontsize=9,
            color="#1b1b1b" if highlight else theme["text"])


def arrow(ax, start, end, theme, label=None):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=theme["text"], linewidth=1, shrinkA=0, shrinkB=0))
    if label:
        ax.text((start[0] + end[0]) / 2, (start[1] + end[1]) / 2 + 0.12, label,
                ha="center", va="bottom", fontsize=8, color=theme["text"])


def pipeline(ax, blocks, theme, per_row=5, dx=2.1, dy=1.3):
    """Blocks (text, is_new) left to right in rows of `per_row`, joined by arrows."""
    places = [(1 + (i % per_row) * dx, -(i // per_row) * dy) for i in range(len(blocks))]
    for (text, new), (x, y) in zip(blocks, places):
        box(ax, x, y, text, theme, highlight=new)
    for (x0, y0), (x1, y1) in zip(places, places[1:]):
        if y0 == y1:
            arrow(ax, (x0 + 0.8, y0), (x1 - 0.8, y1), theme)
        else:  # wrap to the next row
            ax.plot([x0, x0, x1, x1], [y0 - 0.35, y0 - dy / 2, y0 - dy / 2, y1 + 0.45],
                    color=theme["text"], linewidth=1)
            arrow(ax, (x1, y1 + 0.45), (x1, y1 + 0.35), theme)
    ax.set_xlim(0, 1 + per_row * dx - 0.3)
    ax.set_ylim(-(len(blocks) - 1) // per_row * dy - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
