"""Every page is in the navigation. A page left out would still be built but
unreachable from the menus; mkdocs.yml's `validation: nav: omitted_files:
warn` makes the strict build fail on it, and this test says the same in a
second, without a build."""

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
MKDOCS_YML = DOCS.parent / "mkdocs.yml"
PAGE = re.compile(r"(?:^|[\s:])(?P<path>[\w./-]+\.(?:md|ipynb))\s*$")
NOT_PAGES = ("sitebuild/",)  # mkdocs.yml's exclude_docs


def nav_entries(mkdocs_yml_text):
    """The page paths listed under the top-level `nav:` key, in order."""
    lines = iter(mkdocs_yml_text.splitlines())
    for line in lines:
        if line.rstrip() == "nav:":
            break
    entries = []
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        if line and not line[0].isspace():
            break  # the next top-level key
        match = PAGE.search(line)
        if match:
            entries.append(match["path"])
    return entries


def pages(docs_dir):
    return sorted(path.relative_to(docs_dir).as_posix()
                  for pattern in ("*.md", "*.ipynb") for path in docs_dir.rglob(pattern)
                  if not path.relative_to(docs_dir).as_posix().startswith(NOT_PAGES)
                  and ".ipynb_checkpoints" not in path.parts)


def test_every_page_is_in_the_nav_and_every_nav_entry_exists():
    listed = nav_entries(MKDOCS_YML.read_text())
    on_disk = pages(DOCS)
    assert len(on_disk) > 10, "found no pages"
    missing = [page for page in on_disk if page not in listed]
    assert not missing, f"pages not in the nav of mkdocs.yml: {missing}"
    assert not [entry for entry in listed if entry not in on_disk], "nav entries with no page"
    assert len(listed) == len(set(listed)), "a page is listed twice in the nav"


def test_the_nav_reader_finds_titled_and_untitled_entries_and_stops_at_the_next_key():
    text = ("site_name: x\nnav:\n  - Home: index.md\n  - \"Step 0: Counting\":\n"
            "      - step-0/index.md\n      - Notebook: step-0/notebook.ipynb\n"
            "  # a comment: old.md\n"
            "markdown_extensions:\n  - toc\nextra: other.md\n")
    assert nav_entries(text) == ["index.md", "step-0/index.md", "step-0/notebook.ipynb"]
