"""Page weight: the bytes a reader downloads for a page, cold cache, from a
static host that gzips text (as GitHub Pages, Netlify or nginx with gzip on do).

`resources()` reads what a built page loads from its HTML: stylesheets,
scripts, the favicon, the pictures of one theme (the other theme's copies are
lazy and hidden, so browsers never fetch them), files its stylesheets use, and
what scripts fetch at run time: each widget's data file. Material's search
worker and index are not counted: they load only once the reader turns to
search (docs/assets/javascripts/search-on-demand.js). tests/site checks that list against what Chromium really
loads on a few pages, and every page's total against its budget.

    python tests/site/page_weight.py SITE_DIR   # prints the weight of every page
"""

import gzip
import posixpath
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

KB = 1000
BUDGET = 150 * KB  # every page...
NOTEBOOK_BUDGET = 500 * KB  # ...but the notebooks, which carry their outputs,
BOOK = "book/index.html"
BOOK_BUDGET = 750 * KB  # ...and the book, every page at once for print, opened on purpose
THEMES = ("light", "dark")
# What a static host compresses; fonts and images are compressed already.
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


class Loads(HTMLParser):
    """The URLs a page loads by itself, and the widgets whose data its scripts fetch."""

    def __init__(self, theme):
        super().__init__()
        self.skip = f"#only-{next(other for other in THEMES if other != theme)}"
        self.urls, self.widgets = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") in ("stylesheet", "icon"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "img" and attrs.get("src") and not attrs["src"].endswith(self.skip):
            self.urls.append(attrs["src"])
        elif tag == "div" and attrs.get("data-widget"):
            self.widgets.append(attrs["data-widget"])


def local_path(url, base):
    """The site path of a URL found in the file `base` (site-relative), or None."""
    if re.match(r"^([a-z]+:|//|#)", url):
        return None  # another host, a data: URL, or a link within the page
    path = posixpath.normpath(posixpath.join(posixpath.dirname(base), url.split("#")[0].split("?")[0]))
    return path + "index.html" if url.endswith("/") else path


def resources(site, page, theme="light"):
    """Every site file a page loads in `theme` once read to its end (the page included)."""
    parser = Loads(theme)
    parser.feed((site / page).read_text())
    found = {page} | {path for url in parser.urls if (path := local_path(url, page))}
    found |= {f"widgets/{name}.json" for name in parser.widgets if (site / f"widgets/{name}.json").is_file()}
    for css in [path for path in found if path.endswith(".css")]:
        found |= {path for url in CSS_URL.findall((site / css).read_text()) if (path := local_path(url, css))}
    return found


def transfer_size(path):
    """Bytes a gzip-serving host sends for a file."""
    data = path.read_bytes()
    return len(gzip.compress(data, compresslevel=6)) if path.suffix in COMPRESSIBLE else len(data)


def weight(site, page, theme="light"):
    """{file: bytes transferred} for everything a page loads."""
    return {path: transfer_size(site / path) for path in sorted(resources(site, page, theme))}


def pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html")
                  if p.parent.name != "404")


def budget(page):
    if page == BOOK:
        return BOOK_BUDGET
    return NOTEBOOK_BUDGET if page.endswith("notebook/index.html") else BUDGET


def main(site):
    site = Path(site)
    for page in pages(site):
        heaviest = max(sum(weight(site, page, theme).values()) for theme in THEMES)
        flag = "  OVER BUDGET" if heaviest > budget(page) else ""
        print(f"{heaviest / KB:7.1f} KB  /{page.removesuffix('index.html')}{flag}")


if __name__ == "__main__":
    main(sys.argv[1])
