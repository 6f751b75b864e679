"""The glossary: terms in alphabetical order, each under the heading of its
first letter, each with a link, every link to a page that exists and that the
navigation lists, and each term's "Introduced in" link to the first section
that defines it (writes it in bold). Plain Python, no build needed."""

import re
from pathlib import Path, PurePosixPath

from .nav import section_pages

DOCS = Path(__file__).resolve().parents[2] / "docs"
GLOSSARY = DOCS / "glossary.md"
MKDOCS_YML = DOCS.parent / "mkdocs.yml"

TERM = re.compile(r"^### (?P<term>.+?)\s*$")
LETTER = re.compile(r"^## (?P<letter>.+?)\s*$")
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
INTRODUCED = re.compile(r"Introduced\s+in\s+\[[^\]]*\]\((?P<target>[^)#\s]+)")


def slug(heading):
    """The anchor MkDocs' toc extension makes from a heading."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"[\s-]+", "-", text).strip("-")


def headings(text):
    """(level, heading) for every `## Letter` and `### Term` heading, outside fences."""
    found, in_fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif not in_fence and (match := TERM.match(line) or LETTER.match(line)):
            found.append((2 if match.re is LETTER else 3, match[1]))
    return found


def terms(text):
    """(term, the lines of its entry) for every `### Term` heading, outside fences."""
    entries, in_fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        match = None if in_fence else TERM.match(line) or LETTER.match(line)
        if match and match.re is TERM:
            entries.append((match["term"], []))
        elif match:
            entries.append(None)  # a letter heading ends the entry before it
        elif entries and entries[-1] is not None:
            entries[-1][1].append(line)
    return [entry for entry in entries if entry is not None]


def letter_problems(text):
    """Everything wrong with the letter headings: each term must sit under
    the `## X` heading of its first letter, the letters come in order, none is
    empty, and the line of letter links names each letter once."""
    problems, letters, letter, count = [], [], None, {}
    for level, heading in headings(text):
        if level == 2:
            if len(heading) != 1 or not heading.isupper():
                problems.append(f"letter heading {heading!r}: should be one capital letter")
            letter = heading
            letters.append(heading)
            count[heading] = 0
            continue
        first = heading.strip("`")[:1].upper()
        if letter is None:
            problems.append(f"{heading.strip('`')}: comes before any letter heading")
        elif first != letter:
            problems.append(f"{heading.strip('`')}: under {letter}, but it starts with {first}")
        else:
            count[letter] += 1
    for before, after in zip(letters, letters[1:]):
        if before >= after:
            problems.append(f"letter headings out of order: {before} comes before {after}")
    problems += [f"letter heading {letter} has no terms" for letter in letters if not count[letter]]
    linked = re.findall(r"\[(\w)\]\(#(\w)\)", text)
    if [name for name, _ in linked] != letters or any(name.lower() != anchor for name, anchor in linked):
        problems.append(f"the letter links {[name for name, _ in linked]} should be {letters}, "
                        "each linking to its heading")
    return problems


def check_glossary(text, docs_dir, nav_text, page="glossary.md"):
    """Everything wrong with a glossary page, one line per problem ([] if none)."""
    problems = letter_problems(text)
    entries = terms(text)
    if not entries:
        problems.append("no terms: every term should be a '### Term' heading under its '## Letter'")
    names = [term.strip("`") for term, _ in entries]
    for before, after in zip(names, names[1:]):
        if before.casefold() > after.casefold():
            problems.append(f"not alphabetical: {before!r} comes before {after!r}")
    anchors = {slug(name) for name in names}
    here = PurePosixPath(page).parent
    for name, lines in entries:
        page_links = 0
        for match in LINK.finditer("\n".join(lines)):
            target = match["target"]
            if "://" in target or target.startswith("mailto:"):
                continue
            path, _, anchor = target.partition("#")
            if not path:
                if anchor not in anchors:
                    problems.append(f"{name}: link to #{anchor}, which is no term of this page")
                continue
            if not path.endswith(".md"):
                continue
            page_links += 1
            resolved = PurePosixPath(*_normalise(here / path))
            if not (docs_dir / resolved).is_file():
                problems.append(f"{name}: link to {target}, but docs/{resolved} does not exist")
            if str(resolved) not in nav_text:
                problems.append(f"{name}: link to {target}, but mkdocs.yml's nav does not list {resolved}")
        if not page_links:
            problems.append(f"{name}: no link to the page where it is introduced")
    return problems


def late_introductions(text, pages_in_order):
    """Terms whose "Introduced in" link points past the first section page that
    writes the term in bold (its definition). `pages_in_order` maps each section
    page, in nav order, to its Markdown."""
    problems, order = [], list(pages_in_order)
    for term, lines in terms(text):
        name = term.strip("`")
        match = INTRODUCED.search("\n".join(lines))
        if not match:
            problems.append(f"{name}: no 'Introduced in [N.M ...](page)' link")
            continue
        target = PurePosixPath(*_normalise(PurePosixPath(match["target"]))).as_posix()
        bold = re.compile(r"\*\*`?" + re.escape(name) + r"`?s?\*\*", re.I)
        first = next((page for page in order if bold.search(pages_in_order[page])), None)
        if first and (target not in order or order.index(first) < order.index(target)):
            problems.append(f"{name}: introduced in {target}, but {first} defines it first")
    return problems


def _normalise(path):
    parts = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return parts


def test_the_glossary_is_sorted_and_every_term_links_to_a_page_in_the_nav():
    problems = check_glossary(GLOSSARY.read_text(), DOCS, MKDOCS_YML.read_text())
    assert not problems, "glossary problems:\n" + "\n".join(problems)


def test_each_term_links_to_the_first_section_that_defines_it():
    pages = {page: (DOCS / page).read_text() for page in section_pages(MKDOCS_YML.read_text()).values()}
    problems = late_introductions(GLOSSARY.read_text(), pages)
    assert not problems, "glossary links past a term's first appearance:\n" + "\n".join(problems)


def test_the_first_appearance_check_catches_a_late_link():
    pages = {"step-0/01-a.md": "Here **tokens** appear.", "step-0/02-b.md": "A **token** again; **BOS**."}
    glossary = ("## B\n\n### BOS\n\nIntroduced in [0.2 B](step-0/02-b.md).\n\n"
                "## T\n\n### Token\n\nIntroduced in [0.2 B](step-0/02-b.md).\n\n"
                "## V\n\n### Vocabulary\n\nSee [0.1](step-0/01-a.md).\n")
    assert late_introductions(glossary, pages) == [
        "Token: introduced in step-0/02-b.md, but step-0/01-a.md defines it first",
        "Vocabulary: no 'Introduced in [N.M ...](page)' link",
    ]


def test_the_check_catches_broken_links_disorder_and_missing_links(tmp_path):
    (tmp_path / "step-0").mkdir()
    (tmp_path / "step-0" / "02-tokenizer.md").write_text("# 0.2 The Tokenizer\n")
    (tmp_path / "step-0" / "06-loss.md").write_text("# 0.6 Loss\n")
    nav = "nav:\n  - step-0/02-tokenizer.md\n"
    made_up = (
        "# Glossary\n\n[L](#l) · [S](#s) · [T](#t) · [V](#v)\n\n"
        "## T\n\n### Token\n\nA unit of text. See [0.2](step-0/02-tokenizer.md) and [BOS](#bos).\n\n"
        "## L\n\n### Loss\n\nHow wrong the model is. See [0.6](step-0/06-loss.md).\n\n"
        "## S\n\n### Softmax\n\nScores into probabilities. See [1.3](step-1/03-linear-softmax.md).\n\n"
        "## V\n\n### Vocabulary\n\nAll the tokens, with no link at all.\n"
    )
    problems = check_glossary(made_up, tmp_path, nav)
    assert problems == [
        "letter headings out of order: T comes before L",
        "the letter links ['L', 'S', 'T', 'V'] should be ['T', 'L', 'S', 'V'], each linking to its heading",
        "not alphabetical: 'Token' comes before 'Loss'",
        "Token: link to #bos, which is no term of this page",
        "Loss: link to step-0/06-loss.md, but mkdocs.yml's nav does not list step-0/06-loss.md",
        "Softmax: link to step-1/03-linear-softmax.md, but docs/step-1/03-linear-softmax.md does not exist",
        "Softmax: link to step-1/03-linear-softmax.md, but mkdocs.yml's nav does not list "
        "step-1/03-linear-softmax.md",
        "Vocabulary: no link to the page where it is introduced",
    ]
    good = "# Glossary\n\n[B](#b) · [T](#t)\n\n## B\n\n### BOS\n\nSee [0.2](step-0/02-tokenizer.md).\n\n" \
           "## T\n\n### token\n\nSee [0.2](step-0/02-tokenizer.md) and [BOS](#bos).\n"
    assert check_glossary(good, tmp_path, nav) == []


def test_the_check_catches_a_term_under_the_wrong_letter_and_an_empty_letter():
    made_up = ("# Glossary\n\n### Adam\n\n[A](#a) · [B](#b) · [D](#d) · [Ee](#ee)\n\n"
               "## A\n\n### Attention\n\n### BOS\n\n## B\n\n## D\n\n### Dot product\n\n"
               "## Ee\n\n### Embedding\n")
    assert letter_problems(made_up) == [
        "Adam: comes before any letter heading",
        "BOS: under A, but it starts with B",
        "letter heading 'Ee': should be one capital letter",
        "Embedding: under Ee, but it starts with E",
        "letter heading B has no terms",
        "letter heading Ee has no terms",
        "the letter links ['A', 'B', 'D'] should be ['A', 'B', 'D', 'Ee'], each linking to its heading",
    ]
