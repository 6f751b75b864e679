"""Step 4: a complete GPT in structure. Attention is split into several heads,
and the attention + MLP block is repeated for each of n_layer layers, each with
its own parameters (named layer0.attn_wq, ...) and its own KV cache.
"""

from .config import MAX_SAMPLE_LENGTH, ModelConfig, RunConfig
from .program import log_samples, start, step_line
from .step1_gradient_descent import linear, logged_every_200
from .step2_autograd import matrix, parameters, softmax
from .step3_attention import rmsnorm

LEARNING_RATE = 0.1


def init_state_dict(rng, vocab_size, model=ModelConfig()):
    n_embd = model.n_embd
    state_dict = {
        "wte": matrix(rng, vocab_size, n_embd),
        "wpe": matrix(rng, model.block_size, n_embd),
        "lm_head": matrix(rng, vocab_size, n_embd),
    }
    for li in range(model.n_layer):  # each layer has its own copy of every block
        state_dict[f"layer{li}.attn_wq"] = matrix(rng, n_embd, n_embd)
        state_dict[f"layer{li}.attn_wk"] = matrix(rng, n_embd, n_embd)
        state_dict[f"layer{li}.attn_wv"] = matrix(rng, n_embd, n_embd)
        state_dict[f"layer{li}.attn_wo"] = matrix(rng, n_embd, n_embd)
        state_dict[f"layer{li}.mlp_fc1"] = matrix(rng, 4 * n_embd, n_embd)
        state_dict[f"layer{li}.mlp_fc2"] = matrix(rng, n_embd, 4 * n_embd)
    return state_dict


def multi_head_attention(q, keys, values, n_head):
    """Each head attends with its own slice of q, k and v; the heads' outputs
    are concatenated back to the full width."""
    head_dim = len(q) // n_head
    out = []
    for h in range(n_head):
        # --8<-- [start:head_slice]
        start = h * head_dim  # the head's slice: 0, 4, 8, 12 for 4 heads of 4
        q_h = q[start:start + head_dim]
        k_h = [k[start:start + head_dim] for k in keys]
        v_h = [v[start:start + head_dim] for v in values]
        # --8<-- [end:head_slice]
        # --8<-- [start:head_scores]
        attn_logits = [sum(q_h[j] * k_h[t][j] for j in range(head_dim)) / head_dim**0.5
                       for t in range(len(k_h))]
        attn_weights = softmax(attn_logits)
        # --8<-- [end:head_scores]
        # --8<-- [start:head_concat]
        out.extend(sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h)))
                   for j in range(head_dim))
        # --8<-- [end:head_concat]
    return out


def gpt(state_dict, token_id, pos_id, keys, values, n_head):
    """Logits for the next token. `keys` and `values` hold one cache per layer."""
    # --8<-- [start:layers]
    x = [t + p for t, p in zip(state_dict["wte"][token_id], state_dict["wpe"][pos_id])]
    x = rmsnorm(x)
    for li in range(len(keys)):  # one KV cache per layer
        layer = f"layer{li}."
        residual = x
        x = rmsnorm(x)
        q = linear(x, state_dict[layer + "attn_wq"])
        keys[li].append(linear(x, state_dict[layer + "attn_wk"]))
        values[li].append(linear(x, state_dict[layer + "attn_wv"]))
        x_attn = multi_head_attention(q, keys[li], values[li], n_head)
        x = linear(x_attn, state_dict[layer + "attn_wo"])
        x = [a + b for a, b in zip(x, residual)]
        residual = x
        x = rmsnorm(x)
        x = [h.relu() for h in linear(x, state_dict[layer + "mlp_fc1"])]
        x = linear(x, state_dict[layer + "mlp_fc2"])
        x = [a + b for a, b in zip(x, residual)]
    return linear(x, state_dict["lm_head"])
    # --8<-- [end:layers]


def empty_cache(n_layer):
    """One list of keys and one of values per layer, empty for a new name."""
    return [[] for _ in range(n_layer)], [[] for _ in range(n_layer)]


def name_loss(state_dict, tokens, model=ModelConfig()):
    n = min(model.block_size, len(tokens) - 1)
    keys, values = empty_cache(model.n_layer)
    losses = []
    for pos in range(n):
        probs = softmax(gpt(state_dict, tokens[pos], pos, keys, values, model.n_head))
        losses.append(-probs[tokens[pos + 1]].log())
    return (1 / n) * sum(losses)


def sgd(state_dict):
    """The optimizer of Steps 1-4: plain SGD with a linearly decaying rate."""
    def update(params, step, num_steps):
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        for p in params:
            p.data -= lr_t * p.grad
            p.grad = 0
    return update


def train(state_dict, docs, tokenizer, num_steps, on_step, stop_after=None,
          model=ModelConfig(), update=None):
    """The loop of Step 3, for any shape of model; `update` is the optimizer."""
    params = parameters(state_dict)
    update = update or sgd(state_dict)
    losses = []
    for step in range(stop_after or num_steps):
        loss = name_loss(state_dict, tokenizer.encode(docs[step % len(docs)]), model)
        loss.backward()
        update(params, step, num_steps)
        losses.append(loss.data)
        on_step(step, loss.data)
    return losses


def sample(state_dict, tokenizer, rng, temperature, model=ModelConfig(),
           max_len=MAX_SAMPLE_LENGTH):
    keys, values = empty_cache(model.n_layer)
    token_id, name = tokenizer.BOS, []
    for pos in range(min(max_len, model.block_size)):
        logits = gpt(state_dict, token_id, pos, keys, values, model.n_head)
        probs = softmax([v / temperature for v in logits])
        token_id = rng.choices(range(tokenizer.vocab_size), weights=[p.data for p in probs])[0]
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


def run(config=RunConfig(), log=print, stop_after=None, model=ModelConfig(),
        optimizer=sgd, logged=logged_every_200, watch=None):
    """The whole step as a program; returns what it measured. Step 5 runs this
    same program with another optimizer (Adam) and prints every step.

    `optimizer(state_dict)` makes the update function. `watch(step, loss)`, if
    given, sees every step."""
    rng, docs, tokenizer = start(config, log)
    state_dict = init_state_dict(rng, tokenizer.vocab_size, model)
    log(f"num params: {len(parameters(state_dict))}")

    def on_step(step, loss):
        if logged(step):
            log(step_line(step, config.num_steps, loss))
        if watch:
            watch(step, loss)

    update = optimizer(state_dict)
    losses = train(state_dict, docs, tokenizer, config.num_steps, on_step, stop_after, model, update)
    samples = []
    if stop_after is None:
        samples = [sample(state_dict, tokenizer, rng, config.temperature, model)
                   for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {
        "num_docs": len(docs),
        "uchars": tokenizer.uchars,
        "vocab_size": tokenizer.vocab_size,
        "model": vars(model),
        "shapes": {name: [len(m), len(m[0])] for name, m in state_dict.items()},
        "num_params": len(parameters(state_dict)),
        "losses": losses,
        "samples": samples,
        "weights": {name: [[p.data for p in row] for row in m] for name, m in state_dict.items()},
    }


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step4", *__import__("sys").argv[1:]]))
