"""Keep notebook pages offline: nbconvert's template adds a MathJax 2 loader
with an empty URL and a Mermaid loader that imports from a CDN. Our notebooks
use neither (the site's maths is MathML, rendered at build time), so both are
removed."""

import re

EMPTY_MATHJAX_LOADER = re.compile(r'<script src="">\s*</script>')
MERMAID_LOADER = re.compile(r'<script type="module">(?:(?!</script>).)*?jp-Mermaid.*?</script>', re.S)


def on_post_page(output, page, config):
    if page.file.src_uri.endswith(".ipynb"):
        output = MERMAID_LOADER.sub("", EMPTY_MATHJAX_LOADER.sub("", output))
    return output
