import json
import shutil

import pytest

from microgpt import results
from microgpt.errors import MicrogptError


def test_fingerprint_covers_the_modules_a_step_imports():
    names = {p.name for p in results.source_files("step1_gradient_descent")}
    assert names == {"step1_gradient_descent.py", "config.py", "data.py", "errors.py",
                     "program.py"}


@pytest.fixture
def stored(tmp_path):
    shutil.copy(results.results_path("step0"), tmp_path / "step0.json")
    return tmp_path


def edit(path, change):
    data = json.loads(path.read_text())
    change(data)
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
    edit(stored / "step0.json", lambda d: d["losses"].__setitem__(3, d["losses"][3] + 1e-12))
    with pytest.raises(MicrogptError, match="losses of a re-run differ"):
        results.check("step0", stored)


def test_missing_results_say_how_to_make_them(tmp_path):
    with pytest.raises(MicrogptError, match="nox -s results"):
        results.load("step1", tmp_path)
