"""Step 3: the model looks back. Position embeddings, RMSNorm, one attention
head over a KV cache, residual connections and a separate output head.

The model function becomes gpt(state_dict, token_id, pos_id, keys, values):
it sees one token at a time, and the cache holds what earlier positions offer.
"""

from .config import MAX_SAMPLE_LENGTH, RunConfig
from .program import log_samples, start, step_line
from .step1_gradient_descent import N_EMBD, linear, logged_every_200
from .step2_autograd import matrix, parameters, softmax

BLOCK_SIZE = 16  # the most positions the model can see; longer names are cut
LEARNING_RATE = 0.1
RMSNORM_EPS = 1e-5


def init_state_dict(rng, vocab_size, n_embd=N_EMBD, block_size=BLOCK_SIZE):
    """The same Gaussian start as before; the order of the keys is the order
    the random stream fills them in."""
    return {
        "wte": matrix(rng, vocab_size, n_embd),  # token embeddings
        "wpe": matrix(rng, block_size, n_embd),  # position embeddings: new
        "attn_wq": matrix(rng, n_embd, n_embd),  # query: what am I looking for?
        "attn_wk": matrix(rng, n_embd, n_embd),  # key: what do I contain?
        "attn_wv": matrix(rng, n_embd, n_embd),  # value: what do I pass on?
        "attn_wo": matrix(rng, n_embd, n_embd),  # attention output projection
        "mlp_fc1": matrix(rng, 4 * n_embd, n_embd),
        "mlp_fc2": matrix(rng, n_embd, 4 * n_embd),  # now back to n_embd, not to logits
        "lm_head": matrix(rng, vocab_size, n_embd),  # final vector -> logits: new, filled last
    }


def rmsnorm(x):
    """Scale x so that the mean of its squares is 1 (no learned gain)."""
    mean_square = sum(xi * xi for xi in x) / len(x)
    scale = (mean_square + RMSNORM_EPS) ** -0.5
    return [xi * scale for xi in x]


def gpt(state_dict, token_id, pos_id, keys, values):
    """Logits for the token after `token_id` at position `pos_id`.

    `keys` and `values` are the cache: this call appends its own key and value
    and attends over every cached position.
    """
    # --8<-- [start:embed]
    tok_emb = state_dict["wte"][token_id]
    pos_emb = state_dict["wpe"][pos_id]
    x = [t + p for t, p in zip(tok_emb, pos_emb)]  # added, not concatenated
    x = rmsnorm(x)
    # --8<-- [end:embed]

    # --8<-- [start:qkv]
    residual = x
    x = rmsnorm(x)
    q = linear(x, state_dict["attn_wq"])
    k = linear(x, state_dict["attn_wk"])
    v = linear(x, state_dict["attn_wv"])
    keys.append(k)
    values.append(v)
    # --8<-- [end:qkv]

    # --8<-- [start:scores]
    n_embd = len(q)
    attn_logits = [sum(q[j] * keys[t][j] for j in range(n_embd)) / n_embd**0.5
                   for t in range(len(keys))]
    attn_weights = softmax(attn_logits)
    # --8<-- [end:scores]

    # --8<-- [start:attention_output]
    x_attn = [sum(attn_weights[t] * values[t][j] for t in range(len(values)))
              for j in range(n_embd)]
    x = linear(x_attn, state_dict["attn_wo"])
    x = [a + b for a, b in zip(x, residual)]  # residual connection
    # --8<-- [end:attention_output]

    # --8<-- [start:mlp_block]
    residual = x
    x = rmsnorm(x)
    x = [h.relu() for h in linear(x, state_dict["mlp_fc1"])]
    x = linear(x, state_dict["mlp_fc2"])
    x = [a + b for a, b in zip(x, residual)]  # residual connection
    return linear(x, state_dict["lm_head"])
    # --8<-- [end:mlp_block]


def name_loss(state_dict, tokens):
    """Mean of -log p(next) over the first block_size pairs of a name; the
    KV cache starts empty for every name."""
    n = min(len(state_dict["wpe"]), len(tokens) - 1)
    keys, values, losses = [], [], []
    for pos in range(n):
        probs = softmax(gpt(state_dict, tokens[pos], pos, keys, values))
        losses.append(-probs[tokens[pos + 1]].log())
    return (1 / n) * sum(losses)


def train(state_dict, docs, tokenizer, num_steps, on_step, stop_after=None):
    params = parameters(state_dict)
    losses = []
    for step in range(stop_after or num_steps):
        loss = name_loss(state_dict, tokenizer.encode(docs[step % len(docs)]))
        loss.backward()
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        for p in params:
            p.data -= lr_t * p.grad
            p.grad = 0
        losses.append(loss.data)
        on_step(step, loss.data)
    return losses


def sample(state_dict, tokenizer, rng, temperature, max_len=MAX_SAMPLE_LENGTH):
    keys, values = [], []  # a fresh cache for every name
    token_id, name = tokenizer.BOS, []
    for pos in range(max_len):
        logits = gpt(state_dict, token_id, pos, keys, values)
        probs = softmax([v / temperature for v in logits])
        token_id = rng.choices(range(tokenizer.vocab_size), weights=[p.data for p in probs])[0]
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


def run(config=RunConfig(), log=print, stop_after=None, watch=None):
    """The whole step as a program; returns what it measured. `watch(step, loss)`,
    if given, sees every step (the site's live training draws with it)."""
    rng, docs, tokenizer = start(config, log)
    state_dict = init_state_dict(rng, tokenizer.vocab_size)
    log(f"num params: {len(parameters(state_dict))}")

    def on_step(step, loss):
        if logged_every_200(step):
            log(step_line(step, config.num_steps, loss))
        if watch:
            watch(step, loss)

    losses = train(state_dict, docs, tokenizer, config.num_steps, on_step, stop_after)
    samples = []
    if stop_after is None:
        samples = [sample(state_dict, tokenizer, rng, config.temperature)
                   for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {
        "num_docs": len(docs),
        "uchars": tokenizer.uchars,
        "vocab_size": tokenizer.vocab_size,
        "block_size": BLOCK_SIZE,
        "shapes": {name: [len(m), len(m[0])] for name, m in state_dict.items()},
        "num_params": len(parameters(state_dict)),
        "losses": losses,
        "samples": samples,
        "weights": {name: [[p.data for p in row] for row in m] for name, m in state_dict.items()},
    }


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step3", *__import__("sys").argv[1:]]))
