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
