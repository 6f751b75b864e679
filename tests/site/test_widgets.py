"""What every widget shares (widgets.js): each widget on a page has a browser test
(widget_pages.WIDGET_PAGES), a widget whose data fails to load says so, and the
browser reaches nothing but the local site. The widgets themselves are tested by
chapter, in test_widgets_stepN.py, beside widgets/stepN.js.
"""

import re

from browser import open_page
from widget_pages import WIDGET_PAGES


def test_every_widget_page_is_tested(site):
    on_pages = {}
    for page in site.rglob("index.html"):
        for name in re.findall(r'class="mg-widget" data-widget="([\w-]+)"', page.read_text()):
            on_pages.setdefault(name, page.parent.relative_to(site).as_posix() + "/")
    assert set(on_pages) == set(WIDGET_PAGES), "a widget without a browser test, or a test without a widget"


def test_a_widget_whose_data_fails_to_load_says_so(browser, root):
    with open_page(browser, "about:blank") as page:
        page.context.route("**/widgets/next-token.json", lambda route: route.abort())
        page.goto(root + WIDGET_PAGES["next-token"])
        error = page.locator('.mg-widget[data-widget="next-token"] .mg-error')
        error.wait_for()
        assert "could not load its data" in error.inner_text()
        assert error.is_visible()


def test_nothing_outside_127_0_0_1_is_reachable(browser, root):
    with open_page(browser, root) as page:
        status = page.evaluate("fetch('http://example.org/').then(() => 'fetched', () => 'refused')")
        assert status == "refused"
        assert any("example.org" in url for url in page.blocked)
        page.blocked.clear()  # the one refusal this test asked for
