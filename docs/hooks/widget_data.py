"""The data of every interactive widget, computed at build time with the package.

Each widget (docs/assets/javascripts/widgets.js) downloads one small JSON file,
`widgets/NAME.json`, holding only the numbers it draws, already computed here:
the browser draws them and handles input, it does not redo the analysis.
Where a widget computes from what the reader types (the tokens of a typed
name, the softmax of typed logits) or sets (the secant of 1.6), its JavaScript
stays, and tests/site checks what it shows against the package. The step
colours go to `widgets/steps.css`, from the same list as the pictures'
(plotting.STEP_COLOURS).
"""

import json
import logging
import time

import build_cache
import widget_data_step0_1
import widget_data_step1_2
import widget_data_step3_5
from mkdocs.structure.files import File
from pictures_step4_5 import moving_average, noisy_signal
from plotting import results, steps_css, token_labels

from microgpt.step0_counting import bigram
from microgpt.step1_gradient_descent import softmax
from microgpt.step5_adam import BETA1, BETA2

SHOWN_DIGITS = 3  # probabilities and losses are printed with 3 decimals
TEMPERATURES = [round(0.1 + 0.05 * i, 2) for i in range(39)]  # 0.10, 0.15, ..., 2.00
BETAS = sorted({0.0, 0.3, 0.5, 0.7, 0.8, BETA1, 0.9, 0.95, 0.98, BETA2, 0.995, 0.999})
LOG = logging.getLogger("mkdocs.hooks.widget_data")  # MkDocs shows its INFO lines


def rounded(values, digits=SHOWN_DIGITS):
    return [round(v, digits) for v in values]


def next_token():
    res = results("step0")
    rows = range(len(res["counts"]))
    return {"labels": token_labels(res),
            "pairs": [sum(res["counts"][i]) for i in rows],
            "probs": [rounded(bigram(res["counts"], i)) for i in rows]}


def temperature():
    logits = results("step1")["bos_logits"]
    return {"labels": token_labels(results("step0")),  # Step 1 uses Step 0's tokenizer
            "temperatures": TEMPERATURES,
            "probs": [rounded(softmax([v / t for v in logits])) for t in TEMPERATURES]}


def beta():
    signal = noisy_signal()
    return {"signal": rounded(signal), "betas": BETAS, "default": BETA1,
            "means": [rounded(moving_average(signal, b)) for b in BETAS]}


def tokenizer():
    return {"uchars": "".join(results("step0")["uchars"])}


WIDGET_DATA = {"tokenizer": tokenizer, "next-token": next_token, "temperature": temperature,
               "beta": beta, **widget_data_step0_1.WIDGET_DATA, **widget_data_step1_2.WIDGET_DATA,
               **widget_data_step3_5.WIDGET_DATA}


def compute_all():
    """Every widget's data, as JSON: {name: data}."""
    LOG.info(f"widgets: computing the data of {len(WIDGET_DATA)} widgets...")
    return json.dumps({name: make() for name, make in WIDGET_DATA.items()}).encode()


def on_files(files, config):
    started = time.perf_counter()
    for name, data in json.loads(build_cache.cached("widgets", "all.json", compute_all)).items():
        files.append(File.generated(config, f"widgets/{name}.json",
                                    content=json.dumps(data, separators=(",", ":"))))
    files.append(File.generated(config, "widgets/steps.css", content=steps_css()))
    LOG.info(f"widgets: ready in {time.perf_counter() - started:.1f} s")
    return files
