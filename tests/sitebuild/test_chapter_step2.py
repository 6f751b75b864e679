"""Step 2's numbers (sitebuild.chapters.step2): the worked graph and
backward() visit by visit."""

import json
import math
from pathlib import Path

import pytest
from test_chapter_step1 import small_step1_state

from microgpt import step2_autograd
from sitebuild.chapters import step2 as ch2


def test_logged_steps_are_the_printed_lines():
    assert ch2.logged_steps(1000) == [0, 1, 2, 3, 4, 200, 400, 600, 800]
    assert ch2.logged_steps(1000, logged=lambda step: step == 7) == [7]


def test_example_graph_gradients_match_calculus():
    g = ch2.example_graph(2.0, 3.0)
    assert g.L.data == pytest.approx(math.log(8.0))
    assert g.a.grad == pytest.approx((3.0 + 1) / 8.0)
    assert g.b.grad == pytest.approx(2.0 / 8.0)
    assert g.d.grad == pytest.approx(1 / 8.0)


def test_backward_walk_ends_with_backwards_grads():
    walked = ch2.example_graph(backward=False)
    assert all(v.grad == 0 for v in walked)
    visits = list(ch2.backward_walk(walked.L))
    assert visits == list(reversed(step2_autograd.topological_order(walked.L)))
    assert [v.grad for v in walked] == [v.grad for v in ch2.example_graph()]


def small_step2_state():
    state = small_step1_state()
    return {name: [[step2_autograd.Value(w) for w in row] for row in mat] for name, mat in state.items()}


def test_name_loss_graph_is_name_losss_graph_cut_into_moves():
    tokens = [4, 1, 4]
    graph = ch2.name_loss_graph(small_step2_state(), tokens)
    everything = step2_autograd.topological_order(graph.loss)
    members = [v for _, values, _ in graph.groups for v in values]
    assert len(members) == len(set(members)) == len(everything) and set(members) == set(everything)
    assert [label for label, _, _ in graph.groups] == [
        "wte", "mlp_fc1", "mlp_fc2", "pair 1: mlp_fc1 · x", "pair 1: relu", "pair 1: mlp_fc2 · h",
        "pair 1: softmax", "pair 1: -log p", "pair 2: mlp_fc1 · x", "pair 2: relu",
        "pair 2: mlp_fc2 · h", "pair 2: softmax", "pair 2: -log p", "loss: mean over pairs"]
    assert len(graph.groups[0][1]) == 2 * 2  # the two embedding rows it reads, 2 numbers each
    # the walk gives every weight the grad that name_loss(...).backward() gives it
    for _ in ch2.backward_walk(graph.loss):
        pass
    reference_state = small_step2_state()
    reference = step2_autograd.name_loss(reference_state, tokens, 2)
    reference.backward()
    assert reference.data == graph.loss.data
    walked_grads = [p.grad for _, values, _ in graph.groups[1:3] for p in values]
    assert walked_grads == [p.grad for p in step2_autograd.parameters(reference_state)[10:]]


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_counts_and_timings_of_the_chapter():
    assert ch2.logged_step_count(1000) == len([step for step in range(1000) if step < 5 or step % 200 == 0])
    seconds = stored("timings")
    assert ch2.autograd_slowdown() == int(seconds["step2"] / seconds["step1"] + 0.5)


def test_example_graph_gradients_by_the_formulas():
    graph = ch2.example_graph(2.0, 3.0)
    assert graph.share_from_c_to_a == 3.0 * (1 / 8)  # b times dL/dc = 1 / (ab + a)
    assert graph.formula_grad_a == (3.0 + 1) / 8
    assert graph.formula_grad_b == 2.0 / 8
    assert graph.a.grad == pytest.approx(graph.formula_grad_a)
    assert graph.b.grad == pytest.approx(graph.formula_grad_b)


def test_same_printed_run_needs_every_printed_loss_and_every_name(monkeypatch):
    one = {"losses": [3.29781, 3.1], "samples": ["ava", "bo"]}
    runs = {"step1": one, "step2": {"losses": [3.29779, 3.1], "samples": ["ava", "bo"]}}
    monkeypatch.setattr(ch2, "results", runs.get)
    assert ch2.same_printed_run()  # 3.2978 both, printed with 4 decimals
    runs["step2"] = {"losses": [3.29774, 3.1], "samples": ["ava", "bo"]}
    assert not ch2.same_printed_run()
    runs["step2"] = {"losses": [3.29781, 3.1], "samples": ["ava", "bob"]}
    assert not ch2.same_printed_run()


# 2.5's drawing: checked on its own geometry, with the label size of 11 px text
DIGIT_WIDTH, ASCENT, DESCENT = 0.6 * 11, 9, 2  # a digit of an 11 px sans-serif font is at most 0.6 em wide


def crosses(start, end, rect):
    """Whether the segment start-end enters the open rectangle (left, top, width, height) (Liang-Barsky)."""
    (x1, y1), (x2, y2) = start, end
    left, top, width, height = rect
    low, high = 0.0, 1.0
    for step, room in ((x1 - x2, x1 - left), (x2 - x1, left + width - x1),
                       (y1 - y2, y1 - top), (y2 - y1, top + height - y1)):
        if step == 0:
            if room <= 0:
                return False
        elif step < 0:
            low = max(low, room / step)
        else:
            high = min(high, room / step)
    return low < high


def shrunk(rect, by):
    return (rect[0] + by, rect[1] + by, rect[2] - 2 * by, rect[3] - 2 * by)


def graph_problems(graph):
    boxes = {i: node["box"] for i, node in enumerate(graph["nodes"])}
    labels = [(e["label"], (e["labelAt"][0], e["labelAt"][1] - ASCENT,
                            DIGIT_WIDTH * len(e["label"]), ASCENT + DESCENT))
              for e in graph["edges"] if "label" in e]
    problems = []
    for e in graph["edges"]:
        for start, end in zip(e["points"], e["points"][1:]):
            problems += [f"{e['from']}→{e['to']} passes behind box {i}" for i, box in boxes.items()
                         if crosses(start, end, shrunk(box, 0.5))]
            problems += [f"{e['from']}→{e['to']} crosses the label {text!r}" for text, rect in labels
                         if crosses(start, end, rect)]
    for k, (text, rect) in enumerate(labels):
        problems += [f"the label {text!r} overlaps box {i}" for i, box in boxes.items() if crosses(
            (rect[0], rect[1]), (rect[0] + rect[2], rect[1] + rect[3]), box)]
        problems += [f"the labels {text!r} and {other!r} overlap" for other, rest in labels[k + 1:]
                     if crosses((rect[0], rect[1]), (rect[0] + rect[2], rect[1] + rect[3]), rest)]
    shapes = [*boxes.values(), *(rect for _, rect in labels)]
    problems += [f"{shape} is outside the picture" for shape in shapes if shape[0] < 0 or shape[1] < 0
                 or shape[0] + shape[2] > graph["width"] or shape[1] + shape[3] > graph["height"]]
    return problems


def test_backward_graph_lines_pass_behind_no_box_and_through_no_label():
    graphs = ch2.backward_graph()["graphs"]
    for graph in graphs:
        assert graph_problems(graph) == [], graph["title"]
    # the check sees what it must: a line from the first box to the last crosses every box between
    small = graphs[0]
    first, last = small["nodes"][0]["box"], small["nodes"][-1]["box"]
    straight = {"from": 0, "to": len(small["nodes"]) - 1,
                "points": [[first[0] + first[2] / 2, first[1] + first[3]], [last[0] + last[2] / 2, last[1]]]}
    assert any("passes behind box" in problem
               for problem in graph_problems({**small, "edges": [*small["edges"], straight]}))
    # and a label put on its own line
    edge = small["edges"][0]
    on_line = {**edge, "labelAt": [(edge["points"][0][0] + edge["points"][1][0]) / 2 - 3,
                                   (edge["points"][0][1] + edge["points"][1][1]) / 2 + 4]}
    assert any("crosses the label" in problem
               for problem in graph_problems({**small, "edges": [on_line, *small["edges"][1:]]}))
