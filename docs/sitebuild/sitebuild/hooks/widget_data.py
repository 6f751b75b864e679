"""The data of every interactive widget, computed at build time with the package.

Each widget (docs/assets/javascripts/widgets.js) downloads one small JSON file,
`widgets/NAME.json`, holding only the numbers it draws, already computed by its
chapter's module (sitebuild/chapters/, its WIDGETS): the browser draws them and
handles input, it does not redo the analysis. Under `nox -s serve` the data
is computed once per content of its inputs (sitebuild/build_cache.py). Where a widget computes from what
the reader types (the tokens of a typed name, the softmax of typed logits) or
sets (the secant of 1.6), its JavaScript stays, and tests/site checks what it
shows against the package. The step colours go to `widgets/steps.css`, from the
same list as the pictures' (sitebuild.plotting.STEP_COLOURS).
"""

import json

from mkdocs.structure.files import File

from sitebuild import build_cache
from sitebuild.chapters import merged
from sitebuild.plotting import steps_css
from sitebuild.progress import phase

WIDGETS = merged("WIDGETS")


def compute_all():
    """Every widget's data, as JSON: {name: data}."""
    return json.dumps({name: make() for name, make in WIDGETS.items()}).encode()


def on_files(files, config):
    with phase(f"widgets: the data of {len(WIDGETS)} widgets"):
        computed = json.loads(build_cache.cached("widgets", "all.json", compute_all))
    for name, data in computed.items():
        files.append(File.generated(config, f"widgets/{name}.json",
                                    content=json.dumps(data, separators=(",", ":"))))
    files.append(File.generated(config, "widgets/steps.css", content=steps_css()))
    return files
