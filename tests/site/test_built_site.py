"""Checks on the built site, as a reader's browser would receive it."""

import re
from html.parser import HTMLParser

import pytest
from widget_pages import RESULTS_DIR

from microgpt.results import load

# Attributes through which a page makes the browser fetch something.
FETCHING = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
            ("source", "src"), ("video", "src"), ("audio", "src")}


class Fetches(HTMLParser):
    """Collects the URLs a page fetches: resource attributes, and any URL in
    an inline script (a dynamic import() or fetch() would load it)."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.in_script = False

    def handle_data(self, data):
        if self.in_script:
            self.urls += re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\"`)]*", data)

    def handle_endtag(self, tag):
        self.in_script = self.in_script and tag != "script"

    def handle_starttag(self, tag, attrs):
        self.in_script = tag == "script"
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("canonical", "alternate", "prev", "next"):
            return  # navigation, not a fetch
        self.urls += [attrs[name] for t, name in FETCHING if t == tag and attrs.get(name) is not None]


@pytest.fixture(scope="module")
def pages(site):
    found = sorted(site.rglob("*.html"))
    assert len(found) > 10, f"{site} does not look like a built site"
    return {page.relative_to(site).as_posix(): page.read_text() for page in found}


def test_nothing_is_fetched_from_another_host(pages, site):
    offenders = []
    for name, html in pages.items():
        parser = Fetches()
        parser.feed(html)
        offenders += [f"{name}: {url}" for url in parser.urls
                      if re.match(r"(https?:)?//", url) or url == ""]
    for css in site.rglob("*.css"):
        offenders += [f"{css.name}: {url}" for url in
                      re.findall(r"url\(['\"]?((?:https?:)?//[^)'\"]+)", css.read_text())]
    assert not offenders, "\n".join(offenders)


def test_no_template_or_include_syntax_survives(pages):
    leftovers = [f"{name}: {token}" for name, html in pages.items()
                 for token in ("{{", "{%", "--8<--") if token in html]
    assert not leftovers, leftovers


def test_maths_is_mathml_and_no_page_loads_a_maths_library(pages):
    with_maths = {name: html for name, html in pages.items() if 'class="arithmatex"' in html}
    assert with_maths, "no page has maths"
    for name, html in with_maths.items():
        assert "<math" in html, name
        assert not re.search(r'class="arithmatex">\s*\\[(\[]', html), f"{name}: TeX left unconverted"
    scripts = {src for html in pages.values() for src in re.findall(r'<script[^>]+src="([^"]+)"', html)}
    assert not [src for src in scripts if "mathjax" in src.lower()]


def test_every_picture_comes_in_both_themes(pages, site):
    pictures = {src for html in pages.values()
                for src in re.findall(r'src="([^"]+\.svg)#only-(?:light|dark)"', html)}
    assert pictures, "no pictures on any page"
    names = {p.relative_to(site).as_posix() for p in (site / "pictures").rglob("*.svg")}
    for theme_a, theme_b in (("light", "dark"), ("dark", "light")):
        for name in names:
            if name.endswith(f"-{theme_a}.svg"):
                assert name.replace(f"-{theme_a}.svg", f"-{theme_b}.svg") in names


def test_notebooks_ran_and_drew_their_plots(pages):
    notebooks = {name: html for name, html in pages.items() if "notebook" in name}
    assert notebooks, "no notebook pages were built"
    for name, html in notebooks.items():
        assert "data:image/png;base64" in html, f"{name} has no plot output"
        assert "Traceback" not in html, f"{name} shows an error"


def test_the_fetch_finder_sees_attributes_and_script_imports():
    parser = Fetches()
    parser.feed('<script src=""> </script><img src="https://cdn.example.org/a.png">'
                '<script type="module">await import("https://cdnjs.example.com/m.mjs")</script>'
                '<link rel="canonical" href="https://example.org/"><a href="https://example.org">x</a>')
    assert parser.urls == ["", "https://cdn.example.org/a.png", "https://cdnjs.example.com/m.mjs"]


def test_notebooks_are_executed_fresh_with_errors_fatal():
    from pathlib import Path

    import yaml

    class Loader(yaml.SafeLoader):  # mkdocs.yml's tags (site_url: !ENV ...) do not matter here
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((Path(__file__).parents[2] / "mkdocs.yml").read_text(), Loader=Loader)
    jupyter = next(p["mkdocs-jupyter"] for p in config["plugins"]
                   if isinstance(p, dict) and "mkdocs-jupyter" in p)
    assert jupyter["execute"] is True and jupyter["allow_errors"] is False
    assert jupyter["cache"] is False, "a cached notebook output would not see package changes"


def test_the_names_of_every_step_are_a_table_without_javascript(pages):
    """5.4's compare-names widget holds a table of all six steps' names, which
    readers without JavaScript see in its place."""
    html = pages["step-5/04-training-results/index.html"]
    widget = re.search(r'<div class="mg-widget" data-widget="compare-names">(.*?)</div>', html, re.S)
    assert widget, "the compare-names widget is not on 5.4"
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in
            re.findall(r"<tr>(.*?)</tr>", widget.group(1), re.S)[1:]]
    samples = [load(f"step{step}", RESULTS_DIR)["samples"] for step in range(6)]
    assert [row[1:] for row in rows] == [list(names) for names in zip(*samples)]
