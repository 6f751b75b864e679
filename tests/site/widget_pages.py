"""Where each widget is shown: the browser tests open it there (conftest.py's
`widget` fixture), and test_every_widget_page_is_tested checks the list is complete.
Also what the widget tests share: the results files, the check that a
widget mounted with no error, mounting a fresh copy of a widget on a loaded page,
and reading the vector tables of the attention widgets (Steps 3 and 4)."""

from pathlib import Path

import pytest
from browser import wait_until_drawn

RESULTS_DIR = Path(__file__).parents[2] / "docs" / "results"


def assert_mounted_without_error(box):
    assert box.get_attribute("data-mounted") == "true"
    errors = box.locator(".mg-error").all_inner_texts()
    assert not errors, errors


# A fresh copy of the widget `box` mounted in its stead, as a page load mounts it.
REMOUNT = """(box) => {
  const copy = box.cloneNode(false);
  delete copy.dataset.mounted;
  box.replaceWith(copy);
  MicroGPT.mount(copy);
}"""
# Set the address to `search` in place, then the same.
MOUNT_AFRESH = f"""(box, search) => {{
  history.replaceState(history.state, "", location.pathname + search);
  ({REMOUNT})(box);
}}"""


def mount_afresh(page, name, search=""):
    """Mount a fresh copy of widget `name` on a loaded page, in a clean state and as a page
    load does (widgets.js's MicroGPT.mount), with the address's query set to `search` first;
    returns its locator once drawn."""
    box = page.locator(f'.mg-widget[data-widget="{name}"]')
    box.evaluate(MOUNT_AFRESH, search)
    wait_until_drawn(page)
    return box


def shown_row(table_row):
    """The numbers of one row of a vector table (· for not yet written)."""
    return [None if cell == "·" else float(cell) for cell in table_row.locator("td").all_inner_texts()]


def assert_close(shown, expected, digits=3):
    assert len(shown) == len(expected)
    for a, b in zip(shown, expected):
        assert a == pytest.approx(b, abs=0.5 * 10**-digits + 1e-9), (shown, expected)


WIDGET_PAGES = {  # widget: the page that shows it (conftest.py's `widget` fixture opens it)
    "tokenizer": "step-0/02-tokenizer/",
    "count-fill": "step-0/03-count-table/",
    "pair-loss": "step-0/06-loss/",
    "step0-losses": "step-0/06-loss/",
    "next-token": "step-0/04-model/",
    "softmax": "step-1/03-linear-softmax/",
    "dot-product": "step-1/03-linear-softmax/",
    "init-weights": "step-1/02-parameters/",
    "slope": "step-1/06-numerical-gradient/",
    "temperature": "step-1/09-training/",
    "beta": "step-5/02-momentum/",
    "loss-curves": "step-5/04-training-results/",
    "mlp-layers": "step-1/04-mlp/",
    "loss-slope": "step-1/06-numerical-gradient/",
    "gradient-check": "step-1/08-gradient-check/",
    "backward-graph": "step-2/05-backward/",
    "compare-names": "step-5/04-training-results/",
    "adam-trace": "step-5/02-momentum/",
    "embeddings": "step-3/02-position-embeddings/",
    "attention-weights": "step-3/05-scores-weights/",
    "attention-output": "step-3/06-output-residuals/",
    "kv-cache": "step-3/07-kv-cache/",
    "heads": "step-4/02-multi-head-idea/",
    "live-training": "step-1/09-training/",  # also on 5.4; tests/site/test_python_in_browser.py
    "sample-names": "step-5/04-training-results/",
}
