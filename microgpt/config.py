"""The settings of one run, checked before any work starts."""

from dataclasses import dataclass

from .errors import MicrogptError

MAX_SAMPLE_LENGTH = 16  # a generated name stops after this many tokens


@dataclass(frozen=True)
class RunConfig:
    num_steps: int = 1000  # training steps, one name each
    num_samples: int = 20  # names generated after training
    temperature: float = 0.5  # softmax(logits / temperature) when sampling (Steps 1-5)
    seed: int = 42  # seeds the one random stream: shuffle, then init, then sampling
    data: str | None = None  # a names file of your own; None means makemore's names.txt

    def __post_init__(self):
        if not isinstance(self.num_steps, int) or self.num_steps < 1:
            raise MicrogptError(
                f"the number of steps must be a whole number >= 1, got {self.num_steps!r}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples < 0:
            raise MicrogptError(
                f"the number of samples must be a whole number >= 0, got {self.num_samples!r}"
            )
        if not self.temperature > 0:
            raise MicrogptError(
                f"the temperature must be greater than 0, got {self.temperature!r}: "
                "it divides the logits (try 0.5 for safe names, 1.0 for the model as trained)"
            )


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
