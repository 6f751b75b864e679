"""Step 1's exercises: a layer, ReLU, a softmax that cannot overflow, and
the numerical gradient."""

import random

from .. import step1_gradient_descent as step1
from .checking import Case, Exercise

FILE = "microgpt/step1_gradient_descent.py"


def small_model(seed, vocab_size=4, n_embd=2):
    """A state_dict of Step 1 small enough to nudge every weight in a blink."""
    return step1.init_state_dict(random.Random(seed), vocab_size, n_embd)


def nudged(function, args):
    """The numerical gradient borrows each weight for a moment: compare what
    it returns and the model afterwards, which must be as it was."""
    state_dict, tokens, n = args
    result = function(state_dict, tokens, n)
    return {"returned": result, "model afterwards": state_dict}


EXERCISES = [
    Exercise(
        id="step1-relu",
        title="ReLU",
        task="Write `relu(x)`: each number of the list `x` if it is positive, else `0.0`.",
        hint="`max(0.0, v)` for each `v`; keep the list's length and order.",
        name="relu",
        solution=f"{FILE}:relu",
        starter="def relu(x):\n    return x\n",
        cases=lambda: [Case(f"x = {x}", (x,)) for x in ([1.5, 2.0], [1.5, -2.0, 0.0, 3.25], [-0.5], [])],
    ),
    Exercise(
        id="step1-linear",
        title="A linear layer",
        task="Write `linear(x, w)`: one dot product of the vector `x` with each row of the matrix `w`, "
             "so the result has one number per row.",
        hint="For each `row` of `w`: `sum(wi * xi for wi, xi in zip(row, x))`.",
        name="linear",
        solution=f"{FILE}:linear",
        starter="def linear(x, w):\n    return [sum(x) for row in w]\n",
        cases=lambda: [
            Case(f"x = {x}, w = {w}", (x, w))
            for x, w in (([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]]),
                         ([1.0, -1.0, 0.5], [[2.0, 3.0, 4.0], [0.5, 0.5, -2.0]]),
                         ([1.0, 2.0], []))
        ],
    ),
    Exercise(
        id="step1-softmax",
        title="A softmax that does not overflow",
        task="This `softmax` is right on paper, but `math.exp(1000)` overflows. Make it work for any "
             "scores, however large or small, without changing its answer where it already works.",
        hint="Adding the same number to every score leaves the probabilities as they are. Subtract the "
             "largest score first: then the biggest `exp` is `exp(0) = 1`.",
        name="softmax",
        solution=f"{FILE}:softmax",
        starter="import math\n\n\n"
                "def softmax(logits):\n"
                "    exps = [math.exp(v) for v in logits]\n"
                "    total = sum(exps)\n"
                "    return [e / total for e in exps]\n",
        cases=lambda: [Case(f"logits = {logits}", (logits,)) for logits in
                       ([1.0, 2.0, 3.0], [5.0], [1000.0, 1000.0], [1000.0, 0.0, -1000.0],
                        [-1000.0, -1000.0])],
    ),
    Exercise(
        id="step1-numerical-gradient",
        title="The numerical gradient",
        task="Write `numerical_gradient(state_dict, tokens, n, eps=1e-5)`: the loss `forward(state_dict, "
             "tokens, n)` and the slope of the loss for every weight, in the order of `parameters`, each "
             "found by nudging that one weight up by `eps`. Leave the model as you found it.",
        hint="`parameters(state_dict)` gives each weight as `(row, j)`. Save `row[j]`, add `eps`, measure "
             "the loss, `(new_loss - loss) / eps` is the slope; then put the saved value back before the "
             "next weight.",
        name="numerical_gradient",
        solution=f"{FILE}:numerical_gradient",
        starter="from microgpt.step1_gradient_descent import GRAD_CHECK_EPS, forward, parameters\n\n\n"
                "def numerical_gradient(state_dict, tokens, n, eps=GRAD_CHECK_EPS):\n"
                "    loss = forward(state_dict, tokens, n)\n"
                "    grad = []\n"
                "    for row, j in parameters(state_dict):\n"
                "        row[j] += eps\n"
                "        grad.append((forward(state_dict, tokens, n) - loss) / eps)\n"
                "    return loss, grad\n",
        cases=lambda: [
            Case(f"a model of 4 tokens and width 2 (seed {seed}), tokens = {tokens}, n = {n}",
                 (small_model(seed), tokens, n))
            for seed, tokens, n in ((1, [0, 1], 1), (2, [0, 3, 1, 0], 3), (3, [2, 2, 2], 1))
        ],
        call=nudged,
    ),
]
