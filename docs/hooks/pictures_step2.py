"""Pictures of Step 2: the pipeline, a computation graph, Step 1 vs Step 2."""

from diagrams import arrow, box, pipeline
from plotting import loss_axes, loss_curve, results, step_colour, style

from microgpt.step2_autograd import Value, topological_order


def step2_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("token id", False), ("wte row", False), ("linear fc1", False),
                  ("ReLU", False), ("linear fc2", False), ("softmax", False),
                  ("-log p(next)", False), ("Value graph", True), ("loss.backward()", True),
                  ("SGD update", False)], theme)
    ax.set_title("Step 2: the same model; the graph of Values and backward() are new",
                 color=theme["text"])


def small_graph():
    """L = log(a*b + a): small, and `a` is used twice, so its grad collects two shares."""
    a, b = Value(2.0), Value(3.0)
    c = a * b
    d = c + a
    loss = d.log()
    loss.backward()
    return loss, {a: "a", b: "b", c: "c = a * b", d: "d = c + a", loss: "L = log(d)"}


def computation_graph(fig, theme):
    loss, names = small_graph()
    depth = {}
    for v in topological_order(loss):
        depth[v] = 1 + max((depth[c] for c in v._children), default=-1)
    columns = {}
    for v, d in depth.items():
        columns.setdefault(d, []).append(v)
    place = {v: (d * 3.0, -i * 1.6 - 0.8 * (d % 2)) for d, vs in columns.items()
             for i, v in enumerate(vs)}
    ax = fig.subplots()
    for v, (x, y) in place.items():
        box(ax, x, y, f"{names[v]}\ndata {v.data:.4f}\ngrad {v.grad:.4f}", theme,
            highlight=v is loss, width=2.0, height=1.1)
        for child, local in zip(v._children, v._local_grads):
            cx, cy = place[child]
            arrow(ax, (cx + 1.0, cy), (x - 1.0, y), theme, label=f"local {local:g}")
    ax.set_xlim(-1.2, max(x for x, _ in place.values()) + 1.2)
    ax.set_ylim(min(y for _, y in place.values()) - 0.8, 0.9)
    ax.set_aspect("equal")
    ax.axis("off")


def step2_loss(fig, theme):
    res0, res1, res2 = results("step0"), results("step1"), results("step2")
    ax = fig.subplots()
    ax.plot(*loss_curve(res1["losses"]), color=step_colour(theme, 1), linewidth=5, alpha=0.6,
            label="Step 1: hand-written gradient")
    ax.plot(*loss_curve(res2["losses"]), color=step_colour(theme, 2), linewidth=1.5,
            linestyle="--", label="Step 2: autograd")
    loss_axes(ax, theme, res0)
    gap = max(abs(a - b) for a, b in zip(res1["losses"], res2["losses"]))
    ax.set_title(f"Mean of the last 50 names; the largest gap between the two traces is {gap:.0e}")
    ax.legend(frameon=False, labelcolor=theme["text"])
    style(ax, theme)


PICTURES = {
    "step-2/pipeline": (step2_pipeline, (10, 2.7)),
    "step-2/graph": (computation_graph, (9, 4.2)),
    "step-2/loss-curves": (step2_loss, (8, 4)),
}
