"""Every built page in a real browser: Playwright drives Debian's Chromium
(never a downloaded browser build) over the site served on 127.0.0.1, in the
light and the dark theme, at a desktop width and at 390 px (a phone).

On every page: no console error, no failed request, no request to another host
(each is aborted and reported), no horizontal overflow of the page (wide code
blocks and tables scroll inside themselves), every <img> with a non-empty alt,
and no serious or critical accessibility violation found by axe-core (the npm
package pinned in package.json, installed by `npm ci`). On the desktop, every
widget control takes the focus and answers the keyboard.

One load of each page serves both widths and both themes: it opens on the desktop
in light, the reader's toggle switches it to dark, and the window is then narrowed to
a phone's width, where its widgets are mounted afresh (as a phone's load draws them:
a widget may size itself to the width it gets) and both themes are checked again.
axe-core reads the page twice: in light on the desktop and in dark on the phone. That a
phone whose system prefers dark opens the pages in dark is checked on its own, on a page
of each kind.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import SCHEME, open_page, refused, toggle_theme, wait_until_drawn
from widget_pages import REMOUNT, WIDGET_PAGES

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = 1280, 390  # window widths, px
HEIGHT = 900
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
BOOK_OWN_PARTS_ONLY = """() => document.querySelectorAll("section.print-page").forEach((section) => {
  if (!section.querySelector("#print-page-toc")) section.remove();
})"""
AXE_RUN = """async ([context, options]) => {
  const result = await axe.run(context || document, options);
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        where: v.nodes.slice(0, 2).map((n) => n.target.join(" "))}));
}"""
# After the window's width changed: once the page has seen it (its resize event comes before
# the next frame's callbacks), every widget mounted afresh where it stands (widgets.js's
# MicroGPT.mount, as a page load mounts it), so that it draws at the new width. The book
# has no widget script: its widgets stay what they are for readers without JavaScript.
RESIZED = f"""() => new Promise((resolve) => requestAnimationFrame(() => {{
  if (window.MicroGPT) document.querySelectorAll(".mg-widget").forEach({REMOUNT});
  resolve();
}}))"""


def built_pages(site):
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if not path.relative_to(site).as_posix().startswith("assets/"))


def pytest_generate_tests(metafunc):
    """One test per page (pytest-xdist spreads them over its workers); none
    without --site, where the `site` fixture skips."""
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


def local_context(browser, axe, **options):
    """A browser context that starts every page with axe-core in it (sent to the browser
    once, not once a page) and with the toggled theme forgotten (Material keeps it in
    localStorage), so that every page opens in the theme the reader's system asks for.
    Every request to a host other than 127.0.0.1 is aborted and kept in its list `external`."""
    context = browser.new_context(**options)
    context.set_default_timeout(SETTLE_MS)
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
    return context


@pytest.fixture(scope="module")
def desktop(browser, axe):
    """A desktop whose system asks for light, kept for every page a worker checks, as a
    reader's browser keeps its cache from page to page."""
    context = local_context(browser, axe, color_scheme="light", viewport={"width": DESKTOP, "height": HEIGHT})
    yield context
    context.close()


def inspect(page, axe_options=None, axe_context=None):
    """What is wrong with the page as it stands: overflow, images without alt
    text, serious axe findings (`axe_options`: which rules; `axe_context`: which
    parts of the page, all by default); and its scheme."""
    state = page.evaluate(INSPECT)
    problems = []
    if state["scrollWidth"] > state["width"]:
        problems.append(f"the page is {state['scrollWidth']} px wide: {state['wide']}")
    problems += [f"<img src={src!r}> has no alt text" for src in state["noAlt"]]
    if axe_options:
        problems += [f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['where']}"
                     for v in page.evaluate(AXE_RUN, [axe_context, axe_options]) if v["impact"] in SERIOUS]
    return problems, state["scheme"]


def open_checked(context, url):
    """The page at `url`, loaded and drawn, and the list its console errors, uncaught
    errors, failed requests and HTTP errors go to, one line each."""
    problems, page = [], context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on("requestfailed", lambda request: urlsplit(request.url).hostname == "127.0.0.1"
            and refused(request) and problems.append(f"failed request: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and problems.append(f"HTTP {response.status}: {response.url}"))
    page.goto(url, wait_until="load", timeout=SETTLE_MS)
    wait_until_drawn(page, SETTLE_MS)  # widgets fetch their data
    return page, problems


def check_page(context, url):
    """Everything wrong with one page, one line per problem, each prefixed with the width and
    theme, and the scheme it showed in each. One load: the desktop in light (axe-core
    included), its widgets driven with the keyboard, then dark; then the phone's width, its
    widgets mounted afresh, in dark (axe-core included) and then light. axe reads each theme
    once (its run takes up to a couple of seconds a page): the toggle changes colours only,
    not the DOM or the layout. The book has no toggle (it stays light) and is read by axe
    on the desktop only, its own parts: the rest repeats every page, each read on its own."""
    page, problems = open_checked(context, url)
    schemes = {}

    def check(width, theme, axe_options=None, axe_context=None):
        found, schemes[width, theme] = inspect(page, axe_options, axe_context)
        problems.extend(f"{width} px, {theme}: {problem}" for problem in found)

    def narrow():
        page.set_viewport_size({"width": PHONE, "height": HEIGHT})
        page.evaluate(RESIZED)
        wait_until_drawn(page, SETTLE_MS)

    if url.endswith("/book/index.html"):  # the printable book (not a notebook page)
        check(DESKTOP, "light")
        narrow()
        check(PHONE, "light")
        # axe-core builds its picture of the whole document before it reads any part:
        # the book's own parts are read with the repeated pages cut away (a few seconds less)
        page.set_viewport_size({"width": DESKTOP, "height": HEIGHT})
        page.evaluate(BOOK_OWN_PARTS_ONLY)
        check(DESKTOP, "light", ALL_RULES, BOOK_OWN_PARTS)
    else:
        check(DESKTOP, "light", ALL_RULES)
        problems.extend(f"{DESKTOP} px: {problem}" for problem in operate_widgets(page)[0])
        toggle_theme(page, "dark")
        check(DESKTOP, "dark")
        narrow()
        check(PHONE, "dark", ALL_RULES)
        toggle_theme(page, "light")
        check(PHONE, "light")
    page.close()
    return problems, schemes


def test_the_browser_check_finds_the_built_pages(site):
    assert len(built_pages(site)) > 10, "found no pages"


def test_every_page_is_clean_in_the_browser(root, desktop, page_path):
    """In both themes and at both widths, from one load."""
    already_external = len(desktop.external)
    problems, schemes = check_page(desktop, root + page_path)
    problems += [f"request to another host: {url}" for url in desktop.external[already_external:]]
    # the printable book (sitebuild/hooks/book.py) is light on purpose: it is what goes on paper,
    # pictures included, so it has no palette toggle and no dark scheme
    if page_path == "book/index.html":
        assert set(schemes.values()) == {"default"}, f"the book showed {schemes}"
    else:
        assert schemes == {(width, theme): SCHEME[theme] for width in (DESKTOP, PHONE)
                           for theme in ("light", "dark")}, f"{page_path} showed {schemes}"
    assert not problems, "\n".join(f"{page_path}: {problem}" for problem in problems)


# A page of each kind the site has: the home page, a page of a step with widgets and Python,
# a notebook, the glossary.
KINDS_OF_PAGE = ["index.html", "step-1/09-training/index.html", "step-2/notebook/index.html",
                 "glossary/index.html"]


@pytest.mark.parametrize("kind_of_page", KINDS_OF_PAGE)
def test_a_phone_that_prefers_dark_opens_the_page_in_dark(browser, axe, root, kind_of_page):
    context = local_context(browser, axe, color_scheme="dark", viewport={"width": PHONE, "height": HEIGHT})
    try:
        page, problems = open_checked(context, root + kind_of_page)
        found, scheme = inspect(page)
    finally:
        context.close()
    assert scheme == SCHEME["dark"], f"{kind_of_page} opened in {scheme}"
    assert not problems + found + context.external, problems + found + context.external


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
