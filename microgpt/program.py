"""What every step program shares: its set-up and the lines it prints.

The printed lines follow the reference programs character for character, so
a run can be compared with theirs.
"""

import random

from .data import Tokenizer, load_docs

INFERENCE_HEADER = "\n--- inference (new, hallucinated names) ---"


def start(config, log):
    """Seed the stream, load and shuffle the names, build the tokenizer."""
    rng = random.Random(config.seed)
    docs = load_docs(rng, config.data)
    tokenizer = Tokenizer(docs)
    log(f"num docs: {len(docs)}")
    log(f"vocab size: {tokenizer.vocab_size}")
    return rng, docs, tokenizer


def step_line(step, num_steps, loss):
    return f"step {step + 1:4d} / {num_steps:4d} | loss {loss:.4f}"


def log_samples(samples, log):
    log(INFERENCE_HEADER)
    for i, name in enumerate(samples):
        log(f"sample {i + 1:2d}: {name}")

