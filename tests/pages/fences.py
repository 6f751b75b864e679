"""Find every fenced block of every page and say how it is accounted for.

pytest-codeblocks runs only fences whose info string is exactly `python`, `sh`
or `bash`, and silently ignores every other fence. This module classifies each
fence so that a test can fail on any block that nothing checks.
"""

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
EXECUTED = {"python", "sh", "bash"}  # what pytest-codeblocks collects, exactly
NON_CODE = {"text", "console"}  # illustrations and install commands: shown, never run
# a file, a snippet section of it, or a definition in it by name (sitebuild/hooks/include_by_name.py)
INCLUDE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w.-]+))?"\s*$')
FENCE = re.compile(r"^(?P<indent>\s*)(?P<marks>`{3,}|~{3,})(?P<info>.*)$")
# an exercise ("Your turn"): the `exercise` macro renders its starter and solution fences, which
# tests/package/test_exercises.py and tests/pyodide/test_exercises_in_pyodide.py check
EXERCISE = re.compile(r"""^\s*\{\{\s*exercise\(\s*["'](?P<id>[\w-]+)["']\s*\)\s*\}\}\s*$""")
DIRECTIVE = re.compile(r"^\s*<!--\s*(pytest-codeblocks:|pytest\.mark\.)(?P<what>.*?)\s*-->\s*$")


@dataclass
class Fence:
    page: Path
    line: int
    info: str
    body: list
    kind: str = "unaccounted"
    reason: str = ""

    @property
    def where(self):
        page = self.page.relative_to(DOCS.parent) if self.page.is_relative_to(DOCS.parent) else self.page
        return f"{page}:{self.line}"


def read_fences(page):
    lines = page.read_text().splitlines()
    fences, directives, i = [], [], 0
    while i < len(lines):
        directive, fence = DIRECTIVE.match(lines[i]), FENCE.match(lines[i])
        exercise = EXERCISE.match(lines[i])
        if exercise:
            fences.append(exercise_block(page, i + 1, exercise["id"]))
            directives = []
        elif directive:
            directives.append(directive.group(1) + directive.group("what"))
        elif fence:
            marks = fence.group("marks")
            end = i + 1
            while end < len(lines) and not lines[end].strip().startswith(marks):
                end += 1
            if end == len(lines):
                raise AssertionError(f"{page}:{i + 1}: a fence that is never closed")
            found = Fence(page, i + 1, fence.group("info").strip(), lines[i + 1:end])
            classify(found, marks, directives, fences[-1] if fences else None)
            fences.append(found)
            directives, i = [], end
        elif lines[i].strip():
            directives = []  # a directive applies only to the fence right after it
        i += 1
    return fences


@cache
def declared_exercises():
    """The ids of the exercises microgpt/exercises declares, read from its
    source (the audit reads files and imports no package code, so a function
    the exercises use but a rename took away fails its own check)."""
    ids = set()
    for module in sorted((DOCS.parent / "microgpt" / "exercises").glob("step*.py")):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Exercise":
                ids.update(k.value.value for k in node.keywords if k.arg == "id")
    return ids


def exercise_block(page, line, exercise_id):
    """An exercise on a page: accounted for when microgpt/exercises declares it."""
    block = Fence(page, line, "exercise", [exercise_id])
    if exercise_id in declared_exercises():
        block.kind = "exercise"
    else:
        block.reason = f"exercise {exercise_id!r} is not in microgpt/exercises"
    return block


def classify(fence, marks, directives, previous):
    includes = [INCLUDE.match(line) for line in fence.body if line.strip()]
    if "pytest-codeblocks:expected-output" in directives:
        if previous is not None and previous.kind == "executed":
            fence.kind = "output"
        else:
            fence.reason = "expected output that follows no executed block"
    elif any(d != "pytest-codeblocks:cont" for d in directives):
        fence.reason = f"test directive {directives} (skipped or altered blocks are not allowed)"
    elif marks.startswith("`") and fence.info in EXECUTED:
        fence.kind = "executed"
    elif includes and all(includes) and fence.info.split()[0] == "py":
        fence.kind = "include"
    elif fence.info in NON_CODE and not any(INCLUDE.match(line) for line in fence.body):
        fence.kind = "non-code"
    else:
        fence.reason = f"info string {fence.info!r} is neither executed nor an include nor {NON_CODE}"



def all_fences():
    return [fence for page in sorted(DOCS.rglob("*.md")) for fence in read_fences(page)]
