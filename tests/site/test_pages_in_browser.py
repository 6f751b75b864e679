"""Every built page in a real browser: Playwright drives Debian's Chromium
(never a downloaded browser build) over the site served on 127.0.0.1, in the
light and the dark theme, at a desktop width and at 390 px (a phone).

On every page: no console error, no failed request, no request to another host
(each is aborted and reported), no horizontal overflow of the page (wide code
blocks and tables scroll inside themselves), every <img> with a non-empty alt,
and no serious or critical accessibility violation found by axe-core (the npm
package pinned in package.json, installed by `npm ci`). On the desktop, every
widget control takes the focus and answers the keyboard.

Each page is loaded once per width and checked in both themes (the reader's
toggle switches them), so the suite loads every page twice, not four times;
axe-core reads it in light on the desktop and in dark on the phone.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import SCHEME, open_page, refused, toggle_theme, wait_until_drawn
from widget_pages import WIDGET_PAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ("light", "dark")
OTHER_THEME = {"light": "dark", "dark": "light"}
WIDTHS = (1280, 390)
FIRST_THEME = {1280: "light", 390: "dark"}  # the theme each width opens in; the toggle gives the other
KEYBOARD_WIDTH = 1280  # where the widgets are driven with the keyboard
SERIOUS = ("serious", "critical")
SETTLE_MS = 60_000  # the longest a page may take to load and settle (generous: CI machines are shared)

# The page's own state, read after it has settled.
INSPECT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width && box.right > width + 1;
  });
  return {
    scrollWidth: document.documentElement.scrollWidth,
    width,
    scheme: document.body.getAttribute("data-md-color-scheme"),
    wide: wide.slice(0, 3).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")),
    noAlt: [...document.images].filter((img) => !(img.getAttribute("alt") || "").trim())
                               .map((img) => img.getAttribute("src")),
  };
}"""
ALL_RULES = {"resultTypes": ["violations"]}
# What axe-core reads of the book: the parts that are the book's own. The rest repeats every
# page, each read on its own page (reading the book whole takes about a minute).
BOOK_OWN_PARTS = {"include": [["#print-site-cover-page"], ["#print-page-toc"]]}
AXE_RUN = """async ([context, options]) => {
  const result = await axe.run(context || document, options);
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        where: v.nodes.slice(0, 2).map((n) => n.target.join(" "))}));
}"""


def built_pages(site):
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if not path.relative_to(site).as_posix().startswith("assets/"))


def pytest_generate_tests(metafunc):
    """One test per page and width (pytest-xdist spreads them over its
    workers); none without --site, where the `site` fixture skips."""
    if "page_path" in metafunc.fixturenames:
        site = metafunc.config.getoption("--site")
        metafunc.parametrize("page_path", built_pages(Path(site)) if site else [])


@pytest.fixture(scope="module")
def axe():
    """axe-core's script, from npm (package.json)."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("CI needs axe-core for the browser check: npm ci")
        pytest.skip("no axe-core here (npm ci); CI runs this check")
    return AXE


@pytest.fixture(scope="module")
def contexts(browser, axe):
    """One browser context per width, in the theme a reader's system asks for
    there (light on the desktop, dark on the phone), opened on first use (so a
    worker of pytest-xdist opens only those it needs) and kept for the pages
    after it, as a reader's browser keeps its cache from page to page. axe-core
    is in every page it opens (sent to the browser once, not once a page). Every
    request to a host other than 127.0.0.1 is aborted and kept in its
    context's list `external`."""
    opened = {}

    def context_for(width):
        if width not in opened:
            context = browser.new_context(color_scheme=FIRST_THEME[width],
                                          viewport={"width": width, "height": 900})
            context.set_default_timeout(SETTLE_MS)
            # Material keeps the toggled theme in localStorage: forget it, so that every page opens
            # in the theme the width asks for, whatever the page before it was toggled to
            context.add_init_script("localStorage.clear()")
            context.add_init_script(path=str(axe))
            context.external = []

            def local_only(route, external=context.external):
                if urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            context.route("**/*", local_only)
            opened[width] = context
        return opened[width]

    yield context_for
    for context in opened.values():
        context.close()


def inspect(page, width, axe_options, axe_context=None):
    """What is wrong with the page as it stands: overflow, images without alt
    text, serious axe findings (`axe_options`: which rules; `axe_context`: which
    parts of the page, all by default); and its scheme."""
    state = page.evaluate(INSPECT)
    problems = []
    if state["scrollWidth"] > state["width"]:
        problems.append(f"the page is {state['scrollWidth']} px wide at {width} px: {state['wide']}")
    problems += [f"<img src={src!r}> has no alt text" for src in state["noAlt"]]
    if axe_options:
        problems += [f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['where']}"
                     for v in page.evaluate(AXE_RUN, [axe_context, axe_options]) if v["impact"] in SERIOUS]
    return problems, state["scheme"]


def check_page(context, url, width):
    """Everything wrong with one page at one width, in both themes, one line
    per problem (each prefixed with the theme). One load serves both themes:
    the page opens in its context's theme and is checked in full, axe-core
    included; then the reader's toggle switches the theme and the rest is
    checked again. axe reads each theme once per page (light on the desktop,
    dark on the phone): its run takes seconds a page, up to twenty on the
    longest, and the toggle changes colours only, not the DOM or the layout."""
    problems, page = [], context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on("requestfailed", lambda request: urlsplit(request.url).hostname == "127.0.0.1"
            and refused(request) and problems.append(f"failed request: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and problems.append(f"HTTP {response.status}: {response.url}"))
    page.goto(url, wait_until="load", timeout=SETTLE_MS)
    wait_until_drawn(page, SETTLE_MS)  # widgets fetch their data
    first, second = FIRST_THEME[width], OTHER_THEME[FIRST_THEME[width]]
    # The book repeats every page (each checked here on its own) on one page made for print: axe
    # reads its own parts (cover, contents), on the desktop; on the phone the rest is checked.
    book = url.endswith("/book/index.html")  # the printable book (not a notebook page)
    found, scheme = inspect(page, width, None if book and width != KEYBOARD_WIDTH else ALL_RULES,
                            BOOK_OWN_PARTS if book else None)
    schemes = {first: scheme}
    problems += [f"{first}: {problem}" for problem in found]
    if not book:  # the book has no toggle: it stays light
        toggle_theme(page, second)
        found, schemes[second] = inspect(page, width, None)
        problems += [f"{second}: {problem}" for problem in found]
    return page, problems, schemes


def test_the_browser_check_finds_the_built_pages(site):
    assert len(built_pages(site)) > 10, "found no pages"


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_every_page_is_clean_in_the_browser(root, contexts, width, page_path):
    """In both themes and at both widths: a desktop that opens in light and a
    phone that opens in dark, each toggled to the other theme. On the desktop,
    the same load then drives every widget with the keyboard."""
    context = contexts(width)
    already_external = len(context.external)
    page, problems, schemes = check_page(context, root + page_path, width)
    if width == KEYBOARD_WIDTH:
        problems += operate_widgets(page)[0]
    page.close()
    problems += [f"request to another host: {url}" for url in context.external[already_external:]]
    # the printable book (sitebuild/hooks/book.py) is light on purpose: it is what goes on paper,
    # pictures included, so it has no palette toggle and no dark scheme
    if page_path == "book/index.html":
        assert set(schemes.values()) == {"default"}, f"the book showed {schemes}"
    else:
        assert schemes == {theme: SCHEME[theme] for theme in THEMES}, f"{page_path} showed {schemes}"
    assert not problems, "\n".join(f"{page_path}, {width} px: {problem}" for problem in problems)


# The controls of every widget on the page: [widget name, how many controls].
CONTROLS = """() => [...document.querySelectorAll(".mg-widget")].map((box) =>
  [box.dataset.widget, box.querySelectorAll("input, select, textarea, button").length])"""
# Control `c` of widget `w` (by order, as the page stands now), given the focus as a reader's Tab
# would give it, after opening the <details> it may sit in; returns what kind of control it is,
# whether its value is already at the end, whether it is in the tab order, and whether it starts
# Python. The widget's markup is kept, to compare after the keys (CHANGED).
FOCUS = """([w, c]) => {
  const box = document.querySelectorAll(".mg-widget")[w];
  const control = box.querySelectorAll("input, select, textarea, button")[c];
  if (control.tabIndex < 0 || control.disabled) return {tabbable: false};
  if (control.dataset.python !== undefined) return {tabbable: true, python: true};
  control.closest("details")?.setAttribute("open", "");
  control.focus();
  window.mgBefore = box.innerHTML;
  const kind = control.tagName === "SELECT" ? "select" : (control.type || "").toLowerCase();
  const atEnd = kind === "select" ? control.selectedIndex === control.options.length - 1
              : kind === "range" ? Number(control.value) >= Number(control.max) : false;
  return {tabbable: true, python: false, focused: document.activeElement === control, kind, atEnd};
}"""
CHANGED = """(w) => document.querySelectorAll(".mg-widget")[w].innerHTML !== window.mgBefore"""


def keys_for(kind, at_end):
    """The keys that change a control's value, as a reader would press them."""
    if kind == "range":
        return ["ArrowLeft" if at_end else "ArrowRight"]
    if kind == "select":
        return ["ArrowUp" if at_end else "ArrowDown"]
    if kind == "checkbox":
        return ["Space"]
    if kind in ("button", "submit"):
        return ["Enter"]
    if kind == "number":
        return ["ArrowDown" if at_end else "ArrowUp"]
    return ["End", "b"]  # a text box: type one more character


def operate_widgets(page):
    """Each control of each widget on the page can take the focus (it is in
    the tab order) and, driven by keys alone, changes what the widget shows.
    Returns one line per problem, and how many controls were operated. (The
    page is asked about each control in one call, and about the change in one
    more: a widget may hold a couple of hundred controls.)"""
    problems, operated = [], 0
    for w, (name, count) in enumerate(page.evaluate(CONTROLS)):  # none: a picture
        label = f"widget {name!r}"
        for c in range(count):
            control = page.evaluate(FOCUS, [w, c])
            if not control["tabbable"]:
                problems.append(f"{label}: a control is out of the tab order")
                continue
            if control["python"]:
                continue  # it starts Python in the tab: tests/site/test_python_in_browser.py presses it
            if not control["focused"]:
                problems.append(f"{label}: a {control['kind']} control does not take the focus")
                continue
            for key in keys_for(control["kind"], control["atEnd"]):
                page.keyboard.press(key)
            if not page.evaluate(CHANGED, w):
                problems.append(f"{label}: {control['kind']} control did not respond to the keyboard")
            operated += 1
    return problems, operated


def test_the_keyboard_check_finds_the_controls_of_a_widget(browser, root):
    """The keyboard check of every page has something to press: the tokenizer's box."""
    with open_page(browser, root + WIDGET_PAGES["tokenizer"]) as page:
        page.wait_for_selector('.mg-widget[data-widget="tokenizer"][data-mounted] input')
        problems, operated = operate_widgets(page)
    assert operated and not problems, problems
