"""The widgets of Step 5 (widgets/step5.js), as a reader would use them in a real browser
(Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked). Each test
types, clicks, presses keys or moves a slider, then compares the numbers the widget
shows with the package's own result, computed here in CPython (the `widget` fixture,
conftest.py, also fails on any script error or blocked request).
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from widget_pages import RESULTS_DIR, assert_mounted_without_error

from microgpt.results import load
from microgpt.step5_adam import BETA1, BETA2
from sitebuild import common
from sitebuild.chapters import step5 as ch5

# 5.2 ---------------------------------------------------------------------------

def curve_values(box, selector, lo=-2, hi=2, height=160):
    """The y values of a drawn path, back in data units."""
    d = box.locator(selector).get_attribute("d")
    return [lo + (height - float(y)) / height * (hi - lo) for y in re.findall(r"[ML][\d.]+ ([\d.-]+)", d)]


def test_beta_draws_adams_bias_corrected_mean(widget):
    page, box = widget("beta")
    assert_mounted_without_error(box)
    assert float(box.locator("output").inner_text()) == BETA1  # starts at the package's beta1
    slider = box.locator('input[type="range"]')
    for position in (0, int(slider.get_attribute("max")) // 2, int(slider.get_attribute("max"))):
        slider.fill(str(position))
        beta = float(box.locator("output").inner_text())
        signal = curve_values(box, "path.mg-tangent")
        m, expected = 0.0, []
        for t, g in enumerate(signal):  # Adam's first moment, as in step5_adam.Adam
            m = beta * m + (1 - beta) * g
            expected.append(m / (1 - beta ** (t + 1)))
        drawn = curve_values(box, "path.mg-secant")
        # the drawing rounds to 0.1 px (0.0025 here); the signal read back carries that rounding too
        assert drawn == pytest.approx(expected, abs=0.01), beta


def read_numbers(text):
    """{name: value} from '..., gradient 0.2337, m_hat 0.1234, ...'."""
    return {key: float(value) for key, value in
            re.findall(r"(gradient|m_hat|sqrt\(v_hat\)|step) (-?[\d.]+)", text)}


def test_adam_trace_replays_the_recorded_gradient(widget):
    page, box = widget("adam-trace")
    assert_mounted_without_error(box)
    watched = next(w for w in load("step5", RESULTS_DIR)["moments"] if w["where"][0] == "lm_head")
    beta_slider = box.locator('input[aria-label="beta1"]')
    point_slider = box.locator('input[aria-label="training step to read"]')
    assert float(box.locator("output.mg-beta").inner_text()) == BETA1  # the run's own beta1
    for beta_position, point in ((None, 0), ("0", 49), (beta_slider.get_attribute("max"), 199)):
        if beta_position is not None:
            beta_slider.fill(beta_position)
        point_slider.fill(str(point))
        beta1 = float(box.locator("output.mg-beta").inner_text())
        trace = ch5.adam_trace(watched["grad"], beta1, BETA2)
        text = box.locator(".mg-readout").inner_text()
        assert text.startswith(f"Training step {point + 1}, beta1 = ")
        shown = read_numbers(text)
        assert shown["gradient"] == pytest.approx(watched["grad"][point], abs=5.001e-5)
        assert shown["m_hat"] == pytest.approx(trace["m_hat"][point], abs=5.001e-5)
        assert shown["sqrt(v_hat)"] == pytest.approx(trace["v_hat"][point] ** 0.5, abs=5.001e-5)
        assert shown["step"] == pytest.approx(trace["step"][point], abs=5.001e-4)
    assert float(parse_qs(urlsplit(page.url).query)["beta1"][0]) == beta1
    # with the run's beta1, the raw m replayed is what Adam recorded, step by step
    assert ch5.adam_trace(watched["grad"], BETA1, BETA2)["m"] == watched["m"]


# 5.4 ---------------------------------------------------------------------------

def test_compare_names_shows_two_steps_samples(widget):
    page, box = widget("compare-names")
    assert_mounted_without_error(box)
    samples = {step: load(f"step{step}", RESULTS_DIR)["samples"] for step in range(6)}
    for first, second in ((4, 5), (1, 2), (0, 3)):
        box.locator('select[aria-label="first step"]').select_option(str(first))
        box.locator('select[aria-label="second step"]').select_option(str(second))
        rows = box.locator("tbody tr")
        assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())] == samples[first]
        assert [rows.nth(i).locator("td").nth(2).inner_text() for i in range(rows.count())] == samples[second]
        same = common.same_places(samples[first], samples[second])
        assert box.locator(".mg-same-count").inner_text().startswith(f"{same} of {len(samples[first])} names")
        assert box.locator("tbody tr.mg-same").count() == same
    query = parse_qs(urlsplit(page.url).query)
    assert (query["left"], query["right"]) == (["0"], ["3"])
