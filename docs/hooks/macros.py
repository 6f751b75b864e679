"""Numbers in the prose: every `{{ ... }}` on a page is rendered here, at
build time, from the results files and the microgpt package itself.

Pages can use:
- `step0`, `step1`: the results files (docs/results/<step>.json) as dicts;
- `s0`, `s1`: the step modules, to compute a number with the real code,
  e.g. `{{ s1.softmax([2, 1, 0]) }}`;
- `tokenizer`: the names.txt tokenizer (rebuilt from the stored characters);
- filters `commas` (32,033), `f4` (3.2958), `f6`, `sci` (1.2e-09);
- `picture(name, alt)`: a drawing from docs/hooks/pictures.py, in both themes.
"""

import math
import posixpath

from microgpt import step0_counting, step1_gradient_descent
from microgpt.data import Tokenizer
from microgpt.results import load

RESULTS_DIR = "docs/results"
PICTURE_THEMES = ("light", "dark")


def define_env(env):
    env.variables["step0"] = load("step0", RESULTS_DIR)
    env.variables["step1"] = load("step1", RESULTS_DIR)
    env.variables["s0"] = step0_counting
    env.variables["s1"] = step1_gradient_descent
    env.variables["tokenizer"] = Tokenizer(env.variables["step0"]["uchars"])
    env.variables["math"] = math

    env.filters["commas"] = lambda n: f"{n:,}"
    env.filters["f4"] = lambda x: f"{x:.4f}"
    env.filters["f6"] = lambda x: f"{x:.6f}"
    env.filters["sci"] = lambda x: f"{x:.1e}"

    @env.macro
    def picture(name, alt):
        """The light and the dark drawing of a picture; Material shows the one
        that matches the reader's theme."""
        here = posixpath.dirname(env.page.file.src_uri)
        return "".join(
            f"![{alt}]({posixpath.relpath(f'pictures/{name}-{theme}.svg', here)}#only-{theme})"
            for theme in PICTURE_THEMES
        )
