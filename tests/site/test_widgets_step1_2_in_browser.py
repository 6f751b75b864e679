"""The widgets of Step 1's model and gradient (1.4, 1.6, 1.8) and of Step 2's
backward() (2.5), used as a reader would in headless Chromium, their numbers
compared with the package's."""


import pytest
from widget_pages import RESULTS_DIR, assert_mounted_without_error

from microgpt.data import Tokenizer
from microgpt.results import load
from microgpt.step1_gradient_descent import GRAD_CHECK_EPS, analytic_gradient, forward, parameters, softmax
from microgpt.step2_autograd import Value, name_loss, topological_order
from sitebuild import common
from sitebuild.chapters import step1 as ch1
from sitebuild.chapters import step2 as ch2


@pytest.fixture(scope="module")
def step1():
    return load("step1", RESULTS_DIR)


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(load("step0", RESULTS_DIR)["uchars"])


def initial_state(step1):
    return {name: [list(row) for row in mat] for name, mat in step1["init"].items()}


def test_mlp_layers_show_the_trained_model(widget, step1, tokenizer):
    page, box = widget("mlp-layers")
    assert_mounted_without_error(box)
    labels = common.token_labels(tokenizer)
    # BOS needs no re-training: the results file stores the trained model's logits after BOS
    box.get_by_role("combobox", name="current token").select_option(label="BOS")
    bos = step1["bos_logits"]
    top = [p for _, _, p in ch1.top_next(bos)]
    assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in top]
    best = max(range(len(bos)), key=lambda i: bos[i])
    assert f"the largest, {bos[best]:.3f}, is for {labels[best]}" in box.inner_text()
    assert "token=BOS" in page.url

    state = ch1.step1_trained_state(step1)  # about 9 s: the model the widget draws
    box.get_by_role("combobox", name="current token").select_option(label="m")
    moves = ch1.mlp_layers(state, tokenizer.encode("m")[1])
    off = sum(v == 0 for v in moves["relu"])
    assert f"{off} unit{'' if off == 1 else 's'} of 64 switched off" in box.inner_text()
    assert box.locator(".mg-bar-value").all_inner_texts() == [
        f"{p:.3f}" for _, _, p in ch1.top_next(moves["logits"])]
    # the pairs of "ava", stepped through with the arrow keys: the second is a -> v
    pairs = box.get_by_role("combobox", name='pair of "ava"')
    pairs.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    a, v = tokenizer.encode("av")[1:3]
    p = softmax(ch1.mlp_layers(state, a)["logits"])[v]
    assert f'Pair 2 of 4 of "ava": after a comes v, to which the model gives p = {p:.3f}.' in box.inner_text()
    assert box.get_by_role("combobox", name="current token").input_value() == str(a)


def shown_number(box, selector):
    return float(box.locator(selector).inner_text())


def test_loss_slope_is_the_packages_forward_difference(widget, step1, tokenizer):
    page, box = widget("loss-slope")
    assert_mounted_without_error(box)
    state = initial_state(step1)
    tokens = tokenizer.encode(step1["gradient_check"]["doc"])
    n = len(tokens) - 1
    loss, grad = analytic_gradient(state, tokens, n)
    index = max(range(len(grad)), key=lambda i: abs(grad[i]))
    assert shown_number(box, ".mg-true") == float(f"{grad[index]:.9e}")
    # it opens at the program's eps, and then gives the program's own numerical slope
    assert shown_number(box, ".mg-eps") == GRAD_CHECK_EPS
    assert shown_number(box, ".mg-measured") == float(f"{step1['gradient_check']['grad_n'][index]:.9e}")
    slider = box.locator('input[type="range"]')
    for position in ("0", "6", slider.get_attribute("max")):
        slider.fill(position)
        eps = shown_number(box, ".mg-eps")
        row, j = parameters(state)[index]
        saved = row[j]
        row[j] = saved + eps  # numerical_gradient's nudge, by hand
        slope = (forward(state, tokens, n) - loss) / eps
        row[j] = saved
        assert shown_number(box, ".mg-measured") == float(f"{slope:.9e}"), eps
        assert shown_number(box, ".mg-difference") == float(f"{slope - grad[index]:.2e}"), eps
        assert f"eps={box.locator('.mg-eps').inner_text()}" in page.url.replace("%2B", "+")
    slider.fill("6")  # the seventh smallest eps
    slider.focus()
    page.keyboard.press("ArrowRight")  # the eighth smallest
    assert shown_number(box, ".mg-eps") == sorted(ch1.SLIDER_EPSILONS)[7]


def test_gradient_check_scatter_names_each_weight(widget, step1):
    page, box = widget("gradient-check")
    assert_mounted_without_error(box)
    check, shapes = step1["gradient_check"], step1["shapes"]
    state = initial_state(step1)
    places = parameters(state)

    def assert_shows(index):
        name, row, col = ch1.parameter_place(shapes, index)
        assert places[index][0] is state[name][row] and places[index][1] == col
        assert box.locator(".mg-index").inner_text() == str(index)
        assert box.locator(".mg-place").inner_text() == f"{name}[{row}][{col}]"
        assert shown_number(box, ".mg-analytic") == float(f"{check['grad_a'][index]:.5e}")
        assert shown_number(box, ".mg-numerical") == float(f"{check['grad_n'][index]:.5e}")
        difference = check["grad_n"][index] - check["grad_a"][index]
        assert shown_number(box, ".mg-difference") == float(f"{difference:.1e}")

    slider = box.locator('input[type="range"]')
    assert_shows(max(range(len(places)), key=lambda i: abs(check["grad_a"][i])))  # opens at the steepest
    for index in (0, 431, 432, 1500, len(places) - 1):
        slider.fill(str(index))
        assert_shows(index)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    assert_shows(len(places) - 2)
    box.get_by_role("combobox", name="go to a weight").select_option(label="the largest difference")
    worst = max(range(len(places)), key=lambda i: abs(check["grad_n"][i] - check["grad_a"][i]))
    assert_shows(worst)
    assert abs(shown_number(box, ".mg-difference")) == float(f"{check['max_diff']:.1e}")
    # hover: the steepest weight's dot lies alone at the edge; the pointer on it names it
    steepest = max(range(len(places)), key=lambda i: abs(check["grad_a"][i]))
    box.get_by_role("combobox", name="go to a weight").select_option(label="the largest slope")
    scatter = box.locator(".mg-scatter")
    plot, mark = scatter.bounding_box(), box.locator(".mg-mark").bounding_box()
    centre = {"x": mark["x"] - plot["x"] + mark["width"] / 2, "y": mark["y"] - plot["y"] + mark["height"] / 2}
    scatter.hover(position={"x": plot["width"] / 2, "y": plot["height"] / 2})
    assert box.locator(".mg-index").inner_text() != str(steepest)
    scatter.hover(position=centre)
    assert_shows(steepest)


def test_backward_graph_fills_in_the_grads_of_backward(widget, step1, tokenizer):
    page, box = widget("backward-graph")
    assert_mounted_without_error(box)
    grads = box.locator(".mg-node-grad")
    steps = box.get_by_role("slider", name="steps of backward()")
    # the small graph: after two visits (L, then d), then at the end
    walked = ch2.example_graph(backward=False)
    order = topological_order(walked.L)
    visits = ch2.backward_walk(walked.L)
    assert grads.all_text_contents() == ["grad 0"] * len(order)
    for _ in range(2):
        next(visits)
    steps.fill("2")
    assert grads.all_text_contents() == [f"grad {v.grad:.4g}" for v in order]
    steps.focus()
    for _ in range(len(order) - 2):
        page.keyboard.press("ArrowRight")
    final = ch2.example_graph()  # backward() itself
    assert grads.all_text_contents() == [f"grad {v.grad:.4g}" for v in topological_order(final.L)]
    assert steps.input_value() == steps.get_attribute("max") == str(len(order))
    assert "graph=0" in page.url and f"visit={len(order)}" in page.url

    # the loss of "a": compared with name_loss(...).backward() on the same weights
    box.get_by_role("combobox", name="graph").select_option(index=1)
    state = {name: [[Value(w) for w in row] for row in mat] for name, mat in step1["init"].items()}
    tokens = tokenizer.encode("a")
    loss = name_loss(state, tokens, len(tokens) - 1)
    loss.backward()
    steps.fill(steps.get_attribute("max"))
    count = len(topological_order(loss))
    assert f"After visit {count:,} of {count:,}" in box.locator(".mg-graph-caption").inner_text()
    titles = box.locator(".mg-node-title").all_text_contents()
    shown = dict(zip(titles, grads.all_text_contents()))
    used_rows = [state["wte"][t] for t in set(tokens[:-1])]
    expected = {"wte": max(abs(p.grad) for row in used_rows for p in row),
                "mlp_fc1": max(abs(p.grad) for row in state["mlp_fc1"] for p in row),
                "mlp_fc2": max(abs(p.grad) for row in state["mlp_fc2"] for p in row)}
    for name, largest in expected.items():
        assert shown[name] == f"grad largest |grad| {largest:.4g}", name
    assert shown["loss: mean over pairs"] == "grad 1"
    assert f"data {loss.data:.4g}" in box.locator(".mg-node").last.text_content()
