"""What the reader's browser runs of the site's analysis (microgpt.analysis):
the trained model rebuilt from a results file, the attention trace's refusals,
sampled names; and that importing it loads no step. The rest of the site's
numbers are build code, tested in tests/sitebuild."""

import subprocess
import sys

import pytest

from microgpt import analysis
from microgpt.results import load

RESULTS_DIR = "docs/results"


@pytest.fixture(scope="module")
def results():
    return {step: load(step, RESULTS_DIR) for step in ("step0", "step3", "step4", "step5")}


def test_importing_it_loads_no_step():
    code = ("import sys, microgpt.analysis, microgpt.live; print(sorted(m for m in sys.modules "
            "if m.startswith('microgpt.step') and m != 'microgpt.steps'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_mean_of_the_last_losses():
    assert analysis.mean_last([4.0, 2.0, 3.0, 1.0], 2) == 2.0
    assert analysis.position_labels("ava") == ["BOS", "a", "v", "a"]


def test_trained_state_rebuilds_every_stored_weight(results):
    stored = results["step3"]["weights"]
    state = analysis.trained_state(results["step3"])
    assert list(state) == list(stored)
    assert all(value.data == w for name in stored for row_v, row_w in zip(state[name], stored[name])
               for value, w in zip(row_v, row_w))
    with pytest.raises(ValueError, match="no trained weights"):
        analysis.trained_state(results["step0"])


def test_attention_trace_refuses_what_the_model_cannot_read(results):
    from microgpt.errors import MicrogptError

    with pytest.raises(MicrogptError):
        analysis.attention_trace(results["step3"], "Emma!")
    with pytest.raises(ValueError, match="at most 16 positions"):
        analysis.attention_trace(results["step3"], "a" * 16)
    assert len(analysis.attention_trace(results["step3"], "a" * 15)["positions"]) == 16


def test_sampled_names_come_from_the_steps_own_sample_and_repeat_with_the_seed():
    import random

    from microgpt import analysis, step4_transformer
    from microgpt.config import ModelConfig
    from microgpt.data import Tokenizer
    from microgpt.errors import MicrogptError
    from microgpt.results import load

    step5 = load("step5", "docs/results")
    names = analysis.sample_names(step5, 4, 0.8, 7)
    rng, tokenizer = random.Random(7), Tokenizer(step5["uchars"])
    state = analysis.trained_state(step5)
    assert names == [step4_transformer.sample(state, tokenizer, rng, 0.8, ModelConfig(**step5["model"]))
                     for _ in range(4)]
    assert analysis.sample_names(step5, 4, 0.8, 7) == names
    assert analysis.sample_names(step5, 4, 0.8, 8) != names
    with pytest.raises(MicrogptError, match="from 1 to 50"):
        analysis.sample_names(step5, 0)
    for temperature in (0, 5e-309, float("nan")):  # too small to divide the logits by, or no number
        with pytest.raises(MicrogptError, match="temperature must be a number of at least"):
            analysis.sample_names(step5, 3, temperature)
