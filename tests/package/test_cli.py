import subprocess
import sys

import pytest

from microgpt.cli import main


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "microgpt", *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.needs_names
def test_a_short_run_prints_the_reference_layout():
    done = run_cli("step0", "--steps", "3", "--samples", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:3] == ["num docs: 32033", "vocab size: 27", "step    1 /    3 | loss 3.2958"]
    assert "--- inference (new, hallucinated names) ---" in lines
    assert lines[-1].startswith("sample  2: ")


@pytest.mark.parametrize("args, message", [
    (["step1", "--temperature", "0"], "temperature must be greater than 0"),
    (["step0", "--steps", "0"], "number of steps must be a whole number >= 1"),
    (["step0", "--samples", "-1"], "number of samples must be a whole number >= 0"),
    (["step4", "--n-head", "3"], "n_embd (16) must be divisible by n_head (3)"),
    (["step5", "--n-layer", "0"], "n_layer must be a whole number >= 1"),
])
def test_impossible_settings_get_one_clear_line(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, message", [
    (["step0", "--stpes", "5"], "unrecognized arguments: --stpes"),
    (["step7"], "invalid choice: 'step7'"),
    (["step0", "--steps", "many"], "invalid int value: 'many'"),
    (["step1", "--n-layer", "2"], "step1 has a fixed shape; --n-layer applies to step4 and step5 only"),
])
def test_wrong_arguments_are_named(args, message):
    done = run_cli(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_own_data_with_no_names_is_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    done = run_cli("step1", "--data", str(empty))
    assert done.returncode == 2
    assert done.stderr == f"microgpt: error: {empty} has no names in it: expected one name per line\n"


def test_own_data_trains(tmp_path):
    mine = tmp_path / "pets.txt"
    mine.write_text("rex\nfido\nluna\nbella\n")
    done = run_cli("step0", "--data", str(mine), "--steps", "8", "--samples", "3")
    assert done.returncode == 0, done.stderr
    assert "num docs: 4\nvocab size: 13\n" in done.stdout


@pytest.mark.needs_names
def test_each_step_module_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "microgpt.step0_counting", "--steps", "2",
                           "--samples", "0"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "step    2 /    2" in done.stdout
