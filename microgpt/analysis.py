"""What the reader's browser runs of the site's analysis, beside the package:
the mean of the last losses (microgpt.live reports it during a live training
run), the attention of a trained model on a typed name, and names sampled from
a trained model (the widgets call these in Pyodide).

Importing this module loads no step: each step module is imported when a
function first uses it (microgpt.steps.load_module), so a live training run
of Step 1 never loads Steps 2-5. Everything else the site derives from the
results files is build code (docs/sitebuild/, one module per chapter).
"""

import random

from .config import ModelConfig, RunConfig
from .data import Tokenizer
from .errors import MicrogptError
from .steps import load_module

WINDOW = 50  # the site compares losses as means over this many names


class _Step:
    """A step module, imported on first attribute access."""

    def __init__(self, module_name):
        self._module_name = module_name

    def __getattr__(self, attribute):
        return getattr(load_module(self._module_name), attribute)


step1 = _Step("step1_gradient_descent")
step3_attention = _Step("step3_attention")
step4_transformer = _Step("step4_transformer")


def mean(values):
    """The arithmetic mean of a non-empty list."""
    if not values:
        raise ValueError("the mean of an empty list is undefined")
    return sum(values) / len(values)


def mean_last(losses, n=WINDOW):
    """Mean of the last `n` losses."""
    return mean(losses[-n:])


def position_labels(name):
    """What sits at each position when a name is fed in: BOS, then its letters."""
    return ["BOS"] + list(name)


def trained_state(results):
    """The trained weights of a results file as a state dict of Values, the
    form the step's `gpt` takes."""
    from .step2_autograd import Value

    try:
        weights = results["weights"]
    except KeyError:
        raise ValueError(f"the results of {results.get('step', 'this step')} hold no trained "
                         "weights (only Steps 3-5 store them)") from None
    return {name: [[Value(w) for w in row] for row in matrix] for name, matrix in weights.items()}


def attention_trace(results, name):
    """What the trained model of a results file (Step 3, 4 or 5) computes at
    each position while it reads `name` (BOS, then its letters), up to its
    first attention output, as plain lists of floats (JSON-ready):

    - `labels`: what sits at each position; `n_head`, `head_dim`;
    - per position: `token`, `tok_emb` (its row of wte), `pos_emb` (the row of
      wpe), `x` (their sum), the query `q`, the key `k` and the value `v` it
      adds to the cache, `weights` (one row per head, over the positions so
      far) and `x_attn`, the weights times the cached values, heads
      concatenated. For Steps 4-5 these are the first layer's.

    The model runs with the step's own `gpt`, which fills the cache; `q` comes
    from the same rmsnorm and linear, and the weights and `x_attn` from Step 4's
    multi_head_attention (one head of width n_embd for Step 3, the same sums).
    """
    from .recording import with_attention  # imports the steps: only when a trace is asked for

    tokenizer = Tokenizer(results["uchars"])
    tokens = tokenizer.encode(name)  # a clear MicrogptError for a character outside the vocabulary
    state = trained_state(results)
    block_size = len(state["wpe"])
    if len(tokens) - 1 > block_size:
        raise ValueError(f"the model sees at most {block_size} positions: BOS and {block_size - 1} "
                         f"letters, and {name!r} has {len(name)}; type a shorter name")
    model = results.get("model")
    n_head = model["n_head"] if model else 1
    layer = "layer0." if model else ""
    keys, values = step4_transformer.empty_cache(model["n_layer"] if model else 1)
    labels = position_labels(name)
    positions = []
    for pos, token in enumerate(tokens[:-1]):
        if model:
            step4_transformer.gpt(state, token, pos, keys, values, n_head)
        else:
            step3_attention.gpt(state, token, pos, keys[0], values[0])
        x = [t + p for t, p in zip(state["wte"][token], state["wpe"][pos])]
        q = step1.linear(step3_attention.rmsnorm(step3_attention.rmsnorm(x)),
                                          state[layer + "attn_wq"])
        x_attn, weights = with_attention(step4_transformer.multi_head_attention, q, keys[0], values[0],
                                         n_head)
        positions.append({"token": labels[pos],
                          "tok_emb": results["weights"]["wte"][token],
                          "pos_emb": results["weights"]["wpe"][pos],
                          **{key: [value.data for value in vector] for key, vector in
                             (("x", x), ("q", q), ("k", keys[0][pos]), ("v", values[0][pos]),
                              ("x_attn", x_attn))},
                          "weights": weights})
    return {"name": name, "labels": labels, "n_head": n_head, "head_dim": len(q) // n_head,
            "positions": positions}


MAX_SAMPLES = 50


def sample_names(model, count=10, temperature=0.5, seed=42):
    """`count` names from a trained model, drawn by the step's own `sample`
    with a fresh random.Random(seed), so the same arguments always give the
    same names. `model`: a results file of Steps 3-5, or any dict with its
    "step", "uchars", "weights" (and for Steps 4-5 "model"), as the site
    serves it for the reader's browser."""
    if not isinstance(count, int) or not 1 <= count <= MAX_SAMPLES:
        raise MicrogptError(f"the number of names must be a whole number from 1 to {MAX_SAMPLES}, "
                            f"got {count!r}")
    RunConfig(temperature=temperature, seed=seed)  # refuses what sampling cannot use, as the CLI does
    tokenizer, rng = Tokenizer(model["uchars"]), random.Random(seed)
    if model["step"] == "step1":
        weights = {name: [list(row) for row in matrix] for name, matrix in model["weights"].items()}
        return [step1.sample(weights, tokenizer, rng, temperature) for _ in range(count)]
    state = trained_state(model)
    if model["step"] == "step3":
        return [step3_attention.sample(state, tokenizer, rng, temperature) for _ in range(count)]
    shape = ModelConfig(**model["model"])
    return [step4_transformer.sample(state, tokenizer, rng, temperature, shape) for _ in range(count)]
