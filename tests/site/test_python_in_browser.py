"""The reader's Python, used as a reader would in a real browser (Debian's
Chromium driven by Playwright, every host but 127.0.0.1 blocked): Run on
"Try it" blocks of every step prints the page's output, an edited block
prints its own, an error points at the reader's line, Stop ends an endless
loop, and the live training of 1.9 ends where the results file says. How
Python starts is checked in test_python_start.py.
Measured times are printed (pytest -s) for the notes of the issue.
"""

import re
import shlex
import subprocess
import sys
import time
from contextlib import ExitStack

import pytest
from browser import ISOLATION_HEADERS, open_page, problems_of, serve, wait_until_drawn
from widget_pages import RESULTS_DIR

from microgpt import analysis
from microgpt.analysis import WINDOW, mean_last
from microgpt.results import load
from sitebuild.chapters import step1 as ch1
from sitebuild.chapters import step3 as ch3

PYTHON_TIMEOUT_MS = 180_000  # the first Run downloads and starts Python
SAMPLE_BLOCKS = {  # page: which of its "Try it" blocks (by order on the page) to run
    "step-0/02-tokenizer/": 0,
    "step-1/05-forward-pass/": 0,
    "step-2/05-backward/": 2,  # the deep chain: the browser's stack must hold it
    "step-3/03-rmsnorm/": 0,
    "step-4/03-multi-head-code/": 0,
    "step-5/04-training-results/": 0,
}


# The top of an element is inside the window.
IN_VIEW = "node => { const top = node.getBoundingClientRect().top; return top >= 0 && top < innerHeight; }"


def run_block(page, index, timeout=PYTHON_TIMEOUT_MS):
    """Press Run on block `index` of a drawn page (as a reader sees it: late fonts or
    widgets would move the output after it was brought into view) and wait for
    it to end; returns (output, note, seconds)."""
    wait_until_drawn(page)
    bar = page.locator(".mg-run-bar").nth(index)
    panel = page.locator(f'.mg-run[data-block="{index}"]')
    started = time.perf_counter()
    bar.get_by_role("button", name="Run this code in your browser").click()
    page.wait_for_selector(f'.mg-run[data-block="{index}"]:is([data-state="done"], [data-state="failed"])',
                           timeout=timeout)
    assert panel.evaluate(IN_VIEW), "the output of Run is out of sight"
    return (panel.locator(".mg-run-output").inner_text(), panel.locator(".mg-run-note").inner_text(),
            time.perf_counter() - started)


def expected_output(page, index):
    """The checked output the page shows under block `index`."""
    return page.locator(".mg-run").nth(index).evaluate(
        "panel => panel.previousElementSibling.querySelector('code').textContent")


def edit_block(page, index, code):
    edit = page.locator(".mg-run-bar").nth(index).get_by_role("button", name="Edit this code")
    if edit.is_visible():  # else the editor is open already
        edit.click()
    editor = page.locator(".mg-editor .cm-content").first
    editor.wait_for()
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


@pytest.fixture
def python_page(browser, root, reader):
    """Opens pages: cold (a fresh browser) or, `warm=True`, in the reader's browser
    (conftest.py). At the end, fails on any script error or blocked request."""
    pages = []
    with ExitStack() as stack:
        def open_python_page(path, warm=False):
            page = stack.enter_context(open_page(browser, root + path, context=reader if warm else None))
            pages.append(page)
            return page

        yield open_python_page
        problems = [problem for page in pages for problem in problems_of(page)]
        assert not problems, problems


@pytest.fixture(scope="module")
def tokenizer_page(browser, root, reader):
    """0.2 with Python started, shared by the tests that edit and run its first block (each
    leaves the page's code back in place)."""
    with open_page(browser, root + "step-0/02-tokenizer/", context=reader) as page:
        run_block(page, 0)
        yield page


@pytest.fixture
def on_tokenizer_page(tokenizer_page):
    """The shared 0.2; fails on any script error or blocked request during the test."""
    since = (len(tokenizer_page.errors), len(tokenizer_page.blocked))
    tokenizer_page.bring_to_front()  # behind a later test's tab it gets no animation frames: clicks wait
    yield tokenizer_page
    assert not problems_of(tokenizer_page, since)


def test_run_prints_the_pages_output_on_every_step(python_page):
    """A reader goes from page to page: Python starts on each from the site's Cache Storage."""
    for path, index in SAMPLE_BLOCKS.items():
        page = python_page(path, warm=True)
        output, note, seconds = run_block(page, index)
        assert output == expected_output(page, index), path
        assert "the same output as the page's" in note, note
        print(f"\n{path} block {index}: first Run on the page, {seconds:.1f} s ({note})")
        if path == "step-0/02-tokenizer/":
            again_output, again_note, again = run_block(page, index)
            assert again_output == output
            print(f"{path} block {index}: second Run {again:.2f} s ({again_note})")
            assert again < 5


def test_an_edited_block_prints_its_own_output_and_reset_restores_the_page(on_tokenizer_page):
    page = on_tokenizer_page
    edit_block(page, 0, "from microgpt.data import Tokenizer\nprint(Tokenizer(['ab']).encode('ba'))\n")
    output, note, _ = run_block(page, 0)
    assert output == "[2, 1, 0, 2]\n"
    assert "same output" not in note
    page.locator(".mg-run-bar").nth(0).get_by_role("button", name="Put the page's code back").click()
    output, note, _ = run_block(page, 0)
    assert output == expected_output(page, 0)


def test_an_error_points_at_the_readers_line(on_tokenizer_page):
    page = on_tokenizer_page
    edit_block(page, 0, "from microgpt.data import Tokenizer\n\nTokenizer(['ab']).encode('abc')\n")
    output, note, _ = run_block(page, 0)
    page.locator(".mg-run-bar").nth(0).get_by_role("button", name="Put the page's code back").click()
    assert "line 3, in <module>" in output
    assert "Tokenizer(['ab']).encode('abc')" in output
    assert "error: 'abc' contains 'c', which the vocabulary does not have" in output
    assert "Traceback" in output and len(output.splitlines()) <= 8, output


# The reader's wait, timed by the page itself (what a busy test machine adds between the
# driver and the browser is not the page's): from the press on Stop of block `index` to
# "Stopped" in its note, in seconds, kept in window.mgStoppedAfter.
STOP_CLOCK = """index => {
  const bar = document.querySelectorAll(".mg-run-bar")[index];
  const button = bar.querySelector('[aria-label="Stop the running code"]');
  const note = document.querySelector(`.mg-run[data-block="${index}"] .mg-run-note`);
  let pressed;
  button.addEventListener("click", () => { pressed = performance.now(); }, { capture: true, once: true });
  const watch = new MutationObserver(() => {
    if (pressed !== undefined && note.textContent.includes("Stopped")) {
      window.mgStoppedAfter = (performance.now() - pressed) / 1000;
      watch.disconnect();
    }
  });
  watch.observe(note, { childList: true, subtree: true, characterData: true });
}"""


def test_stop_ends_an_endless_loop_at_once_and_python_starts_again(on_tokenizer_page):
    """Without cross-origin isolation nothing can interrupt the loop: Stop restarts Python
    at once, without waiting as it does for a training run to end its step."""
    page = on_tokenizer_page  # Python is up
    edit_block(page, 0, "while True:\n    pass\n")
    bar = page.locator(".mg-run-bar").nth(0)
    bar.get_by_role("button", name="Run this code in your browser").click()
    page.wait_for_timeout(500)  # it is looping
    page.evaluate(STOP_CLOCK, 0)
    bar.get_by_role("button", name="Stop the running code").click()
    page.locator('.mg-run[data-block="0"] .mg-run-note').filter(has_text="Stopped").wait_for(timeout=5000)
    stopped_after = page.evaluate("window.mgStoppedAfter")
    print(f"\nStop ended `while True: pass` after {stopped_after:.2f} s")
    assert stopped_after < 0.5
    page.locator(".mg-run-bar").nth(0).get_by_role("button", name="Put the page's code back").click()
    output, _, _ = run_block(page, 0)
    assert output == expected_output(page, 0)


def test_live_training_on_1_9_ends_where_the_results_file_says(python_page):
    step1 = load("step1", RESULTS_DIR)
    page = python_page("step-1/09-training/", warm=True)
    box = page.locator('.mg-widget[data-widget="live-training"]')
    started = time.perf_counter()
    box.get_by_role("button", name="Train in your browser").click()
    box.locator(".mg-live-status").filter(has_text="Done:").wait_for(timeout=PYTHON_TIMEOUT_MS * 2)
    status = box.locator(".mg-live-status").inner_text()
    print(f"\n1.9 live training: {status} (wall clock from the click, Python start included: "
          f"{time.perf_counter() - started:.1f} s)")
    assert box.get_attribute("data-final-mean") == f"{mean_last(step1['losses']):.4f}"
    assert f"Mean loss of the last {WINDOW} names: {mean_last(step1['losses']):.4f}." in status
    assert box.locator(".mg-live-samples").inner_text() == "Names it made: " + shown_names(step1["samples"])
    assert box.locator("path.mg-series").get_attribute("d").count("L") == len(step1["losses"]) - 1


def test_live_training_says_one_step_and_when_training_diverged(python_page):
    """The gradient check before step 1, when asked for, shows its progress, and Stop ends it without
    restarting Python; a 1-step run says "1 step"; a learning rate of 1e9 makes the weights blow up, and
    the widget says that training diverged and why."""
    page = python_page("step-1/09-training/", warm=True)
    box = page.locator('.mg-widget[data-widget="live-training"]')
    status = box.locator(".mg-live-status")
    box.get_by_label("steps", exact=True).fill("1")
    box.get_by_label("check the gradient first").check()
    box.get_by_role("button", name="Train in your browser").click()
    # before step 1, the numerical gradient check: its progress, rather than a silent "Training…"
    progress = r"Checking the gradient numerically before step 1: [\d,]+ of [\d,]+ forward passes"
    checking = status.filter(has_text=re.compile(progress))
    checking.wait_for(timeout=PYTHON_TIMEOUT_MS)
    box.get_by_role("button", name="Stop").click()
    status.filter(has_text="Stopped during the gradient check.").wait_for(timeout=5000)
    assert len([worker for worker in page.workers if worker.url.endswith("python-worker.js")]) == 1
    box.get_by_label("check the gradient first").uncheck()
    box.get_by_role("button", name="Train in your browser").click()
    status.filter(has_text="Done:").wait_for(timeout=PYTHON_TIMEOUT_MS * 2)
    assert status.inner_text().startswith("Done: 1 step in ")
    box.get_by_label("steps", exact=True).fill("3")
    box.get_by_label("learning rate", exact=True).fill("1e9")
    box.get_by_role("button", name="Train in your browser").click()
    error = box.locator(".mg-live-status .mg-error")
    error.wait_for(timeout=PYTHON_TIMEOUT_MS * 2)
    said = error.inner_text()
    assert re.match(r"training diverged \(\d of 3 steps done\): at learning rate 1000000000", said), said
    assert "try a smaller learning rate" in said


def test_stop_ends_a_live_training_between_two_steps(python_page):
    page = python_page("step-5/04-training-results/", warm=True)
    box = page.locator('.mg-widget[data-widget="live-training"]')
    box.get_by_label("steps").fill("1000")
    box.get_by_role("button", name="Train in your browser").click()
    box.locator(".mg-live-status").filter(has_text="steps/s").wait_for(timeout=PYTHON_TIMEOUT_MS)
    started = time.perf_counter()
    box.get_by_role("button", name="Stop").click()
    box.locator(".mg-live-status").filter(has_text="Stopped").wait_for(timeout=5000)
    print(f"\nStop ended the Step 5 live training after {time.perf_counter() - started:.2f} s: "
          f"{box.locator('.mg-live-status').inner_text()}")
    assert re.fullmatch(r"Stopped after step \d+\.", box.locator(".mg-live-status").inner_text())


def test_when_python_cannot_start_the_page_keeps_its_output_and_says_why(browser, root):
    with open_page(browser, "about:blank") as page:
        page.context.route("**/pyodide/runtime.json", lambda route: route.abort())
        page.goto(root + "step-0/02-tokenizer/")
        output, note, _ = run_block(page, 0)
        assert output == ""
        assert note.startswith("Python could not start in this browser"), note
        assert expected_output(page, 0).strip()  # the page's checked output is still there


def test_on_a_cross_origin_isolated_page_stop_interrupts_without_a_restart(browser, site):
    """With COOP/COEP headers (which GitHub Pages cannot send), Stop raises
    KeyboardInterrupt in the running code through a shared buffer: Python keeps
    running, nothing is restarted."""
    with serve(site, ISOLATION_HEADERS) as isolated, \
            open_page(browser, isolated + "step-0/02-tokenizer/") as page:
        assert page.evaluate("crossOriginIsolated")
        run_block(page, 0)
        edit_block(page, 0, "while True:\n    pass\n")
        bar = page.locator(".mg-run-bar").nth(0)
        bar.get_by_role("button", name="Run this code in your browser").click()
        page.wait_for_timeout(500)
        started = time.perf_counter()
        bar.get_by_role("button", name="Stop the running code").click()
        page.wait_for_selector('.mg-run[data-block="0"][data-state="failed"]', timeout=5000)
        assert time.perf_counter() - started < 2
        panel = page.locator('.mg-run[data-block="0"]')
        assert panel.locator(".mg-run-output").inner_text() == "Stopped.\n"
        assert "restarted" not in panel.locator(".mg-run-note").inner_text()
        assert len([worker for worker in page.workers if worker.url.endswith("python-worker.js")]) == 1


def test_a_typed_name_goes_through_the_trained_model_in_the_browser(python_page):
    """3.5: the heatmap of a name the reader types, computed by
    analysis.attention_trace in Pyodide, equals the package's in CPython."""
    page = python_page("step-3/05-scores-weights/", warm=True)
    box = page.locator('.mg-widget[data-widget="attention-weights"]')
    status = box.locator(".mg-typed-status")
    box.get_by_label("a name of your own").fill("bob")
    box.get_by_role("button", name="Show").click()
    status.filter(has_text="computed in your browser").wait_for(timeout=PYTHON_TIMEOUT_MS)
    rows = ch3.attention(load("step3", RESULTS_DIR), "bob")
    assert box.locator(".mg-heat-cell").count() == sum(range(1, len("bob") + 2))
    box.locator('.mg-heat-cell[data-row="3"][data-col="1"]').hover()
    assert box.locator(".mg-trace .mg-readout").inner_text() == (
        f"attention weights: position 3 (b) gives position 1 (b) the weight {rows[3][0][1]:.3f}.")
    assert "name=bob" in page.url
    box.get_by_label("a name of your own").fill("Bob")
    box.get_by_role("button", name="Show").click()
    status.filter(has_text="contains 'B'").wait_for(timeout=30_000)


def shown_names(names):
    return ", ".join(name or "(empty)" for name in names)


def assert_the_caption_code_runs(box, site, names):
    """The command the caption shows gives the same names in a terminal, beside the model file
    it links."""
    link = box.locator(".mg-readout a")
    model_file = site / "widgets" / link.get_attribute("download")
    assert link.get_attribute("href").endswith(f"widgets/{model_file.name}") and model_file.exists()
    command = shlex.split(box.locator(".mg-sample-code").inner_text())
    assert command[:2] == ["python", "-c"]
    run = subprocess.run([sys.executable, *command[1:]], cwd=model_file.parent,
                         capture_output=True, text=True, check=True)
    assert run.stdout.rstrip("\n") == ", ".join(names)


def test_sampling_in_the_browser_gives_the_packages_names_for_the_seed(python_page, site):
    page = python_page("step-5/04-training-results/", warm=True)
    box = page.locator('.mg-widget[data-widget="sample-names"]')
    assert box.get_attribute("data-model") == "step5"
    box.get_by_label("temperature").fill("0.8")
    box.get_by_label("seed").fill("7")
    box.get_by_role("button", name="Sample 10 names").click()
    box.locator(".mg-readout").filter(has_text="gives these names again").wait_for(timeout=PYTHON_TIMEOUT_MS)
    expected = analysis.sample_names(load("step5", RESULTS_DIR), 10, 0.8, 7)
    assert box.locator(".mg-sampled-names").inner_text() == shown_names(expected)
    assert_the_caption_code_runs(box, site, expected)
    assert "seed=7" in page.url and "T=0.8" in page.url


def test_sampling_from_the_trained_step_1_model_on_1_9(python_page, site):
    """Step 1's results keep no trained weights: the build re-trains it
    (ch1.step1_trained_state, checked against the results file)."""
    step1 = load("step1", RESULTS_DIR)
    model = {"step": "step1", "uchars": load("step0", RESULTS_DIR)["uchars"],
             "weights": ch1.step1_trained_state(step1)}
    page = python_page("step-1/09-training/", warm=True)
    box = page.locator('.mg-widget[data-widget="sample-names"]')
    box.get_by_label("temperature").fill("1")
    box.get_by_role("button", name="Sample 10 names").click()
    box.locator(".mg-readout").filter(has_text="gives these names again").wait_for(timeout=PYTHON_TIMEOUT_MS)
    expected = analysis.sample_names(model, 10, 1.0, 42)
    assert box.locator(".mg-sampled-names").inner_text() == shown_names(expected)
    assert_the_caption_code_runs(box, site, expected)
