"""The reader's Python starts from a snapshot of its memory on every page after
the first: the first start keeps one in the site's Cache Storage, the next page
restores it and still prints the page's output, and a snapshot that is
corrupt is dropped, Python starting the ordinary way."""

import pytest
from browser import open_page
from test_python_in_browser import PYTHON_TIMEOUT_MS, expected_output, run_block

FIRST_PAGE, SECOND_PAGE = "step-0/02-tokenizer/", "step-1/05-forward-pass/"

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


def first_run_then_snapshot(page):
    """Run block 0 (Python starts afresh); the cache's name and the snapshot's address once kept."""
    page.evaluate(RECORD_START)
    output, note, _ = run_block(page, 0)
    assert output == expected_output(page, 0), note
    assert page.evaluate("window.fromSnapshot") is False
    return page.wait_for_function(SNAPSHOT_KEPT, timeout=PYTHON_TIMEOUT_MS).json_value()


def second_page_run(page):
    page.goto(page.url.replace(FIRST_PAGE, SECOND_PAGE), wait_until="load")
    page.evaluate(RECORD_START)
    output, note, seconds = run_block(page, 0)
    assert output == expected_output(page, 0), note
    return seconds


def test_a_second_page_restores_python_from_the_snapshot(browser, root):
    with open_page(browser, root + FIRST_PAGE) as page:
        first_run_then_snapshot(page)
        seconds = second_page_run(page)
        assert page.evaluate("window.fromSnapshot") is True
        print(f"\nfirst Run on a second page, Python restored from the snapshot: {seconds:.1f} s")
        assert not page.errors


@pytest.mark.parametrize("digest_matches", [False, True], ids=["digest-wrong", "refused-by-pyodide"])
def test_a_corrupt_snapshot_is_dropped_and_python_starts_afresh(browser, root, digest_matches):
    with open_page(browser, root + FIRST_PAGE) as page:
        name, url = first_run_then_snapshot(page)
        page.evaluate(SPOIL, [name, url, digest_matches])
        second_page_run(page)
        assert page.evaluate("window.fromSnapshot") is False
        # the spoilt snapshot was replaced by a good one: a third page restores it
        page.wait_for_function(SNAPSHOT_KEPT, timeout=PYTHON_TIMEOUT_MS)
        page.goto(page.url.replace(SECOND_PAGE, FIRST_PAGE), wait_until="load")
        page.evaluate(RECORD_START)
        output, note, _ = run_block(page, 0)
        assert output == expected_output(page, 0), note
        assert page.evaluate("window.fromSnapshot") is True
        assert not page.errors
