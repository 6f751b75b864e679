"""Fixtures of the built-site checks that need a browser."""

import os
from contextlib import ExitStack

import pytest
from browser import CHROMIUM, chromium, new_context, open_page, problems_of, serve
from widget_pages import RESULTS_DIR, WIDGET_PAGES

from microgpt.data import Tokenizer
from microgpt.results import load


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium; skipped without it, except under CI."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Chromium for the browser checks: apt-get install chromium")
        pytest.skip("no Chromium on this machine (apt-get install chromium); CI runs these checks")
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def step1():
    """Step 1's results file."""
    return load("step1", RESULTS_DIR)


@pytest.fixture(scope="session")
def tokenizer():
    """The tokenizer of names.txt, from Step 0's results (test_widgets_step0.py builds its own
    from the names)."""
    return Tokenizer(load("step0", RESULTS_DIR)["uchars"])


@pytest.fixture(scope="session")
def root(site):
    """The built site, served on 127.0.0.1."""
    with serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def reader(browser):
    """A reader's browser, kept from test to test as a reader's is from page to page: its cache
    (and the site's Cache Storage, so Python starts without downloading) stays warm. Tests of
    a cold start open a fresh one (`open_page` without `context`)."""
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def widget(browser, root, reader):
    """Open the page of a widget in the reader's browser; returns (page, the
    widget's locator) once it has drawn. At the end, fails on any script error
    or blocked request."""
    pages = []
    with ExitStack() as stack:
        def open_widget(name, page_path=None, on=None):
            """`on`: a page this fixture opened, to go to the address in."""
            page_path = page_path or WIDGET_PAGES[name]
            if on is None:
                page = stack.enter_context(open_page(browser, root + page_path, context=reader))
                pages.append(page)
            else:
                page = on
                page.goto(root + page_path, wait_until="load")
            box = page.locator(f'.mg-widget[data-widget="{name}"]')
            assert box.count() == 1, f"no {name} widget on {page_path}"
            # drawn: more than its first label, or an error message
            page.wait_for_function("box => box.dataset.mounted && (box.querySelector('.mg-error')"
                                   " || box.querySelectorAll('*').length > 3)", arg=box.element_handle())
            return page, box

        yield open_widget
        problems = [problem for page in pages for problem in problems_of(page)]
        assert not problems, problems
