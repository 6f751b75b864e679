"""Headless Chromium for the site checks: Debian's browser driven by
Playwright for Python, and a local server for the built site.

Nothing here downloads a browser: Playwright drives the system's Chromium
(`executable_path`), and every request to a host other than 127.0.0.1 is
blocked, so a page that reaches out to the internet shows up as a failed load.
"""

import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGE_TIMEOUT_MS = 120_000  # generous: CI machines may be busy


# The headers that make a page cross-origin isolated (SharedArrayBuffer, and so
# the in-browser Python's interrupt buffer). GitHub Pages cannot send them.
ISOLATION_HEADERS = ("Cross-Origin-Opener-Policy: same-origin", "Cross-Origin-Embedder-Policy: require-corp")
SERVER = """
import functools, http.server, sys
port, folder, headers = int(sys.argv[1]), sys.argv[2], [h.split(": ", 1) for h in sys.argv[3:]]
class Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        for name, value in headers:
            self.send_header(name, value)
        super().end_headers()
    def log_message(self, *args):
        pass
handler = functools.partial(Handler, directory=folder)
http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()
"""


@contextmanager
def serve(site, headers=()):
    """Serve `site` on 127.0.0.1 from a separate process (a server thread in
    this process would compete with Playwright for the interpreter and slow
    every page down), adding `headers` ("Name: value") to every response;
    yields the root URL."""
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port), str(site), *headers],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"the local server did not start on port {port}")
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait()


@contextmanager
def chromium():
    """A headless Chromium (Debian's), or a clear error when there is none."""
    if CHROMIUM is None:
        raise RuntimeError("no Chromium on this machine: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# A page has drawn what it shows at load: fonts in, and on a page with widgets (widgets.js),
# every widget mounted and no widget's data file still on its way. Quicker than waiting for
# the network to stay idle for half a second, and it says what is awaited.
DRAWN = """() => document.readyState === "complete" && document.fonts.status === "loaded"
  && (!window.MicroGPT?.drawing || ([...document.querySelectorAll(".mg-widget")]
                                      .every((box) => box.dataset.mounted)
                                   && MicroGPT.drawing() === 0))"""


def wait_until_drawn(page, timeout=PAGE_TIMEOUT_MS):
    page.wait_for_function(DRAWN, timeout=timeout)


SCHEME = {"light": "default", "dark": "slate"}  # Material's name for each theme


def toggle_theme(page, theme):
    """Switch to `theme` as a reader does, with the header's palette toggle."""
    page.locator(f'[data-md-component="palette"] label[title="Switch to {theme} mode"]').click()
    page.wait_for_function("scheme => document.body.getAttribute('data-md-color-scheme') === scheme",
                           arg=SCHEME[theme])


def local_only(route):
    """Let requests to 127.0.0.1 through; abort every other one."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort("blockedbyclient")


def new_context(browser, **context_options):
    """A fresh context (cold cache) with only local requests allowed."""
    context = browser.new_context(**context_options)
    context.route("**/*", local_only)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    return context


def refused(request):
    """Whether a failed request was refused (another host) or broke, rather than
    left behind: going to the next page aborts what is still loading (a favicon,
    say), and that is no fault of the page."""
    return "net::ERR_ABORTED" not in (request.failure or "")


def problems_of(page, since=(0, 0)):
    """Script errors and refused requests of a page from `open_page` (after the first
    `since` of each)."""
    return page.errors[since[0]:] + [f"blocked request: {url}" for url in page.blocked[since[1]:]]


@contextmanager
def open_page(browser, url, context=None, **context_options):
    """A page in a fresh context (cold cache), or in `context` (which stays
    open); yields the loaded page, with `page.loaded` (URLs fetched),
    `page.blocked` (URLs refused, or failed but not left behind) and
    `page.errors` (script errors)."""
    own = context is None
    if own:
        context = new_context(browser, **context_options)
    page = context.new_page()
    page.loaded, page.blocked, page.errors = [], [], []
    page.on("requestfinished", lambda request: page.loaded.append(request.url))
    page.on("requestfailed", lambda request: refused(request) and page.blocked.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        yield page
    finally:
        (context if own else page).close()
