"""Step 1: the same bigram task, now with a small neural network (an MLP)
trained by gradient descent, its gradient derived by hand.
"""

import math

from .config import MAX_SAMPLE_LENGTH, RunConfig
from .program import log_samples, start, step_line

N_EMBD = 16  # the width of a token embedding
INIT_STD = 0.08  # every weight starts as a sample of a Gaussian with this spread
LEARNING_RATE = 1.0
GRAD_CHECK_EPS = 1e-5


def matrix(rng, nout, nin):
    """nout rows of nin Gaussian samples, drawn row by row."""
    return [[rng.gauss(0, INIT_STD) for _ in range(nin)] for _ in range(nout)]


def init_state_dict(rng, vocab_size, n_embd=N_EMBD):
    return {
        "wte": matrix(rng, vocab_size, n_embd),  # one embedding row per token
        "mlp_fc1": matrix(rng, 4 * n_embd, n_embd),  # embedding -> hidden layer
        "mlp_fc2": matrix(rng, vocab_size, 4 * n_embd),  # hidden layer -> logits
    }


def parameters(state_dict):
    """Every weight as a (row, column) place, in state_dict order."""
    return [(row, j) for mat in state_dict.values() for row in mat for j in range(len(row))]


def linear(x, w):
    """One dot product of x with each row of w."""
    return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]


def softmax(logits):
    """Scores -> probabilities; subtracting the max keeps exp() from overflowing."""
    biggest = max(logits)
    exps = [math.exp(v - biggest) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def relu(x):
    return [max(0.0, v) for v in x]


def mlp(state_dict, token_id):
    """token -> embedding row -> hidden layer of 64 -> ReLU -> 27 logits."""
    x = state_dict["wte"][token_id]
    h = relu(linear(x, state_dict["mlp_fc1"]))
    return linear(h, state_dict["mlp_fc2"])


def forward(state_dict, tokens, n):
    """The loss of a name: the mean of -log p(next) over its first n pairs."""
    losses = []
    for pos in range(n):
        probs = softmax(mlp(state_dict, tokens[pos]))
        losses.append(-math.log(probs[tokens[pos + 1]]))
    return (1 / n) * sum(losses)


def numerical_gradient(state_dict, tokens, n, eps=GRAD_CHECK_EPS):
    """Nudge each weight by eps and measure the slope; one forward pass per weight."""
    loss = forward(state_dict, tokens, n)
    grad = []
    for row, j in parameters(state_dict):
        saved = row[j]
        row[j] = saved + eps
        grad.append((forward(state_dict, tokens, n) - loss) / eps)
        row[j] = saved
    return loss, grad


# --8<-- [start:analytic_gradient_head]
def analytic_gradient(state_dict, tokens, n):
    """Backpropagation by hand: the exact gradient, for the cost of a few forward passes."""
    wte, fc1, fc2 = state_dict["wte"], state_dict["mlp_fc1"], state_dict["mlp_fc2"]
    grad = {name: [[0.0] * len(row) for row in mat] for name, mat in state_dict.items()}
    losses = []
    for pos in range(n):
        token_id, target_id = tokens[pos], tokens[pos + 1]
        # --8<-- [end:analytic_gradient_head]
        # --8<-- [start:backward_softmax]
        # forward, keeping what the backward pass needs
        x = wte[token_id]
        h_pre = linear(x, fc1)
        h = relu(h_pre)
        probs = softmax(linear(h, fc2))
        losses.append(-math.log(probs[target_id]))
        # softmax + cross-entropy: dloss/dlogits = (probs - onehot(target)) / n
        dlogits = [p / n for p in probs]
        dlogits[target_id] -= 1.0 / n
        # --8<-- [end:backward_softmax]
        # --8<-- [start:backward_output]
        # output layer, logits = fc2 @ h: each weight's gradient, and h's
        dh = [0.0] * len(h)
        for i, dl in enumerate(dlogits):
            for j in range(len(h)):
                grad["mlp_fc2"][i][j] += dl * h[j]
                dh[j] += fc2[i][j] * dl
        # --8<-- [end:backward_output]
        # --8<-- [start:backward_relu]
        # ReLU lets the gradient through only where its input was positive
        dh_pre = [d * (1.0 if v > 0 else 0.0) for d, v in zip(dh, h_pre)]
        # --8<-- [end:backward_relu]
        # --8<-- [start:backward_hidden]
        # hidden layer, h_pre = fc1 @ x: each weight's gradient, and x's
        dx = [0.0] * len(x)
        for i, dhp in enumerate(dh_pre):
            for j in range(len(x)):
                grad["mlp_fc1"][i][j] += dhp * x[j]
                dx[j] += fc1[i][j] * dhp
        # --8<-- [end:backward_hidden]
        # --8<-- [start:backward_embedding]
        # the embedding row of this token receives dx
        for j in range(len(x)):
            grad["wte"][token_id][j] += dx[j]
        # --8<-- [end:backward_embedding]
    # --8<-- [start:analytic_gradient_tail]
    loss = (1 / n) * sum(losses)
    return loss, [g for mat in grad.values() for row in mat for g in row]
    # --8<-- [end:analytic_gradient_tail]


def gradient_check(state_dict, tokens, n):
    """Both gradients of one name; they should differ only by float noise."""
    loss_n, grad_n = numerical_gradient(state_dict, tokens, n)
    loss_a, grad_a = analytic_gradient(state_dict, tokens, n)
    max_diff = max(abs(gn - ga) for gn, ga in zip(grad_n, grad_a))
    return {"loss_n": loss_n, "loss_a": loss_a, "max_diff": max_diff,
            "grad_n": grad_n, "grad_a": grad_a}


def train(state_dict, docs, tokenizer, num_steps, on_step, stop_after=None):
    """SGD, one name per step, the learning rate decaying linearly to 0."""
    params = parameters(state_dict)
    losses = []
    for step in range(stop_after or num_steps):
        tokens = tokenizer.encode(docs[step % len(docs)])
        loss, grad = analytic_gradient(state_dict, tokens, len(tokens) - 1)
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        for (row, j), g in zip(params, grad):
            row[j] -= lr_t * g
        losses.append(loss)
        on_step(step, loss)
    return losses


def sample(state_dict, tokenizer, rng, temperature, max_len=MAX_SAMPLE_LENGTH):
    """Like Step 0, but the distribution is softmax(logits / temperature)."""
    token_id, name = tokenizer.BOS, []
    for _ in range(max_len):
        logits = mlp(state_dict, token_id)
        probs = softmax([v / temperature for v in logits])
        token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


def logged_every_200(step):
    """Steps 1-5, then every 200th (the reference prints these)."""
    return step < 5 or step % 200 == 0


def run(config=RunConfig(), log=print, stop_after=None, watch=None):
    """The whole step as a program; returns what it measured. `watch(step, loss)`,
    if given, sees every step (the site's live training draws with it)."""
    rng, docs, tokenizer = start(config, log)
    state_dict = init_state_dict(rng, tokenizer.vocab_size)
    init = {name: [list(row) for row in mat] for name, mat in state_dict.items()}
    log(f"num params: {len(parameters(state_dict))}")

    tokens = tokenizer.encode(docs[0])
    check = gradient_check(state_dict, tokens, len(tokens) - 1)
    log(f"gradient check | loss_n {check['loss_n']:.6f} | loss_a {check['loss_a']:.6f} "
        f"| max diff {check['max_diff']:.8f}")

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
        "vocab_size": tokenizer.vocab_size,
        "n_embd": N_EMBD,
        "shapes": {name: [len(mat), len(mat[0])] for name, mat in init.items()},
        "num_params": len(parameters(state_dict)),
        "init": init,
        "gradient_check": {"doc": docs[0], **check},
        "losses": losses,
        "samples": samples,
        "bos_logits": mlp(state_dict, tokenizer.BOS),  # the trained first-letter scores
    }


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step1", *__import__("sys").argv[1:]]))
