"""Gradient parity: every step's loss and gradient against JAX's autodiff.

The JAX models below are written from the description of each step with
jax.numpy (an embedding lookup by indexing, matrix products over the whole
name at once, a causal mask, softmax, cross-entropy) and differentiated by
jax.value_and_grad; they share no code with the package. Step 5's Adam is
checked against optax's. Both sides get the same float64 weights and the same
name, and must agree on the loss within 1e-12 and on every gradient entry and
every weight Adam leaves within 1e-10 (absolute or relative).
"""

import math
import os
import random

import pytest

from microgpt import (
    step1_gradient_descent,
    step2_autograd,
    step3_attention,
    step4_transformer,
    step5_adam,
)
from microgpt.config import ModelConfig
from microgpt.data import Tokenizer

from .conftest import MEASURED

# Compiling is most of this session's time, and XLA's optimising passes only
# make the compiled code faster: they are turned down here, not the precision.
os.environ.setdefault("XLA_FLAGS",
                      "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true")
MISSING = "JAX is not installed: nox -s parity installs it (pip install -e '.[parity]')"
jax = pytest.importorskip("jax", reason=MISSING)
optax = pytest.importorskip("optax", reason=MISSING)
jax.config.update("jax_enable_x64", True)  # float64, as the package computes; JAX's default is float32
jnp = jax.numpy

LOSS_TOLERANCE = 1e-12
GRAD_TOLERANCE = 1e-10
RMSNORM_EPS = 1e-5  # microgpt's rmsnorm: x / sqrt(mean(x^2) + 1e-5), no gain

# One letter; a typical name; the longest name of the dataset (15 letters: 16
# pairs, exactly the block size); 20 letters, cut at the block size by Steps 3-5.
NAMES = ["a", "emma", "muhammadibrahim", "mariaalexandrabianca"]
# The weights as initialised, and spread 5 times wider (sharper softmaxes,
# more ReLUs switched off), both from a seeded stream.
SCALES = [1.0, 5.0]
SHAPES = [ModelConfig(), ModelConfig(n_layer=2, n_head=2),
          ModelConfig(n_embd=8, n_head=1, n_layer=3, block_size=8)]


@pytest.fixture(scope="module")
def tokenizer(docs):
    return Tokenizer(docs)


# --- the independent models ------------------------------------------------

def as_arrays(state_dict):
    """Each matrix of plain numbers or Values as a float64 JAX array."""
    arrays = {name: jnp.array([[getattr(w, "data", w) for w in row] for row in mat], dtype=jnp.float64)
              for name, mat in state_dict.items()}
    dtypes = {str(a.dtype) for a in arrays.values()}
    assert dtypes == {"float64"}, f"JAX made {dtypes} arrays: float64 (jax_enable_x64) did not take"
    return arrays


def cross_entropy(logits, targets):
    """The mean over positions of -log softmax(logits)[target]."""
    log_probs = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.mean(jnp.take_along_axis(log_probs, targets[:, None], axis=-1))


def jax_mlp_loss(w, tokens):
    """Steps 1-2: embedding -> ReLU(fc1) -> fc2 -> cross-entropy, every pair of the name."""
    inputs, targets = tokens[:-1], tokens[1:]
    hidden = jax.nn.relu(w["wte"][inputs] @ w["mlp_fc1"].T)
    return cross_entropy(hidden @ w["mlp_fc2"].T, targets)


def jax_rmsnorm(x):
    return x * jax.lax.rsqrt(jnp.mean(x * x, axis=-1, keepdims=True) + RMSNORM_EPS)


def jax_gpt_loss(w, tokens, layers, n_head, block_size):
    """Steps 3-5 over the whole name at once: causal self-attention replaces
    the package's position-by-position KV cache."""
    n = min(block_size, len(tokens) - 1)
    inputs, targets = tokens[:n], tokens[1:n + 1]
    x = jax_rmsnorm(w["wte"][inputs] + w["wpe"][:n])
    n_embd = x.shape[1]
    head_dim = n_embd // n_head
    sees = jnp.tril(jnp.ones((n, n), dtype=bool))  # position t sees 0..t only

    def heads(m):  # (n, n_embd) -> (n_head, n, head_dim)
        return m.reshape(n, n_head, head_dim).transpose(1, 0, 2)

    for layer in layers:
        h = jax_rmsnorm(x)
        q, k, v = (heads(h @ w[layer + name].T) for name in ("attn_wq", "attn_wk", "attn_wv"))
        scores = jnp.where(sees, q @ k.transpose(0, 2, 1) / math.sqrt(head_dim), -jnp.inf)
        attended = (jax.nn.softmax(scores, axis=-1) @ v).transpose(1, 0, 2).reshape(n, n_embd)
        x = x + attended @ w[layer + "attn_wo"].T
        h = jax.nn.relu(jax_rmsnorm(x) @ w[layer + "mlp_fc1"].T)
        x = x + h @ w[layer + "mlp_fc2"].T
    return cross_entropy(x @ w["lm_head"].T, targets)


# Loss and gradient, each compiled once per shape of weights and length of
# name (the tokens: an array of ints); the layer names and sizes are constants.
mlp_loss_and_grad = jax.jit(jax.value_and_grad(jax_mlp_loss))
gpt_loss_and_grad = jax.jit(jax.value_and_grad(jax_gpt_loss),
                            static_argnames=("layers", "n_head", "block_size"))


def transformer_loss_and_grad(w, tokens, model):
    return gpt_loss_and_grad(w, jnp.array(tokens), layers=tuple(f"layer{li}." for li in range(model.n_layer)),
                             n_head=model.n_head, block_size=model.block_size)


# --- comparing --------------------------------------------------------------

def flat(arrays, order):
    """Row by row, matrix by matrix in the package's order (JAX hands dicts
    back with their keys sorted)."""
    return [x for name in order for x in arrays[name].ravel().tolist()]


def entries_apart(ours, theirs, what, **row):
    """Record the largest absolute and relative differences; return the
    entries that differ by more than the tolerance both ways."""
    assert len(ours) == len(theirs), f"{len(ours)} {what} entries, JAX has {len(theirs)}"
    diffs = [abs(a - b) for a, b in zip(ours, theirs)]
    rels = [d / max(abs(a), abs(b)) if d else 0.0 for d, a, b in zip(diffs, ours, theirs)]
    MEASURED.append({**row, "compared": what, "params": len(ours),
                     "diff": max(diffs), "rel": max(rels)})
    return [(i, a, b) for i, (a, b, d, r) in enumerate(zip(ours, theirs, diffs, rels))
            if d > GRAD_TOLERANCE and r > GRAD_TOLERANCE]


def compare(step, shape, name, loss, grad, jax_loss, jax_grad):
    jax_loss = float(jax_loss)
    loss_diff = abs(loss - jax_loss)
    off = entries_apart(grad, jax_grad, "gradient", step=step, shape=shape, name=name,
                        loss_diff=loss_diff)
    assert loss_diff <= LOSS_TOLERANCE, f"loss {loss} vs JAX {jax_loss}"
    assert not off, f"{len(off)} gradient entries differ, first (index, ours, JAX): {off[:3]}"
    assert any(grad), "an all-zero gradient would prove nothing"


def scaled(state_dict, scale):
    for mat in state_dict.values():
        for row in mat:
            for j, w in enumerate(row):
                if hasattr(w, "data"):
                    w.data *= scale
                else:
                    row[j] = w * scale
    return state_dict


def shape_label(model):
    return f"{model.n_layer}L {model.n_head}H e{model.n_embd} b{model.block_size}"


# --- the steps --------------------------------------------------------------

@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
def test_step1_analytic_gradient_matches_jax(tokenizer, name, scale):
    state_dict = scaled(step1_gradient_descent.init_state_dict(random.Random(1), tokenizer.vocab_size),
                        scale)
    w = as_arrays(state_dict)
    tokens = tokenizer.encode(name)
    loss, grad = step1_gradient_descent.analytic_gradient(state_dict, tokens, len(tokens) - 1)
    jax_loss, jax_grad = mlp_loss_and_grad(w, jnp.array(tokens))
    compare("step1", f"MLP x{scale:g}", name, loss, grad, jax_loss, flat(jax_grad, w))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
def test_step2_autograd_matches_jax(tokenizer, name, scale):
    state_dict = scaled(step2_autograd.init_state_dict(random.Random(2), tokenizer.vocab_size), scale)
    w = as_arrays(state_dict)
    tokens = tokenizer.encode(name)
    loss = step2_autograd.name_loss(state_dict, tokens, len(tokens) - 1)
    loss.backward()
    jax_loss, jax_grad = mlp_loss_and_grad(w, jnp.array(tokens))
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step2", f"MLP x{scale:g}", name, loss.data, grad, jax_loss, flat(jax_grad, w))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
def test_step3_attention_gradient_matches_jax(tokenizer, name, scale):
    state_dict = scaled(step3_attention.init_state_dict(random.Random(3), tokenizer.vocab_size), scale)
    w = as_arrays(state_dict)
    tokens = tokenizer.encode(name)
    loss = step3_attention.name_loss(state_dict, tokens)
    loss.backward()
    jax_loss, jax_grad = gpt_loss_and_grad(w, jnp.array(tokens), layers=("",), n_head=1,
                                           block_size=step3_attention.BLOCK_SIZE)
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step3", f"1L 1H e16 b16 x{scale:g}", name, loss.data, grad, jax_loss, flat(jax_grad, w))


def transformer_case(tokenizer, model, scale, seed):
    """Step 4's model (also Step 5's) and its JAX twin, same weights."""
    state_dict = scaled(step4_transformer.init_state_dict(random.Random(seed), tokenizer.vocab_size,
                                                          model), scale)
    return state_dict, as_arrays(state_dict)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("model", SHAPES, ids=shape_label)
def test_step4_transformer_gradient_matches_jax(tokenizer, model, name, scale):
    state_dict, w = transformer_case(tokenizer, model, scale, seed=4)
    tokens = tokenizer.encode(name)
    loss = step4_transformer.name_loss(state_dict, tokens, model)
    loss.backward()
    jax_loss, jax_grad = transformer_loss_and_grad(w, tokens, model)
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step4", f"{shape_label(model)} x{scale:g}", name, loss.data, grad, jax_loss,
            flat(jax_grad, w))


@pytest.mark.parametrize("model", SHAPES[:2], ids=shape_label)
def test_step5_gradients_and_adam_updates_match_jax(tokenizer, model):
    """Step 5 trains Step 4's model with Adam: four training steps on the
    names above, the gradient and then the weights Adam left compared at every
    step against optax's Adam with the same hyperparameters and schedule."""
    num_steps = 10
    state_dict, w = transformer_case(tokenizer, model, 1.0, seed=5)
    order = list(w)
    adam = step5_adam.Adam(state_dict)
    grads_seen, weights_seen = [], []

    def update(params, step, num_steps):
        grads_seen.append([p.grad for p in params])
        adam(params, step, num_steps)
        weights_seen.append([p.data for p in params])

    losses = step4_transformer.train(state_dict, NAMES, tokenizer, num_steps, lambda step, loss: None,
                                     stop_after=len(NAMES), model=model, update=update)

    # optax counts its updates from 0, as Step 5 counts its steps: the same linear decay.
    # The count is an int32, which JAX would divide in float32: made float64 first.
    optimizer = optax.adam(lambda count: step5_adam.LEARNING_RATE
                           * (1 - count.astype(jnp.float64) / num_steps),
                           b1=step5_adam.BETA1, b2=step5_adam.BETA2, eps=step5_adam.EPS)
    opt_state = optimizer.init(w)
    for step, name in enumerate(NAMES):
        jax_loss, jax_grad = transformer_loss_and_grad(w, tokenizer.encode(name), model)
        compare("step5", f"{shape_label(model)} step {step}", name, losses[step], grads_seen[step],
                jax_loss, flat(jax_grad, order))
        updates, opt_state = optimizer.update(jax_grad, opt_state, w)
        w = optax.apply_updates(w, updates)
        off = entries_apart(weights_seen[step], flat(w, order), "weights", step="step5",
                            shape=f"{shape_label(model)} after step {step}", name=name)
        assert not off, f"after Adam step {step}, weights differ (index, ours, optax): {off[:3]}"
