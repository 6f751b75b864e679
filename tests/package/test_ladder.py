"""The ladder of engines (microgpt.ladder): the flop count from the model's
shapes, the engines it measures, and the freshness of docs/results/ladder.json."""

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from microgpt import fast, ladder, results
from microgpt.config import ModelConfig
from microgpt.errors import MicrogptError

STORED = Path("docs/results/ladder.json")


def matrix_weights(model, vocab_size):
    """Weights used once per position by a product: every matrix but the embeddings."""
    weights = fast.init_weights(random.Random(0), vocab_size, model)
    return sum(len(m) * len(m[0]) for name, m in weights.items() if name not in ("wte", "wpe"))


@pytest.mark.parametrize("model", [ModelConfig(), ModelConfig(n_layer=2, n_head=2, n_embd=24)])
@pytest.mark.parametrize("positions", [1, 7, 16])
def test_the_flop_count_follows_the_shapes(model, positions):
    vocab_size = 27
    num_params = len(fast.flatten(fast.init_weights(random.Random(0), vocab_size, model)))
    flops = ladder.step_flops(model, positions, vocab_size, num_params)
    products = 2 * positions * matrix_weights(model, vocab_size)  # a multiply and an add per weight
    assert flops["update"] == ladder.ADAM_FLOPS_PER_PARAM * num_params
    # the products are most of the forward pass; backward does each twice (input and weights)
    assert products < flops["forward"] < 1.25 * products
    assert 1.8 * flops["forward"] < flops["backward"] < 2.2 * flops["forward"]


def test_longer_names_cost_more():
    counts = [ladder.step_flops(ModelConfig(), n, 27, 4192) for n in range(1, 17)]
    for part in ("forward", "backward"):
        assert all(a[part] < b[part] for a, b in zip(counts, counts[1:]))


@pytest.mark.needs_names
def test_the_looped_and_generated_fast_engines_compute_the_same():
    """Each in a process of its own, as the ladder measures them."""
    runs = {}
    for engine in ("looped", "fast"):
        done = subprocess.run([sys.executable, "-m", "microgpt.ladder", "--child", engine, "3"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        runs[engine] = json.loads(done.stdout)
    assert runs["looped"]["printed"] == runs["fast"]["printed"]
    assert runs["looped"]["digest"] == runs["fast"]["digest"]


def test_the_stored_ladder_is_fresh():
    lines = []
    ladder.check(STORED, log=lines.append)
    assert "fingerprint matches" in lines[0]


def test_the_stored_ladder_records_machine_and_spread():
    stored = results.read_json(STORED)
    assert set(stored["seconds"]) == set(ladder.ENGINES)
    assert all(len(runs) == stored["rounds"] for runs in stored["seconds"].values())
    assert len(stored["peak_flops_per_second"]) == stored["rounds"]
    assert {"cpu", "python", "numpy", "threads"} <= set(stored["machine"])


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(fingerprint="0" * 64), "measured with older code"),
    (lambda d: d["seconds"]["fast"].__setitem__(0, 0.001), "edited after it was written"),
])
def test_check_rejects_stale_or_edited_files(tmp_path, change, message):
    copy = tmp_path / "ladder.json"
    shutil.copy(STORED, copy)
    data = json.loads(copy.read_text())
    data["fingerprint"] = results.code_fingerprint(["ladder"])  # as if measured by this code
    change(data)
    copy.write_text(json.dumps(data))
    with pytest.raises(MicrogptError, match=message):
        ladder.check(copy)


def test_a_missing_file_says_how_to_make_it(tmp_path, capsys):
    assert ladder.main(["--check", "--output", str(tmp_path / "none.json")]) == 1
    assert "missing" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--steps", "0"], ["--rounds", "0"]])
def test_bad_arguments_get_one_clear_line(args, capsys):
    with pytest.raises(SystemExit) as exit_:
        ladder.main(args)
    assert exit_.value.code == 2
    assert "must be" in capsys.readouterr().err
