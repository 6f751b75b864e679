"""The settings of one run, checked before any work starts."""

import math
import os
from dataclasses import dataclass

from .errors import MicrogptError

MAX_SAMPLE_LENGTH = 16  # a generated name stops after this many tokens
# Sampling divides the logits by the temperature. Far below this, logit / temperature
# can overflow a float; at it, sampling already all but always picks the likeliest character.
MIN_TEMPERATURE = 0.001


def is_whole_number(value):
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class RunConfig:
    num_steps: int = 1000  # training steps, one name each
    num_samples: int = 20  # names generated after training
    temperature: float = 0.5  # softmax(logits / temperature) when sampling (Steps 1-5)
    seed: int = 42  # seeds the one random stream: shuffle, then init, then sampling
    data: str | None = None  # a names file of your own; None means makemore's names.txt

    def __post_init__(self):
        if not is_whole_number(self.num_steps) or self.num_steps < 1:
            raise MicrogptError(
                f"the number of steps must be a whole number >= 1, got {self.num_steps!r}"
            )
        if not is_whole_number(self.num_samples) or self.num_samples < 0:
            raise MicrogptError(
                f"the number of samples must be a whole number >= 0, got {self.num_samples!r}"
            )
        if not is_whole_number(self.seed):
            raise MicrogptError(f"the seed must be a whole number, got {self.seed!r}")
        temperature = self.temperature
        if not (isinstance(temperature, (int, float)) and not isinstance(temperature, bool)
                and math.isfinite(temperature) and temperature >= MIN_TEMPERATURE):
            raise MicrogptError(
                f"the temperature must be a number of at least {MIN_TEMPERATURE}, got {temperature!r}: "
                "it divides the logits (try 0.5 for safe names, 1.0 for the model as trained)"
            )
        if self.data is not None and not isinstance(self.data, (str, os.PathLike)):
            raise MicrogptError(f"the dataset must be a path to a file of names, got {self.data!r}")


@dataclass(frozen=True)
class ModelConfig:
    """The shape of the transformer of Steps 4 and 5."""

    n_embd: int = 16  # width of every vector that flows through the model
    n_head: int = 4  # attention heads; each sees n_embd // n_head dimensions
    n_layer: int = 1  # attention + MLP blocks, one after the other
    block_size: int = 16  # the most positions the model sees; longer names are cut

    def __post_init__(self):
        for name in ("n_embd", "n_head", "n_layer", "block_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise MicrogptError(f"{name} must be a whole number >= 1, got {value!r}")
        if self.n_embd % self.n_head:
            raise MicrogptError(
                f"n_embd ({self.n_embd}) must be divisible by n_head ({self.n_head}): "
                "every head gets an equal slice of the embedding"
            )

    @property
    def head_dim(self):
        return self.n_embd // self.n_head
