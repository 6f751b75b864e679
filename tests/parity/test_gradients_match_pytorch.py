"""Gradient parity: every step's loss and gradient against PyTorch's autograd.

The PyTorch models below are written from the description of each step with
PyTorch's own building blocks (embedding lookup, matrix products over the
whole name at once, a causal mask, softmax, cross-entropy); they share no code
with the package. Both sides get the same float64 weights and the same name,
and must agree on the loss within 1e-12 and on every gradient entry within
1e-10 (absolute or relative).
"""

import math
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

torch = pytest.importorskip("torch")
F = torch.nn.functional

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

def as_tensors(state_dict):
    """Each matrix of plain numbers or Values as a float64 leaf tensor."""
    return {name: torch.tensor([[getattr(w, "data", w) for w in row] for row in mat],
                               dtype=torch.float64, requires_grad=True)
            for name, mat in state_dict.items()}


def torch_mlp_loss(w, tokens):
    """Steps 1-2: embedding -> ReLU(fc1) -> fc2 -> cross-entropy, every pair of the name."""
    inputs, targets = torch.tensor(tokens[:-1]), torch.tensor(tokens[1:])
    hidden = torch.relu(F.embedding(inputs, w["wte"]) @ w["mlp_fc1"].T)
    return F.cross_entropy(hidden @ w["mlp_fc2"].T, targets)


def torch_rmsnorm(x):
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + RMSNORM_EPS)


def torch_gpt_loss(w, tokens, layers, n_head, block_size):
    """Steps 3-5 over the whole name at once: causal self-attention replaces
    the package's position-by-position KV cache."""
    n = min(block_size, len(tokens) - 1)
    inputs, targets = torch.tensor(tokens[:n]), torch.tensor(tokens[1:n + 1])
    x = torch_rmsnorm(F.embedding(inputs, w["wte"]) + w["wpe"][:n])
    n_embd = x.shape[1]
    head_dim = n_embd // n_head
    future = ~torch.ones(n, n, dtype=torch.bool).tril()  # position t sees 0..t only

    def heads(m):  # (n, n_embd) -> (n_head, n, head_dim)
        return m.view(n, n_head, head_dim).transpose(0, 1)

    for layer in layers:
        h = torch_rmsnorm(x)
        q, k, v = (heads(h @ w[layer + name].T) for name in ("attn_wq", "attn_wk", "attn_wv"))
        scores = (q @ k.transpose(1, 2) / math.sqrt(head_dim)).masked_fill(future, -math.inf)
        attended = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(n, n_embd)
        x = x + attended @ w[layer + "attn_wo"].T
        h = torch.relu(torch_rmsnorm(x) @ w[layer + "mlp_fc1"].T)
        x = x + h @ w[layer + "mlp_fc2"].T
    return F.cross_entropy(x @ w["lm_head"].T, targets)


# --- comparing --------------------------------------------------------------

def flat_grads(tensors):
    """Row by row, matrix by matrix: the package's parameter order."""
    return [g for t in tensors.values() for g in t.grad.flatten().tolist()]


def entries_apart(ours, theirs, what, **row):
    """Record the largest absolute and relative differences; return the
    entries that differ by more than the tolerance both ways."""
    assert len(ours) == len(theirs), f"{len(ours)} {what} entries, PyTorch has {len(theirs)}"
    diffs = [abs(a - b) for a, b in zip(ours, theirs)]
    rels = [d / max(abs(a), abs(b)) if d else 0.0 for d, a, b in zip(diffs, ours, theirs)]
    MEASURED.append({**row, "compared": what, "params": len(ours),
                     "diff": max(diffs), "rel": max(rels)})
    return [(i, a, b) for i, (a, b, d, r) in enumerate(zip(ours, theirs, diffs, rels))
            if d > GRAD_TOLERANCE and r > GRAD_TOLERANCE]


def compare(step, shape, name, loss, grad, torch_loss, torch_grad):
    loss_diff = abs(loss - torch_loss.item())
    off = entries_apart(grad, torch_grad, "gradient", step=step, shape=shape, name=name,
                        loss_diff=loss_diff)
    assert loss_diff <= LOSS_TOLERANCE, f"loss {loss} vs PyTorch {torch_loss.item()}"
    assert not off, f"{len(off)} gradient entries differ, first (index, ours, PyTorch): {off[:3]}"
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
def test_step1_analytic_gradient_matches_pytorch(tokenizer, name, scale):
    state_dict = scaled(step1_gradient_descent.init_state_dict(random.Random(1), tokenizer.vocab_size),
                        scale)
    w = as_tensors(state_dict)
    tokens = tokenizer.encode(name)
    loss, grad = step1_gradient_descent.analytic_gradient(state_dict, tokens, len(tokens) - 1)
    torch_loss = torch_mlp_loss(w, tokens)
    torch_loss.backward()
    compare("step1", f"MLP x{scale:g}", name, loss, grad, torch_loss, flat_grads(w))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
def test_step2_autograd_matches_pytorch(tokenizer, name, scale):
    state_dict = scaled(step2_autograd.init_state_dict(random.Random(2), tokenizer.vocab_size), scale)
    w = as_tensors(state_dict)
    tokens = tokenizer.encode(name)
    loss = step2_autograd.name_loss(state_dict, tokens, len(tokens) - 1)
    loss.backward()
    torch_loss = torch_mlp_loss(w, tokens)
    torch_loss.backward()
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step2", f"MLP x{scale:g}", name, loss.data, grad, torch_loss, flat_grads(w))


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
def test_step3_attention_gradient_matches_pytorch(tokenizer, name, scale):
    state_dict = scaled(step3_attention.init_state_dict(random.Random(3), tokenizer.vocab_size), scale)
    w = as_tensors(state_dict)
    tokens = tokenizer.encode(name)
    loss = step3_attention.name_loss(state_dict, tokens)
    loss.backward()
    torch_loss = torch_gpt_loss(w, tokens, layers=[""], n_head=1,
                                block_size=step3_attention.BLOCK_SIZE)
    torch_loss.backward()
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step3", f"1L 1H e16 b16 x{scale:g}", name, loss.data, grad, torch_loss, flat_grads(w))


def transformer_case(tokenizer, model, scale, seed):
    """Step 4's model (also Step 5's) and its PyTorch twin, same weights."""
    state_dict = scaled(step4_transformer.init_state_dict(random.Random(seed), tokenizer.vocab_size,
                                                          model), scale)
    return state_dict, as_tensors(state_dict)


def torch_transformer_loss(w, tokens, model):
    return torch_gpt_loss(w, tokens, [f"layer{li}." for li in range(model.n_layer)],
                          model.n_head, model.block_size)


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("model", SHAPES, ids=shape_label)
def test_step4_transformer_gradient_matches_pytorch(tokenizer, model, name, scale):
    state_dict, w = transformer_case(tokenizer, model, scale, seed=4)
    tokens = tokenizer.encode(name)
    loss = step4_transformer.name_loss(state_dict, tokens, model)
    loss.backward()
    torch_loss = torch_transformer_loss(w, tokens, model)
    torch_loss.backward()
    grad = [p.grad for p in step2_autograd.parameters(state_dict)]
    compare("step4", f"{shape_label(model)} x{scale:g}", name, loss.data, grad, torch_loss,
            flat_grads(w))


@pytest.mark.parametrize("model", SHAPES[:2], ids=shape_label)
def test_step5_gradients_and_adam_updates_match_pytorch(tokenizer, model):
    """Step 5 trains Step 4's model with Adam: four training steps on the
    names above, gradients compared at every step, then the weights Adam left
    against torch.optim.Adam's with the same hyperparameters and schedule."""
    num_steps = 10
    state_dict, w = transformer_case(tokenizer, model, 1.0, seed=5)
    adam = step5_adam.Adam(state_dict)
    grads_seen = []

    def update(params, step, num_steps):
        grads_seen.append([p.grad for p in params])
        adam(params, step, num_steps)

    losses = step4_transformer.train(state_dict, NAMES, tokenizer, num_steps, lambda step, loss: None,
                                     stop_after=len(NAMES), model=model, update=update)

    optimizer = torch.optim.Adam(w.values(), lr=step5_adam.LEARNING_RATE,
                                 betas=(step5_adam.BETA1, step5_adam.BETA2), eps=step5_adam.EPS)
    for step, name in enumerate(NAMES):
        for group in optimizer.param_groups:  # the same linear decay of the rate
            group["lr"] = step5_adam.LEARNING_RATE * (1 - step / num_steps)
        optimizer.zero_grad()
        torch_loss = torch_transformer_loss(w, tokenizer.encode(name), model)
        torch_loss.backward()
        compare("step5", f"{shape_label(model)} step {step}", name, losses[step], grads_seen[step],
                torch_loss, flat_grads(w))
        optimizer.step()

    ours = [p.data for p in step2_autograd.parameters(state_dict)]
    theirs = [x for t in w.values() for x in t.detach().flatten().tolist()]
    off = entries_apart(ours, theirs, "weights", step="step5",
                        shape=f"{shape_label(model)} after Adam", name=f"the {len(NAMES)} names")
    assert not off, f"after {len(NAMES)} Adam steps, weights differ (index, ours, PyTorch): {off[:3]}"
