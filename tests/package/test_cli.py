import random
import signal
import subprocess
import sys

import pytest

from microgpt import step2_autograd, step4_transformer, steps
from microgpt.cli import BROKEN_PIPE_EXIT, FAST_STEPS, checked_shape, main, shape_weights
from microgpt.config import ModelConfig
from microgpt.errors import MicrogptError


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
    (["step1", "--temperature", "0"], "temperature must be a number of at least 0.001"),
    (["step0", "--steps", "0"], "number of steps must be a whole number >= 1"),
    (["step0", "--samples", "-1"], "number of samples must be a whole number >= 0"),
    (["step4", "--n-head", "3"], "n_embd (16) must be divisible by n_head (3)"),
    (["step5", "--n-layer", "0"], "n_layer must be a whole number >= 1"),
    (["step5", "--n-embd", "100000", "--n-head", "1"], "choose a smaller shape"),
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


@pytest.mark.parametrize("step", ["step0", "step1", "step3", "step5"])
@pytest.mark.parametrize("temperature", ["5e-309", "5e-324", "1e-4", "inf", "-inf", "nan", "-0.0"])
def test_a_temperature_sampling_cannot_use_is_refused_before_training(step, temperature, capsys):
    """A tiny positive temperature used to train to the end, then overflow in sampling."""
    assert main([step, f"--temperature={temperature}", "--steps", "1"]) == 2
    out, err = capsys.readouterr()
    assert out == ""  # refused before the dataset is even read
    assert err == (f"microgpt: error: the temperature must be a number of at least 0.001, got "
                   f"{float(temperature)!r}: it divides the logits (try 0.5 for safe names, "
                   "1.0 for the model as trained)\n")


@pytest.mark.parametrize("args", [["step1"], ["step5", "--fast"], ["step2"]])
def test_the_smallest_temperature_samples_the_likeliest_names(args, capsys, tmp_path):
    names = tmp_path / "names.txt"  # short names: Step 1's gradient check on names.txt takes seconds
    names.write_text("al\nbo\nem\nli\n")
    assert main([*args, "--temperature", "0.001", "--steps", "2", "--samples", "2",
                 "--data", str(names)]) == 0
    assert capsys.readouterr().out.count("sample ") == 2


def test_an_empty_data_path_is_named_as_empty():
    done = run_cli("step0", "--data", "")
    assert done.returncode == 2
    assert done.stderr == ("microgpt: error: the dataset path is empty: give the path of a file of "
                           "names, one per line (or leave out --data to use makemore's names.txt)\n")


@pytest.mark.needs_names
def test_output_cut_short_by_head_ends_quietly():
    """`microgpt step0 | head`: once the reader is gone, exit as SIGPIPE would (141), no traceback."""
    command = [sys.executable, "-m", "microgpt", "step0", "--steps", "1", "--samples", "20000"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout.readline() == b"num docs: 32033\n"
        process.stdout.close()  # as head does after its lines; 20,000 names overflow the pipe
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert (code, err) == (BROKEN_PIPE_EXIT, "")


def test_help_into_a_closed_pipe_ends_quietly():
    """argparse drops what it cannot print; its help was still asked for and given: exit 0."""
    with subprocess.Popen([sys.executable, "-m", "microgpt", "--help"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert (code, err) == (0, "")


@pytest.mark.needs_names
def test_ctrl_c_during_a_long_run_ends_with_130_and_one_line():
    """A huge --steps is honoured (it would run for days); Ctrl-C ends it cleanly."""
    with subprocess.Popen([sys.executable, "-m", "microgpt", "step0", "--steps", str(10**30)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout.readline().startswith("num docs:")
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (130, "microgpt: interrupted\n")


def test_the_command_line_takes_fast_engines_from_the_list_of_programs():
    assert FAST_STEPS == ("step5",)
    assert steps.PROGRAMS["step5-fast"] == "fast"
    assert list(steps.PROGRAMS)[:len(steps.ALL)] == [step.name for step in steps.ALL]


@pytest.mark.parametrize("model", [ModelConfig(), ModelConfig(n_embd=12, n_head=3, n_layer=2, block_size=5)])
def test_the_shapes_weights_and_the_token_embeddings_are_every_weight(model):
    """shape_weights, which bounds the shape at the command line, counts what the model holds."""
    state_dict = step4_transformer.init_state_dict(random.Random(1), 27, model)
    assert len(step2_autograd.parameters(state_dict)) == shape_weights(model) + 2 * 27 * model.n_embd


def test_a_shape_too_large_for_pure_python_is_refused_before_any_work():
    weights = 12 * 10_000**2 + 1 * 10_000  # one layer's 12 n_embd x n_embd, one position's embedding
    with pytest.raises(MicrogptError, match=f"{weights:,} weights before its token embeddings, "
                                            "more than the 1,000,000"):
        checked_shape(ModelConfig(n_embd=10_000, n_head=1, block_size=1))
    checked_shape(ModelConfig(n_embd=288, n_head=1))  # the widest single layer allowed is no error
