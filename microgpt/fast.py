"""A fast engine for Step 5: the same model, start, data order, optimizer and
sampling, with the gradient computed by a backward pass derived by hand over
plain lists of floats instead of a `Value` per scalar.

Every loss and every trained weight is bit-identical to Step 5, because each
floating-point operation is spelled as autograd spells it
(`e * total**-1`, `sumsq * n**-1`, `u**-0.5`, ...) and each gradient adds up its
contributions in the order `Value.backward()` does. That order is the reverse
of the depth-first order `topological_order` builds, which comes to: positions
from last to first; a vector feeding a matrix receives the rows from last to
first; an RMSNorm input receives the residual branch first, then the
normalised output, then its square twice. The few places where the order is
less regular are commented where they happen. Sums are added left to right
from 0, as `Value`s add up: Python 3.12+'s `sum()` of floats adds a
compensation term, which would change the last bits.

The dot products, nearly all of the arithmetic, run as straight-line Python
that `products` writes and compiles once per vector length: the same products,
added in the same order, without a loop or a function call per term.
"""

import math
from functools import cache, reduce
from itertools import chain
from operator import add, mul

from . import step4_transformer
from .config import MAX_SAMPLE_LENGTH, ModelConfig, RunConfig
from .program import log_samples, start, step_line
from .step3_attention import RMSNORM_EPS
from .step5_adam import BETA1, BETA2, EPS, LEARNING_RATE


def add_up(values):
    """Left-to-right sum, the order in which `Value`s add up on every Python version."""
    return reduce(add, values, 0)


LONGEST_UNROLLED = 512  # Python's compiler recurses once per `+`; longer sums use add_up


# --8<-- [start:products]
def products_source(n):
    """Python source of a function that takes rows and a vector x of n floats
    and returns each row's dot product with x, written out term by term."""
    xs = "".join(f"x{k}, " for k in range(n))
    rs = "".join(f"r{k}, " for k in range(n))
    terms = "".join(f" + r{k} * x{k}" for k in range(n))
    return f"def products_{n}(rows, x):\n    {xs}= x\n    return [0.0{terms} for {rs}in rows]\n"


@cache
def products(n):
    """That function for vectors of n floats, compiled on first use. Python
    adds `0.0 + a + b + c` from the left, so each row gets add_up(map(mul, row,
    x)), product for product and sum for sum (`0 + a` is `0.0 + a`), without
    a loop or a function call per term."""
    if n > LONGEST_UNROLLED:
        return lambda rows, x: [add_up(map(mul, row, x)) for row in rows]
    namespace = {}
    exec(compile(products_source(n), f"<products_{n}>", "exec"), namespace)
    return namespace[f"products_{n}"]


def linear(x, rows):
    """Each row's dot product with x: W x when the rows are W's. Which factor
    of a product comes first does not matter: a * b and b * a are the same float."""
    return products(len(x))(rows, x)
# --8<-- [end:products]


def init_weights(rng, vocab_size, model=ModelConfig()):
    """Step 4's initial weights as plain floats: the same draws from the stream."""
    state_dict = step4_transformer.init_state_dict(rng, vocab_size, model)
    return {name: [[p.data for p in row] for row in m] for name, m in state_dict.items()}


def columns_last_row_first(w):
    """Column j of w read from its last row up: what the input's j-th entry
    receives, in autograd's order, when the gradient goes back through w."""
    return list(zip(*reversed(w)))


def rmsnorm(x, inv_n):
    """Step 3's RMSNorm, keeping the scale and the normalised sum for backward."""
    u = linear(x, [x])[0] * inv_n + RMSNORM_EPS
    scale = u**-0.5
    return [xi * scale for xi in x], scale, u


# --8<-- [start:rmsnorm_backward]
def rmsnorm_backward(x, scale, u, dout, inv_n, dx=None):
    """d(loss)/dx for out = x * (mean(x**2) + eps)**-0.5; `dx` is what x has
    already received from the residual branch (autograd adds that first)."""
    dscale = linear(dout[::-1], [x[::-1]])[0]
    dsq = inv_n * ((-0.5 * u**-1.5) * dscale)  # the same for every x_j**2
    if dx is None:
        return [(scale * do + xi * dsq) + xi * dsq for xi, do in zip(x, dout)]
    return [((d + scale * do) + xi * dsq) + xi * dsq for xi, d, do in zip(x, dx, dout)]
# --8<-- [end:rmsnorm_backward]


class Engine:
    """The model's shape and the constants every pass uses, spelled as Step 4
    computes them (`/ len(x)` is `* len(x)**-1` in autograd, and so on)."""

    def __init__(self, model=ModelConfig()):
        self.model = model
        self.inv_n = model.n_embd**-1
        self.inv_sqrt_hd = (model.head_dim**0.5) ** -1
        self.qkv_order = [self._qkv_rows(first) for first in (True, False)]

    def _qkv_rows(self, first_position):
        """The order in which the rows of wq, wk, wv (0, 1, 2) send gradient back
        to their shared input: heads from last to first, and in each head the
        value rows, then the key and query rows. At position 0 the key and query
        rows alternate (autograd meets them together in the first score)."""
        hd, order = self.model.head_dim, []
        for h in reversed(range(self.model.n_head)):
            rows = range(h * hd + hd - 1, h * hd - 1, -1)
            order += [(2, r) for r in rows]
            if first_position:
                order += [(which, r) for r in rows for which in (1, 0)]
            else:
                order += [(1, r) for r in rows] + [(0, r) for r in rows]
        return order

    def empty_cache(self, positions=0):
        """Per layer and head, one vector of head_dim floats per position:
        the keys (or values) so far, or zeros for `positions` positions."""
        hd = self.model.head_dim
        return [[[[0.0] * hd for _ in range(positions)] for _ in range(self.model.n_head)]
                for _ in range(self.model.n_layer)]

    # -- forward -------------------------------------------------------------
    def forward(self, w, token_id, pos, keys, values):
        """Logits for the next token and what the backward pass needs."""
        hd, inv_n = self.model.head_dim, self.inv_n
        emb = [t + p for t, p in zip(w["wte"][token_id], w["wpe"][pos])]
        x, scale0, u0 = rmsnorm(emb, inv_n)
        layers = []
        for li in range(len(keys)):
            layer = f"layer{li}."
            x_in = x
            x1, scale1, u1 = rmsnorm(x_in, inv_n)
            q = linear(x1, w[layer + "attn_wq"])
            k = linear(x1, w[layer + "attn_wk"])
            v = linear(x1, w[layer + "attn_wv"])
            heads, x_attn = [], []
            for h, (keys_h, values_h) in enumerate(zip(keys[li], values[li])):
                lo, hi = h * hd, h * hd + hd
                keys_h.append(k[lo:hi])
                values_h.append(v[lo:hi])
                logits = [s * self.inv_sqrt_hd for s in linear(q[lo:hi], keys_h)]
                biggest = max(logits)
                exps = [math.exp(v - biggest) for v in logits]
                total = add_up(exps)
                inv_total = total**-1
                weights = [e * inv_total for e in exps]
                x_attn += linear(weights, list(zip(*values_h)))
                heads.append((exps, weights, total))
            res1 = [a + b for a, b in zip(linear(x_attn, w[layer + "attn_wo"]), x_in)]
            x2, scale2, u2 = rmsnorm(res1, inv_n)
            pre = linear(x2, w[layer + "mlp_fc1"])
            act = [v if v > 0 else 0.0 for v in pre]
            x = [a + b for a, b in zip(linear(act, w[layer + "mlp_fc2"]), res1)]
            layers.append((x_in, x1, scale1, u1, q, heads, x_attn, res1, x2, scale2, u2, pre, act))
        return linear(x, w["lm_head"]), (emb, scale0, u0, layers, x)

    # -- loss and gradient ---------------------------------------------------
    def loss_and_gradient(self, w, tokens):
        """Step 4's name_loss and the gradient its backward() fills in, as
        {matrix name: rows of floats}."""
        return self.backward(w, tokens, *self.name_loss(w, tokens))

    def name_loss(self, w, tokens):
        """Step 4's name_loss, forward only: the loss, the keys and values of
        every position, and what each position's backward pass needs."""
        n = min(self.model.block_size, len(tokens) - 1)
        keys, values = self.empty_cache(), self.empty_cache()
        saved, losses = [], []
        for pos in range(n):
            logits, record = self.forward(w, tokens[pos], pos, keys, values)
            biggest = max(logits)
            exps = [math.exp(v - biggest) for v in logits]
            total = add_up(exps)
            target = tokens[pos + 1]
            prob = exps[target] * total**-1
            losses.append(-math.log(prob))
            saved.append((record, exps, total, target, prob))
        return (1 / n) * add_up(losses), keys, values, saved

    def backward(self, w, tokens, loss, keys, values, saved):
        """The loss and its gradient, from what name_loss kept."""
        model, inv_n, n = self.model, self.inv_n, len(saved)
        # Per matrix, one (input, output gradient) pair per position, last first:
        # each weight gets exactly one contribution per position.
        pairs = {name: [] for name in w if name not in ("wte", "wpe")}
        grad = {name: [[0.0] * len(row) for row in w[name]] for name in ("wte", "wpe")}
        lm_cols = columns_last_row_first(w["lm_head"])
        layer_cols = []
        for li in range(model.n_layer):
            layer = f"layer{li}."
            qkv = [w[layer + name] for name in ("attn_wq", "attn_wk", "attn_wv")]
            qkv_cols = [list(zip(*[qkv[which][r] for which, r in order])) for order in self.qkv_order]
            layer_cols.append(tuple(columns_last_row_first(w[layer + name])
                                    for name in ("attn_wo", "mlp_fc1", "mlp_fc2")) + (qkv_cols,))
        # d(loss)/d(key) and d(loss)/d(value) of every cached position, per layer and head:
        # later positions add theirs before the position's own pass reaches them.
        dkeys, dvalues = self.empty_cache(n), self.empty_cache(n)
        dlog = -1 * (1 / n)  # every -log p(next) enters the mean with weight 1/n
        for pos in reversed(range(n)):
            (emb, scale0, u0, layers, x_out), exps, total, target, prob = saved[pos]
            # --8<-- [start:loss_backward]
            # softmax + log: the target's exp gets the probability's share first
            dprob = (1 / prob) * dlog
            dtotal = (-1 * total**-2) * (exps[target] * dprob)
            dlogits = [e * dtotal for e in exps]
            dlogits[target] = exps[target] * (total**-1 * dprob + dtotal)
            # lm_head: rows from last to first, except the target's row, which
            # autograd met first and so adds last (a zero stands in for it).
            skipped = list(reversed(dlogits))
            skipped[len(skipped) - 1 - target] = 0.0
            target_row = w["lm_head"][target]
            dx = [s + t * dlogits[target] for s, t in zip(linear(skipped, lm_cols), target_row)]
            pairs["lm_head"].append((x_out, dlogits))
            # --8<-- [end:loss_backward]
            for li in reversed(range(model.n_layer)):
                dx = self._layer_backward(w, li, pos, layers[li], layer_cols[li], dx,
                                          dkeys[li], dvalues[li], keys[li], values[li], pairs)
            demb = rmsnorm_backward(emb, scale0, u0, dx, inv_n)
            for row in (grad["wte"][tokens[pos]], grad["wpe"][pos]):
                row[:] = [g + d for g, d in zip(row, demb)]
        # --8<-- [start:weight_gradients]
        for name, ps in pairs.items():
            x_cols = list(zip(*[x for x, _ in ps]))
            dy_cols = list(zip(*[dy for _, dy in ps]))
            dot_with = products(len(ps))
            grad[name] = [dot_with(x_cols, dyc) for dyc in dy_cols]
        # --8<-- [end:weight_gradients]
        return loss, {name: grad[name] for name in w}

    def _layer_backward(self, w, li, pos, saved, cols, dres2, dkeys, dvalues, keys, values, pairs):
        """Back through one layer at one position; returns d(loss)/d(layer input)."""
        x_in, x1, scale1, u1, q, heads, x_attn, res1, x2, scale2, u2, pre, act = saved
        wo_cols, fc1_cols, fc2_cols, qkv_cols = cols
        layer, hd, inv_n = f"layer{li}.", self.model.head_dim, self.inv_n
        # --8<-- [start:mlp_backward]
        # MLP block: fc2, ReLU, fc1, RMSNorm (the residual gave res1 dres2 first)
        dact = linear(dres2[::-1], fc2_cols)
        dpre = [d if v > 0 else 0.0 for d, v in zip(dact, pre)]
        dx2 = linear(dpre[::-1], fc1_cols)
        pairs[layer + "mlp_fc2"].append((act, dres2))
        pairs[layer + "mlp_fc1"].append((x2, dpre))
        dres1 = rmsnorm_backward(res1, scale2, u2, dx2, inv_n, dres2)
        # --8<-- [end:mlp_backward]
        # attention output projection
        dx_attn = linear(dres1[::-1], wo_cols)
        pairs[layer + "attn_wo"].append((x_attn, dres1))
        dq = []
        # --8<-- [start:attention_backward]
        for h, (exps, weights, total) in enumerate(heads):
            lo, hi = h * hd, h * hd + hd
            keys_h, values_h, dkeys_h, dvalues_h = keys[h], values[h], dkeys[h], dvalues[h]
            dout = dx_attn[lo:hi]
            dweights = linear(dout[::-1], [v[::-1] for v in values_h[:pos + 1]])
            for t, a in enumerate(weights):
                dvalues_h[t] = [dv + a * d for dv, d in zip(dvalues_h[t], dout)]
            # weights = exps * total**-1, one power node per position t: the
            # total receives them from the last t to the first
            local = -1 * total**-2
            dtotal = add_up([local * (e * dw) for e, dw in zip(reversed(exps), reversed(dweights))])
            inv_total = total**-1
            dscores = [self.inv_sqrt_hd * (e * (inv_total * dw + dtotal)) for e, dw in zip(exps, dweights)]
            dq += linear(dscores[::-1], list(zip(*keys_h[pos::-1])))
            q_h = q[lo:hi]
            for t, ds in enumerate(dscores):
                dkeys_h[t] = [dk + qj * ds for dk, qj in zip(dkeys_h[t], q_h)]
        # --8<-- [end:attention_backward]
        dk = list(chain.from_iterable(dkeys_h[pos] for dkeys_h in dkeys))
        dv = list(chain.from_iterable(dvalues_h[pos] for dvalues_h in dvalues))
        for name, d in (("attn_wq", dq), ("attn_wk", dk), ("attn_wv", dv)):
            pairs[layer + name].append((x1, d))
        order = self.qkv_order[0 if pos == 0 else 1]
        douts = (dq, dk, dv)
        dqkv = [douts[which][r] for which, r in order]
        dx1 = linear(dqkv, qkv_cols[0 if pos == 0 else 1])
        return rmsnorm_backward(x_in, scale1, u1, dx1, inv_n, dres1)

    # -- sampling ------------------------------------------------------------
    def sample(self, w, tokenizer, rng, temperature, max_len=MAX_SAMPLE_LENGTH):
        """Step 4's sample(): the same probabilities, so the same draws."""
        keys, values = self.empty_cache(), self.empty_cache()
        token_id, name = tokenizer.BOS, []
        for pos in range(min(max_len, self.model.block_size)):
            logits, _ = self.forward(w, token_id, pos, keys, values)
            scaled = [v * temperature**-1 for v in logits]  # v / temperature, as a Value does it
            biggest = max(scaled)
            exps = [math.exp(v - biggest) for v in scaled]
            total = add_up(exps)
            probs = [e * total**-1 for e in exps]
            token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
            if token_id == tokenizer.BOS:
                break
            name.append(token_id)
        return tokenizer.decode(name)


class Adam:
    """Step 5's Adam over flat lists: the same formulas, term for term."""

    def __init__(self, num_params):
        self.m = [0.0] * num_params
        self.v = [0.0] * num_params

    def __call__(self, params, grads, step, num_steps):
        """The parameters after one step (a new flat list)."""
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        keep1, keep2 = BETA1, BETA2
        new1, new2 = 1 - BETA1, 1 - BETA2
        correct1, correct2 = 1 - BETA1 ** (step + 1), 1 - BETA2 ** (step + 1)
        self.m = m = [keep1 * mi + new1 * g for mi, g in zip(self.m, grads)]
        self.v = v = [keep2 * vi + new2 * g**2 for vi, g in zip(self.v, grads)]
        return [p - lr_t * (mi / correct1) / ((vi / correct2) ** 0.5 + EPS)
                for p, mi, vi in zip(params, m, v)]


def flatten(matrices):
    return list(chain.from_iterable(chain.from_iterable(matrices.values())))


def unflatten(flat, like):
    """`flat` cut back into matrices of the shapes of `like`."""
    out, i = {}, 0
    for name, m in like.items():
        width = len(m[0])
        out[name] = [flat[i + r * width:i + (r + 1) * width] for r in range(len(m))]
        i += len(m) * width
    return out


def train(weights, engine, docs, tokenizer, num_steps, on_step, stop_after=None):
    """Step 5's loop: one name per step, then Adam. Returns the losses and the
    trained weights."""
    params = flatten(weights)
    adam = Adam(len(params))
    losses = []
    for step in range(stop_after or num_steps):
        loss, grad = engine.loss_and_gradient(weights, tokenizer.encode(docs[step % len(docs)]))
        params = adam(params, flatten(grad), step, num_steps)
        weights = unflatten(params, weights)
        losses.append(loss)
        on_step(step, loss)
    return losses, weights


def run(config=RunConfig(), log=print, stop_after=None, model=ModelConfig(), watch=None):
    """`microgpt step5 --fast`: Step 5's program, printing the same lines;
    `watch(step, loss)`, if given, sees every step."""
    rng, docs, tokenizer = start(config, log)
    weights = init_weights(rng, tokenizer.vocab_size, model)
    num_params = len(flatten(weights))
    log(f"num params: {num_params}")

    def on_step(step, loss):
        log(step_line(step, config.num_steps, loss))
        if watch:
            watch(step, loss)

    engine = Engine(model)
    losses, weights = train(weights, engine, docs, tokenizer, config.num_steps, on_step, stop_after)
    samples = []
    if stop_after is None:
        samples = [engine.sample(weights, tokenizer, rng, config.temperature)
                   for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {
        "num_docs": len(docs),
        "uchars": tokenizer.uchars,
        "vocab_size": tokenizer.vocab_size,
        "model": vars(model),
        "shapes": {name: [len(m), len(m[0])] for name, m in weights.items()},
        "num_params": num_params,
        "losses": losses,
        "samples": samples,
        "weights": weights,
    }
