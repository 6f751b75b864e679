"""The widgets of Step 2 (widgets/step2.js): backward() on a graph (2.5) and the loss-curve
chart (2.8, shown again on 3.8, 4.6 and 5.4), as a reader would use them in a real
browser (Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked).
Each test types, clicks, presses keys or moves a slider, then compares the numbers the
widget shows with the package's own result, computed here in CPython (the `widget`
fixture, conftest.py, also fails on any script error or blocked request).
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from widget_pages import RESULTS_DIR, assert_mounted_without_error

from microgpt.analysis import WINDOW, mean_last
from microgpt.results import load
from microgpt.step2_autograd import Value, name_loss, topological_order
from sitebuild.chapters import step2 as ch2
from sitebuild.common import running_mean

# 2.5 ---------------------------------------------------------------------------

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


# The loss-curve chart (2.8, 3.8, 4.6, 5.4) -------------------------------------

def readout_values(text):
    """{step number: value} from a readout such as 'Step 0: 2.456, Step 3: 2.301'."""
    return {int(step): value for step, value in re.findall(r"Step (\d+): (-?[\d.]+)", text)}


@pytest.mark.parametrize("page_path, steps", [("step-2/08-same-results/", range(3)),
                                               ("step-3/08-training-results/", range(4))])
def test_loss_chart_shows_the_steps_so_far(widget, page_path, steps):
    page, box = widget("loss-curves", page_path)
    assert_mounted_without_error(box)
    labels = box.locator(".mg-series-label")
    assert [int(label.get_attribute("data-step")[4:]) for label in labels.all()] == list(steps)
    shown = readout_values(box.locator(".mg-readout").inner_text())
    for step in steps:  # the readout starts at the last training step, window 50
        expected = running_mean(load(f"step{step}", RESULTS_DIR)["losses"], 50)[-1]
        assert shown[step] == f"{expected:.3f}", step


@pytest.mark.parametrize("page_path, steps", [("step-4/06-training-results/", range(5)),
                                               ("step-5/04-training-results/", range(6))])
def test_loss_curves_label_each_step_with_the_mean_of_its_last_names(widget, page_path, steps):
    page, box = widget("loss-curves", page_path)
    assert_mounted_without_error(box)
    labels = box.locator(".mg-series-label")
    assert labels.count() == len(steps)
    for label, step in zip(labels.all(), steps):
        losses = load(f"step{step}", RESULTS_DIR)["losses"]
        assert label.inner_text().strip() == f"Step {step} (last {WINDOW}: {mean_last(losses):.3f})"
    line = box.locator("path.mg-step-3")
    assert line.is_visible()
    box.locator(".mg-step-3 input").click()  # untick Step 3
    assert not line.is_visible()
    box.locator(".mg-step-3 input").click()
    assert line.is_visible()


@pytest.mark.parametrize("page_path, steps", [("step-2/08-same-results/", range(3)),
                                               ("step-5/04-training-results/", range(6))])
def test_loss_chart_has_loss_and_step_ticks(widget, page_path, steps):
    """Round loss values between the lowest and highest mean drawn (window 50, the package's
    running means), evenly spaced and placed in order; step labels up to the last step."""
    page, box = widget("loss-curves", page_path)
    means = [running_mean(load(f"step{step}", RESULTS_DIR)["losses"], 50) for step in steps]
    lo, hi = min(map(min, means)), max(map(max, means))
    ticks = box.locator(".mg-loss-axis text").evaluate_all(
        "texts => texts.map((t) => [t.textContent, Number(t.getAttribute('y'))])")
    values = [float(text.removeprefix("loss ")) for text, _ in ticks]
    assert len(values) >= 3 and all(lo <= value <= hi for value in values), (values, lo, hi)
    gaps = {round(b - a, 6) for a, b in zip(values, values[1:])}
    assert len(gaps) == 1 and gaps.pop() > 0, values
    heights = [y for _, y in ticks]
    assert heights == sorted(heights, reverse=True)  # a larger loss is drawn higher
    step_labels = [int(text) for text in box.locator(".mg-step-axis text").evaluate_all(
        "texts => texts.map((t) => t.textContent)")]
    assert step_labels == sorted(step_labels) and step_labels[-1] == len(means[0])


def check_readout(box):
    """The readout's values against the package's running mean, at the step
    and window the widget shows; returns the training step and the steps read."""
    text = box.locator(".mg-readout").inner_text()
    training_step = int(re.match(r"Training step (\d+) of 1000\.", text).group(1))
    window = int(box.locator("output.mg-window").inner_text().split()[0])
    shown = readout_values(text)
    for step, value in shown.items():
        losses = load(f"step{step}", RESULTS_DIR)["losses"]
        expected = running_mean(losses, window)[training_step - 1]
        assert value == f"{expected:.3f}", (step, training_step, window)
    return training_step, set(shown)


def test_loss_chart_reads_every_visible_step_at_a_step_and_window(widget):
    page, box = widget("loss-curves")
    assert_mounted_without_error(box)
    window_slider = box.locator('input[aria-label="smoothing window (names)"]')
    point_slider = box.locator('input[aria-label="training step to read"]')
    assert box.locator("output.mg-window").inner_text() == "50 names"
    window_slider.fill("1")  # the second window on the slider
    assert box.locator("output.mg-window").inner_text() == "10 names"
    assert parse_qs(urlsplit(page.url).query)["smooth"] == ["10"]
    point_slider.fill("40")
    assert check_readout(box) == (201, set(range(6)))  # every 5th step is drawn: 40 * 5 + 1
    point_slider.press("ArrowRight")  # the keyboard moves the cursor too
    assert check_readout(box)[0] == 206
    box.locator(".mg-step-3 input").click()  # untick Step 3: the readout drops it
    assert check_readout(box)[1] == {0, 1, 2, 4, 5}

    chart = box.locator("svg")
    chart.scroll_into_view_if_needed()
    svg = chart.bounding_box()  # hover at 3/4 of the width
    page.mouse.move(svg["x"] + 0.75 * svg["width"], svg["y"] + svg["height"] / 2)
    training_step, steps = check_readout(box)
    assert abs(training_step - 750) <= 5 and steps == {0, 1, 2, 4, 5}
    window_slider.press("End")  # the largest window
    assert box.locator("output.mg-window").inner_text() == "200 names"
    check_readout(box)


def test_loss_chart_starts_from_the_window_in_the_address(widget):
    page, box = widget("loss-curves")
    page.goto(page.url + "?smooth=200")
    box.locator(".mg-readout").wait_for()
    assert box.locator("output.mg-window").inner_text() == "200 names"
    check_readout(box)


def test_step_colours_are_the_pictures_palette(widget):
    from sitebuild.plotting import STEP_COLOURS

    page, box = widget("loss-curves")
    for step, colour in enumerate(STEP_COLOURS["light"]):
        stroke = box.locator(f"path.mg-step-{step}").evaluate("line => getComputedStyle(line).stroke")
        assert stroke == "rgb({}, {}, {})".format(*bytes.fromhex(colour[1:])), step
