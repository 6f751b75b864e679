"""Maths rendered at build time: every formula becomes MathML, which browsers
draw natively, so no page loads a maths library.

pymdownx.arithmatex (generic mode) marks the TeX of each formula with
`<span class="arithmatex">\\(...\\)</span>` or `<div class="arithmatex">\\[...\\]</div>`;
this hook replaces the TeX inside with latex2mathml's MathML. A formula it
cannot convert fails the build, naming the page and the formula.
"""

import html
import re

from latex2mathml.converter import convert
from mkdocs.exceptions import PluginError

FORMULA = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
DELIMITERS = {"span": (r"\(", r"\)"), "div": (r"\[", r"\]")}


def to_mathml(tag, marked_tex, where):
    tex = html.unescape(marked_tex).strip()
    opening, closing = DELIMITERS[tag]
    if not (tex.startswith(opening) and tex.endswith(closing)):
        raise PluginError(f"{where}: a formula is not wrapped in {opening} {closing}: {tex[:60]!r}")
    try:
        return convert(tex[2:-2].strip(), display="block" if tag == "div" else "inline")
    except Exception as error:  # latex2mathml raises many kinds; report them all the same way
        raise PluginError(f"{where}: latex2mathml cannot convert the formula {tex!r}: {error}. "
                          "Rewrite it with commands latex2mathml supports.") from error


def on_page_content(content, page, config, files):
    def replace(match):
        tag, marked_tex = match.groups()
        return f'<{tag} class="arithmatex">{to_mathml(tag, marked_tex, page.file.src_uri)}</{tag}>'
    return FORMULA.sub(replace, content)
