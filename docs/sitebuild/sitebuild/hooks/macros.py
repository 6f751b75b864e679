"""Numbers in the prose: every `{{ ... }}` on a page is rendered here, at
build time, from the results files and the microgpt package itself.

Pages can use:
- `step0` ... `step5`: the results files (docs/results/<step>.json) as dicts;
- `timings`: seconds of each step's last full run (docs/results/timings.json);
- `speed`: docs/results/speed.json, what `python -m microgpt.speed` measured
  for the chapter "Why is it so slow?";
- `s0` ... `s5`: the step modules, to compute a number with the real code,
  e.g. `{{ s1.softmax([2, 1, 0]) }}`;
- `steps`: the package's list of steps (microgpt.steps.ALL: number, name,
  title, heading such as "Step 3: Attention");
- `tokenizer`: the names.txt tokenizer (rebuilt from the stored characters);
- `common`, `ch0` ... `ch5`, `speed_ch`: the derived numbers (means of
  losses, crossovers, attention of the trained models, ...): sitebuild.common
  for what chapters share, each chapter's module for its own, e.g.
  `{{ common.mean_last(step1.losses) | f4 }}`; pages only format them;
- filters `commas` (32,033), `f4` (3.2958), `f6`, `sci` (1.2e-09);
- `picture(name, alt)`: a drawing of a chapter's PICTURES, in both themes
  (only the reader's theme is downloaded);
- `token(t)`: one token as a chip, its id as a subscript (a₀, BOS₂₆), `t`
  an id, a character or "BOS"; `token_chips(name)`: the tokens of a name,
  BOS at both ends, as chips (`token_chips()`: the whole vocabulary);
  drawn by sitebuild.token_chips;
- `code_lines(obj, ...)`: how many lines of code (no blanks, comments,
  docstrings) functions or classes of the package have together;
- `source_diff(old, new)`: a diff fence between two package files;
- `claim(text, check)`: a sentence that a result makes true, printed only if
  `check` (a predicate of sitebuild.claims: `greater`, `less`, `most_of`,
  `same_to_the_bit`, ... or a chapter's own) holds; else the build fails,
  naming the page and the sentence;
- `wheel`: the file name of the package's wheel in downloads/ (sitebuild.downloads),
  and `download_box(step)`: the box that links a step's single-file program.
"""

import ast
import difflib
import inspect
import math
import posixpath
import textwrap

from microgpt import exercises, steps
from sitebuild import browser_python, claims, common, downloads, token_chips
from sitebuild.chapters import CHAPTERS
from sitebuild.common import ROOT

PICTURE_THEMES = ("light", "dark")
SNIPPET_MARKER = "# --8<-- ["


def code_lines(*objects):
    """Lines of functions or classes that hold code: no blank lines, comments or docstrings."""
    return sum(_code_lines(obj) for obj in objects)


def _code_lines(obj):
    source = textwrap.dedent(inspect.getsource(obj))
    docstrings = {node.body[0].lineno for node in ast.walk(ast.parse(source))
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and ast.get_docstring(node)}
    lines = source.splitlines()
    return sum(1 for number, line in enumerate(lines, start=1)
               if line.strip() and not line.strip().startswith("#") and number not in docstrings)


def define_env(env):
    env.variables["steps"] = steps.ALL
    for step in steps.ALL:  # the package's own list of steps
        env.variables[step.name] = common.results(step.name)
        env.variables[f"s{step.number}"] = step.module
    env.variables["timings"] = common.timings()  # seconds per full run, machine-dependent
    env.variables["speed"] = common.results("speed")  # machine-dependent too
    env.variables["ladder"] = common.results("ladder")  # machine-dependent too
    env.variables["tokenizer"] = common.tokenizer()
    env.variables["math"] = math
    env.variables["common"] = common
    env.variables.update(CHAPTERS)
    env.variables.update({name: getattr(claims, name) for name in claims.PREDICATES})

    env.filters["commas"] = lambda n: f"{n:,}"
    env.filters["f4"] = lambda x: f"{x:.4f}"
    env.filters["f6"] = lambda x: f"{x:.6f}"
    env.filters["sci"] = lambda x: f"{x:.1e}"
    env.macro(code_lines)
    env.macro(token_chips.token)
    env.macro(token_chips.token_chips)
    env.variables["wheel"] = downloads.wheel_name()
    env.variables["browser_python"] = {"megabytes": round(browser_python.download_bytes() / 1e6)}

    def site_link(path):
        """`path` (relative to the site root) as a link from the current page."""
        return posixpath.relpath(path, posixpath.dirname(env.page.file.src_uri))

    @env.macro
    def download_box(step):
        """An admonition with the step's single-file program and the dataset."""
        number = step.removeprefix("step")
        program, names = f"{downloads.FOLDER}/{step}.py", f"{downloads.FOLDER}/{downloads.NAMES}"
        return "\n".join([
            f'!!! example "Step {number} as one file"',
            f"    [Download {step}.py]({site_link(program)}){{ download }}: the whole step in one "
            "file of plain Python, standard library only, generated from the package at every "
            f"build. `python {step}.py` prints exactly what `python -m microgpt {step}` prints "
            f"and takes the same options (`python {step}.py --steps 20` stops after 20 training "
            f"steps). On its first run it downloads [{downloads.NAMES}]({site_link(names)}) "
            f"([sha256]({site_link(names + '.sha256')})); without internet, save that file and "
            "point `MICROGPT_NAMES` at it.",
        ])

    @env.macro
    def claim(text, check):
        """`text`, if `check` holds; else the build stops with the page, the text and the check."""
        return claims.require(env.page.file.src_uri, text, check)

    @env.macro
    def picture(name, alt):
        """The light and the dark drawing of a picture; Material shows the one
        that matches the reader's theme. Both load lazily: a browser never
        fetches a lazy image that is not displayed, so only one is downloaded."""
        here = posixpath.dirname(env.page.file.src_uri)
        sources = {theme: posixpath.relpath(f"pictures/{name}-{theme}.svg", here) for theme in PICTURE_THEMES}
        return "".join(f"![{alt}]({source}#only-{theme}){{ loading=lazy }}"
                       for theme, source in sources.items())

    @env.macro
    def source_diff(old, new):
        """A unified diff of two package files (snippet markers left out)."""
        def lines(path):
            return [line for line in (ROOT / path).read_text().splitlines()
                    if SNIPPET_MARKER not in line]
        diff = difflib.unified_diff(lines(old), lines(new), old, new, lineterm="", n=2)
        return "```diff\n" + "\n".join(diff) + "\n```"

    @env.macro
    def exercise(exercise_id):
        """An exercise of microgpt.exercises ("Your turn"): its title, task, the
        starter code, then the hint and the package's solution (included by name),
        both collapsed. Without JavaScript that is the whole exercise;
        exercises.js adds the editor and the Check, Hint and Show solution buttons."""
        found = exercises.EXERCISES_BY_ID[exercise_id]
        path = found.solution.split(":")[0]
        return "\n".join([
            f'<div class="mg-exercise" data-exercise="{found.id}" markdown>',
            "",
            f"## {found.title} {{ #{found.id} }}",
            "",
            found.task,
            "",
            # the rest is code and help the guide shows elsewhere: kept out of the search index (page weight)
            "<div data-search-exclude markdown>",
            "",
            '```py title="Your code: start from this"',
            found.starter.rstrip("\n"),
            "```",
            "",
            '??? tip mg-hint "Hint"',
            "",
            textwrap.indent(found.hint, "    "),
            "",
            f'??? success mg-solution "Solution: the package\'s own `{found.name}`"',
            "",
            f'    ```py title="{path}"',
            f'    --8<-- "{found.solution}"',
            "    ```",
            "",
            "</div>",
            "",
            "</div>",
        ])

    @env.macro
    def exercise_progress(step):
        """On a step's index: its exercises, each linked; exercises.js marks
        those this browser has solved (kept in localStorage, never sent)."""
        number = int(step.removeprefix("step"))
        page = next((ROOT / "docs" / f"step-{number}").glob("*-your-turn.md")).name
        found = [item for item in exercises.EXERCISES if item.step == number]
        return "\n".join([
            f'<div class="mg-exercise-progress" data-step="{step}" markdown>',
            "",
            f'!!! question "Your turn: {len(found)} exercises"',
            "",
            f"    The step ends with [exercises]({page}): write a piece of it yourself, and check it "
            "against the package, in your browser.",
            "",
            *(f'    - [{item.title}]({page}#{item.id}){{ data-exercise="{item.id}" }}' for item in found),
            "",
            "</div>",
        ])
