"""Every built page, with everything it loads, gzip-compressed, stays within
its budget; and the list of what a page loads is the one Chromium loads."""

import re

import pytest
from browser import open_page
from page_weight import BOOK, KB, THEMES, budget, pages, resources, weight

# Checked in the browser: the home page (the most pictures) in both themes, a
# page with pictures and a widget, one with maths and a widget, a notebook.
IN_CHROMIUM = [("index.html", "light"), ("index.html", "dark"),
               ("step-5/04-training-results/index.html", "light"),
               ("step-5/02-momentum/index.html", "dark"), ("step-0/notebook/index.html", "light")]


def test_every_page_is_within_its_budget(site):
    over = []
    for page in pages(site):
        for theme in THEMES:
            sizes = weight(site, page, theme)
            total = sum(sizes.values())
            if total > budget(page):
                heaviest = sorted(sizes.items(), key=lambda item: -item[1])[:5]
                over.append(f"/{page} ({theme}): {total / KB:.0f} KB > {budget(page) / KB:.0f} KB; heaviest: "
                            + ", ".join(f"{name} {size / KB:.0f} KB" for name, size in heaviest))
    assert not over, "\n".join(over)


def test_pictures_load_lazily_so_the_hidden_theme_is_never_fetched(site):
    for page in pages(site):
        if page == BOOK:
            continue  # one theme only, loaded at once so that the print has every picture (test_book.py)
        for img in re.findall(r"<img [^>]*#only-[^>]*>", (site / page).read_text()):
            assert 'loading="lazy"' in img, f"/{page}: {img}"


@pytest.mark.parametrize("page, theme", IN_CHROMIUM)
def test_the_weight_counts_what_chromium_loads(site, browser, root, page, theme):
    with open_page(browser, root + page.removesuffix("index.html"), color_scheme=theme,
                   viewport={"width": 1280, "height": 900}) as tab:
        height = tab.evaluate("document.body.scrollHeight")
        for y in range(0, height + 900, 600):  # read to the end: lazy pictures load in view
            tab.evaluate(f"window.scrollTo(0, {y})")
            tab.wait_for_timeout(50)
        tab.wait_for_load_state("networkidle")
        assert not tab.blocked, tab.blocked
        loaded = {re.sub(r"^http://127\.0\.0\.1:\d+/", "", url).split("#")[0] for url in tab.loaded}
    loaded = {url + "index.html" if url.endswith("/") or not url else url for url in loaded}
    assert loaded == resources(site, page, theme)


def test_resources_reads_links_scripts_pictures_of_one_theme_and_widget_data(tmp_path):
    (tmp_path / "widgets").mkdir()
    (tmp_path / "widgets" / "beta.json").write_text("{}")
    (tmp_path / "a.css").write_text("b { background: url('img/dot.png') } i { background: url(data:x) }")
    (tmp_path / "step").mkdir()
    (tmp_path / "step" / "index.html").write_text(
        '<link rel="stylesheet" href="../a.css"><link rel="canonical" href="https://example.org/">'
        '<script id="__config" type="application/json">{"base": "..", "search": "../w.js"}</script>'
        '<script src="../s.js?v=1"></script><img src="../p-light.svg#only-light" loading="lazy">'
        '<img src="../p-dark.svg#only-dark" loading="lazy"><div class="mg-widget" data-widget="beta"></div>'
        '<div class="mg-widget" data-widget="softmax"></div><a href="../other/">x</a>')
    assert resources(tmp_path, "step/index.html", "dark") == {
        "step/index.html", "a.css", "img/dot.png", "s.js",
        "p-dark.svg", "widgets/beta.json"}



def test_search_loads_its_index_when_the_reader_turns_to_it_and_finds_a_word(browser, root):
    page = "step-1/03-linear-softmax/"
    with open_page(browser, root + page, viewport={"width": 1280, "height": 900}) as tab:
        tab.wait_for_load_state("networkidle")
        search_files = re.compile(r"search_index\.json|workers/search\.")
        assert not [url for url in tab.loaded if search_files.search(url)], "search loaded unasked"
        box = tab.get_by_role("textbox", name="Search")
        box.click()
        box.fill("softmax")
        first = tab.locator(".md-search-result__item").first
        first.wait_for()
        assert "softmax" in first.inner_text().lower()
        assert [url for url in tab.loaded if url.endswith("search/search_index.json")]
        assert not tab.errors and not tab.blocked
