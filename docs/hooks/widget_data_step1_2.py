"""The data of the widgets of 1.4, 1.6, 1.8 and 2.5, computed with the package.

Step 1's results file keeps the initial weights, not the trained ones; the
trained model of 1.4 is rebuilt by `analysis.step1_trained_state`, which
fails unless it reproduces the file's losses bit for bit (about 9 s of CPU
per build), so the widget shows the very model whose numbers the pages print.
"""

from functools import cache

from plotting import results, token_labels

from microgpt import analysis
from microgpt.data import Tokenizer
from microgpt.step1_gradient_descent import GRAD_CHECK_EPS
from microgpt.step2_autograd import Value, topological_order

DIGITS = 3  # the strips of 1.4 print 3 decimals, as rounded here (no double rounding)
EXAMPLE_NAME = "ava"  # 1.4 steps through its pairs, as 1.5's "Try it" does
CURVE_POINTS = 81  # points of the loss curve of 1.6
CURVE_HALF_WIDTH = 1.2  # the curve spans the weight +- this much, so eps = 1 fits
GRADIENT_DIGITS = 6  # significant digits of 1.8's slopes; their difference gets 2


def rounded(values, digits=DIGITS):
    return [round(v, digits) for v in values]


def significant(value, digits):
    """A float cut to `digits` significant digits (JSON then writes no more)."""
    return float(f"{value:.{digits - 1}e}")


def initial_state(res):
    return {name: [list(row) for row in mat] for name, mat in res["init"].items()}


def check_tokens(res):
    """The name of the program's gradient check (the first training name), as tokens."""
    doc = res["gradient_check"]["doc"]
    tokens = Tokenizer(results("step0")["uchars"]).encode(doc)
    return doc, tokens, len(tokens) - 1


@cache
def trained_step1():
    """Step 1's trained weights, re-trained once per build (see above)."""
    return analysis.step1_trained_state(results("step1"))


def mlp_layers():
    """1.4: every move of the trained Step 1 model, for each of the 27 tokens."""
    state = trained_step1()
    tokenizer = Tokenizer(results("step0")["uchars"])
    layers = [analysis.mlp_layers(state, token_id) for token_id in range(tokenizer.vocab_size)]
    return {"labels": token_labels(results("step0")),
            "example": {"name": EXAMPLE_NAME, "tokens": tokenizer.encode(EXAMPLE_NAME)},
            "layers": [{key: rounded(values) for key, values in moves.items()} for moves in layers],
            "switched_off": [analysis.zero_count(moves["relu"]) for moves in layers]}


def loss_slope():
    """1.6: the loss of the gradient check's name along its steepest weight, at
    the initial weights, and the forward difference for each eps of the slider."""
    res = results("step1")
    state = initial_state(res)
    doc, tokens, n = check_tokens(res)
    study = analysis.steepest_weight_slopes(state, tokens)
    offsets = rounded([CURVE_HALF_WIDTH * (2 * i / (CURVE_POINTS - 1) - 1) for i in range(CURVE_POINTS)])
    return {"doc": doc, "place": analysis.parameter_place(res["shapes"], study.index),
            **study._asdict(), "default_eps": GRAD_CHECK_EPS,
            "curve": {"offsets": offsets,
                      "losses": [analysis.nudged_loss(state, tokens, n, study.index, d) for d in offsets]}}


def gradient_check():
    """1.8: both gradients of every weight, from the program's own check: one
    [analytic, numerical, numerical - analytic] per weight, cut to the digits
    the widget prints (the page's weight budget allows no more)."""
    res = results("step1")
    check = res["gradient_check"]
    rows = [[significant(ga, GRADIENT_DIGITS), significant(gn, GRADIENT_DIGITS), significant(gn - ga, 2)]
            for gn, ga in zip(check["grad_n"], check["grad_a"])]
    differences = [gn - ga for gn, ga in zip(check["grad_n"], check["grad_a"])]
    return {"doc": check["doc"], "eps": GRAD_CHECK_EPS, "blocks": analysis.parameter_blocks(res["shapes"]),
            "weights": rows, "largest_slope": analysis.largest_abs_index(check["grad_a"]),
            "largest_difference": analysis.largest_abs_index(differences)}


# 2.5: backward() on a graph, visit by visit ----------------------------------

GRAPH_NAME = "a"  # the one-letter name whose loss graph 2.5 draws (collapsed)


def shown(value):
    return f"{value:.4g}"


def layered(nodes, children):
    """A row for each node: one below its lowest child (leaves one above their
    first consumer), so data flows down the picture and backward() climbs it.
    `nodes` in topological order; `children[i]` the indices node i was made from."""
    row = {}
    for i in nodes:
        row[i] = 1 + max((row[c] for c in children[i]), default=-1)
    for i in nodes:  # a leaf sits just above the first row that uses it
        users = [row[j] for j in nodes if i in children[j]]
        if not children[i] and users:
            row[i] = min(users) - 1
    rows = sorted(set(row.values()))
    placed = {}
    for r in rows:
        members = [i for i in nodes if row[i] == r]
        for k, i in enumerate(members):
            placed[i] = {"x": round((k + 0.5) / len(members), 4), "row": rows.index(r)}
    return placed, len(rows)


def small_graph():
    """L = log(a*b + a): every Value, its data, and its grad after each visit."""
    graph = analysis.example_graph(backward=False)
    names = dict(zip(graph, graph._fields))
    order = topological_order(graph.L)
    index = {v: i for i, v in enumerate(order)}
    children = [[index[c] for c in v._children] for v in order]
    placed, rows = layered(range(len(order)), children)
    operations = {graph.c: "a * b", graph.d: "c + a", graph.L: "log(d)"}
    nodes = [{"label": names[v], "op": operations.get(v, "leaf"), "data": shown(v.data), **placed[i]}
             for i, v in enumerate(order)]
    edges = [{"from": index[c], "to": index[v], "label": shown(g)}
             for v in order for c, g in zip(v._children, v._local_grads)]
    steps = [{"visited": [], "grads": [shown(v.grad) for v in order],
              "caption": "Before backward(): every grad is 0."}]
    visited = []
    for v in analysis.backward_walk(graph.L):
        visited.append(index[v])
        passes = [f"{shown(g)} × {shown(v.grad)} to {names[c]}" for c, g in zip(v._children, v._local_grads)]
        what = f"passes {' and '.join(passes)}." if passes else "is a leaf: nothing to pass on."
        caption = f"Visit {len(visited)} of {len(order)}: {names[v]} (grad {shown(v.grad)}) {what}"
        steps.append({"visited": list(visited), "grads": [shown(u.grad) for u in order], "caption": caption})
    return {"title": "L = log(a·b + a)", "values": len(order), "collapsed": False,
            "rows": rows, "nodes": nodes, "edges": edges, "steps": steps}


def name_graph():
    """The loss of a one-letter name at Step 1's (= Step 2's) initial weights,
    one box per move of the model; a step ends where a box's last Value is visited."""
    res = results("step1")
    state = {name: [[Value(w) for w in row] for row in mat] for name, mat in res["init"].items()}
    tokens = Tokenizer(results("step0")["uchars"]).encode(GRAPH_NAME)
    graph = analysis.name_loss_graph(state, tokens)
    group = {v: i for i, (_, values, _) in enumerate(graph.groups) for v in values}
    children = [sorted({group[c] for v in values for c in v._children} - {i})
                for i, (_, values, _) in enumerate(graph.groups)]
    placed, rows = layered(range(len(graph.groups)), children)
    nodes = []
    for i, (label, values, outputs) in enumerate(graph.groups):
        data = (shown(outputs[0].data) if len(outputs) == 1
                else f"{shown(min(v.data for v in outputs))} … {shown(max(v.data for v in outputs))}")
        nodes.append({"label": label, "op": f"{len(values):,} Values", "data": data,
                      "outputs": len(outputs), **placed[i]})
    edges = [{"from": c, "to": i} for i, cs in enumerate(children) for c in cs]
    total = [len(values) for _, values, _ in graph.groups]
    done, visited, count = [0] * len(total), [], sum(total)
    steps = [{"visited": [], "grads": ["not yet"] * len(total),
              "caption": "Before backward(): every grad is 0."}]

    def grad_text(i):
        outputs = graph.groups[i][2]
        if len(outputs) == 1:
            return shown(outputs[0].grad)
        return "largest |grad| " + shown(max(abs(v.grad) for v in outputs))

    for k, v in enumerate(analysis.backward_walk(graph.loss), start=1):
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
            "values": count, "collapsed": True, "rows": rows, "nodes": nodes, "edges": edges, "steps": steps}


def backward_graph():
    return {"graphs": [small_graph(), name_graph()]}


def trained_model():
    """What analysis.sample_names reads, weights at full precision: the
    in-browser Python of 1.9's sample widget loads it when a reader asks."""
    return {"step": "step1", "uchars": results("step0")["uchars"], "weights": trained_step1()}


WIDGET_DATA = {"mlp-layers": mlp_layers, "loss-slope": loss_slope, "gradient-check": gradient_check,
               "backward-graph": backward_graph, "model-step1": trained_model}
