"""The navigation and the links between sections: every "[N.M](...)" link
points to the page of section N.M, and the nav names the steps as the
package's list of steps does. Plain text, no build needed."""

import posixpath
import re

from microgpt import steps

from .fences import DOCS
from .nav import MKDOCS_YML, section_pages

NAV_STEP = re.compile(r'^\s*- "(?P<heading>Step \d+: [^"]+)":\s*$', re.M)
SECTION_LINK = re.compile(r"\[(?P<number>\d+\.\d+)\]\((?P<target>[^)\s]*)\)")


def wrong_section_links(page, text, sections):
    """'page:line: why' for every [N.M](target) whose target is not section N.M's page."""
    problems = []
    for match in SECTION_LINK.finditer(text):
        number, target = match["number"], match["target"]
        path = target.partition("#")[0]
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        expected = sections.get(number)
        if resolved != expected:
            line = text.count("\n", 0, match.start()) + 1
            why = f"section {number} is {expected}" if expected else f"the nav has no section {number}"
            problems.append(f"{page}:{line}: [{number}]({target}) points to {resolved}, but {why}")
    return problems


def test_every_section_link_points_to_the_page_of_that_section():
    sections = section_pages(MKDOCS_YML.read_text())
    assert len(sections) >= 42, "the nav lists too few sections: has its format changed?"
    problems, links = [], 0
    for page in sorted(DOCS.rglob("*.md")):
        name = page.relative_to(DOCS).as_posix()
        text = page.read_text()
        links += len(SECTION_LINK.findall(text))
        problems += wrong_section_links(name, text, sections)
    print(f"\nsection links checked: {links}")
    assert not problems, "links that name another section than they point to:\n" + "\n".join(problems)


def test_the_check_catches_a_link_to_the_wrong_section():
    sections = {"0.2": "step-0/02-tokenizer.md", "1.3": "step-1/03-linear-softmax.md"}
    text = ("See [0.2](02-tokenizer.md), [1.3](../step-1/03-linear-softmax.md#softmax), [0.2](#bos),\n"
            "[1.3](../step-1/02-parameters.md) and [9.9](05-training.md).\n")
    assert wrong_section_links("step-0/02-tokenizer.md", text, sections) == [
        "step-0/02-tokenizer.md:2: [1.3](../step-1/02-parameters.md) points to "
        "step-1/02-parameters.md, but section 1.3 is step-1/03-linear-softmax.md",
        "step-0/02-tokenizer.md:2: [9.9](05-training.md) points to step-0/05-training.md, "
        "but the nav has no section 9.9",
    ]


def test_the_nav_names_the_steps_as_the_package_does():
    headings = NAV_STEP.findall(MKDOCS_YML.read_text())
    assert headings == [step.heading for step in steps.ALL]
