"""The sections of the guide as mkdocs.yml's nav lists them (read as text:
the tests need no YAML parser)."""

import re

from .fences import DOCS

MKDOCS_YML = DOCS.parent / "mkdocs.yml"
NAV_SECTION = re.compile(
    r'^\s*- (?:"(?P<quoted>\d+\.\d+) [^"]+"|(?P<plain>\d+\.\d+) [^:"]+): (?P<page>\S+\.md)\s*$', re.M)


def section_pages(nav_text):
    """Section number -> its page (relative to docs/), in the order of the nav."""
    return {match["quoted"] or match["plain"]: match["page"] for match in NAV_SECTION.finditer(nav_text)}
