"""The widgets of Step 0 (widgets/step0.js), as a reader would use them in a real browser
(Debian's Chromium, driven by Playwright; every host but 127.0.0.1 blocked). Each test
types, clicks, presses keys or moves a slider, then compares the numbers the widget
shows with the package's own result, computed here in CPython (the `widget` fixture,
conftest.py, also fails on any script error or blocked request).
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from widget_pages import RESULTS_DIR, WIDGET_PAGES, assert_mounted_without_error

from microgpt.data import Tokenizer
from microgpt.errors import MicrogptError
from microgpt.results import load
from microgpt.step0_counting import add_pairs, bigram, name_loss, new_count_table, pair_losses, train
from sitebuild.common import WINDOW, running_mean


def button(box, text):
    return box.get_by_role("button", name=text, exact=True)


@pytest.fixture(scope="module")
def tokenizer(docs):
    return Tokenizer(docs)


@pytest.fixture(scope="module")
def trained(docs, tokenizer):
    """Step 0's count table after training, and the loss of every step."""
    counts = new_count_table(tokenizer.vocab_size)
    losses = train(counts, docs, tokenizer, 1000, on_step=lambda step, loss: None)
    return counts, losses


# 0.2 ---------------------------------------------------------------------------

def test_tokenizer_shows_the_characters_and_tokens_of_several_names(widget, tokenizer):
    page, box = widget("tokenizer")
    assert_mounted_without_error(box)
    typed = "ava emma,  zoe, q"
    names = ["ava", "emma", "zoe", "q"]
    box.locator("input").fill(typed)
    characters, typed_chars = box.locator(".mg-uchar"), Tokenizer(names).uchars  # sorted, each once
    assert characters.locator("b").all_inner_texts() == typed_chars
    assert [int(i) for i in characters.locator("small").all_inner_texts()] == [
        tokenizer.encode(ch)[1] for ch in typed_chars]
    assert box.locator(".mg-uchars").inner_text().startswith(f"{len(typed_chars)} unique characters")
    rows = box.locator(".mg-tokens")
    assert rows.count() == len(names)
    for row, name in zip(rows.all(), names):
        assert [int(i) for i in row.locator(".mg-token small").all_inner_texts()] == tokenizer.encode(name)
        labels = row.locator(".mg-token b").all_inner_texts()
        assert labels[0] == labels[-1] == "BOS"
    assert "names=" in page.url  # the typed names are in the address, to share

    # the address brings them back
    page.goto(page.url.split("?")[0] + "?names=liam%20noah")
    box.locator(".mg-tokens").first.wait_for()
    second = box.locator(".mg-tokens").nth(1)
    assert [int(i) for i in second.locator(".mg-token small").all_inner_texts()] == tokenizer.encode("noah")


def test_tokenizer_shows_the_packages_tokens(widget):
    page, box = widget("tokenizer")
    assert_mounted_without_error(box)
    tokenizer = Tokenizer(load("step0", RESULTS_DIR)["uchars"])
    for name in ("ava", "emma", "", "zzyzx"):
        box.locator("input").fill(name)
        ids = [int(i) for i in box.locator(".mg-token small").all_inner_texts()]
        assert ids == tokenizer.encode(name), name
        pairs = len(ids) - 1
        shown_pairs = box.locator(".mg-pairs").inner_text()
        assert shown_pairs.startswith(f"{pairs} pair{'' if pairs == 1 else 's'} to learn from")
        # names.txt has no empty name: the widget says so rather than offering BOS→BOS as a pair to learn
        assert ("names.txt has no empty name" in shown_pairs) == (name == "")
    box.locator("input").fill("Ava!")
    with pytest.raises(MicrogptError):
        tokenizer.encode("Ava!")
    assert "Not in the vocabulary" in box.locator(".mg-error").inner_text()


# 0.3 ---------------------------------------------------------------------------

def shown_table(box):
    texts = box.locator(".mg-count-table tbody tr").evaluate_all(
        "rows => rows.map(row => [...row.querySelectorAll('td')].map(td => td.textContent))")
    return [[int(text) if text else 0 for text in row] for row in texts]


def test_count_fill_shows_the_packages_counts_name_by_name(widget, docs, tokenizer):
    page, box = widget("count-fill")
    assert_mounted_without_error(box)
    empty = new_count_table(tokenizer.vocab_size)
    assert shown_table(box) == empty
    labels = tokenizer.uchars + ["BOS"]

    counts = new_count_table(tokenizer.vocab_size)
    for name in docs[:3]:
        button(box, "Next name").click()
        add_pairs(counts, tokenizer.encode(name))
        assert shown_table(box) == counts, name

    # one pair of the fourth name: the first pair (BOS, its first letter), highlighted
    button(box, "Next pair").click()
    tokens = tokenizer.encode(docs[3])
    add_pairs(counts, tokens[:2])
    assert shown_table(box) == counts
    changed = box.locator("td.mg-changed")
    assert changed.count() == 1
    assert int(changed.inner_text()) == counts[tokens[0]][tokens[1]]
    assert f'"{docs[3]}": pair (BOS, {labels[tokens[1]]})' in box.locator(".mg-count-readout").inner_text()
    counted = sum(len(name) + 1 for name in docs[:3]) + 1
    assert parse_qs(urlsplit(page.url).query)["pairs"] == [str(counted)]
    _, shared = widget("count-fill", f"{WIDGET_PAGES['count-fill']}?pairs={counted}")
    assert shown_table(shared) == counts  # the address shows the same table
    page.bring_to_front()  # a tab behind another gets no animation frames: each click would wait a second

    for _ in range(10):  # to the end of the first names
        button(box, "Next name").click()
    counts = new_count_table(tokenizer.vocab_size)
    shown_names = box.locator(".mg-count-readout").inner_text()
    number = int(re.search(r"of the first (\d+) names", shown_names).group(1))
    for name in docs[:number]:
        add_pairs(counts, tokenizer.encode(name))
    assert shown_table(box) == counts
    assert sum(map(sum, counts)) == sum(len(name) + 1 for name in docs[:number])
    assert f"All {sum(map(sum, counts))} pairs" in shown_names

    button(box, "Reset").click()
    assert shown_table(box) == empty


# 0.4 ---------------------------------------------------------------------------

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


# 0.6 ---------------------------------------------------------------------------

def pair_rows(box):
    return [row.locator("td").all_inner_texts() for row in box.locator(".mg-pair-loss tbody tr").all()]


@pytest.mark.parametrize("name", ["ava", "christopher", "q", "zzyzx"])
def test_pair_loss_of_a_typed_name_is_the_packages_loss(widget, tokenizer, trained, name):
    page, box = widget("pair-loss")
    assert_mounted_without_error(box)
    counts = trained[0]
    box.locator("input").fill(name)
    tokens = tokenizer.encode(name)
    labels = tokenizer.uchars + ["BOS"]
    assert pair_rows(box) == []
    button(box, "Next pair").click()
    button(box, "Next pair").click()
    assert len(pair_rows(box)) == min(2, len(tokens) - 1)
    button(box, "All pairs").click()
    expected = [[f"({labels[cur]}, {labels[nxt]})", f"{bigram(counts, cur)[nxt]:.4f}", f"{loss:.4f}",
                 f"{name_loss(counts, tokens[:k + 2]):.4f}"]  # the mean of the first k + 1 pairs
                for k, (cur, nxt, loss) in enumerate(zip(tokens, tokens[1:], pair_losses(counts, tokens)))]
    assert pair_rows(box) == expected
    assert box.locator(".mg-name-loss").inner_text().endswith(f": {name_loss(counts, tokens):.4f}.")
    assert f"name={name}" in page.url


def test_pair_loss_refuses_what_is_not_a_name(widget):
    page, box = widget("pair-loss")
    for typed in ("Ava", "", "jo-ann"):
        box.locator("input").fill(typed)
        assert "letters a to z" in box.locator(".mg-error").inner_text()


def test_step0_losses_shows_step_name_and_loss(widget, docs, trained):
    page, box = widget("step0-losses")
    assert_mounted_without_error(box)
    losses = trained[1]
    means = running_mean(losses)
    readout = box.locator(".mg-step-readout")

    def expected(step):
        return (f'Step {step}: "{docs[step - 1]}", loss {losses[step - 1]:.4f} '
                f"(mean of the last {min(step, WINDOW)}: {means[step - 1]:.4f})")

    assert readout.inner_text() == expected(1)
    for step in (37, 1000):
        box.locator('input[type="range"]').fill(str(step))
        assert readout.inner_text() == expected(step)
    # hover: the step under the pointer
    plot = box.locator("svg")
    plot.scroll_into_view_if_needed()
    size = plot.bounding_box()
    for fraction in (0.3, 0.8):
        plot.hover(position={"x": fraction * size["width"], "y": size["height"] / 2})
        step = int(re.match(r"Step (\d+):", readout.inner_text()).group(1))
        assert 0.2 * len(losses) < step < 0.9 * len(losses)
        assert readout.inner_text() == expected(step)
        assert f"step={step}" in page.url
