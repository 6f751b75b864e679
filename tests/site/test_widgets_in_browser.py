"""The interactive widgets, checked in a real browser: headless Chromium loads
every page that has one (served on 127.0.0.1) and returns the page as its
scripts left it. Every widget must have mounted and drawn something, with no
error message."""

import functools
import http.server
import os
import shutil
import subprocess
import tempfile
import threading
from html.parser import HTMLParser

import pytest

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-quic", "--virtual-time-budget=10000", "--dump-dom"]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # elements with no end tag


class Widgets(HTMLParser):
    """Each widget div: its name, whether it mounted, how many elements it holds, errors."""

    def __init__(self):
        super().__init__()
        self.found, self.depth = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += tag not in VOID
            self.found[-1]["elements"] += 1
            self.found[-1]["errors"] += "mg-error" in (attrs.get("class") or "")
        elif tag == "div" and "mg-widget" in (attrs.get("class") or ""):
            self.found.append({"name": attrs.get("data-widget"), "mounted": "data-mounted" in attrs,
                               "elements": 0, "errors": 0})
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def widget_pages(site):
    return sorted(p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")
                  if 'class="mg-widget"' in p.read_text())


def test_every_widget_mounts_and_draws_in_chromium(site, server):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the widget check: apt-get install chromium")
        pytest.skip("no Chromium on this machine (apt-get install chromium); CI runs this check")
    pages = widget_pages(site)
    assert pages, "no page has a widget"
    problems = []
    for page in pages:
        with tempfile.TemporaryDirectory() as profile:
            dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                  server + page], capture_output=True, text=True, timeout=120).stdout
        parser = Widgets()
        parser.feed(dom)
        if not parser.found:
            problems.append(f"{page}: the browser returned no widget at all")
        for widget in parser.found:
            if not widget["mounted"] or widget["elements"] < 3 or widget["errors"]:
                problems.append(f"{page}: {widget}")
    assert not problems, "\n".join(problems)


def test_the_widget_reader_tells_drawn_from_empty_and_broken():
    parser = Widgets()
    parser.feed('<div class="mg-widget" data-widget="a" data-mounted="true">'
                '<label><input></label><div><p>x</p></div></div>'
                '<div class="mg-widget" data-widget="b" data-mounted="true"></div>'
                '<div class="mg-widget" data-widget="c"><p class="mg-error">Unknown</p></div>')
    assert parser.found == [
        {"name": "a", "mounted": True, "elements": 4, "errors": 0},
        {"name": "b", "mounted": True, "elements": 0, "errors": 0},
        {"name": "c", "mounted": False, "elements": 1, "errors": 1},
    ]
