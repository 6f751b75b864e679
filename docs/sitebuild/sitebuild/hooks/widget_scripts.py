"""Each page loads the JavaScript of the widgets it shows, and no other.

Every file of docs/assets/javascripts/widgets/ registers its widgets
(`MicroGPT.widgets.NAME = ...` or `MicroGPT.widgets["NAME"] = ...`); a file
that builds on another says so in a comment, `// needs: step3.js`. After a
page is rendered, this hook finds its `data-widget` names and adds the script
tags of the files that register them (and of what those need) right after
widgets.js, the core that mounts them. So a page without widgets pays for
none of them (tests/site/test_page_weight.py keeps every page under budget).
Likewise exercises.js ("Your turn") goes only on the pages that hold an
exercise or a step's list of them, right after try-it.js, whose editor it uses.
"""

import re

from mkdocs.exceptions import PluginError

from sitebuild.common import ROOT

WIDGETS_DIR = ROOT / "docs" / "assets" / "javascripts" / "widgets"
CORE = "assets/javascripts/widgets.js"
REGISTERS = re.compile(r"""MicroGPT\.widgets(?:\.([\w]+)|\[["']([\w-]+)["']\])\s*=""")
NEEDS = re.compile(r"^// needs: ([\w.-]+\.js)\s*$", re.M)
ON_PAGE = re.compile(r'class="mg-widget"[^>]*data-widget="([\w-]+)"')
EXERCISES = "assets/javascripts/exercises.js"
AFTER = "assets/javascripts/try-it.js"  # exercises.js uses its editor
HOLDS_EXERCISES = re.compile(r'class="mg-exercise(?:-progress)?"')


def registry():
    """{widget name: its file}, {file: the files it needs}."""
    files, needs = {}, {}
    for path in sorted(WIDGETS_DIR.glob("*.js")):
        text = path.read_text()
        needs[path.name] = NEEDS.findall(text)
        for dotted, quoted in REGISTERS.findall(text):
            name = dotted or quoted
            if name in files:
                raise PluginError(f"widget {name!r} is registered by both {files[name]} and {path.name}")
            files[name] = path.name
    return files, needs


def scripts_for(names, files, needs, where):
    """The widget files a page needs, each after the files it needs."""
    ordered = []

    def add(file):
        for needed in needs[file]:
            add(needed)
        if file not in ordered:
            ordered.append(file)

    for name in names:
        if name not in files:
            raise PluginError(f"{where}: no file in {WIDGETS_DIR} registers the widget {name!r}")
        add(files[name])
    return ordered


def script_tag(output, script, page):
    """The <script> of `script` on the page (its match: where it ends, the path before it)."""
    tag = re.search(rf'<script src="([^"]*){re.escape(script)}"></script>', output)
    if tag is None:
        raise PluginError(f"{page.file.src_uri} does not load {script}")
    return tag


def on_post_page(output, page, config):
    if HOLDS_EXERCISES.search(output):
        after = script_tag(output, AFTER, page)
        output = (output[:after.end()] + f'<script src="{after.group(1)}{EXERCISES}"></script>'
                  + output[after.end():])
    names = list(dict.fromkeys(ON_PAGE.findall(output)))
    if not names:
        return output
    files, needs = registry()
    core = script_tag(output, CORE, page)
    prefix = core.group(1)
    tags = "".join(f'<script src="{prefix}assets/javascripts/widgets/{file}"></script>'
                   for file in scripts_for(names, files, needs, page.file.src_uri))
    return output[:core.end()] + tags + output[core.end():]
