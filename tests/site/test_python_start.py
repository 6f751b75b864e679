"""How the reader's Python starts, watched through one reader's first Run on the site
(in a fresh browser): nothing of it is downloaded before the reader shows an intent to
run, the pointer on Run starts it before the click, the loading line names each phase
and its clock keeps moving, what it needs is kept in the site's Cache Storage and fetched
once, and the next page restores a snapshot of its memory instead of starting it again.
A snapshot that is corrupt is dropped and Python starts the ordinary way.

A cold start costs seconds of CPU, so the checks of the first start read one recorded
start (the `first_start` fixture), and the corrupt-snapshot checks spoil the snapshot
that start left in the same browser.
"""

import re
import time
from types import SimpleNamespace

import pytest
from browser import new_context, open_page, problems_of
from test_python_in_browser import PYTHON_TIMEOUT_MS, expected_output, run_block

FIRST_PAGE, SECOND_PAGE = "step-0/02-tokenizer/", "step-1/05-forward-pass/"
PYTHON_FILES = re.compile(r"pyodide|python-worker|editor\.js|\.whl$|names\.txt")

# The snapshot's address in the cache (the site's only microgpt-python-* cache), once it is kept.
SNAPSHOT_KEPT = """async () => {
  const [name] = await caches.keys();
  const cache = name && (await caches.open(name));
  const kept = cache && (await cache.keys()).find((request) => request.url.endsWith("/memory-snapshot"));
  return kept ? [name, kept.url] : null;
}"""

# Whether Python, once up on this page, came from the snapshot (recorded in window.fromSnapshot).
RECORD_START = """() => MicroGPT.python.onStatus((status) => {
  if (status.state === "ready") window.fromSnapshot = status.fromSnapshot;
})"""

# Every text the loading line of block 0 shows while Python starts, recorded in the page.
RECORD_PROGRESS = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    const line = document.querySelector('.mg-run[data-block="0"] .mg-run-progress span');
    const seen = window.progressSeen;
    if (line && seen.at(-1) !== line.textContent) seen.push(line.textContent);
  }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""

# Spoil the kept snapshot: one byte changed in the middle (the digest the worker
# checks now wrong), or, with `digest_matches`, one byte of the Pyodide build it
# names, its digest made right, so that the bytes reach Pyodide and Pyodide refuses them.
SPOIL = """async ([name, url, digestMatches]) => {
  const cache = await caches.open(name);
  const bytes = new Uint8Array(await (await cache.match(url)).arrayBuffer());
  const at = digestMatches ? 20 : bytes.length >> 1; // bytes 16 to 47: the build id
  bytes[at] ^= 0xff;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const headers = { "x-sha256": digestMatches ? hex : (await cache.match(url)).headers.get("x-sha256") };
  await cache.put(url, new Response(bytes, { headers }));
}"""


def python_workers(page):
    return [worker for worker in page.workers if worker.url.endswith("python-worker.js")]


def run_and_compare(page, index=0):
    """Run block `index` of the page (RECORD_START in it first); returns (whether the output
    is the page's, the note, seconds, whether Python came from the snapshot)."""
    output, note, seconds = run_block(page, index)
    return output == expected_output(page, index), note, seconds, page.evaluate("window.fromSnapshot")


@pytest.fixture(scope="module")
def first_start(browser, root):
    """A reader's first Run on the site, in a fresh browser, recorded: what the page loaded
    before, whether the pointer on Run started Python, the loading line's texts (names.txt,
    the last download, held back a second so that the bytes stand still while the clock
    runs), what was fetched and kept; then the first Run on a second page. Yields the record
    and the browser, which keeps the snapshot for the corrupt-snapshot checks."""
    context = new_context(browser)
    seen = SimpleNamespace(wasm_fetched=[])
    context.route("**/pyodide.asm.wasm", lambda route: seen.wasm_fetched.append(route.request.url)
                  or route.continue_())

    def held_back(route):
        time.sleep(1)
        route.continue_()

    context.route("**/names.txt", held_back)
    with open_page(browser, root + FIRST_PAGE, context=context) as page:
        page.wait_for_load_state("networkidle")
        seen.run_bars = page.locator(".mg-run-bar").count()
        seen.loaded_before = [url for url in page.loaded if PYTHON_FILES.search(url)]
        seen.workers_before = len(python_workers(page))
        page.evaluate(RECORD_PROGRESS)
        page.evaluate(RECORD_START)
        run = page.locator(".mg-run-bar").first.get_by_role("button", name="Run this code in your browser")
        with page.expect_worker(lambda worker: worker.url.endswith("python-worker.js")):
            run.hover()
        seen.workers_on_hover = len(python_workers(page))
        seen.first = run_and_compare(page)
        context.unroute("**/names.txt")
        seen.loaded_after = [url for url in page.loaded if PYTHON_FILES.search(url)]
        seen.progress = page.evaluate("window.progressSeen")
        seen.caches = page.evaluate("caches.keys()")
        seen.kept = page.evaluate("async name => (await (await caches.open(name)).keys()).map(r => r.url)",
                                  seen.caches[0]) if seen.caches else []
        page.wait_for_function(SNAPSHOT_KEPT, timeout=PYTHON_TIMEOUT_MS)
        seen.wasm_fetched_first = len(seen.wasm_fetched)
        page.goto(root + SECOND_PAGE, wait_until="load")
        page.evaluate(RECORD_START)
        seen.second = run_and_compare(page)
        seen.problems = problems_of(page)
    print(f"\nfirst Run on a page, Python started cold: {seen.first[2]:.1f} s; on a second page, "
          f"restored from the snapshot: {seen.second[2]:.1f} s")
    yield seen, context
    context.close()


def test_nothing_of_python_is_downloaded_before_the_reader_shows_intent(first_start):
    seen, _ = first_start
    assert seen.run_bars >= 2
    assert seen.loaded_before == [] and seen.workers_before == 0, seen.loaded_before
    assert seen.loaded_after, "the check of what was loaded saw nothing of Python after the Run either"


def test_the_pointer_on_run_starts_python_before_the_click(first_start):
    seen, _ = first_start
    assert seen.workers_on_hover == 1


def test_the_loading_line_names_the_phase_and_its_clock_keeps_moving(first_start):
    seen, _ = first_start
    shown_texts = seen.progress[1:]  # after the line's first words, "Starting Python…"
    line = re.compile(r"Starting Python in your browser, ([A-Za-z. ]+): ([\d.]+) MB of [\d.]+ MB, ([\d.]+) s")
    shown = [line.fullmatch(text) for text in shown_texts]
    assert shown and all(shown), shown_texts
    phases = [match.group(1) for match in shown]
    assert {"downloading and starting Python", "installing the microgpt package"} <= set(phases), phases
    # the clock moves even where the bytes stand still (the interpreter starting, names.txt held back)
    clock = [float(match.group(3)) for match in shown]
    assert clock == sorted(clock)
    clock_at = {}  # the clock readings shown at each byte count
    for match, seconds in zip(shown, clock):
        clock_at.setdefault(match.group(2), []).append(seconds)
    assert any(readings[-1] > readings[0] for readings in clock_at.values()), shown_texts


def test_what_python_needs_is_kept_in_the_sites_cache_and_downloaded_once(first_start):
    """Kept in Cache Storage, named by the build's hash: the second page downloads none of it."""
    seen, _ = first_start
    assert len(seen.caches) == 1, seen.caches
    assert re.fullmatch(r"microgpt-python-[0-9a-f]{16}", seen.caches[0]), seen.caches
    for name in ("pyodide.asm.wasm", "python_stdlib.zip", ".whl", "names.txt"):
        assert [url for url in seen.kept if url.endswith(name)], (name, seen.kept)
    assert seen.wasm_fetched_first == 1 and len(seen.wasm_fetched) == 1, seen.wasm_fetched


def test_a_second_page_restores_python_from_the_snapshot(first_start):
    seen, _ = first_start
    same_output, note, _, from_snapshot = seen.first
    assert same_output and from_snapshot is False, note
    same_output, note, _, from_snapshot = seen.second
    assert same_output and from_snapshot is True, note
    assert not seen.problems, seen.problems


@pytest.mark.parametrize("digest_matches", [False, True], ids=["digest-wrong", "refused-by-pyodide"])
def test_a_corrupt_snapshot_is_dropped_and_python_starts_afresh(browser, root, first_start, digest_matches):
    """The snapshot the first start left (or the one a check before this one left) is spoilt:
    the next page starts Python afresh and keeps a good snapshot, which the page after restores."""
    _, context = first_start
    with open_page(browser, root + FIRST_PAGE, context=context) as page:
        name, url = page.wait_for_function(SNAPSHOT_KEPT, timeout=PYTHON_TIMEOUT_MS).json_value()
        page.evaluate(SPOIL, [name, url, digest_matches])
        page.evaluate(RECORD_START)
        same_output, note, _, from_snapshot = run_and_compare(page)
        assert same_output and from_snapshot is False, note
        page.wait_for_function(SNAPSHOT_KEPT, timeout=PYTHON_TIMEOUT_MS)
        page.goto(root + SECOND_PAGE, wait_until="load")
        page.evaluate(RECORD_START)
        same_output, note, _, from_snapshot = run_and_compare(page)
        assert same_output and from_snapshot is True, note
        assert not problems_of(page), problems_of(page)
