"""Step 2, Autograd: the worked graph L = log(a·b + a), backward() visit by
visit, the loss graph of a name; its pictures, and the data of its widget
(widgets/step2.js)."""

from typing import NamedTuple

from microgpt import step1_gradient_descent as step1
from microgpt import step2_autograd
from microgpt.step1_gradient_descent import logged_every_200
from microgpt.step2_autograd import Value, topological_order
from sitebuild.claims import Check
from sitebuild.common import WINDOW, agree_count, largest_gap, results, timings, tokenizer
from sitebuild.diagrams import arrow, box, pipeline
from sitebuild.plotting import loss_chart, loss_curve, step_colour

GRAPH_NAME = "a"  # the one-letter name whose loss graph 2.5 draws (collapsed)


# Numbers of the pages ----------------------------------------------------------------

def logged_steps(num_steps, logged=logged_every_200):
    """The steps (counted from 0) whose loss a program prints."""
    return [step for step in range(num_steps) if logged(step)]


def logged_step_count(num_steps, logged=logged_every_200):
    """How many losses a program of `num_steps` steps prints."""
    return len(logged_steps(num_steps, logged))


def autograd_slowdown():
    """How many times longer Step 2's full run took than Step 1's, rounded."""
    seconds = timings()
    return round(seconds["step2"] / seconds["step1"])


class Graph(NamedTuple):
    a: Value
    b: Value
    c: Value
    d: Value
    L: Value

    @property
    def share_from_c_to_a(self):
        """The part of a's gradient that arrives through c = a * b: b times c's gradient."""
        return self.b.data * self.c.grad

    @property
    def formula_grad_a(self):
        """dL/da from the formula (b + 1) / (ab + a), to check backward() against."""
        return (self.b.data + 1) / (self.a.data * self.b.data + self.a.data)

    @property
    def formula_grad_b(self):
        """dL/db from the formula a / (ab + a)."""
        return self.a.data / (self.a.data * self.b.data + self.a.data)


def example_graph(a=2.0, b=3.0, backward=True):
    """The graph of Step 2's pages, L = log(a*b + a), after L.backward()
    (before it, with backward=False). Small, and `a` is used twice, so its
    grad collects two shares."""
    a, b = Value(a), Value(b)
    c = a * b
    d = c + a
    loss = d.log()
    if backward:
        loss.backward()
    return Graph(a, b, c, d, loss)


def backward_walk(root):
    """`root.backward()` one visit at a time: yields each Value of
    reversed(topological_order(root)) right after it has passed its grad on
    to its children, so a caller can watch the grads fill in. When the walk
    ends, every grad is what backward() gives (tests/sitebuild checks it)."""
    order = topological_order(root)
    root.grad = 1
    for v in reversed(order):
        for child, local_grad in zip(v._children, v._local_grads):
            child.grad += local_grad * v.grad
        yield v


class NameGraph(NamedTuple):
    """The loss of a name in Step 2's model, built move by move as
    `name_loss` builds it, with the Values each move made."""
    loss: Value
    groups: list  # (label, the Values first made by that move, the move's outputs), in order


def name_loss_graph(state_dict, tokens):
    """Step 2's `name_loss` over every pair of `tokens`, spelled out move by
    move (mlp's three moves, softmax, -log p, the mean) so that each Value
    of the graph can be told which move made it. Raises ValueError unless
    the loss equals `name_loss`'s and the graph has as many Values."""
    n = len(tokens) - 1
    groups, seen = [], set()

    def made(label, outputs):
        new = [v for out in outputs for v in topological_order(out) if v not in seen]
        new = list(dict.fromkeys(new))
        seen.update(new)
        groups.append((label, new, list(outputs)))

    for name, mat in state_dict.items():
        made(name, [p for row in mat for p in row])
    losses = []
    for pos in range(n):
        x = state_dict["wte"][tokens[pos]]
        h_pre = step1.linear(x, state_dict["mlp_fc1"])
        made(f"pair {pos + 1}: mlp_fc1 · x", h_pre)
        h = [v.relu() for v in h_pre]
        made(f"pair {pos + 1}: relu", h)
        logits = step1.linear(h, state_dict["mlp_fc2"])
        made(f"pair {pos + 1}: mlp_fc2 · h", logits)
        probs = step2_autograd.softmax(logits)
        made(f"pair {pos + 1}: softmax", probs)
        losses.append(-probs[tokens[pos + 1]].log())
        made(f"pair {pos + 1}: -log p", losses[-1:])
    loss = (1 / n) * sum(losses)
    made("loss: mean over pairs", [loss])
    reference = step2_autograd.name_loss(state_dict, tokens, n)
    if reference.data != loss.data or len(topological_order(reference)) != len(topological_order(loss)):
        raise ValueError("the move-by-move graph differs from step2_autograd.name_loss's: "
                         "name_loss_graph must follow name_loss")
    in_graph = set(topological_order(loss))  # e.g. only two rows of wte for a one-letter name
    kept = [(label, [v for v in values if v in in_graph], [v for v in outputs if v in in_graph])
            for label, values, outputs in groups]
    return NameGraph(loss, [group for group in kept if group[1]])


# Pictures -----------------------------------------------------------------------------

def step2_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("token id", False), ("wte row", False), ("linear fc1", False),
                  ("ReLU", False), ("linear fc2", False), ("softmax", False),
                  ("-log p(next)", False), ("Value graph", True), ("loss.backward()", True),
                  ("SGD update", False)], theme)
    ax.set_title("Step 2: the same model; the graph of Values and backward() are new",
                 color=theme["text"])


def computation_graph(fig, theme):
    graph = example_graph()
    loss = graph.L
    names = {graph.a: "a", graph.b: "b", graph.c: "c = a * b", graph.d: "d = c + a", loss: "L = log(d)"}
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
    losses1, losses2 = results("step1")["losses"], results("step2")["losses"]
    gap = largest_gap(losses1, losses2)
    loss_chart(fig, theme, [
        (loss_curve(losses1), {"color": step_colour(theme, 1), "linewidth": 5, "alpha": 0.6,
                               "label": "Step 1: hand-written gradient"}),
        (loss_curve(losses2), {"color": step_colour(theme, 2), "linewidth": 1.5, "linestyle": "--",
                               "label": "Step 2: autograd"})],
        f"Mean of the last {WINDOW} names; the largest gap between the two traces is {gap:.0e}")


PICTURES = {
    "step-2/pipeline": (step2_pipeline, (10, 2.7)),
    "step-2/graph": (computation_graph, (9, 4.2)),
    "step-2/loss-curves": (step2_loss, (8, 4)),
}


# Widget data: 2.5, backward() on a graph, visit by visit ------------------------------------

def shown(value):
    return f"{value:.4g}"


# The drawing, in SVG user units (widgets/step2.js draws exactly this; 11 px text, .mg-edge-label)
GRAPH_WIDTH = 640
BOX_GAP = 14  # between two boxes of a row
MAX_BOX_WIDTH = 190
LABEL_HEIGHT, LABEL_CHAR_WIDTH = 12, 7  # an edge label's box: cap height + descent; a generous digit width
LABEL_CLEARANCE = 3  # between a label and any line or box


def layered(nodes, children):
    """A row for each node: one below its lowest child (leaves one above their
    first consumer), so data flows down the picture and backward() climbs it.
    `nodes` in topological order; `children[i]` the indices node i was made from.
    An edge that skips rows gets a slot of its own in each row it crosses, so no
    line passes behind a box. Returns {node: (row, slot)}, the number of rows,
    the slots of each row in order (a node, or an edge (child, parent) passing
    through) and {edge: [the slots it passes through]}."""
    row = {}
    for i in nodes:
        row[i] = 1 + max((row[c] for c in children[i]), default=-1)
    for i in nodes:  # a leaf sits just above the first row that uses it
        users = [row[j] for j in nodes if i in children[j]]
        if not children[i] and users:
            row[i] = min(users) - 1
    levels = sorted(set(row.values()))
    row = {i: levels.index(r) for i, r in row.items()}
    members = [[i for i in nodes if row[i] == r] for r in range(len(levels))]
    # the old even spread orders a row; an edge passing through goes beside the node it comes from
    key = {i: (k + 0.5) / len(row_members) for row_members in members for k, i in enumerate(row_members)}
    slots = [list(row_members) for row_members in members]
    passing = {}
    for parent in nodes:
        for child in children[parent]:
            for r in range(row[child] + 1, row[parent]):
                passing.setdefault((child, parent), []).append(r)
                key[(child, parent, r)] = key[child] - 1e-6
                slots[r].append((child, parent, r))
    slots = [sorted(row_slots, key=key.__getitem__) for row_slots in slots]
    return row, slots, passing


def graph_drawing(nodes, children, labels, row_height, box_height, passing_width):
    """Boxes, lines and edge labels in SVG user units. `labels[(child, parent)]`
    is the text of an edge (absent: none); `passing_width` the slot of a line
    through a row. Each label goes at the first place along its line that
    touches no box, no line and no other label; ValueError if there is none."""
    row, slots, passing = layered(nodes, children)
    boxes, through = {}, {}
    for r, row_slots in enumerate(slots):
        lines = sum(1 for s in row_slots if isinstance(s, tuple))
        count = len(row_slots) - lines
        width = min(MAX_BOX_WIDTH, (GRAPH_WIDTH - lines * passing_width) / count - BOX_GAP)
        x = (GRAPH_WIDTH - count * (width + BOX_GAP) - lines * passing_width) / 2
        top = r * row_height + 6
        for s in row_slots:
            if isinstance(s, tuple):
                through[s] = x + passing_width / 2
                x += passing_width
            else:
                boxes[s] = (x + BOX_GAP / 2, top, width, box_height)
                x += width + BOX_GAP
    edges = []
    for parent in nodes:
        for child in children[parent]:
            left, top, width, height = boxes[child]
            points = [(left + width / 2, top + height)]
            for r in passing.get((child, parent), []):
                x = through[(child, parent, r)]
                points += [(x, r * row_height + 6), (x, r * row_height + 6 + box_height)]
            left, top, width, _ = boxes[parent]
            points.append((left + width / 2, top))
            edges.append({"from": child, "to": parent,
                          "points": [[round(x, 2), round(y, 2)] for x, y in points]})
    taken = list(boxes.values())
    segments = [(a, b) for e in edges for a, b in zip(e["points"], e["points"][1:])]
    for e in edges:
        text = labels.get((e["from"], e["to"]))
        if text is None:
            continue
        spot = label_spot(text, e["points"], taken, segments)
        if spot is None:
            raise ValueError(f"no free place for the label {text!r} of the edge {e['from']} → {e['to']}")
        e["label"], e["labelAt"] = text, [round(spot[0], 2), round(spot[1] + LABEL_HEIGHT - 3, 2)]  # baseline
        taken.append(spot)
    height = len(slots) * row_height
    return ({i: [round(v, 2) for v in boxes[i]] for i in nodes}, edges, height)


def label_box(text, left, top):
    return (left, top, len(text) * LABEL_CHAR_WIDTH, LABEL_HEIGHT)


def overlaps(a, b, clearance=0.0):
    return (a[0] < b[0] + b[2] + clearance and b[0] < a[0] + a[2] + clearance
            and a[1] < b[1] + b[3] + clearance and b[1] < a[1] + a[3] + clearance)


def segment_hits(rect, start, end, clearance):
    """Whether the segment start-end comes within `clearance` of the rectangle (sampled every 0.5 unit)."""
    steps = max(1, int(max(abs(end[0] - start[0]), abs(end[1] - start[1])) * 2))
    grown = (rect[0] - clearance, rect[1] - clearance, rect[2] + 2 * clearance, rect[3] + 2 * clearance)
    return any(grown[0] < start[0] + (end[0] - start[0]) * k / steps < grown[0] + grown[2]
               and grown[1] < start[1] + (end[1] - start[1]) * k / steps < grown[1] + grown[3]
               for k in range(steps + 1))


def label_spot(text, points, taken, segments):
    """The label's box beside its line: the middle of each segment first, then
    nearer its ends; to the right of the line, then to the left."""
    width = len(text) * LABEL_CHAR_WIDTH
    for t in (0.5, 0.35, 0.65, 0.2, 0.8):
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            y = y1 + t * (y2 - y1) - LABEL_HEIGHT / 2
            # where the line is, over the label's height and clearance
            reach = (y - LABEL_CLEARANCE - 1, y + LABEL_HEIGHT + LABEL_CLEARANCE + 1)
            xs = [x1 + (x2 - x1) * (yy - y1) / (y2 - y1) for yy in reach] if y2 != y1 else [x1, x2]
            for left in (max(xs) + LABEL_CLEARANCE + 1, min(xs) - LABEL_CLEARANCE - 1 - width):
                spot = label_box(text, left, y)
                if (left >= 0 and left + width <= GRAPH_WIDTH
                        and not any(overlaps(spot, rect, LABEL_CLEARANCE) for rect in taken)
                        and not any(segment_hits(spot, a, b, LABEL_CLEARANCE) for a, b in segments)):
                    return spot
    return None


def small_graph():
    """L = log(a*b + a): every Value, its data, and its grad after each visit."""
    graph = example_graph(backward=False)
    names = dict(zip(graph, graph._fields))
    order = topological_order(graph.L)
    index = {v: i for i, v in enumerate(order)}
    children = [[index[c] for c in v._children] for v in order]
    labels = {(index[c], index[v]): shown(g) for v in order for c, g in zip(v._children, v._local_grads)}
    boxes, edges, height = graph_drawing(range(len(order)), children, labels,
                                         row_height=100, box_height=58, passing_width=90)
    operations = {graph.c: "a * b", graph.d: "c + a", graph.L: "log(d)"}
    nodes = [{"label": names[v], "op": operations.get(v, "leaf"), "data": shown(v.data), "box": boxes[i]}
             for i, v in enumerate(order)]
    steps = [{"visited": [], "grads": [shown(v.grad) for v in order],
              "caption": "Before backward(): every grad is 0."}]
    visited = []
    for v in backward_walk(graph.L):
        visited.append(index[v])
        passes = [f"{shown(g)} × {shown(v.grad)} to {names[c]}" for c, g in zip(v._children, v._local_grads)]
        what = f"passes {' and '.join(passes)}." if passes else "is a leaf: nothing to pass on."
        caption = f"Visit {len(visited)} of {len(order)}: {names[v]} (grad {shown(v.grad)}) {what}"
        steps.append({"visited": list(visited), "grads": [shown(u.grad) for u in order], "caption": caption})
    return {"title": "L = log(a·b + a)", "values": len(order), "collapsed": False,
            "width": GRAPH_WIDTH, "height": height, "nodes": nodes, "edges": edges, "steps": steps}


def name_graph():
    """The loss of a one-letter name at Step 1's (= Step 2's) initial weights,
    one box per move of the model; a step ends where a box's last Value is visited."""
    state = {name: [[Value(w) for w in row] for row in mat] for name, mat in results("step1")["init"].items()}
    graph = name_loss_graph(state, tokenizer().encode(GRAPH_NAME))
    group = {v: i for i, (_, values, _) in enumerate(graph.groups) for v in values}
    children = [sorted({group[c] for v in values for c in v._children} - {i})
                for i, (_, values, _) in enumerate(graph.groups)]
    boxes, edges, height = graph_drawing(range(len(graph.groups)), children, {},
                                         row_height=104, box_height=76, passing_width=24)
    nodes = []
    for i, (label, values, outputs) in enumerate(graph.groups):
        data = (shown(outputs[0].data) if len(outputs) == 1
                else f"{shown(min(v.data for v in outputs))} … {shown(max(v.data for v in outputs))}")
        nodes.append({"label": label, "op": f"{len(values):,} Values", "data": data,
                      "outputs": len(outputs), "box": boxes[i]})
    total = [len(values) for _, values, _ in graph.groups]
    done, visited, count = [0] * len(total), [], sum(total)
    steps = [{"visited": [], "grads": ["not yet"] * len(total),
              "caption": "Before backward(): every grad is 0."}]

    def grad_text(i):
        outputs = graph.groups[i][2]
        if len(outputs) == 1:
            return shown(outputs[0].grad)
        return "largest |grad| " + shown(max(abs(v.grad) for v in outputs))

    for k, v in enumerate(backward_walk(graph.loss), start=1):
        i = group[v]
        done[i] += 1
        if done[i] == total[i]:
            visited.append(i)
            steps.append({"visited": list(visited),
                          "grads": [grad_text(j) if j in visited else f"{d:,} of {t:,} done"
                                    for j, (d, t) in enumerate(zip(done, total))],
                          "caption": f"After visit {k:,} of {count:,}: every Value of "
                                     f"\"{graph.groups[i][0]}\" has its final grad."})
    return {"title": f"the loss of \"{GRAPH_NAME}\"",
            "values": count, "collapsed": True, "width": GRAPH_WIDTH, "height": height,
            "nodes": nodes, "edges": edges, "steps": steps}


def backward_graph():
    return {"graphs": [small_graph(), name_graph()]}


WIDGETS = {"backward-graph": backward_graph}


# --- claims ---

def same_printed_run():
    """Whether Step 2's run prints what Step 1's does: every loss the same to
    the 4 decimals the programs print, and the same names in the same order."""
    one, two = results("step1"), results("step2")
    same = agree_count(one["losses"], two["losses"], 4)
    total = len(one["losses"])
    return Check(same == total and one["samples"] == two["samples"],
                 f"{same} of {total} losses print the same, and the names are "
                 f"{'the same' if one['samples'] == two['samples'] else 'not the same'}")
