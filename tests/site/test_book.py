"""The book (docs/sitebuild/sitebuild/hooks/book.py): the whole guide as one
printable page, book/, and its PDF among the downloads. What the book must
hold is read from the nav and the site's own pages, never typed here."""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

MKDOCS_YML = Path(__file__).parents[2] / "mkdocs.yml"
BOOK = "book/index.html"
PDF = "downloads/microgpt-visualized.pdf"
HEADING = re.compile(r"<h([12])[^>]*>(.*?)</h\1>", re.S)
LIGHT_PICTURE = re.compile(r'<img [^>]*src="[^"]*?(pictures/[^"#]+-light\.svg)#only-light"')


def mkdocs_config():
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    return yaml.load(MKDOCS_YML.read_text(), Loader=Loader)


def nav_entries():
    """(title in the nav or None, page) of each Markdown page of the nav, in
    reading order (the notebooks stay out of the book)."""
    nav = mkdocs_config()["nav"]

    def walk(items):
        for item in items:
            for title, value in item.items() if isinstance(item, dict) else [(None, item)]:
                yield from walk(value) if isinstance(value, list) else [(title, value)]

    return [(title, page) for title, page in walk(nav) if page.endswith(".md")]


def nav_pages():
    return [page for title, page in nav_entries()]


def built(site, page):
    path = page.removesuffix(".md")
    path = path.removesuffix("index") if path.endswith("index") else path + "/"
    return (site / path / "index.html").read_text()


def text(fragment):
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).replace("¶", "").strip()


def squeeze(words):
    """Text compared without spaces or case: PDF extraction breaks lines and spaces at will."""
    return re.sub(r"\s+", "", words).lower()


def headings(site):
    """Each nav page's title (h1) and section titles (h2), in reading order."""
    found = []
    for page in nav_pages():
        article = re.search(r"<article[^>]*>(.*?)</article>", built(site, page), re.S).group(1)
        found += [(int(level), text(title)) for level, title in HEADING.findall(article)]
    return found


@pytest.fixture(scope="module")
def pdf_text(site):
    """The text of each page of the PDF as laid out on paper, read by Poppler's
    pdftotext (one call for the whole book; pypdf takes minutes for it)."""
    path = site / PDF
    assert path.stat().st_size > 0, f"/{PDF} is empty: only the build with MICROGPT_BOOK_PDF=1 makes it"
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Poppler's pdftotext to read the book: apt-get install poppler-utils")
        pytest.skip("no pdftotext here (apt-get install poppler-utils); CI reads the book")
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]  # a form feed ends every page


@pytest.fixture(scope="module")
def pdf_pages(pdf_text):
    return [squeeze(page) for page in pdf_text]


def test_the_pdf_has_every_title_in_reading_order_after_its_contents(site, pdf_pages, capsys):
    titles = headings(site)
    chapters = [title for level, title in titles if level == 1]
    everything = "".join(pdf_pages)
    at = everything.index("contents")
    for nav_title, page in nav_entries():  # the table of contents lists every page, in order
        entry = squeeze(nav_title or text(HEADING.search(built(site, page).split("<article", 1)[1]).group(2)))
        at = everything.index(entry, at) + len(entry)
    missing = []
    for level, title in titles:  # then the body has every title, in order
        found = everything.find(squeeze(title), at)
        if found < 0:
            missing.append(f"h{level} {title!r}")
        else:
            at = found + len(squeeze(title))
    assert not missing, "missing from the PDF, or out of order: " + ", ".join(missing)
    with capsys.disabled():
        print(f"\nbook PDF: {(site / PDF).stat().st_size / 1e6:.1f} MB, {len(pdf_pages)} pages, "
              f"{len(chapters)} page titles (h1), {len(titles) - len(chapters)} section titles (h2)")


def test_every_chapter_starts_a_pdf_page(site, pdf_pages):
    chapters = [title for level, title in headings(site) if level == 1]
    tops = [page[:120] for page in pdf_pages]
    late = [chapter for chapter in chapters if not any(squeeze(chapter) in top for top in tops)]
    assert not late, f"chapters that do not open a page: {late}"


def test_the_book_page_has_every_picture_in_the_light_theme_only(site):
    book = (site / BOOK).read_text()
    on_pages = {picture for page in nav_pages() for picture in LIGHT_PICTURE.findall(built(site, page))}
    assert on_pages, "no picture found on the site's pages: the pattern is out of date"
    assert set(LIGHT_PICTURE.findall(book)) == on_pages
    assert "#only-dark" not in book
    lazy = re.search(r'<img [^>]*#only-light"[^>]*loading="lazy"', book)
    assert not lazy, "a lazy picture may be missing from the print"


def test_the_book_page_has_the_maths_and_static_widgets_and_no_site_scripts(site):
    book = (site / BOOK).read_text()
    maths = sum(built(site, page).count("<math") for page in nav_pages())
    assert maths and book.count("<math") == maths
    # a widget is either empty (its picture or table says it) or holds its static version
    assert "<noscript>" not in book and not re.search(r'<div class="mg-widget"[^>]*></div>', book)
    assert not re.search(r'src="[^"]*assets/javascripts/(widgets|python|try-it)', book)


def test_the_book_page_finds_the_site_from_where_it_is(site):
    book = (site / BOOK).read_text()
    assert '"base": ".."' in book
    assert not re.search(r'(?:href|src)="/', book)


def test_the_home_page_and_the_complete_program_link_the_book(site):
    assert 'href="book/"' in (site / "index.html").read_text()
    assert f'href="{PDF}"' in (site / "index.html").read_text()
    assert f'href="../{PDF}"' in (site / "complete-program" / "index.html").read_text()


CONTENTS_LINE = re.compile(r"^\s*(?=.*[A-Za-z])(\S.*?\S)\s{2,}(\d+)\s*$")  # a title (words), then its page


def contents_entries(pdf_text):
    """(title, page number) of each line of the PDF's contents, read as laid out on paper."""
    entries = []
    for page in pdf_text:
        lines = [line for line in page.splitlines() if line.strip()]
        if entries and sum(map(bool, map(CONTENTS_LINE.match, lines))) * 2 < len(lines):
            break  # the contents have ended: most lines of this page are something else
        if entries or any(squeeze(line) == "contents" for line in lines):
            entries += [(m.group(1), int(m.group(2))) for m in map(CONTENTS_LINE.match, lines) if m]
    return entries


def test_the_contents_give_the_page_where_each_title_is(site, pdf_text, pdf_pages):
    entries = contents_entries(pdf_text)
    # {title in the contents: the page's own title (h1)}: the home page is "Home" in the nav
    page_titles = {squeeze(title or heading): squeeze(heading) for title, heading in (
        (title, text(HEADING.search(built(site, page).split("<article", 1)[1]).group(2)))
        for title, page in nav_entries())}
    listed = iter(squeeze(title) for title, _ in entries)
    missing = [title for title in page_titles if title not in listed]  # each in order, after the one before
    assert not missing, f"the contents miss pages: {missing}"
    numbers = [number for _, number in entries]
    assert numbers == sorted(numbers) and numbers[0] > 1, f"the page numbers are out of order: {numbers}"
    wrong = [f"{title} (page {number})" for title, number in entries
             if page_titles.get(squeeze(title), squeeze(title)) not in pdf_pages[number - 1][:400]]
    assert not wrong, "titles not near the top of the page the contents give: " + ", ".join(wrong)
    # and the page the contents count is the page the footer prints
    footers = [re.findall(r"(?m)^\s*Page (\d+)\s*$", page) for page in pdf_text]
    unnumbered = [n for n, footer in enumerate(footers, 1) if footer != [str(n)]]
    assert not unnumbered, f"pages whose footer is not their place in the PDF: {unnumbered}"


def test_the_pdf_has_a_bookmark_for_every_chapter(site):
    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [squeeze(item.title)]

    bookmarks = list(titles(PdfReader(site / PDF).outline))
    chapters = [squeeze(title) for level, title in headings(site) if level == 1]
    in_order = iter(bookmarks)
    missing = [title for title in chapters if title not in in_order]  # each after the one before
    assert chapters and not missing, f"chapters without a bookmark, or out of order: {missing}"


def test_the_book_has_a_cover_of_its_own(site, pdf_pages):
    from importlib.metadata import version

    config = mkdocs_config()
    samples = json.loads((MKDOCS_YML.parent / "docs" / "results" / "step5.json").read_text())["samples"]
    cover = re.search(r'<section id="print-site-cover-page">(.*?)</section>', (site / BOOK).read_text(), re.S)
    assert cover, "the book has no cover"
    cover = cover.group(1)
    assert re.search(r'<img [^>]*src="\.\./pictures/[^"]+-light\.svg" alt="[^"]+"', cover)
    for words in (config["site_name"], config["site_description"], ", ".join(samples[:3]),
                  f"microgpt package {version('microgpt')}"):
        assert squeeze(words) in squeeze(text(cover)), words
        assert squeeze(words) in pdf_pages[0], f"not on the PDF's first page: {words}"
    assert "contents" not in pdf_pages[0]
