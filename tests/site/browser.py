"""Headless Chromium for the site checks: Debian's browser driven by
Playwright for Python, a local server for the built site, and page weight.

Nothing here downloads a browser: Playwright drives the system's Chromium
(`executable_path`), and every request to a host other than 127.0.0.1 is
blocked, so a page that reaches out to the internet shows up as a failed load.

Run it to print the page weight of a built site:

    python tests/site/browser.py SITE_DIR [PAGE ...]
"""

import gzip
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# What a static host compresses; fonts and images are compressed already.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ipynb")
KB = 1000
PAGE_TIMEOUT_MS = 120_000  # generous: CI machines may be busy


@contextmanager
def serve(site):
    """Serve `site` on 127.0.0.1 from a separate process (a server thread in
    this process would compete with Playwright for the interpreter and slow
    every page down); yields the root URL."""
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(site)],
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


def local_only(route):
    """Let requests to 127.0.0.1 through; abort every other one."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort("blockedbyclient")


@contextmanager
def open_page(browser, url, **context_options):
    """A fresh context (cold cache) with only local requests allowed; yields the
    loaded page, with `page.loaded` (URLs fetched), `page.blocked` (URLs refused)
    and `page.errors` (script errors)."""
    context = browser.new_context(**context_options)
    context.route("**/*", local_only)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    page.loaded, page.blocked, page.errors = [], [], []
    page.on("requestfinished", lambda request: page.loaded.append(request.url))
    page.on("requestfailed", lambda request: page.blocked.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        page.goto(url, wait_until="load")
        yield page
    finally:
        context.close()


def transfer_size(path):
    """Bytes a static host sends for a file: gzip-compressed if it is text."""
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6)) if path.suffix in COMPRESSIBLE else len(data)


def page_weight(browser, root, site, page_path, color_scheme="light"):
    """Every file a page loads once a reader has scrolled to its end, with the
    bytes a gzip-serving host transfers for each: {site path: bytes}."""
    with open_page(browser, root + page_path, color_scheme=color_scheme,
                   viewport={"width": 1280, "height": 900}) as page:
        height = page.evaluate("document.body.scrollHeight")
        for y in range(0, height + 900, 600):  # lazy pictures load as they come into view
            page.evaluate(f"window.scrollTo(0, {y})")
            page.wait_for_timeout(40)
        page.wait_for_load_state("networkidle")
        loaded = set(page.loaded)
    sizes = {}
    for url in loaded:
        parts = urlsplit(url)
        if parts.scheme != "http":
            continue
        relative = unquote(parts.path).lstrip("/")
        file = site / relative
        if file.is_dir() or not relative:
            file = file / "index.html"
        if file.is_file():
            sizes[file.relative_to(site).as_posix()] = transfer_size(file)
    return sizes


def main(site, pages):
    site = Path(site)
    if not pages:
        pages = sorted(p.relative_to(site).parent.as_posix() + "/"
                       for p in site.rglob("index.html") if p.parent != site / "404")
        pages = ["" if p == "./" else p for p in pages]
    with serve(site) as root, chromium() as browser:
        for page_path in pages:
            sizes = page_weight(browser, root, site, page_path)
            print(f"{sum(sizes.values()) / KB:8.1f} KB  {len(sizes):3d} files  /{page_path}")
            if len(pages) == 1:
                for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
                    print(f"    {size / KB:8.1f} KB  {name}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
