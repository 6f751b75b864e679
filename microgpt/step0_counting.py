"""Step 0: a bigram model, "trained" by counting which letter follows which.

For this model counting is the exact answer; no gradient is needed.
"""

import math

from .config import MAX_SAMPLE_LENGTH, RunConfig
from .program import log_samples, start, step_line


def new_count_table(vocab_size):
    """counts[i][j] = how often token j followed token i; all zero at first."""
    return [[0] * vocab_size for _ in range(vocab_size)]


def bigram(counts, token_id):
    """The next-token probabilities after token_id, with add-one smoothing."""
    row = counts[token_id]
    total = sum(row) + len(row)  # every cell gets one pretend count
    return [(c + 1) / total for c in row]


def pair_losses(counts, tokens):
    """-log p(next | current) for every (current, next) pair of a name."""
    return [-math.log(bigram(counts, cur)[nxt]) for cur, nxt in zip(tokens, tokens[1:])]


def name_loss(counts, tokens):
    """Cross-entropy of a name: the mean of its pair losses."""
    losses = pair_losses(counts, tokens)
    return (1 / len(losses)) * sum(losses)


def add_pairs(counts, tokens):
    for cur, nxt in zip(tokens, tokens[1:]):
        counts[cur][nxt] += 1


def train(counts, docs, tokenizer, num_steps, on_step, stop_after=None):
    """Step k: quiz the table on name k (its loss), then count its pairs."""
    losses = []
    for step in range(stop_after or num_steps):
        tokens = tokenizer.encode(docs[step % len(docs)])
        loss = name_loss(counts, tokens)  # measured before the table sees the name
        add_pairs(counts, tokens)
        losses.append(loss)
        on_step(step, loss)
    return losses


def sample(counts, tokenizer, rng, max_len=MAX_SAMPLE_LENGTH):
    """Start at BOS, draw each next token from bigram(), stop at BOS."""
    token_id, name = tokenizer.BOS, []
    for _ in range(max_len):
        probs = bigram(counts, token_id)
        token_id = rng.choices(range(tokenizer.vocab_size), weights=probs)[0]
        if token_id == tokenizer.BOS:
            break
        name.append(token_id)
    return tokenizer.decode(name)


def run(config=RunConfig(), log=print, stop_after=None, watch=None):
    """The whole step as a program; returns what it measured. `watch(step, loss)`,
    if given, sees every step (the site's live training draws with it)."""
    rng, docs, tokenizer = start(config, log)
    counts = new_count_table(tokenizer.vocab_size)

    def on_step(step, loss):
        log(step_line(step, config.num_steps, loss))
        if watch:
            watch(step, loss)

    losses = train(counts, docs, tokenizer, config.num_steps, on_step, stop_after)
    samples = []
    if stop_after is None:
        samples = [sample(counts, tokenizer, rng) for _ in range(config.num_samples)]
        log_samples(samples, log)
    return {
        "num_docs": len(docs),
        "first_docs": docs[:10],
        "uchars": tokenizer.uchars,
        "vocab_size": tokenizer.vocab_size,
        "counts": counts,
        "losses": losses,
        "samples": samples,
    }


if __name__ == "__main__":
    from .cli import main

    raise SystemExit(main(["step0", *__import__("sys").argv[1:]]))
