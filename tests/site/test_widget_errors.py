"""Every widget that can show an error shows it legibly: the browser makes each
one show its error (by typing or pressing what a reader might), then measures the
contrast of the error's text on the page behind it, in the light and the dark theme
(WCAG's 4.5:1 for body text). One load of a widget's page serves both themes: it
opens in light, and the reader's palette toggle switches it to dark.

Live training refuses each bad setting without Python: the cases share one load of
the page, each on a fresh copy of the widget (MicroGPT.mount)."""

import pytest
from browser import SCHEME, open_page, toggle_theme
from widget_pages import WIDGET_PAGES, mount_afresh

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


# Colour transitions (Material fades some backgrounds) have ended after a theme switch.
SETTLED = "() => !document.getAnimations().some((animation) => animation instanceof CSSTransition)"


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_widget_errors_are_legible_in_both_themes(browser, root, name):
    # A context of its own: the toggle keeps the reader's theme in the site's storage.
    with open_page(browser, root + WIDGET_PAGES[name], color_scheme="light") as page:
        box = page.locator(f'.mg-widget[data-widget="{name}"]')
        page.wait_for_function("box => box.dataset.mounted && box.querySelectorAll('*').length > 3",
                               arg=box.element_handle())
        ERRORS[name](box)
        error = box.locator(".mg-error").first
        error.wait_for()
        assert error.inner_text().strip()
        contrasts = {}
        for theme in ("light", "dark"):  # it opens in light; the toggle switches it to dark
            if contrasts:
                toggle_theme(page, theme)
                page.wait_for_function(SETTLED)
            scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
            assert scheme == SCHEME[theme], f"{name}: the {theme} theme shows as {scheme}"
            contrasts[theme] = error.evaluate(CONTRAST)
        illegible = [f"{theme} theme: contrast {contrast:.2f}:1" for theme, contrast in contrasts.items()
                     if contrast < MINIMUM_CONTRAST]
        assert not illegible, f"{name}: {illegible}"
        assert not page.errors, page.errors


def test_the_dot_product_says_when_its_numbers_overflow(widget):
    """1e308 × 1e308 passes the largest float: an error, not "Infinity"."""
    _, box = widget("dot-product")
    box.locator("input").nth(0).fill("1e308, 1")
    box.locator("input").nth(1).fill("1e308, 1")
    assert "too large" in box.locator(".mg-error").inner_text()
    assert "Infinity" not in box.inner_text()


BAD_SETTINGS = [  # field, a bad value, what the refusal says
    ("temperature", "-1", "The temperature must be a number of at least 0.001"),
    ("seed", "1.5", "The seed must be a whole number"),
    ("steps", "100000", "Steps must be a whole number from 1 to 10000"),
    ("your own names, one per line", "ava\n" + "a" * 100, "Line 2 of your names has 100 characters"),
    ("your own names, one per line", "ava\n" * 50001, "You pasted 50,001 names; at most 50,000"),
]


def test_live_training_refuses_a_bad_setting_before_python_loads(widget):
    """The refusal does not wait for Python, nor even start it: Train is pressed without the
    pointer (which would start Python, the reader's intent: python.js), and the refusal shows
    while Python has not been started."""
    page, _ = widget("live-training")
    for field, value, says in BAD_SETTINGS:
        box = mount_afresh(page, "live-training")  # a clean state
        box.locator("summary").click()  # opens "Train on your own names"
        box.get_by_label(field, exact=True).evaluate("(input, value) => { input.value = value; }", value)
        box.get_by_role("button", name="Train in your browser").dispatch_event("click")
        case = f"{field} = {value[:12]!r}…"
        assert says in box.locator(".mg-error").inner_text(), case
        assert not page.evaluate("MicroGPT.python.started()"), f"{case}: the refusal started Python"
