"""MkDocs hook: Material's search index loads only when the reader turns to
search. docs/assets/javascripts/search-on-demand.js holds back the request
for search/search_index.json until then; it is inlined at the top of every
page's <head> so that it runs before Material's bundle makes that request.
tests/site/test_page_weight.py counts a page without the index, and
tests/site/test_pages_in_browser.py searches for a word."""

from mkdocs.exceptions import PluginError

from sitebuild.common import ROOT

SCRIPT = ROOT / "docs" / "assets" / "javascripts" / "search-on-demand.js"


def on_post_page(output, page, config):
    if "<head>" not in output:
        raise PluginError(f"{page.file.src_uri}: no <head> to put search-on-demand.js in")
    return output.replace("<head>", f"<head><script>{SCRIPT.read_text()}</script>", 1)
