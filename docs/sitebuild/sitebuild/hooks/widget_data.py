"""The data of every interactive widget, computed at build time with the package.

Each widget (docs/assets/javascripts/widgets.js) downloads one small JSON file,
`widgets/NAME.json`, holding only the numbers it draws, already computed by its
chapter's module (sitebuild/chapters/, its WIDGETS): the browser draws them and
handles input, it does not redo the analysis. Where a widget computes from what
the reader types (the tokens of a typed name, the softmax of typed logits) or
sets (the secant of 1.6), its JavaScript stays, and tests/site checks what it
shows against the package. The step colours go to `widgets/steps.css`, from the
same list as the pictures' (sitebuild.plotting.STEP_COLOURS).
"""

import json

from mkdocs.structure.files import File

from sitebuild.chapters import merged
from sitebuild.plotting import steps_css

WIDGETS = merged("WIDGETS")


def on_files(files, config):
    for name, make in WIDGETS.items():
        files.append(File.generated(config, f"widgets/{name}.json",
                                    content=json.dumps(make(), separators=(",", ":"))))
    files.append(File.generated(config, "widgets/steps.css", content=steps_css()))
    return files
