"""microgpt.live: what the site's in-browser Python calls, checked here under
CPython (tests/site/test_python_in_browser.py runs it in Pyodide)."""

import inspect
import json
import random

import pytest

from microgpt import analysis, live, step1_gradient_descent
from microgpt.analysis import mean_last
from microgpt.config import RunConfig
from microgpt.data import Tokenizer
from microgpt.errors import MicrogptError
from microgpt.results import load

RESULTS_DIR = "docs/results"
# Names of two letters: Step 1 checks its gradient numerically before its first step, one
# forward pass per weight, which takes seconds on names.txt and a fraction of one on these.
SHORT_NAMES = "al\nbo\nem\nli\n"


def test_a_snippet_runs_as_a_script_in_a_fresh_namespace(capsys):
    assert live.run_snippet("x = 6 * 7\nprint(x, __name__)\n")
    assert live.run_snippet("print('x' in globals())\n")
    assert capsys.readouterr().out == "42 __main__\nFalse\n"


def test_an_error_shows_the_readers_line_and_the_line_that_raised(capsys):
    code = "from microgpt.data import Tokenizer\n\nTokenizer(['ab']).encode('abc')\n"
    lines, first = inspect.getsourcelines(Tokenizer.encode)
    raising = first + next(i for i, line in enumerate(lines) if "raise MicrogptError(" in line)
    assert not live.run_snippet(code)
    assert capsys.readouterr().err == (
        "Traceback (your code, and the line that raised):\n"
        "  line 3, in <module>\n"
        "    Tokenizer(['ab']).encode('abc')\n"
        f"  microgpt/data.py, line {raising}, in encode\n"
        "    raise MicrogptError(\n"
        "error: 'abc' contains 'c', which the vocabulary does not have; use only these characters: ab\n")


def test_the_traceback_keeps_every_frame_of_the_readers_code_only(capsys):
    code = "def f(n):\n    return 1 / n\n\nf(0)\n"
    assert not live.run_snippet(code)
    assert capsys.readouterr().err == (
        "Traceback (your code, and the line that raised):\n"
        "  line 4, in <module>\n    f(0)\n"
        "  line 2, in f\n    return 1 / n\n"
        "ZeroDivisionError: division by zero\n")


def test_a_syntax_error_points_at_its_line(capsys):
    assert not live.run_snippet("print(1)\nprint(2\n")
    err = capsys.readouterr().err
    assert 'File "<your code>", line 2' in err and "SyntaxError" in err and "Traceback" not in err


def test_exit_and_interrupt_end_a_snippet_quietly(capsys):
    assert live.run_snippet("raise SystemExit\n")
    assert not live.run_snippet("raise SystemExit(3)\n")
    assert not live.run_snippet("raise KeyboardInterrupt\n")
    assert capsys.readouterr().err == "Stopped.\n"


def test_train_reports_every_step_and_returns_the_programs_names(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where live.train writes the names it is given
    seen = []
    result = live.train("step1", lambda step, loss, smoothed: seen.append((step, loss, smoothed)),
                        lambda: False, num_steps=30, names=SHORT_NAMES, log=lambda line: None)
    losses = [loss for _, loss, _ in seen]
    assert [step for step, _, _ in seen] == list(range(30))
    assert seen[-1][2] == mean_last(losses) == result["final_smoothed"]
    assert [smoothed for _, _, smoothed in seen] == [mean_last(losses[:n + 1], live.WINDOW)
                                                     for n in range(30)]
    expected = step1_gradient_descent.run(RunConfig(num_steps=30, data=str(tmp_path / "your_names.txt")),
                                          log=lambda line: None)
    assert losses == expected["losses"] and result["samples"] == expected["samples"]


def test_stop_ends_training_after_the_current_step_and_restores_the_learning_rate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    steps = []
    with pytest.raises(live.Stopped, match="stopped after 3 of 50 steps"):
        live.train("step1", lambda step, loss, smoothed: steps.append(step), lambda: len(steps) == 3,
                   num_steps=50, learning_rate_value=0.5, names=SHORT_NAMES, log=lambda line: None)
    assert steps == [0, 1, 2]
    assert step1_gradient_descent.LEARNING_RATE == 1.0


def test_a_learning_rate_and_names_of_your_own_change_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    quiet = {"log": lambda line: None, "num_steps": 5}
    base = live.train("step1", lambda *a: None, lambda: False, names=SHORT_NAMES, **quiet)
    slower = live.train("step1", lambda *a: None, lambda: False, learning_rate_value=0.1, names=SHORT_NAMES,
                        **quiet)
    assert slower["final_smoothed"] != base["final_smoothed"]
    own = live.train("step1", lambda *a: None, lambda: False, names="ab\nbo\nob\n", **quiet)
    assert set("".join(own["samples"])) <= {"a", "b", "o"}


@pytest.mark.needs_names
def test_training_without_the_gradient_check_is_the_same_training(tmp_path, monkeypatch):
    """The check puts every nudged weight back: left out, the losses and names are the same; the log
    says the check was not run."""
    monkeypatch.chdir(tmp_path)
    settings = {"num_steps": 20, "names": SHORT_NAMES}
    checked, unchecked, lines = [], [], []
    with_check = live.train("step1", lambda step, loss, smoothed: checked.append(loss), lambda: False,
                            log=lambda line: None, **settings)
    without = live.train("step1", lambda step, loss, smoothed: unchecked.append(loss), lambda: False,
                         log=lines.append, check_gradient=False, **settings)
    assert unchecked == checked and without["samples"] == with_check["samples"]
    assert any(line.startswith("gradient check | loss_n nan") for line in lines), lines
    assert step1_gradient_descent.gradient_check.__module__ == step1_gradient_descent.__name__  # put back


@pytest.mark.needs_names
def test_the_gradient_check_reports_its_progress_and_stop_ends_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    reports, steps = [], []
    total = step1_gradient_descent.forward  # restored after the stopped run
    stopped = r"stopped during the gradient check, after 150 of \d+ forward passes"
    with pytest.raises(live.Stopped, match=stopped):
        live.train("step1", lambda *step: steps.append(step), lambda: len(reports) == 3, names="anna\n",
                   log=lambda line: None, on_check=lambda done, of: reports.append((done, of)))
    weights = step1_gradient_descent.init_state_dict(random.Random(0), Tokenizer(["anna"]).vocab_size)
    assert [done for done, _ in reports] == [50, 100, 150] and steps == []
    assert {of for _, of in reports} == {len(step1_gradient_descent.parameters(weights)) + 1}
    assert step1_gradient_descent.forward is total


def test_bad_settings_get_one_clear_error():
    with pytest.raises(MicrogptError, match="unknown program 'step9'"):
        live.train("step9", None, None)
    with pytest.raises(MicrogptError, match="learning rate must be a number greater than 0"):
        live.train("step1", lambda *a: None, lambda: False, learning_rate_value=0, log=lambda line: None)


def as_the_browser_sends_it(value):
    """A value after a round trip through JSON, as a widget's data reaches Python and its answer the page."""
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("step", ["step3", "step4", "step5"])
def test_attention_of_a_typed_name_is_the_packages_trace_as_json(step):
    model = as_the_browser_sends_it(load(step, RESULTS_DIR))
    trace = live.attention_of(model, "bob")
    assert trace == analysis.attention_trace(load(step, RESULTS_DIR), "bob")
    assert as_the_browser_sends_it(trace) == trace
    assert trace["labels"] == ["BOS", "b", "o", "b"] and len(trace["positions"]) == 4


def test_attention_of_a_name_the_model_cannot_read_is_one_clear_error():
    model = load("step3", RESULTS_DIR)
    with pytest.raises(MicrogptError, match="contains 'B'"):
        live.attention_of(model, "Bob")
    with pytest.raises(MicrogptError, match="type a shorter name"):
        live.attention_of(model, "a" * len(model["weights"]["wpe"]))


def test_sample_gives_the_packages_names_for_the_seed():
    model = as_the_browser_sends_it(load("step3", RESULTS_DIR))
    names = live.sample(model, 3, 0.8, 7)
    assert names == analysis.sample_names(load("step3", RESULTS_DIR), 3, 0.8, 7)
    assert len(names) == 3 and all(isinstance(name, str) for name in names)
    assert live.sample(model, 3, 0.8, 8) != names
    with pytest.raises(MicrogptError, match="temperature must be a number of at least"):
        live.sample(model, 3, 0, 7)


@pytest.mark.parametrize("settings, message", [
    ({"program": None}, "unknown program None; expected one of step0, step1, step2, step3, step4, step5, "
                        "step5-fast"),
    ({"program": ["step1"]}, "unknown program ['step1']"),
    ({"learning_rate_value": float("inf")}, "learning rate must be a number greater than 0, got inf"),
    ({"learning_rate_value": "0.1"}, "learning rate must be a number greater than 0, got '0.1'"),
    ({"program": "step0", "learning_rate_value": 0.1}, "microgpt.step0_counting has no learning rate"),
    ({"temperature": None}, "temperature must be a number of at least 0.001, got None"),
    ({"temperature": 5e-309}, "temperature must be a number of at least 0.001, got 5e-309"),
    ({"seed": "abc"}, "the seed must be a whole number, got 'abc'"),
    ({"num_steps": True}, "the number of steps must be a whole number >= 1, got True"),
    ({"names": 42}, "the names must be a text of one name per line, got 42"),
    ({"names": "emma\n\ud800x\n"}, "the names hold '\\ud800', which is not a character of any text"),
])
def test_odd_settings_from_the_page_get_one_clear_error(settings, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MicrogptError) as error:
        live.train(**{"program": "step1", "on_step": None, "should_stop": None, **settings})
    assert str(error.value).startswith(message) or message in str(error.value)


@pytest.mark.parametrize("program", ["step1", "step5-fast"])
def test_a_learning_rate_that_diverges_is_named_as_the_cause(program, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MicrogptError) as error:
        live.train(program, lambda *a: None, lambda: False, num_steps=5, learning_rate_value=1e9,
                   names=SHORT_NAMES, log=lambda line: None)
    assert str(error.value).startswith("training diverged (1 of 5 steps done): at learning rate "
                                       "1000000000.0 the weights grew until the arithmetic failed ")
    assert str(error.value).endswith(f"try a smaller learning rate (this program's own is "
                                     f"{live.load_module(live.PROGRAMS[program]).LEARNING_RATE})")


def test_exit_with_a_message_shows_it(capsys):
    assert not live.run_snippet("import sys\nsys.exit('no names given')\n")
    assert capsys.readouterr().err == "no names given\n"
