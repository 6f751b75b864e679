"""The package as the site's in-browser Python uses it (Pyodide, in a Web Worker:
docs/assets/javascripts/python-worker.js): a reader's snippet run as a script,
with a short traceback when it fails, a training run that reports every step
as it goes, and what the widgets ask of a trained model (MicroGPT.python.call:
JSON-ready data in, JSON-ready data out). Plain Python, so it is tested here
under CPython; no step module imports it.
"""

import math
import sys
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from .analysis import WINDOW, mean_last
from .config import RunConfig
from .errors import MicrogptError
from .steps import PROGRAMS, load_module

SNIPPET = "<your code>"  # the file name a reader's code gets in tracebacks


class Stopped(Exception):
    """The reader pressed Stop during a training run."""


def run_snippet(code, namespace=None):
    """Run code as a script would run; return True if it finished. A failure
    prints one short message to stderr: the package's own message for bad
    input, else a traceback of the reader's lines and the line that raised."""
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    try:
        exec(compile(code, SNIPPET, "exec"), namespace)
    except SystemExit as done:
        if done.code is not None and not isinstance(done.code, int):
            print(done.code, file=sys.stderr)  # sys.exit("why"): shown, as Python shows it
        return done.code in (None, 0)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return False
    except BaseException as error:  # whatever the reader's code raised: reported, never re-raised
        print(short_traceback(error, code), file=sys.stderr, end="")
        return False
    return True


def short_traceback(error, code):
    """A traceback of the reader's own lines (from `code`), plus the line that
    raised when it is in the package or the standard library; then the error."""
    if isinstance(error, SyntaxError) and error.filename == SNIPPET:
        return "".join(traceback.format_exception_only(error))
    frames = traceback.extract_tb(error.__traceback__)
    shown = [frame for frame in frames if frame.filename == SNIPPET]
    if frames and frames[-1].filename != SNIPPET:
        shown.append(frames[-1])
    source = code.splitlines()
    lines = ["Traceback (your code, and the line that raised):\n"]
    for frame in shown:
        mine = frame.filename == SNIPPET
        where = "line" if mine else f"{short_path(frame.filename)}, line"
        lines.append(f"  {where} {frame.lineno}, in {frame.name}\n")
        text = source[frame.lineno - 1] if mine and 0 < frame.lineno <= len(source) else frame.line
        if text and text.strip():
            lines.append(f"    {text.strip()}\n")
    name = "error" if isinstance(error, MicrogptError) else type(error).__name__
    return "".join(lines) + f"{name}: {error}\n"


def short_path(filename):
    """microgpt/step1_gradient_descent.py rather than the whole site-packages path."""
    path = Path(filename)
    return "/".join(path.parts[-2:]) if path.parent.name == "microgpt" else path.name


@contextmanager
def learning_rate(module, value):
    """Run with module.LEARNING_RATE set to value (the step's training loop reads
    it at every step), then put the step's own value back."""
    if value is None:
        yield
        return
    if not (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value) and value > 0):
        raise MicrogptError(f"the learning rate must be a number greater than 0, got {value!r}")
    if not hasattr(module, "LEARNING_RATE"):
        raise MicrogptError(f"{module.__name__} has no learning rate to set: it does not learn by "
                            "gradient steps (leave the learning rate out)")
    saved = module.LEARNING_RATE
    module.LEARNING_RATE = value
    try:
        yield
    finally:
        module.LEARNING_RATE = saved


CHECK_REPORTS_EVERY = 50  # forward passes of the gradient check between two reports of its progress


def skipped_check(state_dict, tokens, n):
    """Step 1's gradient check, left out: what run() logs of it reads "nan"."""
    return {"loss_n": math.nan, "loss_a": math.nan, "max_diff": math.nan, "grad_n": [], "grad_a": []}


@contextmanager
def gradient_check(module, wanted, on_check, should_stop):
    """Step 1's program checks its gradient numerically before step 1: one
    forward pass per weight, most of a short run's time in the browser. The
    check puts every nudged weight back, so training is the same with or
    without it. With `wanted` false it is left out; otherwise each
    CHECK_REPORTS_EVERY forward passes call on_check(done, total) and ask
    should_stop(), so the reader sees it advance and Stop ends it like a step.
    Other programs do not check: they run as they are."""
    if not hasattr(module, "gradient_check"):
        yield
        return
    saved = module.gradient_check, module.forward
    done = 0

    def watched_forward(state_dict, tokens, n):
        nonlocal done
        done += 1
        if done % CHECK_REPORTS_EVERY == 0:
            total = sum(len(row) for mat in state_dict.values() for row in mat) + 1  # the unnudged pass too
            on_check(done, total)
            if should_stop():
                raise Stopped(f"stopped during the gradient check, after {done} of {total} forward passes")
        return saved[1](state_dict, tokens, n)

    if wanted:
        module.forward = watched_forward
    else:
        module.gradient_check = skipped_check
    try:
        yield
    finally:
        module.gradient_check, module.forward = saved


def train(program, on_step, should_stop, num_steps=1000, learning_rate_value=None,
          temperature=0.5, seed=42, names=None, log=print, check_gradient=True, on_check=None):
    """Run a program of `steps.PROGRAMS` ("step1", "step5-fast", ...: its run(),
    as `python -m microgpt` does) and call on_step(step, loss, smoothed) after
    every training step, where smoothed is the mean of the last WINDOW losses, the
    curve the site draws.
    should_stop() is asked after each step; True ends the run with Stopped.
    `names`: a text of one name per line to train on instead of names.txt.
    `check_gradient`: whether Step 1 checks its gradient first (see
    gradient_check; on_check(done, total) hears how far it is)."""
    if not isinstance(program, str) or program not in PROGRAMS:
        raise MicrogptError(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    data = None
    if names is not None:
        if not isinstance(names, str):
            raise MicrogptError(f"the names must be a text of one name per line, got {names!r}")
        try:
            encoded = names.encode("utf-8")
        except UnicodeEncodeError as error:
            raise MicrogptError(f"the names hold {error.object[error.start]!r}, which is not a "
                                "character of any text: remove it") from None
        data = Path("your_names.txt").absolute()
        data.write_bytes(encoded)
    config = RunConfig(num_steps=num_steps, temperature=temperature, seed=seed,
                       data=None if data is None else str(data))
    module = load_module(PROGRAMS[program])
    losses = []

    def watch(step, loss):
        losses.append(loss)
        on_step(step, loss, mean_last(losses, WINDOW))
        if should_stop():
            raise Stopped(f"stopped after {step + 1} of {num_steps} steps")

    started = time.perf_counter()
    own_rate = getattr(module, "LEARNING_RATE", None)
    try:
        with learning_rate(module, learning_rate_value), \
                gradient_check(module, check_gradient, on_check or (lambda done, total: None), should_stop):
            result = module.run(config, log=log, watch=watch)
    except (ArithmeticError, ValueError) as error:  # what float arithmetic raises once weights blow up
        if learning_rate_value is None:
            raise
        raise MicrogptError(
            f"training diverged ({len(losses)} of {num_steps} steps done): at learning rate "
            f"{learning_rate_value!r} the weights grew until the arithmetic failed ({error}); "
            f"try a smaller learning rate (this program's own is {own_rate})"
        ) from None
    return {"seconds": time.perf_counter() - started, "samples": result["samples"],
            "final_smoothed": mean_last(losses, WINDOW)}


def attention_of(model, name):
    """What a trained model (a results file of Steps 3-5, or the
    widgets/model-STEP.json a page ships) computes while it reads `name`:
    analysis.attention_trace, which the attention widgets draw. A name the
    model cannot read gets one MicrogptError saying why."""
    from .analysis import attention_trace  # on first use: the steps load only when a reader asks

    try:
        return attention_trace(model, name)
    except ValueError as error:  # a name longer than the model's context
        raise MicrogptError(str(error)) from None


def sample(model, count=10, temperature=0.5, seed=42):
    """`count` names from a trained model (as for attention_of, or Step 1's),
    drawn by analysis.sample_names: the same arguments give the same names."""
    from .analysis import sample_names

    return sample_names(model, count, temperature, seed)


def check_exercise(exercise_id, source):
    """The "Check" of an exercise ("Your turn"): the reader's source compared
    with the package's function by microgpt.exercises.check, as data. An
    unknown exercise is one MicrogptError naming the known ones."""
    from .exercises import check  # on first use: the steps load only when a reader asks

    try:
        return check(exercise_id, source)
    except LookupError as error:
        raise MicrogptError(str(error)) from None
