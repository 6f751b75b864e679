"""The attention widgets of Step 3 (widgets/step3.js), as a reader would use them in a real
browser (Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked).
Each test types, clicks, presses keys or moves a slider, then compares the numbers the
widget shows with the package's own result, computed here in CPython (the `widget`
fixture, conftest.py, also fails on any script error or blocked request).

A name typed into them runs through Python in the browser: test_python_in_browser.py.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from widget_pages import RESULTS_DIR, assert_close, assert_mounted_without_error, shown_row

from microgpt import analysis
from microgpt.results import load
from sitebuild.chapters import step3 as ch3


@pytest.fixture(scope="module")
def trace3():
    return analysis.attention_trace(load("step3", RESULTS_DIR), "emma")


# 3.2 ---------------------------------------------------------------------------

def test_embeddings_add_token_and_position_rows(widget, trace3):
    page, box = widget("embeddings")
    assert_mounted_without_error(box)
    step3 = load("step3", RESULTS_DIR)
    m = step3["uchars"].index("m")
    columns = {}
    for position in (2, 3):  # the two m's of emma
        box.get_by_role("button", name=f"{position} m", exact=True).click()
        table = box.locator("table.mg-embeddings")
        columns[position] = {kind: [float(v) for v in table.locator(f"td.mg-{kind}").all_inner_texts()]
                             for kind in ("tok", "pos", "sum")}
        assert_close(columns[position]["tok"], step3["weights"]["wte"][m])
        assert_close(columns[position]["pos"], step3["weights"]["wpe"][position])
        assert_close(columns[position]["sum"], [t + p for t, p in zip(step3["weights"]["wte"][m],
                                                                    step3["weights"]["wpe"][position])])
    assert columns[2]["tok"] == columns[3]["tok"] and columns[2]["sum"] != columns[3]["sum"]
    assert parse_qs(urlsplit(page.url).query)["position"] == ["3"]


# 3.5 ---------------------------------------------------------------------------

def test_attention_weights_heatmap_reads_by_hover_and_keyboard(widget):
    page, box = widget("attention-weights")
    assert_mounted_without_error(box)
    rows = ch3.attention(load("step3", RESULTS_DIR), "emma")
    cells = box.locator(".mg-heat-cell")
    assert cells.count() == sum(range(1, len("emma") + 2))  # a lower triangle
    readout = box.locator(".mg-readout")

    def says(row, column, label, other):
        return readout.inner_text() == (f"attention weights: position {row} ({label}) gives position "
                                        f"{column} ({other}) the weight {rows[row][0][column]:.3f}.")

    box.locator('.mg-heat-cell[data-row="4"][data-col="1"]').hover()
    assert says(4, 1, "a", "e")
    box.locator('.mg-heat-cell[data-row="3"][data-col="3"]').focus()  # what a Tab would reach
    assert says(3, 3, "m", "m")
    page.keyboard.press("Shift+Tab")
    assert says(3, 2, "m", "m")


# 3.6 ---------------------------------------------------------------------------

def test_attention_output_is_the_weighted_sum_of_values(widget, trace3):
    page, box = widget("attention-output")
    assert_mounted_without_error(box)
    for position in (4, 1):
        box.locator(".mg-position").nth(position).click()
        at = trace3["positions"][position]
        qkv = box.locator("table.mg-qkv tbody tr")
        for i, key in enumerate(("q", "k", "v")):
            assert_close(shown_row(qkv.nth(i)), at[key])
        terms = box.locator("table.mg-blend tbody tr.mg-term")
        assert terms.count() == position + 1
        for t in range(position + 1):
            label = terms.nth(t).locator("th").inner_text()
            assert float(label.split(" × ")[0]) == pytest.approx(at["weights"][0][t], abs=5.001e-4)
            assert_close(shown_row(terms.nth(t)), trace3["positions"][t]["v"])
        assert_close(shown_row(box.locator("table.mg-blend tr.mg-total")), at["x_attn"])


# 3.7 ---------------------------------------------------------------------------

def test_kv_cache_grows_one_entry_per_position(widget, trace3):
    page, box = widget("kv-cache")
    assert_mounted_without_error(box)
    next_button = box.locator(".mg-controls button").nth(1)  # "Next token", then "Start again"
    for position in range(len(trace3["labels"])):
        for kind in ("keys", "values"):
            rows = box.locator(f"table.mg-{kind} tbody tr")
            assert rows.count() == position + 1
            newest = box.locator(f"table.mg-{kind} tbody tr.mg-newest")
            assert newest.count() == 1
            assert newest.locator("th").inner_text().startswith(f"{kind[0]}{position} ")
            assert_close(shown_row(newest), trace3["positions"][position][kind[0]])
        assert f"holds {position + 1} key" in box.locator(".mg-readout").inner_text()
        next_button.focus()
        page.keyboard.press("Enter")
    assert box.locator("table.mg-keys tbody tr").count() == 1  # after the last position: a new name
    box.get_by_role("button", name="Back").click()  # and back to the end
    assert box.locator("table.mg-keys tbody tr").count() == len(trace3["labels"])
