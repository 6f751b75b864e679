"""Every widget that reads the address (?KEY=VALUE, widgets.js's `state`) survives a
malformed one: given non-numbers, hex, negatives, huge numbers or markup, a number
setting keeps its default (the widget looks exactly as it does with no address) and
shows no error; a text setting shows the markup as text and injects nothing. The
`widget` fixture also fails on any script error.

The number settings are checked on one load of each widget's page: for each address
the test sets it in place (history.replaceState) and mounts a fresh copy of the widget
(MicroGPT.mount, as the page load does), which reads the address as a page load would.
The default is mounted the same way and must look as the page loaded it; a valid value
of each key must change what the copy shows, so the copy is known to read the address.
One widget is also loaded with malformed numbers in the address, and the text settings
are checked on pages loaded with markup in the address, so the page-load path stays
covered too."""

from urllib.parse import urlencode

import pytest
from browser import wait_until_drawn
from widget_pages import WIDGET_PAGES, assert_mounted_without_error, mount_afresh

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
# a valid value of each key, other than its default: the widget must show it
SHOWN = {"pairs": "3", "step": "2", "T": "2", "token": "b", "eps": "1", "weight": "0", "steps": "7",
         "lr": "0.5", "temperature": "1", "seed": "7", "graph": "1", "visit": "3", "smooth": "5",
         "position": "1", "beta1": "0.5", "left": "2", "right": "3"}
TEXT_KEYS = {"tokenizer": "names", "pair-loss": "name", "dot-product": "x", "attention-weights": "name"}

# What the reader sees of a widget: its text and the value of every field.
LOOK = "box => [box.innerText, ...[...box.querySelectorAll('input, select, textarea')].map((e) => e.value)]"


def address(name, values):
    return f"{WIDGET_PAGES[name]}?{urlencode(values)}"


def look_with(page, name, values):
    """What a fresh copy of widget `name` shows, mounted with `values` in the address."""
    box = mount_afresh(page, name, f"?{urlencode(values)}" if values else "")
    assert_mounted_without_error(box)
    return box.evaluate(LOOK)


@pytest.mark.parametrize("name", sorted(NUMBER_KEYS))
def test_a_malformed_number_in_the_address_leaves_the_default(widget, name):
    page, box = widget(name)
    wait_until_drawn(page)
    loaded = box.evaluate(LOOK)
    default = look_with(page, name, {})
    assert default == loaded, f"{name} mounted afresh looks other than as the page loaded it"
    for key in NUMBER_KEYS[name]:
        assert look_with(page, name, {key: SHOWN[key]}) != default, f"{name} ignored {key} = {SHOWN[key]}"
    for value in MALFORMED:
        keys = [key for key in NUMBER_KEYS[name] if value not in VALID.get(key, ())]
        shown = look_with(page, name, {key: value for key in keys})
        assert shown == default, f"{name} with {keys} = {value!r}"


def test_a_page_loaded_with_malformed_numbers_shows_the_default(widget):
    """The page-load path itself: each of live-training's settings malformed in another way."""
    name, keys = "live-training", NUMBER_KEYS["live-training"]
    page, box = widget(name)
    wait_until_drawn(page)
    default = box.evaluate(LOOK)
    values = dict(zip(keys, ["abc", "0x10", "1e999", MARKUP], strict=True))
    page, box = widget(name, address(name, values), on=page)
    wait_until_drawn(page)
    assert_mounted_without_error(box)
    assert box.evaluate(LOOK) == default, f"{name} loaded with {values}"


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
