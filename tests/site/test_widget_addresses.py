"""Every widget that reads the address (?KEY=VALUE, widgets.js's `state`) survives a
malformed one: opened with non-numbers, hex, negatives, huge numbers or markup, a
number setting keeps its default (the widget looks exactly as it does with no
address) and shows no error; a text setting shows the markup as text and injects
nothing. The `widget` fixture also fails on any script error."""

from urllib.parse import urlencode

import pytest
from browser import wait_until_drawn
from widget_pages import WIDGET_PAGES, assert_mounted_without_error

MARKUP = '<img src=x onerror="document.title=1">'
HUGE = "99999999999999999999"
MALFORMED = ["abc", "0x10", "-1", "1e999", HUGE, MARKUP, ""]
NUMBER_KEYS = {  # widget: the number settings it reads from the address
    "count-fill": ["pairs"],
    "step0-losses": ["step"],
    "softmax": ["T"],
    "mlp-layers": ["token"],
    "loss-slope": ["eps"],
    "gradient-check": ["weight"],
    "live-training": ["steps", "lr", "temperature", "seed"],
    "sample-names": ["T", "seed"],
    "backward-graph": ["graph", "visit"],
    "loss-curves": ["smooth"],
    "embeddings": ["position"],
    "attention-output": ["position"],
    "kv-cache": ["position"],
    "heads": ["position"],
    "adam-trace": ["beta1"],
    "compare-names": ["left", "right"],
}
# values that are valid for a key: a negative seed is a seed, 1e20 a (silly) rate or temperature
VALID = {"seed": {"-1"}, "lr": {HUGE}, "temperature": {HUGE}}
TEXT_KEYS = {"tokenizer": "names", "pair-loss": "name", "dot-product": "x", "attention-weights": "name"}

# What the reader sees of a widget: its text and the value of every field.
LOOK = "box => [box.innerText, ...[...box.querySelectorAll('input, select, textarea')].map((e) => e.value)]"


def address(name, values):
    return f"{WIDGET_PAGES[name]}?{urlencode(values)}"


@pytest.mark.parametrize("name", sorted(NUMBER_KEYS))
def test_a_malformed_number_in_the_address_leaves_the_default(widget, name):
    page, box = widget(name)
    wait_until_drawn(page)
    default = box.evaluate(LOOK)
    for value in MALFORMED:
        keys = [key for key in NUMBER_KEYS[name] if value not in VALID.get(key, ())]
        page, shown = widget(name, address(name, {key: value for key in keys}), on=page)
        wait_until_drawn(page)
        assert_mounted_without_error(shown)
        assert shown.evaluate(LOOK) == default, f"{name} with {keys} = {value!r}"


@pytest.mark.parametrize("name", sorted(TEXT_KEYS))
def test_markup_in_the_address_is_shown_as_text(widget, name):
    page, box = widget(name, address(name, {TEXT_KEYS[name]: MARKUP}))
    assert box.locator("input").first.input_value() == MARKUP
    assert box.locator("img").count() == 0
    assert page.title() != "1"


def test_hex_in_the_address_is_no_number(widget):
    _, box = widget("dot-product", address("dot-product", {"x": "0x10, 1, 0, -1"}))
    assert "x is not a list of numbers" in box.locator(".mg-error").inner_text()


def test_a_name_in_the_address_waits_for_show_before_python_loads(widget):
    """3.5: Python (about 12 MB) loads only when the reader asks for it."""
    page, box = widget("attention-weights", address("attention-weights", {"name": "bob"}))
    assert box.get_by_label("a name of your own").input_value() == "bob"
    assert "Press Show" in box.locator(".mg-typed-status").inner_text()
    page.wait_for_timeout(1000)
    assert not [url for url in page.loaded if "pyodide" in url or "python-worker" in url], page.loaded
