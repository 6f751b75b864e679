"""Step 0's exercises: counting pairs, add-one smoothing, the loss of a name."""

from .checking import Case, Exercise

FILE = "microgpt/step0_counting.py"


def counted(function, args):
    """add_pairs changes the table it is given: compare the table afterwards."""
    counts, tokens = args
    function(counts, tokens)
    return counts


def zeros():
    return [[0] * 3 for _ in range(3)]


def small_table():
    """A 3-token table with a few counts, an empty row and a big one."""
    return [[0, 2, 1], [0, 0, 0], [40, 0, 1000]]


EXERCISES = [
    Exercise(
        id="step0-add-pairs",
        title="Count the pairs of a name",
        task="Write `add_pairs(counts, tokens)`: for every pair of neighbouring tokens `(current, next)` "
             "of the name, add one to `counts[current][next]`. It returns nothing; it changes the table.",
        hint="`zip(tokens, tokens[1:])` gives each pair once. A name of one token has no pair at all.",
        name="add_pairs",
        solution=f"{FILE}:add_pairs",
        starter="def add_pairs(counts, tokens):\n"
                "    for i in range(len(tokens)):\n"
                "        counts[tokens[i]][tokens[i + 1]] += 1\n",
        cases=lambda: [
            Case("counts = a 3 x 3 table of zeros, tokens = [0, 1, 2, 0]", (zeros(), [0, 1, 2, 0])),
            Case("counts = a 3 x 3 table of zeros, tokens = [0, 1, 0, 1, 0] (a pair seen twice)",
                 (zeros(), [0, 1, 0, 1, 0])),
            Case(f"counts = {small_table()}, tokens = [2, 2, 2]", (small_table(), [2, 2, 2])),
            Case("counts = a 3 x 3 table of zeros, tokens = [1] (no pair)", (zeros(), [1])),
        ],
        call=counted,
    ),
    Exercise(
        id="step0-bigram",
        title="Add-one smoothing",
        task="Write `bigram(counts, token_id)`: the probabilities of each next token after `token_id`, "
             "from its row of counts, with one pretend count added to every cell so that no pair has "
             "probability zero.",
        hint="Add one to every count of the row, then divide each by the new total, which is the sum of "
             "the row plus its length. A row of zeros must give equal probabilities, not a division by zero.",
        name="bigram",
        solution=f"{FILE}:bigram",
        starter="def bigram(counts, token_id):\n"
                "    row = counts[token_id]\n"
                "    total = sum(row)\n"
                "    return [c / total for c in row]\n",
        cases=lambda: [Case(f"counts = {small_table()}, token_id = {token}", (small_table(), token))
                       for token in (0, 1, 2)],
    ),
    Exercise(
        id="step0-pair-losses",
        title="The loss of every pair",
        task="Write `pair_losses(counts, tokens)`: for every pair `(current, next)` of the name, "
             "`-log p(next | current)`, with `p` from the package's `bigram`.",
        hint="`bigram(counts, current)` is the whole row of probabilities; take the one of `next`, "
             "its `math.log`, and change the sign. A pair the table never saw still has a finite loss, "
             "thanks to smoothing.",
        name="pair_losses",
        solution=f"{FILE}:pair_losses",
        starter="import math\n\n"
                "from microgpt.step0_counting import bigram\n\n\n"
                "def pair_losses(counts, tokens):\n"
                "    return []\n",
        cases=lambda: [Case(f"counts = {small_table()}, tokens = {tokens}{note}", (small_table(), tokens))
                       for tokens, note in (([0, 1, 2, 0], ""), ([2, 2], " (a pair seen 1000 times)"),
                                            ([1, 0, 0], " (pairs never seen)"))],
    ),
]
