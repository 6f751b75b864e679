"""The widget of Step 4 (widgets/step4.js), as a reader would use them in a real browser
(Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked). Each test
types, clicks, presses keys or moves a slider, then compares the numbers the widget
shows with the package's own result, computed here in CPython (the `widget` fixture,
conftest.py, also fails on any script error or blocked request).
"""


from widget_pages import RESULTS_DIR, assert_close, assert_mounted_without_error, shown_row

from microgpt import analysis
from microgpt.results import load
from sitebuild.chapters import step3 as ch3

# 4.2 ---------------------------------------------------------------------------

def test_heads_assemble_x_attn_slice_by_slice(widget):
    page, box = widget("heads")
    assert_mounted_without_error(box)
    step4 = load("step4", RESULTS_DIR)
    trace = analysis.attention_trace(step4, "isabella")
    head_dim, n_head = trace["head_dim"], trace["n_head"]
    position = 5
    box.locator(".mg-position").nth(position).click()
    at = trace["positions"][position]
    assembled = box.locator("table.mg-assembled tbody tr")
    assert shown_row(assembled) == [None] * (n_head * head_dim)
    next_head = box.locator(".mg-controls button")
    for head in range(n_head):
        next_head.click()
        shown = shown_row(assembled)
        written = (head + 1) * head_dim
        assert_close(shown[:written], at["x_attn"][:written])
        assert shown[written:] == [None] * (n_head * head_dim - written)
        assert_close(shown_row(box.locator("table.mg-head-q tbody tr")), at["q"][head * head_dim:written])
        assert_close(shown_row(box.locator("table.mg-head-weights tbody tr")), at["weights"][head])
    assert next_head.inner_text() == "Start again ↺"
    next_head.click()
    assert shown_row(assembled) == [None] * (n_head * head_dim)
    assert box.locator(".mg-head-map").count() == n_head
    rows = ch3.attention(step4, "isabella")
    cell = box.locator(".mg-head-map").nth(2).locator('.mg-heat-cell[data-row="8"][data-col="4"]')
    cell.focus()
    labels = trace["labels"]
    assert box.locator(".mg-readout").inner_text() == (
        f"head 2: position 8 ({labels[8]}) gives position 4 ({labels[4]}) the weight {rows[8][2][4]:.3f}.")
