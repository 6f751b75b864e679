"""Every claim on the pages holds, checked without a full build: each page
that calls `claim(...)` is rendered by Jinja with the build's own variables,
filters and macros (sitebuild.hooks.macros.define_env). A false claim fails
here with the message that fails `mkdocs build --strict`: the page, the
sentence and what its predicate found."""

import re
from types import SimpleNamespace

import jinja2
import pytest

from sitebuild import browser_python
from sitebuild.common import ROOT
from sitebuild.hooks import macros

DOCS = ROOT / "docs"
CLAIM_CALL = re.compile(r"\bclaim\(")


class BuildVariables:
    """What define_env uses of mkdocs-macros' env: its variables, filters,
    macros, and the page being rendered."""

    def __init__(self):
        self.variables, self.filters, self.page = {}, {}, None

    def macro(self, function):
        self.variables[function.__name__] = function
        return function


def pages_with_claims():
    return sorted(page.relative_to(DOCS).as_posix() for page in DOCS.rglob("*.md")
                  if CLAIM_CALL.search(page.read_text()))


@pytest.fixture(scope="module")
def render():
    build = BuildVariables()
    with pytest.MonkeyPatch.context() as patch:  # the size of the in-browser Python needs npm's files
        patch.setattr(browser_python, "download_bytes", lambda: 0)
        macros.define_env(build)
    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
    jinja.filters.update(build.filters)
    jinja.globals.update(build.variables, config={"site_url": "/"})

    def render_page(name):
        build.page = SimpleNamespace(file=SimpleNamespace(src_uri=name))
        return jinja.from_string((DOCS / name).read_text()).render()
    return render_page


def test_pages_make_claims():
    assert pages_with_claims(), "no page calls claim(...): is the pattern still CLAIM_CALL?"


@pytest.mark.parametrize("page", pages_with_claims())
def test_every_claim_on_the_page_holds(page, render):
    render(page)  # a false claim raises sitebuild.claims.ClaimError, naming page and sentence
