"""Every widget that can show an error shows it legibly: the browser makes each
one show its error (by typing or pressing what a reader might), then measures the
contrast of the error's text on the page behind it, in the light and the dark theme
(WCAG's 4.5:1 for body text)."""

import pytest
from browser import open_page
from widget_pages import WIDGET_PAGES

MINIMUM_CONTRAST = 4.5


def type_into(nth, text):
    def trigger(box):
        box.locator("input").nth(nth).fill(text)
    return trigger


def press_with(field, value, button):
    def trigger(box):
        box.get_by_label(field, exact=True).fill(value)
        box.get_by_role("button", name=button).click()
    return trigger


ERRORS = {  # widget: how a reader makes it show an error (none of these starts Python)
    "tokenizer": type_into(0, "Anna"),
    "pair-loss": type_into(0, "Zoë"),
    "dot-product": type_into(0, "2, one"),
    "softmax": type_into(0, "a, b"),
    "live-training": press_with("steps", "0", "Train in your browser"),
    "sample-names": press_with("seed", "", "Sample 10 names"),
}

# The contrast of the error's colour on the first opaque background behind it
# (a translucent colour blended over it), as WCAG 2 defines it.
CONTRAST = """error => {
  const rgba = (text) => {
    const v = text.match(/[\\d.]+/g).map(Number);
    return [v[0], v[1], v[2], v[3] ?? 1];
  };
  let node = error, back = [0, 0, 0, 0];
  while (node && back[3] < 1) {
    back = rgba(getComputedStyle(node).backgroundColor);
    node = node.parentElement;
  }
  if (back[3] < 1) back = [255, 255, 255, 1];
  const fore = rgba(getComputedStyle(error).color);
  const blended = fore.slice(0, 3).map((c, i) => c * fore[3] + back[i] * (1 - fore[3]));
  const linear = (c) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  const luminance = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const [hi, lo] = [luminance(blended), luminance(back.slice(0, 3))].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("name", sorted(ERRORS))
def test_widget_errors_are_legible_in_both_themes(browser, root, name, theme):
    with open_page(browser, root + WIDGET_PAGES[name], color_scheme=theme) as page:
        box = page.locator(f'.mg-widget[data-widget="{name}"]')
        page.wait_for_function("box => box.dataset.mounted && box.querySelectorAll('*').length > 3",
                               arg=box.element_handle())
        ERRORS[name](box)
        error = box.locator(".mg-error").first
        error.wait_for()
        assert error.inner_text().strip()
        contrast = error.evaluate(CONTRAST)
        assert contrast >= MINIMUM_CONTRAST, f"{name}, {theme} theme: contrast {contrast:.2f}:1"
        assert not page.errors, page.errors


def test_the_dot_product_says_when_its_numbers_overflow(widget):
    """1e308 × 1e308 passes the largest float: an error, not "Infinity"."""
    _, box = widget("dot-product")
    box.locator("input").nth(0).fill("1e308, 1")
    box.locator("input").nth(1).fill("1e308, 1")
    assert "too large" in box.locator(".mg-error").inner_text()
    assert "Infinity" not in box.inner_text()


@pytest.mark.parametrize(("field", "value", "says"), [
    ("temperature", "-1", "The temperature must be a number of at least 0.001"),
    ("seed", "1.5", "The seed must be a whole number"),
    ("steps", "100000", "Steps must be a whole number from 1 to 10000"),
    ("your own names, one per line", "ava\n" + "a" * 100, "Line 2 of your names has 100 characters"),
    ("your own names, one per line", "ava\n" * 50001, "You pasted 50,001 names; at most 50,000"),
])
def test_live_training_refuses_a_bad_setting_before_python_loads(widget, field, value, says):
    """The refusal does not wait for Python: it shows while Python, started when the pointer
    reached the button (the reader's intent, python.js), is still loading."""
    page, box = widget("live-training")
    box.locator("summary").click()  # opens "Train on your own names"
    box.get_by_label(field, exact=True).evaluate("(input, value) => { input.value = value; }", value)
    box.get_by_role("button", name="Train in your browser").click()
    assert says in box.locator(".mg-error").inner_text()
    assert not page.evaluate("MicroGPT.python.ready()"), "the refusal waited for Python to load"
