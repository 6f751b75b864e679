"""Step 3's exercises: RMSNorm, and the loss of a name read through the KV cache."""

import random

from .. import step3_attention
from .checking import Case, Exercise

FILE = "microgpt/step3_attention.py"
VOCAB_SIZE, N_EMBD, BLOCK_SIZE = 4, 4, 3  # a model small enough to check in a blink


def loss_of_small_model(function, args):
    """A small Step 3 model (Values), built from the seed; the loss's number."""
    seed, tokens = args
    state_dict = step3_attention.init_state_dict(random.Random(seed), VOCAB_SIZE, N_EMBD, BLOCK_SIZE)
    loss = function(state_dict, tokens)
    return loss.data if hasattr(loss, "data") else f"{type(loss).__name__} {loss!r}, not a Value"


EXERCISES = [
    Exercise(
        id="step3-rmsnorm",
        title="RMSNorm",
        task="Write `rmsnorm(x)`: scale the vector `x` so that the mean of its squares becomes 1. "
             "Add `RMSNORM_EPS` to the mean of squares before the square root, so that a vector of "
             "zeros (or nearly) does not divide by zero.",
        hint="`mean_square = sum(xi * xi for xi in x) / len(x)`, then multiply every `xi` by "
             "`(mean_square + RMSNORM_EPS) ** -0.5`.",
        name="rmsnorm",
        solution=f"{FILE}:rmsnorm",
        starter="from microgpt.step3_attention import RMSNORM_EPS\n\n\n"
                "def rmsnorm(x):\n"
                "    mean_square = sum(xi * xi for xi in x) / len(x)\n"
                "    return [xi / mean_square**0.5 for xi in x]\n",
        cases=lambda: [Case(f"x = {x}", (x,)) for x in
                       ([3.0, 4.0], [-2.0], [0.001, -0.001, 0.002], [0.0, 0.0, 0.0, 0.0])],
    ),
    Exercise(
        id="step3-name-loss",
        title="The loss of a name, through the KV cache",
        task="Write `name_loss(state_dict, tokens)`: feed the tokens to `gpt` one position at a time, with "
             "a KV cache that starts empty, and return the mean of `-log p(next token)`. A name longer "
             "than the model's block size is cut: use only its first `block_size` pairs.",
        hint="The block size is the number of rows of `state_dict[\"wpe\"]`, so "
             "`n = min(len(state_dict[\"wpe\"]), len(tokens) - 1)`. Make `keys, values = [], []` once per "
             "name, then for each `pos < n` call `gpt(state_dict, tokens[pos], pos, keys, values)`.",
        name="name_loss",
        solution=f"{FILE}:name_loss",
        starter="from microgpt.step3_attention import gpt, softmax\n\n\n"
                "def name_loss(state_dict, tokens):\n"
                "    n = len(tokens) - 1\n"
                "    losses = []\n"
                "    for pos in range(n):\n"
                "        keys, values = [], []\n"
                "        probs = softmax(gpt(state_dict, tokens[pos], pos, keys, values))\n"
                "        losses.append(-probs[tokens[pos + 1]].log())\n"
                "    return (1 / n) * sum(losses)\n",
        cases=lambda: [Case(f"a model of {VOCAB_SIZE} tokens, width {N_EMBD}, block size {BLOCK_SIZE} "
                            f"(seed {seed}); tokens = {tokens}", (seed, tokens))
                       for seed, tokens in ((1, [0, 2]), (2, [0, 1, 3, 0]), (3, [0, 1, 2, 3, 1, 0]))],
        call=loss_of_small_model,
    ),
]
