"""Step 5: Adam. The model is Step 4's; only the optimizer changes. Each
parameter now gets its own step size from the history of its own gradient.
With this step the program does what Karpathy's microgpt.py does.
"""

from . import step4_transformer
from .config import ModelConfig, RunConfig

LEARNING_RATE = 0.01
BETA1 = 0.85  # how much of the running mean of the gradient is kept each step
BETA2 = 0.99  # the same for the running mean of the squared gradient
EPS = 1e-8  # keeps the division safe when a gradient has been ~0 so far


# --8<-- [start:adam]
class Adam:
    """Adam with bias correction and a linearly decaying learning rate.

    Called as the `update` of the training loop: after backward(), it moves
    every parameter and clears its gradient.
    """

    def __init__(self, state_dict):
        n = sum(len(m) * len(m[0]) for m in state_dict.values())
        self.m = [0.0] * n  # first moment: running mean of the gradient
        self.v = [0.0] * n  # second moment: running mean of the squared gradient
        # --8<-- [end:adam]

    def __call__(self, params, step, num_steps):
        lr_t = LEARNING_RATE * (1 - step / num_steps)
        for i, p in enumerate(params):
            self.m[i] = BETA1 * self.m[i] + (1 - BETA1) * p.grad
            self.v[i] = BETA2 * self.v[i] + (1 - BETA2) * p.grad**2
            m_hat = self.m[i] / (1 - BETA1 ** (step + 1))  # bias correction: both
            v_hat = self.v[i] / (1 - BETA2 ** (step + 1))  # start at 0, not at the truth
            p.data -= lr_t * m_hat / (v_hat**0.5 + EPS)
            p.grad = 0


def run(config=RunConfig(), log=print, stop_after=None, model=ModelConfig(), watch=None):
    """Step 4's program with Adam as the optimizer, printing every step."""
    return step4_transformer.run(config, log, stop_after, model, optimizer=Adam,
                                 logged=lambda step: True, watch=watch)


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step5", *__import__("sys").argv[1:]]))
