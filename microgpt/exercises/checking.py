"""What every exercise is made of (Exercise, Case) and the checker that
compares the reader's function with the package's, case by case; the
exercises themselves are in one module per step (microgpt/exercises/stepN.py)."""


import copy
import importlib
import inspect
import io
import math
import textwrap
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

READER_FILE = "<your code>"  # the file name the reader's code gets in error messages
SNIPPET_MARKER = "# --8<-- ["  # a page's snippet marker: the page's include leaves it out
REL_TOL, ABS_TOL = 1e-9, 1e-12  # how close a float must be to the package's (a different rounding passes)


@dataclass(frozen=True)
class Case:
    shown: str  # the input as the reader reads it
    args: tuple  # what the call adapter receives (a fresh deep copy for each function)


def call_plainly(function, args):
    return function(*args)


@dataclass(frozen=True)
class Exercise:
    id: str  # "step1-softmax": the step, then a short name; the page's anchor and the browser's key
    title: str
    task: str  # Markdown, a sentence or two
    hint: str  # Markdown
    name: str  # the function the reader defines
    # The package's function, named as the page includes it ("microgpt/step1_gradient_descent.py:softmax"):
    # the solution shown, and the source of every expected answer (`reference`).
    solution: str
    starter: str  # the code the reader starts from; it fails its check
    cases: Callable  # () -> [Case, ...], the plain inputs of the checks
    call: Callable = call_plainly  # (function, args) -> what is compared

    @property
    def reference(self):
        """The package's function that `solution` names, looked up when first
        needed (so a renamed function fails its own include check, not every
        import of the exercises)."""
        path, qualname = self.solution.split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        found = module
        for part in qualname.split("."):
            found = getattr(found, part, None)
            if found is None:
                raise LookupError(f"exercise {self.id}: the package has no {qualname} in {path}; "
                                  f"update its solution in microgpt/exercises/step{self.step}.py")
        return found

    @property
    def step(self):
        return int(self.id.split("-")[0].removeprefix("step"))

    @property
    def preamble(self):
        """The starter's lines before its `def`: the imports the reader's function may use."""
        lines = self.starter.splitlines()
        first_def = next(i for i, line in enumerate(lines) if line.startswith("def "))
        return "\n".join(lines[:first_def])

    def solved(self):
        """What a reader runs who puts the solution the page shows (the package's
        definition, included by name, snippet markers left out) under the
        starter's imports: the code the tests require to pass."""
        source = textwrap.dedent(inspect.getsource(self.reference))
        body = "\n".join(line for line in source.splitlines() if SNIPPET_MARKER not in line)
        return f"{self.preamble}\n{body}\n"


def first_difference(expected, got, path=()):
    """The path (a tuple of indexes and keys, () for the whole) to where `got`
    first differs from `expected`, or None when they agree; floats agree
    within REL_TOL or ABS_TOL."""
    if isinstance(expected, float) or (isinstance(expected, int) and not isinstance(expected, bool)):
        if isinstance(got, bool) or not isinstance(got, (int, float)):
            return path
        if math.isnan(expected) or math.isnan(got):
            return None if math.isnan(expected) and math.isnan(got) else path
        return None if math.isclose(expected, got, rel_tol=REL_TOL, abs_tol=ABS_TOL) else path
    if isinstance(expected, (list, tuple)):
        if not isinstance(got, (list, tuple)) or len(got) != len(expected):
            return path
        pairs = enumerate(zip(expected, got))
    elif isinstance(expected, dict):
        if not isinstance(got, dict) or list(got) != list(expected):
            return path
        pairs = ((key, (expected[key], got[key])) for key in expected)
    else:
        return None if expected == got else path
    for key, (e, g) in pairs:
        found = first_difference(e, g, (*path, key))
        if found is not None:
            return found
    return None


def at(value, path):
    for key in path:
        value = value[key]
    return value


def error_text(error):
    return f"{type(error).__name__}: {error}"


def failure(message, **details):
    return {"passed": False, "message": message, "case": None, "cases": None,
            "input": None, "expected": None, "got": None, "where": None, **details}


def check_against(exercise, source):
    """Run the reader's `source`, then compare its function with the package's
    on every case. A JSON-ready dict: passed, message, and for a failing case
    its number (from 1), the count, input, expected, got and where (the part
    that differs, "" for the whole result). The reader's printing is swallowed."""
    namespace = {"__name__": "your_code"}
    quiet = io.StringIO()
    try:
        with redirect_stdout(quiet), redirect_stderr(quiet):
            exec(compile(source, READER_FILE, "exec"), namespace)
    except SyntaxError as error:
        return failure(f"Your code is not valid Python: {error.msg} (line {error.lineno}).")
    except Exception as error:  # whatever the reader's code raised at the top level
        return failure(f"Your code stopped before the checks: {error_text(error)}.")
    function = namespace.get(exercise.name)
    if not callable(function):
        return failure(f"Your code defines no function named {exercise.name}: keep the starter's def line.")
    cases = exercise.cases()
    for number, case in enumerate(cases, start=1):
        expected = exercise.call(exercise.reference, copy.deepcopy(case.args))
        try:
            with redirect_stdout(quiet), redirect_stderr(quiet):
                got = exercise.call(function, copy.deepcopy(case.args))
        except Exception as error:  # the reader's answer to this case: shown as the error it is
            path, shown_got = (), error_text(error)
        else:
            path = first_difference(expected, got)
            if path is None:
                continue
            shown_got = repr(at(got, path))
        where = "".join(f"[{key!r}]" for key in path)
        part = f" at {where}" if where else ""
        return failure(f"Case {number} of {len(cases)} differs from the package{part}.", case=number,
                       cases=len(cases), input=case.shown, expected=repr(at(expected, path)), got=shown_got,
                       where=where)
    return {"passed": True, "message": f"All {len(cases)} cases match the package's {exercise.name}.",
            "case": None, "cases": len(cases), "input": None, "expected": None, "got": None, "where": None}
