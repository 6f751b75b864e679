"""The whole guide as one printable page, and a PDF of it.

mkdocs-print-site-plugin (mkdocs.yml) joins every page of the nav, the
notebooks left out, into book/index.html with a table of contents. That page
skips every other `on_post_page`, so this hook finishes it after the plugin
wrote it: the pictures of the light theme only, each widget replaced by its
static version (the `<noscript>` content, or nothing when the prose and a
picture already say it), and none of the site's own scripts, which would add
Run buttons and controls to paper. Its cover is the book's own: title,
subtitle, a picture drawn from the results, names the model invented, the
build's date and the package's version.

The PDF (downloads/microgpt-visualized.pdf) is Chromium's print of that page
through Playwright (numbered by the plugin's print CSS), with bookmarks from
the headings. Its contents give page numbers: the page is printed once, each
entry gets the page its target landed on, and it is printed again. It is made only when
MICROGPT_BOOK_PDF=1 (the strict build of `nox -s docs`); other builds log
that they skip it and leave no file behind the link.
"""

import logging
import os
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from sitebuild.progress import phase

LOG = logging.getLogger("mkdocs.sitebuild")

BOOK_PAGE = "book/index.html"
PDF = "downloads/microgpt-visualized.pdf"

DARK_PICTURE = re.compile(r'<img [^>]*#only-dark"[^>]*>')
LIGHT_PICTURE = re.compile(r'(<img [^>]*#only-light")([^>]*>)')
NOSCRIPT = re.compile(r"<noscript>(.*?)</noscript>", re.S)
EMPTY_WIDGET = re.compile(r'<div class="mg-widget"[^>]*></div>')
# Paper is light, and so is the book on screen: its pictures are the light ones.
# Material's palette toggle and the script that applies a saved palette go.
PALETTE = (re.compile(r'<form class="md-header__option" data-md-component="palette">.*?</form>', re.S),
           re.compile(r'<script>var palette=__md_get\("__palette"\).*?</script>', re.S))
# Material's own script and accessibility.js (wide regions focusable) stay; the interactive ones go.
SITE_SCRIPTS = ("widgets.js", "python.js", "try-it.js", "exercises.js")
PRINT_CSS = """<style media="print">
  .md-header, .md-footer, .md-sidebar--secondary, .md-source-file, .headerlink,
  #print-site-banner { display: none !important; }
  .md-content__button { display: none; }
  #print-page-toc a { display: flex; align-items: baseline; text-decoration: none; }
  #print-page-toc .mg-toc-dots { flex: 1; min-width: 1em; margin: 0 0.4em; border-bottom: 1px dotted; }
</style>"""
# After a first print, each entry of the contents gets the page its target landed on (a named
# destination of Chromium's PDF); the entries' lines do not change, so neither do the pages.
NUMBER_CONTENTS = """(pages) => {
  for (const link of document.querySelectorAll('#print-page-toc a[href^="#"]')) {
    link.querySelectorAll(".mg-toc-dots, .mg-toc-number").forEach((old) => old.remove());
    const page = pages[decodeURIComponent(link.hash.slice(1))];
    if (page === undefined) return link.hash;
    const dots = document.createElement("span"), number = document.createElement("span");
    dots.className = "mg-toc-dots";
    number.className = "mg-toc-number";
    number.textContent = String(page);
    link.append(dots, number);
  }
  return null;
}"""
PRINTS = 3  # the first without page numbers, then until the numbers stand still


def make_pdf_wanted():
    return os.environ.get("MICROGPT_BOOK_PDF") == "1"


def on_files(files, config):
    """Register the book page and the PDF, so that links to them validate.
    Each is backed by its own place in the site: MkDocs copies it onto itself
    now, and the plugin and this hook write it at the end of the build."""
    for path in (BOOK_PAGE, PDF):
        target = Path(config.site_dir) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()
        files.append(File.generated(config, path, abs_src_path=str(target)))
    return files


@event_priority(-100)
def on_page_content(html, page, config, files):
    """The plugin keeps each page's HTML for the book when its own
    on_page_content runs, before the site's hooks (maths.py turns the TeX into
    MathML there): keep the finished HTML instead."""
    page.html = html
    return html


COVER = re.compile(r'(<section id="print-site-cover-page">).*?(</section>)', re.S)
COVER_PICTURE = "step-5/loss-curves"  # drawn by sitebuild from docs/results, like every picture
COVER_NAMES = 10  # names the finished model (Step 5) invented, from its results file
COVER_CSS = """<style>
  #print-site-cover-page { text-align: center; }
  #print-site-cover-page .mg-cover-title { font-size: 2.6em; margin: 1.5em 0 0.2em; }
  #print-site-cover-page .mg-cover-subtitle { font-size: 1.2em; margin: 0 auto 1.5em; max-width: 32em; }
  #print-site-cover-page img { max-width: 100%; }
  #print-site-cover-page .mg-cover-names { font-family: var(--md-code-font-family); }
  @media print { #print-site-cover-page { break-after: page; } }
</style>"""


def cover(config):
    """The book's own cover: title, subtitle, the loss curves of every step,
    names the finished model invented, and the build's date and package version."""
    from datetime import UTC, datetime
    from html import escape
    from importlib.metadata import version

    from sitebuild.common import results

    names = ", ".join(results("step5")["samples"][:COVER_NAMES])
    built = datetime.now(UTC).strftime("%Y-%m-%d")
    return (f'<h1 class="mg-cover-title">{escape(config.site_name)}</h1>'
            f'<p class="mg-cover-subtitle">{escape(config.site_description)}</p>'
            f'<img src="../pictures/{COVER_PICTURE}-light.svg" alt="The loss curves of every step">'
            f'<p>Names the model of Step 5 invented: <span class="mg-cover-names">{escape(names)}</span></p>'
            f'<p>Built {built} with the microgpt package {escape(version("microgpt"))}</p>')


def printable(html, config):
    """The book page for paper: its own cover; light theme and pictures only,
    eager; widgets static; no site scripts."""
    html, found = COVER.subn(lambda m: m.group(1) + cover(config) + m.group(2), html, count=1)
    if not found:
        raise PluginError("book: print-site's cover page is missing: "
                          "keep `add_cover_page: true` in mkdocs.yml")
    for pattern in PALETTE:
        html, found = pattern.subn("", html, count=1)
        if not found:
            raise PluginError(f"book: Material's page no longer matches {pattern.pattern[:40]!r}: "
                              "update sitebuild/hooks/book.py, or the book may show the dark theme")
    # the plugin renders the page's config with an absolute base, wrong under a sub-path (GitHub Pages)
    html = html.replace('<script id="__config" type="application/json">{"annotate": null, "base": "/",',
                        '<script id="__config" type="application/json">{"annotate": null, "base": "..",', 1)
    html = DARK_PICTURE.sub("", html)
    html = LIGHT_PICTURE.sub(lambda m: m.group(1) + m.group(2).replace(' loading="lazy"', ""), html)
    html = NOSCRIPT.sub(r"\1", html)
    html = EMPTY_WIDGET.sub("", html)
    for script in SITE_SCRIPTS:
        html = re.sub(rf'<script src="[^"]*assets/javascripts/{re.escape(script)}"></script>', "", html)
    html = re.sub(r'<script src="[^"]*assets/javascripts/widgets/[^"]*"></script>', "", html)
    return html.replace("</head>", PRINT_CSS + COVER_CSS + "</head>", 1)


def destination_pages(pdf):
    """{anchor: page number, counted from 1 as the footer counts} of every named destination of a PDF."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return {name.removeprefix("/"): reader.get_destination_page_number(destination) + 1
            for name, destination in reader.named_destinations.items()}


INSTALL = "install Debian's Chromium (`sudo apt-get install chromium`), never a downloaded build"


def print_pdf(site, executable):
    """Chromium's print of the book page, served from the built site; every
    request to a host other than 127.0.0.1 is refused."""
    import functools
    import http.server
    import threading

    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_port}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
            page = browser.new_page(color_scheme="light")
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(root)
                       else route.abort())
            page.goto(root + BOOK_PAGE, wait_until="load")
            page.emulate_media(media="print")
            page.wait_for_function("document.querySelector('#print-page-toc nav ul') !== null")

            def print_once(complete=True):
                # A4, margins and page numbers come from the plugin's @page rules; the bookmarks
                # (outline) from the headings. The tags and bookmarks do not move a line, and
                # cost time and size: a print read only for its destinations goes without them.
                return page.pdf(format="A4", print_background=True, prefer_css_page_size=True,
                                outline=complete, tagged=complete)

            pdf = print_once(complete=False)  # the contents without page numbers
            for _ in range(PRINTS - 1):
                pages = destination_pages(pdf)
                missing = page.evaluate(NUMBER_CONTENTS, pages)
                if missing:
                    raise PluginError(f"book: the contents link to {missing}, which is on no page of the PDF")
                pdf = print_once()
                if destination_pages(pdf) == pages:
                    break
            else:
                raise PluginError(f"book: the page numbers of the contents still moved after {PRINTS} prints")
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return pdf


@event_priority(-100)  # after mkdocs-print-site-plugin has written the book page
def on_post_build(config):
    site = Path(config.site_dir)
    book = site / BOOK_PAGE
    book.write_text(printable(book.read_text(encoding="utf-8"), config), encoding="utf-8")
    target = site / PDF
    if not make_pdf_wanted():
        target.unlink(missing_ok=True)
        LOG.info(f"book: PDF skipped, /{PDF} is absent (`nox -s docs` makes it: MICROGPT_BOOK_PDF=1)")
        return
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI") == "true":
            raise PluginError(f"The book's PDF needs Chromium and none is on PATH: {INSTALL}.")
        target.unlink(missing_ok=True)
        LOG.info(f"book: PDF skipped, no Chromium on PATH; to make it, {INSTALL}")
        return
    with phase("book: printing the PDF in Chromium"):
        target.write_bytes(print_pdf(site, executable))
