"""What the site records while the taught steps run, kept out of the steps.

The step modules stay exactly the programs a reader downloads. The site still
looks inside them: at the attention weights `gpt` computes and drops, and at
Adam's running means of a few weights over Step 5's whole run. Each recorder
here swaps a recording stand-in into a step module for one call or one run,
then puts the original back; the steps' code is never changed.
"""

from contextlib import contextmanager

from . import step5_adam

# The weights whose gradient, m and v Step 5's results keep for the pictures, as
# (matrix, row): the first token's embedding, the output row of the last token
# (BOS, whatever the size of the vocabulary: row -1) and the first query
# weight; always column 0. A matrix the model does not have is skipped.
WATCHED_ROWS = {"wte": 0, "lm_head": -1, "layer0.attn_wq": 0}


@contextmanager
def swapped(namespace, name, stand_in):
    """namespace[name] is `stand_in` while the block runs, then the original again."""
    original = namespace[name]
    namespace[name] = stand_in
    try:
        yield original
    finally:
        namespace[name] = original


def with_attention(function, *args, **kwargs):
    """Call a step's `gpt` or `multi_head_attention` with these arguments and
    return (what it returns, its attention weights): one row of plain numbers per
    layer and head, in the order the model computed them.

    The rows are what the softmax of the function's own module returned during
    the call: inside `gpt` of Steps 3 and 4 the only softmax is attention's."""
    rows = []
    namespace = function.__globals__
    softmax = namespace["softmax"]

    def recording_softmax(logits):
        weights = softmax(logits)
        rows.append([w.data for w in weights])
        return weights

    with swapped(namespace, "softmax", recording_softmax):
        return function(*args, **kwargs), rows


def watched_parameters(state_dict):
    """The watched weights of this model, as (matrix, row, column)."""
    return [(name, row % len(state_dict[name]), 0)
            for name, row in WATCHED_ROWS.items() if name in state_dict]


def flat_index(state_dict, matrix, row, column):
    """Where state_dict[matrix][row][column] sits in parameters(state_dict)."""
    before = 0
    for name, m in state_dict.items():
        if name == matrix:
            if not (0 <= row < len(m) and 0 <= column < len(m[0])):
                raise IndexError(f"{matrix}[{row}][{column}] is outside its {len(m)} x {len(m[0])} shape")
            return before + row * len(m[0]) + column
        before += len(m) * len(m[0])
    raise KeyError(matrix)


class RecordingAdam(step5_adam.Adam):
    """Step 5's Adam, unchanged, that also keeps the gradient, m and v of each
    watched weight after every update (results "moments")."""

    def __init__(self, state_dict):
        super().__init__(state_dict)
        watched = watched_parameters(state_dict)
        self.indices = [flat_index(state_dict, *where) for where in watched]
        self.moments = [{"where": list(where), "grad": [], "m": [], "v": []} for where in watched]

    def __call__(self, params, step, num_steps):
        gradients = [params[i].grad for i in self.indices]  # the update clears them
        super().__call__(params, step, num_steps)
        for record, i, gradient in zip(self.moments, self.indices, gradients):
            record["grad"].append(gradient)
            record["m"].append(self.m[i])
            record["v"].append(self.v[i])


@contextmanager
def adam_moments():
    """While the block runs, Step 5 trains with RecordingAdam. Yields a list
    that then holds the moments of each run the block made."""
    recorded = []

    def recording_adam(state_dict):
        adam = RecordingAdam(state_dict)
        recorded.append(adam.moments)
        return adam

    with swapped(vars(step5_adam), "Adam", recording_adam):
        yield recorded
