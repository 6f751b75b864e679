"""Step 5's exercises: Adam's moments, and its update with bias correction."""

import types

from ..step2_autograd import Value
from ..step5_adam import Adam
from .checking import Case, Exercise

FILE = "microgpt/step5_adam.py"


def moments(function, args):
    """__init__ on a bare object and a state_dict of plain numbers: the moments it makes."""
    (state_dict,) = args
    optimizer = types.SimpleNamespace()
    function(optimizer, state_dict)
    return {"m": getattr(optimizer, "m", "missing"), "v": getattr(optimizer, "v", "missing")}


def after_updates(function, args):
    """The package's Adam moves weights with the given gradients, one list of
    gradients per step, calling the reader's update: weights and moments after."""
    weights, gradients, first_step, num_steps = args
    params = [Value(w) for w in weights]
    optimizer = Adam({"w": [weights]})
    for step, grads in enumerate(gradients, start=first_step):
        for p, g in zip(params, grads):
            p.grad = g
        function(optimizer, params, step, num_steps)
    return {"weights": [p.data for p in params], "m": optimizer.m, "v": optimizer.v,
            "grads afterwards": [p.grad for p in params]}


def update_case(weights, gradients, first_step, num_steps):
    return Case(f"weights = {weights}; gradients per step = {gradients}, "
                f"from step {first_step} of {num_steps}", (weights, gradients, first_step, num_steps))


EXERCISES = [
    Exercise(
        id="step5-adam-init",
        title="Adam's memory",
        task="Write `__init__(self, state_dict)` for Adam: `self.m` and `self.v`, the running means of "
             "each weight's gradient and squared gradient, one `0.0` per weight of the model.",
        hint="The model has `len(m) * len(m[0])` weights per matrix `m` of `state_dict.values()`; "
             "both lists start at zero.",
        name="__init__",
        solution=f"{FILE}:Adam.__init__",
        starter="def __init__(self, state_dict):\n"
                "    self.m = [0.0] * len(state_dict)\n"
                "    self.v = self.m\n",
        cases=lambda: [Case("state_dict = {'w': a 2 x 3 matrix}", ({"w": [[0.5] * 3 for _ in range(2)]},)),
                       Case("state_dict = {'a': a 1 x 1 matrix, 'b': a 3 x 2 matrix}",
                            ({"a": [[1.0]], "b": [[0.0] * 2 for _ in range(3)]},))],
        call=moments,
    ),
    Exercise(
        id="step5-adam-update",
        title="Adam's update, with bias correction",
        task="This update keeps both running means but forgets that they start at zero, so its first "
             "steps are far too small. Write `__call__(self, params, step, num_steps)` with bias "
             "correction: divide `m` by `1 - BETA1 ** (step + 1)` and `v` by `1 - BETA2 ** (step + 1)`.",
        hint="At step 0, `m` is only `(1 - BETA1)` times the gradient: dividing by `1 - BETA1 ** 1` "
             "gives the gradient back. The learning rate still decays: `LEARNING_RATE * (1 - step / "
             "num_steps)`. Clear each gradient after its weight moves.",
        name="__call__",
        solution=f"{FILE}:Adam.__call__",
        starter="from microgpt.step5_adam import BETA1, BETA2, EPS, LEARNING_RATE\n\n\n"
                "def __call__(self, params, step, num_steps):\n"
                "    lr_t = LEARNING_RATE * (1 - step / num_steps)\n"
                "    for i, p in enumerate(params):\n"
                "        self.m[i] = BETA1 * self.m[i] + (1 - BETA1) * p.grad\n"
                "        self.v[i] = BETA2 * self.v[i] + (1 - BETA2) * p.grad**2\n"
                "        p.data -= lr_t * self.m[i] / (self.v[i] ** 0.5 + EPS)\n"
                "        p.grad = 0\n",
        cases=lambda: [update_case([0.5, -0.25], [[0.1, -2.0]], 0, 100),
                       update_case([0.5, -0.25], [[0.1, -2.0], [0.3, 0.0], [-0.2, 1.0]], 0, 100),
                       update_case([1.0], [[0.0], [0.0]], 0, 10),
                       update_case([1.0, 2.0], [[1.0, -1.0]], 9, 10)],
        call=after_updates,
    ),
]
