"""Step 5 computed with NumPy: the same model, starting weights, names in the
same order, the same Adam, with every matrix product one call on float64
arrays (`pip install microgpt[numpy]`; the rest of the package needs only the
standard library).

A whole name goes through at once: its positions are the rows of each array,
and causal attention is a square of scores per head with the future masked
out. Forward and backward are written by hand, as in microgpt/fast.py, but
the sums run in whatever order NumPy's matrix library chooses, so the floats
differ from Step 5's in their last bits. The printed losses, rounded to four
decimals, do not (microgpt/ladder.py measures how far the floats drift).
"""

from . import fast
from .config import ModelConfig, RunConfig
from .errors import MicrogptError
from .program import log_samples, start, step_line
from .step3_attention import RMSNORM_EPS
from .step5_adam import BETA1, BETA2, EPS, LEARNING_RATE

try:
    import numpy as np
except ImportError:
    raise MicrogptError("the NumPy engine needs NumPy: pip install 'microgpt[numpy]'") from None

LAYER_MATRICES = ("attn_wq", "attn_wk", "attn_wv", "attn_wo", "mlp_fc1", "mlp_fc2")


def rmsnorm(x):
    """Each row of x divided by its root mean square; the scale, for backward."""
    scale = (np.mean(x * x, axis=-1, keepdims=True) + RMSNORM_EPS) ** -0.5
    return x * scale, scale


def rmsnorm_backward(x, scale, dout):
    """d(loss)/dx for out = x * (mean(x**2) + eps)**-0.5, row by row."""
    dscale = np.sum(dout * x, axis=-1, keepdims=True)
    return scale * dout - x * (scale**3 * dscale / x.shape[-1])


class Engine:
    def __init__(self, model=ModelConfig()):
        self.model = model

    def split_heads(self, a):
        """(positions, n_embd) -> (heads, positions, head_dim)."""
        return a.reshape(len(a), self.model.n_head, self.model.head_dim).transpose(1, 0, 2)

    def join_heads(self, a):
        return a.transpose(1, 0, 2).reshape(a.shape[1], self.model.n_embd)

    def forward(self, w, inputs):
        """Logits of every position of a name, and what backward needs."""
        n = len(inputs)
        future = np.triu(np.ones((n, n), dtype=bool), k=1)  # position t sees 0..t only
        emb = w["wte"][inputs] + w["wpe"][:n]
        x, scale0 = rmsnorm(emb)
        layers = []
        for li in range(self.model.n_layer):
            m = {name: w[f"layer{li}.{name}"] for name in LAYER_MATRICES}
            x_in = x
            x1, scale1 = rmsnorm(x_in)
            q, k, v = (self.split_heads(x1 @ m[name].T) for name in ("attn_wq", "attn_wk", "attn_wv"))
            scores = (q @ k.transpose(0, 2, 1)) * self.model.head_dim**-0.5
            scores[:, future] = -np.inf
            exps = np.exp(scores - scores.max(axis=-1, keepdims=True))
            weights = exps / exps.sum(axis=-1, keepdims=True)
            x_attn = self.join_heads(weights @ v)
            res1 = x_attn @ m["attn_wo"].T + x_in
            x2, scale2 = rmsnorm(res1)
            pre = x2 @ m["mlp_fc1"].T
            act = np.maximum(pre, 0.0)
            x = act @ m["mlp_fc2"].T + res1
            layers.append((m, x_in, x1, scale1, q, k, v, weights, x_attn, res1, x2, scale2, pre, act))
        return x @ w["lm_head"].T, (emb, scale0, layers, x)

    def loss_and_gradient(self, w, tokens):
        """Step 4's name_loss and its gradient, {matrix name: array}."""
        n = min(self.model.block_size, len(tokens) - 1)
        inputs, targets = np.array(tokens[:n]), np.array(tokens[1:n + 1])
        logits, (emb, scale0, layers, x) = self.forward(w, inputs)
        exps = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probs = exps / exps.sum(axis=-1, keepdims=True)
        loss = float(np.mean(-np.log(probs[np.arange(n), targets])))
        grad = {name: np.zeros_like(m) for name, m in w.items()}
        dlogits = probs
        dlogits[np.arange(n), targets] -= 1.0
        dlogits /= n
        grad["lm_head"] = dlogits.T @ x
        dx = dlogits @ w["lm_head"]
        for li in reversed(range(self.model.n_layer)):
            dx = self.layer_backward(grad, f"layer{li}.", layers[li], dx)
        demb = rmsnorm_backward(emb, scale0, dx)
        np.add.at(grad["wte"], inputs, demb)  # a letter seen twice adds both rows
        grad["wpe"][:n] = demb
        return loss, grad

    def layer_backward(self, grad, layer, saved, dx):
        """Back through one layer; fills its weights' gradients and returns
        d(loss)/d(layer input)."""
        m, x_in, x1, scale1, q, k, v, weights, x_attn, res1, x2, scale2, pre, act = saved
        grad[layer + "mlp_fc2"] = dx.T @ act
        dpre = (dx @ m["mlp_fc2"]) * (pre > 0)
        grad[layer + "mlp_fc1"] = dpre.T @ x2
        dres1 = dx + rmsnorm_backward(res1, scale2, dpre @ m["mlp_fc1"])
        grad[layer + "attn_wo"] = dres1.T @ x_attn
        dheads = self.split_heads(dres1 @ m["attn_wo"])
        dweights = dheads @ v.transpose(0, 2, 1)
        dscores = weights * (dweights - np.sum(dweights * weights, axis=-1, keepdims=True))
        dscores *= self.model.head_dim**-0.5
        dq, dk, dv = dscores @ k, dscores.transpose(0, 2, 1) @ q, weights.transpose(0, 2, 1) @ dheads
        dx1 = 0.0
        for name, d in (("attn_wq", dq), ("attn_wk", dk), ("attn_wv", dv)):
            d = self.join_heads(d)
            grad[layer + name] = d.T @ x1
            dx1 = dx1 + d @ m[name]
        return dres1 + rmsnorm_backward(x_in, scale1, dx1)


class Adam:
    """Step 5's Adam on one flat array of every parameter."""

    def __init__(self, num_params):
        self.m = np.zeros(num_params)
        self.v = np.zeros(num_params)

    def __call__(self, params, grads, step, num_steps):
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        self.m = BETA1 * self.m + (1 - BETA1) * grads
        self.v = BETA2 * self.v + (1 - BETA2) * grads**2
        m_hat = self.m / (1 - BETA1 ** (step + 1))
        v_hat = self.v / (1 - BETA2 ** (step + 1))
        return params - lr_t * m_hat / (v_hat**0.5 + EPS)


def flatten(matrices):
    return np.concatenate([m.ravel() for m in matrices.values()])


def unflatten(flat, like):
    """`flat` cut back into arrays of the shapes of `like` (views, not copies)."""
    out, i = {}, 0
    for name, m in like.items():
        out[name] = flat[i:i + m.size].reshape(m.shape)
        i += m.size
    return out


def run(config=RunConfig(), log=print, stop_after=None, model=ModelConfig()):
    """Step 5's program with this engine, printing the same lines. The names
    at the end are drawn by the fast engine's sampler from the weights
    trained here: sampling is not what the engines differ in."""
    rng, docs, tokenizer = start(config, log)
    weights = {name: np.array(m, dtype=np.float64)
               for name, m in fast.init_weights(rng, tokenizer.vocab_size, model).items()}
    params = flatten(weights)
    log(f"num params: {len(params)}")
    engine, adam, losses = Engine(model), Adam(len(params)), []
    for step in range(stop_after or config.num_steps):
        loss, grad = engine.loss_and_gradient(weights, tokenizer.encode(docs[step % len(docs)]))
        params = adam(params, flatten(grad), step, config.num_steps)
        weights = unflatten(params, weights)
        losses.append(loss)
        log(step_line(step, config.num_steps, loss))
    as_lists = {name: m.tolist() for name, m in weights.items()}
    samples = []
    if stop_after is None:
        sampler = fast.Engine(model)
        samples = [sampler.sample(as_lists, tokenizer, rng, config.temperature)
                   for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {"num_params": len(params), "losses": losses, "samples": samples, "weights": as_lists}
