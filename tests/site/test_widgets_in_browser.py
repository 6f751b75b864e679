"""The interactive widgets, used as a reader would in a real browser.

Headless Chromium (Debian's, driven by Playwright; tests/site/browser.py)
loads each page with a widget from a local server, with every other host
blocked. Each test types, clicks or moves a slider, then reads the numbers
the widget shows and compares them with the package's own result, computed
here in CPython. Every widget must mount, draw, and show no error.
"""

import re

import pytest
from browser import open_page
from widget_pages import RESULTS_DIR, WIDGET_PAGES, assert_mounted_without_error

from microgpt.data import Tokenizer
from microgpt.errors import MicrogptError
from microgpt.results import load
from microgpt.step0_counting import bigram
from microgpt.step1_gradient_descent import softmax
from microgpt.step5_adam import BETA1


def test_every_widget_page_is_tested(site):
    on_pages = {}
    for page in site.rglob("index.html"):
        for name in re.findall(r'class="mg-widget" data-widget="([\w-]+)"', page.read_text()):
            on_pages.setdefault(name, page.parent.relative_to(site).as_posix() + "/")
    assert set(on_pages) == set(WIDGET_PAGES), "a widget without a browser test, or a test without a widget"


def test_tokenizer_shows_the_packages_tokens(widget):
    page, box = widget("tokenizer")
    assert_mounted_without_error(box)
    tokenizer = Tokenizer(load("step0", RESULTS_DIR)["uchars"])
    for name in ("ava", "emma", "", "zzyzx"):
        box.locator("input").fill(name)
        ids = [int(i) for i in box.locator(".mg-token small").all_inner_texts()]
        assert ids == tokenizer.encode(name), name
        pairs = len(ids) - 1
        assert box.locator(".mg-pairs").inner_text().startswith(
            f"{pairs} pair{'' if pairs == 1 else 's'} to learn from")
    box.locator("input").fill("Ava!")
    with pytest.raises(MicrogptError):
        tokenizer.encode("Ava!")
    assert "Not in the vocabulary" in box.locator(".mg-error").inner_text()


def test_next_token_shows_the_packages_bigram(widget):
    page, box = widget("next-token")
    assert_mounted_without_error(box)
    res = load("step0", RESULTS_DIR)
    labels = res["uchars"] + ["BOS"]
    for token in ("a", "q", "BOS"):
        box.locator("select").select_option(label=token)
        probs = bigram(res["counts"], labels.index(token))
        assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in probs], token
        pairs = sum(res["counts"][labels.index(token)])
        assert f"/ {pairs + len(labels)}." in box.locator("p").first.inner_text()


def test_softmax_of_typed_logits_matches_the_package(widget):
    page, box = widget("softmax")
    assert_mounted_without_error(box)
    for logits in ([2, 1, 0], [-1.5, 3, 0.25, 10], [1000, 1000, 999], [7]):
        box.locator('input[type="text"]').fill(", ".join(map(str, logits)))
        assert box.locator(".mg-bar-value").all_inner_texts() == [f"{p:.3f}" for p in softmax(logits)]
    box.locator('input[type="text"]').fill("2, one")
    assert box.locator(".mg-error").count() == 1


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


def last_50_mean(losses):
    return sum(losses[-50:]) / 50


@pytest.mark.parametrize("page_path, steps", [("step-4/06-training-results/", range(5)),
                                               ("step-5/04-training-results/", range(6))])
def test_loss_curves_show_the_mean_of_the_last_50(widget, page_path, steps):
    page, box = widget("loss-curves", page_path)
    assert_mounted_without_error(box)
    labels = box.locator(".mg-series-label")
    assert labels.count() == len(steps)
    for label, step in zip(labels.all(), steps):
        losses = load(f"step{step}", RESULTS_DIR)["losses"]
        assert label.inner_text().strip() == f"Step {step} (last 50: {last_50_mean(losses):.3f})"
    line = box.locator("path.mg-step-3")
    assert line.is_visible()
    box.locator(".mg-step-3 input").click()  # untick Step 3
    assert not line.is_visible()
    box.locator(".mg-step-3 input").click()
    assert line.is_visible()


def test_step_colours_are_the_pictures_palette(widget):
    from sitebuild.plotting import STEP_COLOURS

    page, box = widget("loss-curves")
    for step, colour in enumerate(STEP_COLOURS["light"]):
        stroke = box.locator(f"path.mg-step-{step}").evaluate("line => getComputedStyle(line).stroke")
        assert stroke == "rgb({}, {}, {})".format(*bytes.fromhex(colour[1:])), step


def test_a_widget_whose_data_fails_to_load_says_so(browser, root):
    with open_page(browser, "about:blank") as page:
        page.context.route("**/widgets/next-token.json", lambda route: route.abort())
        page.goto(root + WIDGET_PAGES["next-token"])
        error = page.locator('.mg-widget[data-widget="next-token"] .mg-error')
        error.wait_for()
        assert "could not load its data" in error.inner_text()
        assert error.is_visible()


def test_nothing_outside_127_0_0_1_is_reachable(browser, root):
    with open_page(browser, root) as page:
        status = page.evaluate("fetch('http://example.org/').then(() => 'fetched', () => 'refused')")
        assert status == "refused"
        assert any("example.org" in url for url in page.blocked)
        page.blocked.clear()  # the one refusal this test asked for

