import ast
import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from unittest.mock import patch

import pytest

from microgpt import data, results
from microgpt.errors import MicrogptError


def test_fingerprint_covers_the_modules_a_step_imports():
    names = {p.name for p in results.source_files("step1_gradient_descent")}
    assert names == {"step1_gradient_descent.py", "config.py", "data.py", "errors.py",
                     "program.py"}


def test_fingerprint_follows_every_form_of_package_import():
    tree = ast.parse(
        "from . import step4_transformer, config\n"
        "from .data import Tokenizer\n"
        "from microgpt.program import start\n"
        "from microgpt import errors\n"
        "import microgpt.step2_autograd\n"
        "import json\n"
        "def later():\n"
        "    from .step1_gradient_descent import linear\n"
        "if __name__ == '__main__':\n"
        "    from .cli import main\n"
    )
    assert results.package_imports(tree) == {
        "step4_transformer", "config", "data", "program", "errors", "step2_autograd",
        "step1_gradient_descent"}


def test_step5_fingerprint_covers_the_steps_it_builds_on():
    names = {p.name for p in results.source_files("step5_adam")}
    assert {"step4_transformer.py", "step3_attention.py", "step2_autograd.py",
            "step1_gradient_descent.py"} <= names
    assert "cli.py" not in names  # the command-line entry point is not part of a step


def test_changing_a_step4_function_invalidates_step5_results(tmp_path, monkeypatch):
    package = tmp_path / "microgpt"
    shutil.copytree(results.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    step4 = package / "step4_transformer.py"
    step4.write_text(step4.read_text().replace("if token_id == tokenizer.BOS:",
                                               "if token_id == tokenizer.BOS or pos > 8:"))
    before = results.fingerprint("step5")
    monkeypatch.setattr(results, "PACKAGE_DIR", package)
    assert results.fingerprint("step5") != before
    with pytest.raises(MicrogptError, match="made by older code"):
        results.check("step5")


def test_step5_fingerprint_covers_the_recorder_of_its_moments_and_step4s_does_not(tmp_path, monkeypatch):
    package = tmp_path / "microgpt"
    shutil.copytree(results.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    recorder = package / "recording.py"
    recorder.write_text(recorder.read_text().replace('"wte": 0,', '"wte": 1,'))
    before = {step: results.fingerprint(step) for step in ("step4", "step5")}
    monkeypatch.setattr(results, "PACKAGE_DIR", package)
    assert results.fingerprint("step5") != before["step5"]
    assert results.fingerprint("step4") == before["step4"]


@pytest.fixture
def stored(tmp_path):
    shutil.copy(results.results_path("step0"), tmp_path / "step0.json")
    return tmp_path


def edit(path, change, reseal=False):
    """Change a stored file as a hand edit would; `reseal` also updates its
    content digest, as a careful forger would."""
    data = json.loads(path.read_text())
    change(data)
    if reseal:
        data["content_sha256"] = results.content_digest(data)
    path.write_text(json.dumps(data))


@pytest.mark.needs_names
def test_check_accepts_the_committed_file(stored):
    lines = []
    results.check("step0", stored, log=lines.append)
    assert "fingerprint matches" in lines[0]


def test_check_rejects_a_stale_fingerprint(stored):
    edit(stored / "step0.json", lambda d: d.update(fingerprint="0" * 64))
    with pytest.raises(MicrogptError, match="made by older code"):
        results.check("step0", stored)


@pytest.mark.needs_names
def test_check_rejects_a_trace_that_the_code_does_not_reproduce(stored):
    edit(stored / "step0.json", lambda d: d["losses"].__setitem__(3, d["losses"][3] + 1e-12), reseal=True)
    with pytest.raises(MicrogptError, match="losses of a re-run differ"):
        results.check("step0", stored)


def test_missing_results_say_how_to_make_them(tmp_path):
    with pytest.raises(MicrogptError, match="nox -s results"):
        results.load("step1", tmp_path)


def test_results_files_are_pretty_printed_and_rewritten_byte_for_byte(tmp_path):
    results.write("step0", tmp_path, log=lambda line: None)
    first = (tmp_path / "step0.json").read_bytes()
    results.write("step0", tmp_path, log=lambda line: None)
    assert (tmp_path / "step0.json").read_bytes() == first
    assert first.startswith(b'{\n "step": "step0",\n "fingerprint": ')
    assert b"seconds" not in first
    assert set(results.load_timings(tmp_path)) == {"step0", "measured_on"}


def test_a_corrupt_results_file_says_how_to_rewrite_it(tmp_path):
    (tmp_path / "step0.json").write_text('{"step": "step0", "losses": [1.0,')
    with pytest.raises(MicrogptError, match="not valid JSON: run `nox -s results`"):
        results.load("step0", tmp_path)


def test_check_rejects_a_hand_edit_beyond_the_rerun_prefix(stored):
    edit(stored / "step0.json", lambda d: d["losses"].__setitem__(900, 2.0))
    with pytest.raises(MicrogptError, match="edited after it was written"):
        results.check("step0", stored)


def test_an_interrupted_results_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "step0.json"
    results.write_json(path, {"losses": [1.0]})
    before = path.read_bytes()

    def interrupted(descriptor):  # the new file is written, not yet on disk for sure
        raise KeyboardInterrupt

    monkeypatch.setattr(data.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        results.write_json(path, {"losses": [2.0] * 100})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["step0.json"]  # no part file left


def no_space_left(descriptor):
    raise OSError(28, "No space left on device")


def test_a_full_disk_ends_with_one_clear_line_and_the_old_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "step0.json"
    path.write_text("old\n")
    monkeypatch.setattr(data.os, "fsync", no_space_left)
    assert results.main(["step0", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"microgpt.results: error: cannot write {path}: No space left on device. The file was left "
        "as it was; free some disk space or make the folder writable, then run again\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["step0.json"]


def test_a_results_folder_that_is_a_file_ends_with_one_clear_line(tmp_path, capsys):
    (tmp_path / "results").write_text("")
    assert results.main(["step0", "--dir", str(tmp_path / "results")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"microgpt.results: error: cannot write {tmp_path / 'results' / 'step0.json'}: ")
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("damage", [b'{"step0": 1.0,', b"\xff\xfe", b"[1, 2]", b""])
def test_damaged_timings_are_rewritten_with_a_warning(tmp_path, capsys, damage):
    """Not the error 'run nox -s results' at the end of the very command that says so."""
    path = results.timings_path(tmp_path)
    path.write_bytes(damage)
    results.write("step0", tmp_path, log=lambda line: None)
    assert set(results.load_timings(tmp_path)) == {"step0", "measured_on"}
    assert capsys.readouterr().err == (
        f"microgpt.results: warning: {path} is damaged (not a JSON object of timings); writing it "
        "afresh: the other steps' times come back when they run again\n")


def record_at_once(results_dir, steps, slow_read):
    """Record a timing for each of `steps` from as many threads at once, each
    pausing between reading timings.json and writing it back."""
    barrier = threading.Barrier(len(steps))
    real = results.read_timings

    def read_slowly(path):
        timings = real(path)
        time.sleep(slow_read)
        return timings

    def record(step):
        barrier.wait()
        results.record_timing(step, 1.0, results_dir)

    with patch.object(results, "read_timings", read_slowly):
        threads = [threading.Thread(target=record, args=(step,)) for step in steps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return set(results.load_timings(results_dir)) - {"measured_on"}


def test_runs_at_the_same_time_keep_each_others_timings(tmp_path):
    steps = [f"step{i}" for i in range(6)]
    assert record_at_once(tmp_path, steps, slow_read=0.05) == set(steps)
    # The check can fail: without the lock, updates made at the same time are lost.
    unlocked = tmp_path / "unlocked"
    unlocked.mkdir()
    with patch.object(results, "locked", lambda folder: contextlib.nullcontext()):
        assert record_at_once(unlocked, steps, slow_read=0.05) < set(steps)


def test_two_processes_at_once_keep_each_others_timings(tmp_path):
    program = ("import sys\nfrom microgpt import results\n"
               "for i in range(40):\n    results.record_timing(f'{sys.argv[1]}{i}', 1.0, sys.argv[2])\n")
    runs = [subprocess.Popen([sys.executable, "-c", program, prefix, str(tmp_path)], stderr=subprocess.PIPE,
                             text=True) for prefix in ("a", "b")]
    assert [(run.wait(timeout=60), run.stderr.read()) for run in runs] == [(0, ""), (0, "")]
    recorded = set(results.load_timings(tmp_path)) - {"measured_on"}
    assert recorded == {f"{prefix}{i}" for prefix in "ab" for i in range(40)}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_results_files_are_readable_by_all_as_any_new_file(tmp_path):
    umask = os.umask(0o022)
    try:
        results.write("step0", tmp_path, log=lambda line: None)
    finally:
        os.umask(umask)
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()} == {
        "step0.json": 0o644, "timings.json": 0o644}
