"""Every built page in a real browser: Playwright drives Debian's Chromium
(never a downloaded browser build) over the site served on 127.0.0.1, in the
light and the dark theme, at a desktop width and at 390 px (a phone).

On every page: no console error, no failed request, no request to another host
(each is aborted and reported), no horizontal overflow of the page (wide code
blocks and tables scroll inside themselves), every <img> with a non-empty alt,
and no serious or critical accessibility violation found by axe-core (the npm
package pinned in package.json, installed by `npm ci`).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
THEMES = ("light", "dark")
WIDTHS = (1280, 390)
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
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        where: v.nodes.slice(0, 2).map((n) => n.target.join(" "))}));
}"""


def built_pages(site):
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html")
                  if not path.relative_to(site).as_posix().startswith("assets/"))


def pytest_generate_tests(metafunc):
    """One test per page, theme and width (pytest-xdist spreads them over its
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
def contexts(browser):
    """One browser context per theme and width, opened on first use (so a
    worker of pytest-xdist opens only those it needs) and kept for the pages
    after it, as a reader's browser keeps its cache from page to page. Every
    request to a host other than 127.0.0.1 is aborted and kept in its
    context's list `external`."""
    opened = {}

    def context_for(theme, width):
        if (theme, width) not in opened:
            context = browser.new_context(color_scheme=theme, viewport={"width": width, "height": 900})
            context.external = []

            def local_only(route, external=context.external):
                if urlsplit(route.request.url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            context.route("**/*", local_only)
            opened[theme, width] = context
        return opened[theme, width]

    yield context_for
    for context in opened.values():
        context.close()


def check_page(context, url, width, axe):
    """Everything wrong with one page in one context, one line per problem."""
    problems, page = [], context.new_page()
    page.on("console", lambda msg: msg.type == "error" and problems.append(f"console error: {msg.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught error: {error}"))
    page.on("requestfailed", lambda request: urlsplit(request.url).hostname == "127.0.0.1"
            and problems.append(f"failed request: {request.url} ({request.failure})"))
    page.on("response", lambda response: response.status >= 400
            and problems.append(f"HTTP {response.status}: {response.url}"))
    page.goto(url, wait_until="load", timeout=SETTLE_MS)
    page.wait_for_load_state("networkidle", timeout=SETTLE_MS)  # widgets fetch their data
    state = page.evaluate(INSPECT)
    if state["scrollWidth"] > state["width"]:
        problems.append(f"the page is {state['scrollWidth']} px wide at {width} px: {state['wide']}")
    problems += [f"<img src={src!r}> has no alt text" for src in state["noAlt"]]
    page.add_script_tag(path=str(axe))
    problems += [f"axe {v['impact']}: {v['id']} ({v['help']}) at {v['where']}"
                 for v in page.evaluate(AXE_RUN) if v["impact"] in SERIOUS]
    page.close()
    return problems, state["scheme"]


def test_the_browser_check_finds_the_built_pages(site):
    assert len(built_pages(site)) > 10, "found no pages"


@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
@pytest.mark.parametrize("theme", THEMES)
def test_every_page_is_clean_in_the_browser(root, contexts, axe, theme, width, page_path):
    context = contexts(theme, width)
    already_external = len(context.external)
    problems, scheme = check_page(context, root + page_path, width, axe)
    problems += [f"request to another host: {url}" for url in context.external[already_external:]]
    # the printable book (sitebuild/hooks/book.py) is light on purpose: it is what goes on paper,
    # pictures included, so it has no palette toggle and no dark scheme
    book = page_path == "book/index.html"
    expected = "default" if theme == "light" or book else "slate"
    assert scheme == expected, f"{page_path} showed the {scheme} scheme"
    assert not problems, "\n".join(f"{page_path}: {problem}" for problem in problems)


# What kind of control this is, and whether its value is already at the end.
CONTROL = """(control) => {
  const kind = control.tagName === "SELECT" ? "select" : (control.type || "").toLowerCase();
  const atEnd = kind === "select" ? control.selectedIndex === control.options.length - 1
              : kind === "range" ? Number(control.value) >= Number(control.max) : false;
  return {kind, atEnd};
}"""


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


def test_every_widget_is_operable_with_the_keyboard(site, root, browser, capsys):
    """Each control of each widget can take the focus (it is in the tab order)
    and, driven by keys alone, changes what the widget shows."""
    pages = [page for page in built_pages(site) if 'class="mg-widget"' in (site / page).read_text()]
    assert pages, "no page has a widget"
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname
                  == "127.0.0.1" else route.abort())
    problems, operated = [], 0
    for name in pages:
        page = context.new_page()
        page.goto(root + name, wait_until="load", timeout=SETTLE_MS)
        page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
        for widget in page.locator(".mg-widget").all():
            label = f"{name}: widget {widget.get_attribute('data-widget')!r}"
            controls = widget.locator("input, select, textarea, button").all()
            if not controls:
                continue  # a picture that only shows
            for control in controls:
                if control.evaluate("el => el.tabIndex") < 0 or control.is_disabled():
                    problems.append(f"{label}: a control is out of the tab order")
                    continue
                if control.get_attribute("data-python") is not None:
                    continue  # it starts Python in the tab: tests/site/test_python_in_browser.py presses it
                control.evaluate("el => el.closest('details')?.setAttribute('open', '')")  # a reader opens it
                control.focus()
                state = control.evaluate(CONTROL)
                before = widget.inner_html()
                for key in keys_for(state["kind"], state["atEnd"]):
                    page.keyboard.press(key)
                if widget.inner_html() == before:
                    problems.append(f"{label}: {state['kind']} control did not respond to the keyboard")
                operated += 1
        page.close()
    context.close()
    with capsys.disabled():
        print(f"\n{operated} widget controls operated with the keyboard on {len(pages)} pages: "
              f"{len(problems)} problems")
    assert operated, "found no widget control"
    assert not problems, "\n".join(problems)
