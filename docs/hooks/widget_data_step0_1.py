"""The data of the widgets of Steps 0 and 1 (widgets/step0.js, widgets/step1.js).

Merged into widget_data.WIDGET_DATA, which writes each as `widgets/NAME.json`.
Every number is computed here with the package's own functions (the step
modules, on the results files); the widgets only draw it and step through it.
"""

import math

from plotting import results, token_labels

from microgpt.analysis import WINDOW, running_mean
from microgpt.config import RunConfig
from microgpt.data import Tokenizer
from microgpt.program import start
from microgpt.step0_counting import add_pairs, bigram, new_count_table, pair_losses, train
from microgpt.step1_gradient_descent import parameters

SHOWN_DIGITS = 4  # losses and probabilities are printed with 4 decimals, as on the pages
WEIGHT_DIGITS = 6  # initial weights, as 1.2's Try it prints them


def rounded(values, digits=SHOWN_DIGITS):
    return [round(v, digits) for v in values]


def count_fill():
    """0.3: the first names of training, counted one pair at a time. Each cell
    is [current id, next id, the cell's count once add_pairs has counted it]."""
    res = results("step0")
    tokenizer = Tokenizer(res["uchars"])
    counts = new_count_table(tokenizer.vocab_size)
    names = []
    for name in res["first_docs"]:
        tokens = tokenizer.encode(name)
        cells = []
        for cur, nxt in zip(tokens, tokens[1:]):
            add_pairs(counts, [cur, nxt])  # the one pair (cur, nxt)
            cells.append([cur, nxt, counts[cur][nxt]])
        names.append({"name": name, "cells": cells})
    return {"labels": token_labels(res), "names": names}


def pair_loss():
    """0.6: for every (current, next) pair, the trained table's probability of
    next (rounded for display) and its loss -log p, unrounded, so that the mean
    over a typed name's pairs is the package's name_loss to the last bit."""
    res = results("step0")
    ids = range(len(res["counts"]))
    return {"labels": token_labels(res),
            "probs": [rounded(bigram(res["counts"], i)) for i in ids],
            "losses": [[pair_losses(res["counts"], [i, j])[0] for j in ids] for i in ids]}


def step0_losses():
    """0.6: the loss of every training step and the name it scored. The names
    come from re-running Step 0 (a fraction of a second), whose losses must be
    the results file's."""
    res = results("step0")
    config = RunConfig(**res["config"])
    _, docs, tokenizer = start(config, log=lambda line: None)
    losses = train(new_count_table(tokenizer.vocab_size), docs, tokenizer, config.num_steps,
                   on_step=lambda step, loss: None)
    if losses != res["losses"]:
        raise RuntimeError("Step 0 re-run here gives other losses than docs/results/step0.json: "
                           "the results are stale; run `nox -s results`")
    return {"names": [docs[step % len(docs)] for step in range(len(losses))],
            "losses": rounded(losses), "window": WINDOW, "mean": rounded(running_mean(losses)),
            "baseline": math.log(tokenizer.vocab_size)}


def init_weights():
    """1.2: Step 1's three matrices at initialisation, and where each starts in
    the flat list parameters(state_dict)."""
    init = results("step1")["init"]
    places = parameters(init)
    first = {id(row): k for k, (row, j) in enumerate(places) if j == 0}
    return {"num_params": len(places),
            "matrices": [{"name": name, "offset": first[id(mat[0])],
                          "values": [rounded(row, WEIGHT_DIGITS) for row in mat]}
                         for name, mat in init.items()]}


WIDGET_DATA = {"count-fill": count_fill, "pair-loss": pair_loss, "step0-losses": step0_losses,
               "init-weights": init_weights}
