"""Step 4's exercises: one KV cache per layer, and attention split into heads."""

import random

from ..step2_autograd import Value
from .checking import Case, Exercise

FILE = "microgpt/step4_transformer.py"


def caches_after_one_key(function, args):
    """empty_cache(n_layer), then one key added to layer 0's cache: how many
    keys and values each layer holds (lists shared by mistake show it)."""
    (n_layer,) = args
    keys, values = function(n_layer)
    keys[0].append("a key")
    return {"keys per layer": [len(k) for k in keys], "values per layer": [len(v) for v in values]}


def random_vectors(seed, count, width):
    rng = random.Random(seed)
    return [[round(rng.uniform(-1, 1), 2) for _ in range(width)] for _ in range(count)]


def attention_output(function, args):
    """The reader's multi_head_attention on Values made from the numbers; the output's numbers."""
    q, keys, values, n_head = args
    as_values = lambda vectors: [[Value(x) for x in vector] for vector in vectors]  # noqa: E731
    out = function([Value(x) for x in q], as_values(keys), as_values(values), n_head)
    return [o.data if isinstance(o, Value) else o for o in out]


def attention_case(seed, positions, width, n_head):
    q, *rest = random_vectors(seed, 1 + 2 * positions, width)
    keys, values = rest[:positions], rest[positions:]
    return Case(f"q = {q}, keys = {keys}, values = {values}, n_head = {n_head}", (q, keys, values, n_head))


EXERCISES = [
    Exercise(
        id="step4-empty-cache",
        title="One KV cache per layer",
        task="Write `empty_cache(n_layer)`: a list of keys and a list of values for a new name, each "
             "holding one empty list per layer. Each layer's list must be its own.",
        hint="`[[]] * n_layer` repeats the same list `n_layer` times, so a key added to one layer appears "
             "in all. Make a new list per layer: `[[] for _ in range(n_layer)]`.",
        name="empty_cache",
        solution=f"{FILE}:empty_cache",
        starter="def empty_cache(n_layer):\n"
                "    return [[]] * n_layer, [[]] * n_layer\n",
        cases=lambda: [Case(f"n_layer = {n}, then one key added to layer 0", (n,)) for n in (1, 2, 4)],
        call=caches_after_one_key,
    ),
    Exercise(
        id="step4-multi-head",
        title="Split into heads, and join them again",
        task="This is Step 3's attention: one head over the whole vector. Make it "
             "`multi_head_attention(q, keys, values, n_head)`: each head attends with its own slice of "
             "`head_dim = len(q) // n_head` numbers of `q`, of every key and of every value, and the "
             "heads' outputs are joined back, head 0 first, to the full width.",
        hint="Loop over `h in range(n_head)`; the head's slice starts at `h * head_dim`. Each head scales "
             "its scores by `head_dim ** 0.5`, not by the full width's.",
        name="multi_head_attention",
        solution=f"{FILE}:multi_head_attention",
        starter="from microgpt.step2_autograd import softmax\n\n\n"
                "def multi_head_attention(q, keys, values, n_head):\n"
                "    n_embd = len(q)\n"
                "    attn_logits = [sum(q[j] * keys[t][j] for j in range(n_embd)) / n_embd**0.5\n"
                "                   for t in range(len(keys))]\n"
                "    attn_weights = softmax(attn_logits)\n"
                "    return [sum(attn_weights[t] * values[t][j] for t in range(len(values)))\n"
                "            for j in range(n_embd)]\n",
        cases=lambda: [attention_case(1, 2, 4, 1), attention_case(2, 3, 4, 2), attention_case(3, 1, 4, 4),
                       attention_case(4, 3, 6, 3)],
        call=attention_output,
    ),
]
