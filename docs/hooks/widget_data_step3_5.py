"""The data of the widgets of Steps 3 to 5 and of the loss-curve chart,
computed at build time with the package (merged into widget_data.WIDGET_DATA).

Each function only selects, rounds and serialises: every number is computed
by microgpt.analysis or the step modules. The attention widgets draw what
`analysis.attention_trace(results, name)` returns for a default name; the
same function can run in the reader's browser for a name they type, and the
widgets' draw functions take its output either way.
"""

from functools import cache

from plotting import LOSS_CURVE_POINTS, every_nth, results

from microgpt import analysis
from microgpt.analysis import WINDOW, mean_last, running_mean
from microgpt.step5_adam import BETA1, BETA2, EPS, LEARNING_RATE
from microgpt.steps import ALL as STEPS

SHOWN_DIGITS = 3  # losses and weights are printed with 3 decimals
SMOOTHING_WINDOWS = (5, 10, 20, WINDOW, 100, 200)  # the loss chart's slider; 5 = one point per drawn step
BETA1_CHOICES = sorted({0.0, 0.5, 0.7, 0.8, BETA1, 0.9, 0.95, 0.99})  # 5.2's slider
TRACE_MATRIX = "lm_head"  # 5.2: its watched weight (the BOS score's) gets a gradient at every step
TRACE_STEPS = 200  # 5.2 shows the first 200 training steps, where the averages settle


def rounded(values, digits=SHOWN_DIGITS):
    """Round every float in a nest of lists and dicts (JSON-ready)."""
    if isinstance(values, float):
        return round(values, digits)
    if isinstance(values, list | tuple):
        return [rounded(v, digits) for v in values]
    if isinstance(values, dict):
        return {k: rounded(v, digits) for k, v in values.items()}
    return values


def loss_curves():
    """Per step: the running mean of its losses for each smoothing window, at
    the points the pictures draw (every 5th step of 1,000), with its range."""
    curves = {}
    for step in STEPS:
        losses = results(step.name)["losses"]
        smooth = {}
        for window in SMOOTHING_WINDOWS:
            means = running_mean(losses, window)
            shown_steps, shown = every_nth(means, LOSS_CURVE_POINTS)
            smooth[window] = {"mean": rounded(shown), "lowest": round(min(means), SHOWN_DIGITS),
                              "highest": round(max(means), SHOWN_DIGITS)}
        curves[step.name] = {"number": step.number, "steps": shown_steps,
                             "last": round(mean_last(losses), SHOWN_DIGITS),
                             "smooth": [smooth[window] for window in SMOOTHING_WINDOWS]}
    return {"window": WINDOW, "windows": SMOOTHING_WINDOWS,
            "num_steps": len(results("step0")["losses"]), "curves": curves}


def compare_names():
    """5.4: the names every step sampled after training (same seed, same
    temperature), and how many of them two steps share in the same places."""
    samples = [results(step.name)["samples"] for step in STEPS]
    config = results("step5")["config"]
    return {"steps": [step.number for step in STEPS], "samples": samples,
            "seed": config["seed"], "temperature": config["temperature"],
            "same": [[analysis.same_places(a, b) for b in samples] for a in samples]}


def adam_trace():
    """5.2: the gradient Step 5's run recorded for one weight, and Adam's
    averages of it for each beta1 on the slider (beta2 as in Step 5)."""
    res = results("step5")
    watched = next(w for w in res["moments"] if w["where"][0] == TRACE_MATRIX)
    grads = watched["grad"][:TRACE_STEPS]
    traces = [analysis.adam_trace(grads, beta1, BETA2, EPS) for beta1 in BETA1_CHOICES]
    return {"where": watched["where"], "beta1s": BETA1_CHOICES, "default": BETA1, "beta2": BETA2,
            "learning_rate": LEARNING_RATE, "grad": rounded(grads, 4),
            "sqrt_v_hat": rounded(traces[0]["sqrt_v_hat"], 4),  # the same for every beta1
            "m_hat": [rounded(t["m_hat"], 4) for t in traces],
            "step": [rounded(t["step"], 3) for t in traces]}


@cache
def attention_trace(step, name):
    """What analysis.attention_trace returns, rounded: the attention widgets
    draw this, whether it was computed here or in the reader's browser."""
    return rounded(analysis.attention_trace(results(step), name))


ATTENTION_NAMES = {  # widget: (the trained model, the default name), as on its page
    "embeddings": ("step3", "emma"), "attention-weights": ("step3", "emma"),
    "attention-output": ("step3", "emma"), "kv-cache": ("step3", "emma"),
    "heads": ("step4", "isabella"),
}


def attention_data(widget):
    return lambda: attention_trace(*ATTENTION_NAMES[widget])


def trained_model(step):
    """What analysis.attention_trace and sample_names read of a results file,
    weights at full precision: the in-browser Python loads it when a reader
    types a name or asks for samples."""
    return lambda: {key: value for key, value in results(step).items()
                    if key in ("step", "uchars", "model", "weights")}


WIDGET_DATA = {"loss-curves": loss_curves, "compare-names": compare_names, "adam-trace": adam_trace,
               **{widget: attention_data(widget) for widget in ATTENTION_NAMES},
               **{f"model-{step}": trained_model(step) for step in ("step3", "step4", "step5")}}
