"""The NumPy engine (`pip install microgpt[numpy]`) computes Step 5's model:
its gradient agrees with the fast engine's (which is autograd's, bit for bit)
to rounding, and its first training steps print what Step 5 printed. The rest
of the package never imports NumPy."""

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from microgpt import fast
from microgpt.config import ModelConfig, RunConfig
from microgpt.data import Tokenizer
from microgpt.program import step_line

NO_NUMPY = "the NumPy engine needs NumPy: pip install -e '.[numpy]' (the test extra includes it)"
SHAPES = [ModelConfig(), ModelConfig(n_layer=2, n_head=2), ModelConfig(n_embd=12, n_head=3, block_size=5)]


@pytest.mark.parametrize("model", SHAPES, ids=["default", "2 layers, 2 heads", "odd shape, short block"])
@pytest.mark.parametrize("name", ["al", "emma", "mariaguadalupeteresa", "anna"])
def test_the_gradient_is_the_fast_engines_to_rounding(name, model):
    np = pytest.importorskip("numpy", reason=NO_NUMPY)
    from microgpt import numpy_engine

    tokenizer = Tokenizer(["abcdefghijklmnopqrstuvwxyz"])
    tokens = tokenizer.encode(name)
    weights = fast.init_weights(random.Random(len(name)), tokenizer.vocab_size, model)
    expected_loss, expected = fast.Engine(model).loss_and_gradient(weights, tokens)
    arrays = {key: np.array(m) for key, m in weights.items()}
    loss, grad = numpy_engine.Engine(model).loss_and_gradient(arrays, tokens)
    assert loss == pytest.approx(expected_loss, rel=1e-13)
    for key in expected:
        np.testing.assert_allclose(grad[key], expected[key], rtol=1e-9, atol=1e-15, err_msg=key)


@pytest.mark.needs_names
def test_the_first_steps_print_what_step5_printed():
    pytest.importorskip("numpy", reason=NO_NUMPY)
    from microgpt import numpy_engine

    step5 = json.loads(Path("docs/results/step5.json").read_text())
    printed = []
    run = numpy_engine.run(RunConfig(), log=printed.append, stop_after=5)
    num_steps = RunConfig().num_steps
    assert printed[3:] == [step_line(s, num_steps, loss) for s, loss in enumerate(step5["losses"][:5])]
    assert run["losses"] == pytest.approx(step5["losses"][:5], abs=1e-14)
    assert run["num_params"] == step5["num_params"]


def test_importing_the_package_does_not_import_numpy():
    """Every module but the NumPy engine, imported in a fresh process."""
    code = ("import pkgutil, importlib, sys, microgpt\n"
            "for m in pkgutil.iter_modules(microgpt.__path__):\n"
            "    if m.name not in ('numpy_engine', '__main__'):\n"
            "        importlib.import_module('microgpt.' + m.name)\n"
            "print('numpy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_without_numpy_the_engine_says_how_to_install_it():
    code = ("import sys; sys.modules['numpy'] = None\n"
            "from microgpt.errors import MicrogptError\n"
            "try:\n    import microgpt.numpy_engine\n"
            "except MicrogptError as error:\n    print(error)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "pip install 'microgpt[numpy]'" in done.stdout
