"""Numbers in the prose: every `{{ ... }}` on a page is rendered here, at
build time, from the results files and the microgpt package itself.

Pages can use:
- `step0` ... `step5`: the results files (docs/results/<step>.json) as dicts;
- `speed`: docs/results/speed.json, what `python -m microgpt.speed` measured;
- `fast`: microgpt.fast, the fast engine of Step 5;
- `s0` ... `s5`: the step modules, to compute a number with the real code,
  e.g. `{{ s1.softmax([2, 1, 0]) }}`;
- `tokenizer`: the names.txt tokenizer (rebuilt from the stored characters);
- filters `commas` (32,033), `f4` (3.2958), `f6`, `sci` (1.2e-09);
- `picture(name, alt)`: a drawing from docs/hooks/pictures_*.py, in both themes;
- `code_lines(obj)`: how many lines of code (no blanks, comments, docstrings)
  a function or class of the package has;
- `source_diff(old, new)`: a diff fence between two package files.
"""

import ast
import difflib
import inspect
import math
import posixpath
import textwrap
from pathlib import Path

from microgpt import fast
from microgpt.cli import STEPS
from microgpt.data import Tokenizer
from microgpt.results import load

RESULTS_DIR = "docs/results"
ROOT = Path(__file__).parents[2]
PICTURE_THEMES = ("light", "dark")
SNIPPET_MARKER = "# --8<-- ["


def code_lines(obj):
    """Lines of a function or class that hold code: no blank lines, comments or docstrings."""
    source = textwrap.dedent(inspect.getsource(obj))
    docstrings = {node.body[0].lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node)}
    lines = source.splitlines()
    return sum(1 for number, line in enumerate(lines, start=1)
               if line.strip() and not line.strip().startswith("#") and number not in docstrings)


def define_env(env):
    for step, module in STEPS.items():  # the package's own list of steps
        env.variables[step] = load(step, RESULTS_DIR)
        env.variables["s" + step.removeprefix("step")] = module
    env.variables["speed"] = load("speed", RESULTS_DIR)
    env.variables["fast"] = fast
    env.variables["tokenizer"] = Tokenizer(env.variables["step0"]["uchars"])
    env.variables["math"] = math

    env.filters["commas"] = lambda n: f"{n:,}"
    env.filters["f4"] = lambda x: f"{x:.4f}"
    env.filters["f6"] = lambda x: f"{x:.6f}"
    env.filters["sci"] = lambda x: f"{x:.1e}"
    env.macro(code_lines)

    @env.macro
    def picture(name, alt):
        """The light and the dark drawing of a picture; Material shows the one
        that matches the reader's theme."""
        here = posixpath.dirname(env.page.file.src_uri)
        return "".join(
            f"![{alt}]({posixpath.relpath(f'pictures/{name}-{theme}.svg', here)}#only-{theme})"
            for theme in PICTURE_THEMES
        )

    @env.macro
    def source_diff(old, new):
        """A unified diff of two package files (snippet markers left out)."""
        def lines(path):
            return [line for line in (ROOT / path).read_text().splitlines()
                    if SNIPPET_MARKER not in line]
        diff = difflib.unified_diff(lines(old), lines(new), old, new, lineterm="", n=2)
        return "```diff\n" + "\n".join(diff) + "\n```"
