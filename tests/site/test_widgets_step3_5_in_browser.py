"""The widgets of Steps 3 to 5 and the loss-curve chart, used as a reader
would in a real browser (Debian's Chromium, every host but 127.0.0.1
blocked). Each test clicks, types, presses keys or moves a slider, then
compares the numbers the widget shows with the package's own result,
computed here in CPython.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from widget_pages import RESULTS_DIR, assert_mounted_without_error

from microgpt import analysis
from microgpt.results import load
from microgpt.step5_adam import BETA1, BETA2
from sitebuild import common
from sitebuild.chapters import step3 as ch3
from sitebuild.chapters import step5 as ch5
from sitebuild.common import running_mean


def readout_values(text):
    """{step number: value} from a readout such as 'Step 0: 2.456, Step 3: 2.301'."""
    return {int(step): value for step, value in re.findall(r"Step (\d+): (-?[\d.]+)", text)}


# The loss-curve chart (2.8, 3.8, 4.6, 5.4) ------------------------------------

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

    svg = box.locator("svg").bounding_box()  # hover at 3/4 of the width
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


# 5.4: the names of two steps side by side -------------------------------------

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


# 5.2: Adam's averages over a real gradient ---------------------------------------

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


# The attention widgets of Steps 3 and 4 ----------------------------------------

def shown_row(table_row):
    """The numbers of one row of a vector table (· for not yet written)."""
    return [None if cell == "·" else float(cell) for cell in table_row.locator("td").all_inner_texts()]


def assert_close(shown, expected, digits=3):
    assert len(shown) == len(expected)
    for a, b in zip(shown, expected):
        assert a == pytest.approx(b, abs=0.5 * 10**-digits + 1e-9), (shown, expected)


@pytest.fixture(scope="module")
def trace3():
    return analysis.attention_trace(load("step3", RESULTS_DIR), "emma")


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
