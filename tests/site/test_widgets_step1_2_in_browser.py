"""The widgets of Step 1's model and gradient (1.4, 1.6, 1.8), used as a reader
would in headless Chromium, their numbers compared with the package's."""

import re
from pathlib import Path

import pytest

from microgpt import analysis
from microgpt.data import Tokenizer
from microgpt.results import load
from microgpt.step1_gradient_descent import GRAD_CHECK_EPS, analytic_gradient, forward, parameters, softmax

RESULTS_DIR = Path(__file__).parents[2] / "docs" / "results"


@pytest.fixture(scope="module")
def step1():
    return load("step1", RESULTS_DIR)


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer(load("step0", RESULTS_DIR)["uchars"])


def initial_state(step1):
    return {name: [list(row) for row in mat] for name, mat in step1["init"].items()}


def assert_mounted_without_error(box):
    assert box.get_attribute("data-mounted") == "true"
    errors = box.locator(".mg-error").all_inner_texts()
    assert not errors, errors


def test_mlp_layers_show_the_trained_model(widget, step1, tokenizer):
    page, box = widget("mlp-layers")
    assert_mounted_without_error(box)
    labels = analysis.token_labels(tokenizer)
    # BOS needs no re-training: the results file stores the trained model's logits after BOS
    box.locator("select").select_option(label="BOS")
    bos = step1["bos_logits"]
    top = [p for _, _, p in analysis.top_next(bos)]
    assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in top]
    best = max(range(len(bos)), key=lambda i: bos[i])
    assert f"the largest, {bos[best]:.3f}, is for {labels[best]}" in box.inner_text()
    assert "token=BOS" in page.url

    state = analysis.step1_trained_state(step1)  # about 9 s: the model the widget draws
    box.locator("select").select_option(label="m")
    moves = analysis.mlp_layers(state, tokenizer.encode("m")[1])
    off = sum(v == 0 for v in moves["relu"])
    assert f"{off} unit{'' if off == 1 else 's'} of 64 switched off" in box.inner_text()
    assert box.locator(".mg-bar-value").all_inner_texts() == [
        f"{p:.3f}" for _, _, p in analysis.top_next(moves["logits"])]
    # step through "ava": its second pair is a -> v
    button = box.get_by_role("button", name=re.compile("Next pair"))
    button.click()
    button.click()
    a, v = tokenizer.encode("av")[1:3]
    p = softmax(analysis.mlp_layers(state, a)["logits"])[v]
    assert f'Pair 2 of 4 of "ava": after a comes v, to which the model gives p = {p:.3f}.' in box.inner_text()
    assert box.locator("select").input_value() == str(a)


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
    assert shown_number(box, ".mg-eps") == sorted(analysis.SLIDER_EPSILONS)[7]


def test_gradient_check_scatter_names_each_weight(widget, step1):
    page, box = widget("gradient-check")
    assert_mounted_without_error(box)
    check, shapes = step1["gradient_check"], step1["shapes"]
    state = initial_state(step1)
    places = parameters(state)

    def assert_shows(index):
        name, row, col = analysis.parameter_place(shapes, index)
        assert places[index][0] is state[name][row] and places[index][1] == col
        assert box.locator(".mg-index").inner_text() == str(index)
        assert box.locator(".mg-place").inner_text() == f"{name}[{row}][{col}]"
        assert shown_number(box, ".mg-analytic") == float(f"{check['grad_a'][index]:.9e}")
        assert shown_number(box, ".mg-numerical") == float(f"{check['grad_n'][index]:.9e}")
        difference = check["grad_n"][index] - check["grad_a"][index]
        assert shown_number(box, ".mg-difference") == float(f"{difference:.2e}")

    slider = box.locator('input[type="range"]')
    assert_shows(max(range(len(places)), key=lambda i: abs(check["grad_a"][i])))  # opens at the steepest
    for index in (0, 431, 432, 1500, len(places) - 1):
        slider.fill(str(index))
        assert_shows(index)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    assert_shows(len(places) - 2)
    box.get_by_role("button", name="largest difference").click()
    worst = max(range(len(places)), key=lambda i: abs(check["grad_n"][i] - check["grad_a"][i]))
    assert_shows(worst)
    assert abs(shown_number(box, ".mg-difference")) == float(f"{check['max_diff']:.2e}")
    # hover: the steepest weight's dot lies alone at the edge; the pointer on it names it
    steepest = max(range(len(places)), key=lambda i: abs(check["grad_a"][i]))
    box.get_by_role("button", name="largest slope").click()
    scatter = box.locator(".mg-scatter")
    plot, mark = scatter.bounding_box(), box.locator(".mg-mark").bounding_box()
    centre = {"x": mark["x"] - plot["x"] + mark["width"] / 2, "y": mark["y"] - plot["y"] + mark["height"] / 2}
    scatter.hover(position={"x": plot["width"] / 2, "y": plot["height"] / 2})
    assert box.locator(".mg-index").inner_text() != str(steepest)
    scatter.hover(position=centre)
    assert_shows(steepest)

