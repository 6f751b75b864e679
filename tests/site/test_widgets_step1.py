"""The widgets of Step 1 (widgets/step1.js), as a reader would use them in a real browser
(Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked). Each test
types, clicks, presses keys or moves a slider, then compares the numbers the widget
shows with the package's own result, computed here in CPython (the `widget` fixture,
conftest.py, also fails on any script error or blocked request). Its two widgets that
run the package in the browser, live-training and sample-names, are tested in
test_python_in_browser.py.
"""

import random
import re

import pytest
from widget_pages import RESULTS_DIR, assert_mounted_without_error

from microgpt.data import Tokenizer, load_docs
from microgpt.results import load
from microgpt.step1_gradient_descent import (
    GRAD_CHECK_EPS,
    analytic_gradient,
    forward,
    init_state_dict,
    linear,
    parameters,
    softmax,
)
from sitebuild import common
from sitebuild.chapters import step1 as ch1

# 1.2 ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def init(docs):
    """Step 1's weights at initialisation, made as run() makes them: the
    shuffle, then the weights, from one stream seeded with 42."""
    rng = random.Random(42)
    return init_state_dict(rng, Tokenizer(load_docs(rng)).vocab_size)


def check_weight(readout, init, matrix, row, column):
    params = parameters(init)
    index = next(k for k, (place, j) in enumerate(params) if place is init[matrix][row] and j == column)
    assert readout.inner_text() == (
        f"{matrix}[{row}][{column}] = {init[matrix][row][column]:.6f}: parameter {index} "
        f"of the {len(params)} in parameters(state_dict) (counted from 0)")


def test_init_weights_shows_each_weight_and_its_place_in_parameters(widget, init):
    page, box = widget("init-weights")
    assert_mounted_without_error(box)
    readout = box.locator(".mg-weight-readout")
    check_weight(readout, init, "wte", 0, 0)
    box.locator("select").select_option(label="mlp_fc1 (64 × 16)")
    box.get_by_label("row").fill("63")
    box.get_by_label("column").fill("9")
    check_weight(readout, init, "mlp_fc1", 63, 9)
    # hover over a square of mlp_fc2 (27 x 64): row 20, column 50
    heatmap = box.locator("svg.mg-init-map").nth(2)
    heatmap.scroll_into_view_if_needed()
    size = heatmap.bounding_box()
    heatmap.hover(position={"x": (50.5 / 64) * size["width"], "y": (20.5 / 27) * size["height"]})
    check_weight(readout, init, "mlp_fc2", 20, 50)
    assert box.locator("select").input_value() == "2"  # the controls follow the pointer


# 1.3 ---------------------------------------------------------------------------

def short(value):
    """How the widget prints a number: rounded to 4 decimals, without trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def test_dot_product_is_the_packages_linear(widget):
    page, box = widget("dot-product")
    assert_mounted_without_error(box)
    inputs = box.locator("input")
    for x, w in (([2, 1, 0, -1], [1, 0, -1, 0.5]), ([0.3, -1.7, 2.25, 4], [1.1, 0.4, -0.6, 0.05]),
                 ([3.7, -0.21, 9], [-2.3, 0.77, 0.013])):
        inputs.nth(0).fill(", ".join(map(str, x)))
        inputs.nth(1).fill(", ".join(map(str, w)))
        assert box.locator(".mg-term").all_inner_texts() == [short(wi * xi) for wi, xi in zip(w, x)]
        assert box.locator(".mg-dot").inner_text() == short(linear(x, [w])[0])
    inputs.nth(1).fill("1, 2")
    assert "x has 3 numbers and w has 2" in box.locator(".mg-error").inner_text()


def test_softmax_temperature_is_the_packages_softmax_of_scaled_logits(widget):
    page, box = widget("softmax")
    assert_mounted_without_error(box)
    slider = box.locator('input[type="range"]')
    assert box.locator("output").inner_text() == "1"
    logits = [2, 1, 0, 1.5]
    box.locator('input[type="text"]').fill(", ".join(map(str, logits)))
    for position in (0, 3, int(slider.get_attribute("max"))):
        slider.fill(str(position))
        temperature = float(box.locator("output").inner_text())
        expected = softmax([v / temperature for v in logits])
        assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in expected], temperature
    slider.fill("0")
    assert float(box.locator("output").inner_text()) <= 0.01  # the slider reaches winner take all


def test_softmax_of_typed_logits_matches_the_package(widget):
    page, box = widget("softmax")
    assert_mounted_without_error(box)
    for logits in ([2, 1, 0], [-1.5, 3, 0.25, 10], [1000, 1000, 999], [7]):
        box.locator('input[type="text"]').fill(", ".join(map(str, logits)))
        assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in softmax(logits)]
    box.locator('input[type="text"]').fill("2, one")
    assert box.locator(".mg-error").count() == 1


# 1.4 ---------------------------------------------------------------------------

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


# 1.6 ---------------------------------------------------------------------------

def test_slope_is_the_secant_of_the_chosen_eps(widget):
    page, box = widget("slope")
    assert_mounted_without_error(box)

    def f(x):  # the curve the widget draws, f(x) = x³/3 - x at x = 1.5
        return (x * x * x) / 3 - x

    x0 = 1.5
    for exponent in (-1, -5, -12):
        box.locator('input[type="range"]').fill(str(exponent))
        text = box.locator(".mg-slope").inner_text()
        shown = re.search(r"measured slope (\S+), true slope ([^,]+),", text).groups()
        measured, true = (float(v) for v in shown)
        eps = 10.0 ** exponent
        assert measured == pytest.approx((f(x0 + eps) - f(x0)) / eps, rel=1e-9), text
        assert true == pytest.approx(x0 * x0 - 1, rel=1e-9)


def initial_state(step1):
    return {name: [list(row) for row in mat] for name, mat in step1["init"].items()}


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


# 1.8 ---------------------------------------------------------------------------

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


# 1.9 ---------------------------------------------------------------------------

def test_temperature_shows_the_packages_softmax(widget):
    page, box = widget("temperature")
    assert_mounted_without_error(box)
    logits = load("step1", RESULTS_DIR)["bos_logits"]
    slider = box.locator('input[type="range"]')
    assert box.locator("output").inner_text() == "0.50"
    for position in (0, 18, int(slider.get_attribute("max"))):
        slider.fill(str(position))
        temperature = float(box.locator("output").inner_text())
        expected = softmax([v / temperature for v in logits])
        assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in expected], temperature
