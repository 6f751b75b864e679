"""Step 5, Adam: running means and their memory, Adam's moments on a recorded
gradient, every step side by side; the pictures of the chapter, and the data
of its widgets (widgets/step5.js, the loss-curve chart)."""

import random

from microgpt.step1_gradient_descent import INIT_STD
from microgpt.step5_adam import BETA1, BETA2, EPS, LEARNING_RATE
from microgpt.steps import ALL as STEPS
from sitebuild.chapters.step3 import FOCUSED
from sitebuild.chapters.step4 import all_losses
from sitebuild.claims import Check, ratio_above, within_percent_of_fit
from sitebuild.common import (
    WINDOW,
    mean_last,
    model_data,
    results,
    rounded,
    running_mean,
    same_places,
)
from sitebuild.diagrams import pipeline
from sitebuild.plotting import LOSS_CURVE_POINTS, every_nth, style

# The decay rates Kingma and Ba's Adam paper suggests (and most libraries use
# by default), for comparison with Step 5's BETA1 and BETA2.
PAPER_BETA1, PAPER_BETA2 = 0.9, 0.999
SHOWN_DIGITS = 3  # losses and averages are printed with 3 decimals
MOMENT_POINTS = 300  # points per curve of the moments picture: as much as a plot this wide can show
BETAS = sorted({0.0, 0.3, 0.5, 0.7, 0.8, BETA1, 0.9, 0.95, 0.98, BETA2, 0.995, 0.999})  # the beta widget
SMOOTHING_WINDOWS = (5, 10, 20, WINDOW, 100, 200)  # the loss chart's slider; 5 = one point per drawn step
BETA1_CHOICES = sorted({0.0, 0.5, 0.7, 0.8, BETA1, 0.9, 0.95, 0.99})  # 5.2's slider
BETA_PANELS = (0.5, BETA1, BETA2)  # the three panels of 5.2's picture of running means
TRACE_MATRIX = "lm_head"  # 5.2: its watched weight (the BOS score's) gets a gradient at every step
TRACE_STEPS = 200  # 5.2 shows the first 200 training steps, where the averages settle


# Numbers of the pages ----------------------------------------------------------------------

def memory_length(beta):
    """Roughly how many steps a running mean with decay `beta` remembers: 1 / (1 - beta)."""
    if not 0 <= beta < 1:
        raise ValueError(f"a decay rate must be in [0, 1), got {beta}")
    return 1 / (1 - beta)


def whole_memory_length(beta):
    """memory_length(beta) rounded to whole steps."""
    return round(memory_length(beta))


def new_gradient_weight(beta):
    """The weight a running mean with decay `beta` gives the newest value: 1 - beta."""
    return 1 - beta


def new_gradient_percent(beta):
    """new_gradient_weight(beta) in percent."""
    return 100 * (1 - beta)


def bias_correction(beta, steps):
    """1 - beta**steps: what a running mean started at zero holds of the true
    average after `steps` steps, and what Adam divides it by."""
    return 1 - beta ** steps


def first_step_root_v(beta2):
    """sqrt(v_1) after one step, as a multiple of the gradient's size: sqrt(1 - beta2)."""
    return (1 - beta2) ** 0.5


def init_std_over_learning_rate():
    """How many times the starting weights' spread exceeds Adam's step size."""
    return INIT_STD / LEARNING_RATE


def adam_loss_gain():
    """How much lower Step 5's final mean loss is than Step 4's."""
    return mean_last(results("step4")["losses"]) - mean_last(results("step5")["losses"])


def adam_state_floats():
    """Floats Adam keeps besides the weights: a first and a second moment per parameter."""
    return 2 * results("step5")["num_params"]


def adam_trace(grads, beta1=BETA1, beta2=BETA2, eps=EPS):
    """Adam's two running means over a recorded gradient history, kept as
    step5_adam.Adam keeps them, with any decay rates: per step the raw `m`
    and `v`, their bias-corrected `m_hat` and `v_hat`, `sqrt_v_hat`, and `step`, the move
    m_hat / (sqrt(v_hat) + eps) in units of the learning rate. With Step 5's
    rates, `m` and `v` are exactly what the run recorded (results "moments")."""
    m = v = 0.0
    trace = {"m": [], "v": [], "m_hat": [], "v_hat": [], "sqrt_v_hat": [], "step": []}
    for t, g in enumerate(grads):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1 ** (t + 1))
        v_hat = v / (1 - beta2 ** (t + 1))
        for key, value in (("m", m), ("v", v), ("m_hat", m_hat), ("v_hat", v_hat),
                           ("sqrt_v_hat", v_hat**0.5), ("step", m_hat / (v_hat**0.5 + eps))):
            trace[key].append(value)
    return trace


def noisy_signal(n=200, seed=0):
    """A made-up gradient: a slow drift buried in noise (seeded, so the picture is stable)."""
    rng = random.Random(seed)
    return [0.5 * (i / n) - 0.2 + rng.gauss(0, 0.6) for i in range(n)]


def moving_average(signal, beta):
    """Adam's running mean, with the same bias correction."""
    m, out = 0.0, []
    for t, g in enumerate(signal):
        m = beta * m + (1 - beta) * g
        out.append(m / (1 - beta ** (t + 1)))
    return out


# Pictures ------------------------------------------------------------------------------------

def step5_pipeline(fig, theme):
    ax = fig.subplots()
    pipeline(ax, [("the Step 4\ntransformer", False), ("loss", False), ("backward()", False),
                  ("m: mean of grads", True), ("v: mean of grads²", True),
                  ("bias correction", True), ("p -= lr · m̂ /\n(√v̂ + ε)", True), ("zero grads", False)],
             theme, per_row=4)
    ax.set_title("Step 5: only the update changes", color=theme["text"])


def moments(fig, theme):
    watched = results("step5")["moments"]
    axes = fig.subplots(len(watched), 1, sharex=True)
    for ax, record in zip(axes, watched):
        matrix, row, column = record["where"]
        ax.plot(*every_nth(record["grad"], MOMENT_POINTS), color=theme["faint"], linewidth=0.6,
                label="gradient")
        ax.plot(*every_nth(record["m"], MOMENT_POINTS), color=theme["lines"][0], linewidth=1.6,
                label="m (first moment)")
        ax.plot(*every_nth([v**0.5 for v in record["v"]], MOMENT_POINTS), color=theme["lines"][1],
                linewidth=1.6, label="√v (second moment)")
        ax.set_title(f"{matrix}[{row}][{column}]", fontsize=9)
        ax.grid(color=theme["grid"], linewidth=0.5)
        style(ax, theme)
    axes[0].legend(frameon=False, labelcolor=theme["text"], ncols=3, fontsize=8)
    axes[-1].set_xlabel("training step")


def beta_multiples(fig, theme):
    signal = noisy_signal()
    axes = fig.subplots(1, 3, sharey=True)
    for ax, beta in zip(axes, BETA_PANELS):
        ax.plot(signal, color=theme["faint"], linewidth=0.7)
        ax.plot(moving_average(signal, beta), color=theme["lines"][0], linewidth=2)
        ax.set_title(f"beta = {beta}", fontsize=10)
        ax.set_xlabel("step")
        ax.grid(color=theme["grid"], linewidth=0.5)
        style(ax, theme)


PICTURES = {
    "step-5/pipeline": (step5_pipeline, (9, 3.2)),
    "step-5/moments": (moments, (9, 6)),
    "step-5/beta": (beta_multiples, (10, 3)),
    "step-5/loss-curves": (lambda fig, theme: all_losses(fig, theme, STEPS), (8, 4.2)),
}


# Widget data ----------------------------------------------------------------------------------

def beta():
    """5.2: a noisy signal and its running mean for each beta of the slider."""
    signal = noisy_signal()
    return {"signal": rounded(signal, SHOWN_DIGITS), "betas": BETAS, "default": BETA1,
            "means": [rounded(moving_average(signal, b), SHOWN_DIGITS) for b in BETAS]}


def adam_trace_data():
    """5.2: the gradient Step 5's run recorded for one weight, and Adam's
    averages of it for each beta1 on the slider (beta2 as in Step 5)."""
    res = results("step5")
    watched = next(w for w in res["moments"] if w["where"][0] == TRACE_MATRIX)
    grads = watched["grad"][:TRACE_STEPS]
    traces = [adam_trace(grads, beta1, BETA2, EPS) for beta1 in BETA1_CHOICES]
    return {"where": watched["where"], "beta1s": BETA1_CHOICES, "default": BETA1, "beta2": BETA2,
            "learning_rate": LEARNING_RATE, "grad": rounded(grads, 4),
            "sqrt_v_hat": rounded(traces[0]["sqrt_v_hat"], 4),  # the same for every beta1
            "m_hat": [rounded(t["m_hat"], 4) for t in traces],
            "step": [rounded(t["step"], 3) for t in traces]}


def compare_names():
    """5.4: the names every step sampled after training (same seed, same
    temperature), and how many of them two steps share in the same places."""
    samples = [results(step.name)["samples"] for step in STEPS]
    config = results("step5")["config"]
    return {"steps": [step.number for step in STEPS], "samples": samples,
            "seed": config["seed"], "temperature": config["temperature"],
            "same": [[same_places(a, b) for b in samples] for a in samples]}


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
            smooth[window] = {"mean": rounded(shown, SHOWN_DIGITS), "lowest": round(min(means), SHOWN_DIGITS),
                              "highest": round(max(means), SHOWN_DIGITS)}
        curves[step.name] = {"number": step.number, "steps": shown_steps,
                             "last": round(mean_last(losses), SHOWN_DIGITS),
                             "smooth": [smooth[window] for window in SMOOTHING_WINDOWS]}
    return {"window": WINDOW, "windows": SMOOTHING_WINDOWS,
            "num_steps": len(results("step0")["losses"]), "curves": curves}


WIDGETS = {"beta": beta, "adam-trace": adam_trace_data, "compare-names": compare_names,
           "loss-curves": loss_curves, "model-step5": lambda: model_data("step5")}


# --- claims ---

def lowest_of_all_steps():
    """Whether Step 5's mean loss over the last WINDOW names is below that of every other step."""
    means = {step.name: mean_last(results(step.name)["losses"]) for step in STEPS}
    own = means.pop("step5")
    runner_up = min(means, key=means.get)
    return Check(own < means[runner_up], f"Step 5's mean loss of the last names, {own:.4f}, "
                                         f"is below the lowest other, {runner_up}'s {means[runner_up]:.4f}")


def roughness(average):
    """How much a running mean moves from one step to the next, on average."""
    return sum(abs(b - a) for a, b in zip(average, average[1:])) / (len(average) - 1)


def lag(average, n=200):
    """How far a running mean of noisy_signal(n) stays below the signal's
    drift over the second half of the steps, on average (the drift rises)."""
    drift = [0.5 * (i / n) - 0.2 for i in range(n)]
    half = n // 2
    return sum(d - a for d, a in zip(drift[half:], average[half:])) / (n - half)


def smoother_but_later():
    """5.2's picture: whether each larger beta of BETA_PANELS gives a smoother
    running mean (less roughness) that lags the drift more."""
    signal = noisy_signal()
    averages = [moving_average(signal, beta) for beta in BETA_PANELS]
    rough, late = [roughness(a) for a in averages], [lag(a) for a in averages]
    holds = all(a > b for a, b in zip(rough, rough[1:])) and all(a < b for a, b in zip(late, late[1:]))
    return Check(holds, f"for beta {list(BETA_PANELS)} the roughness {[round(r, 3) for r in rough]} "
                        f"falls and the lag {[round(x, 3) for x in late]} rises")


def watched_label(record):
    matrix, row, column = record["where"]
    return f"{matrix}[{row}][{column}]"


def watched_means():
    """Per watched parameter of the run (label), the mean over the steps of
    |gradient|, of √v and of |step| in units of the learning rate."""
    means = {}
    for record in results("step5")["moments"]:
        steps = adam_trace(record["grad"])["step"]
        count = len(record["grad"])
        means[watched_label(record)] = {"grad": sum(abs(g) for g in record["grad"]) / count,
                                        "root_v": sum(v**0.5 for v in record["v"]) / count,
                                        "step": sum(abs(x) for x in steps) / count}
    return means


def much_smaller(label, factor=10):
    """Whether the watched parameter's mean |gradient| and mean √v are both
    more than `factor` times smaller than those of every other watched parameter."""
    means = watched_means()
    own = means.pop(label)
    checks = [ratio_above(other[key], own[key], factor)
              for other in means.values() for key in ("grad", "root_v")]
    return Check(all(checks), "; ".join(check.description for check in checks))


STEPS_ALIKE_PERCENT = 25  # mean steps within 25% of their average are "about as large"


def watched_steps_alike(percent=STEPS_ALIKE_PERCENT):
    """Whether the watched parameters' mean steps lie within `percent`% of their average."""
    steps = [means["step"] for means in watched_means().values()]
    return within_percent_of_fit(steps, [sum(steps) / len(steps)] * len(steps), percent)


def running_gap():
    """Step 4's running mean of the loss minus Step 5's, name by name."""
    return [a - b for a, b in zip(running_mean(results("step4")["losses"]),
                                  running_mean(results("step5")["losses"]))]


def lead_largest_early():
    """Whether Step 5's lead over Step 4 (the gap of the running means) is
    largest within the first WINDOW names."""
    gap = running_gap()
    where = gap.index(max(gap))
    return Check(where < WINDOW, f"the largest lead, {gap[where]:.4f}, is at name {where + 1}, "
                                 f"within the first {WINDOW}")


def not_below_count():
    """At how many names Step 5's running mean is not below Step 4's."""
    return sum(1 for gap in running_gap() if gap <= 0)


def focused_heads_disagree(peaks):
    """Whether at least two heads pick positions (ch3.FOCUSED) and no two of them pick the same one."""
    targets = [p.target for p in peaks if p.share > FOCUSED]
    return Check(len(targets) >= 2 and len(set(targets)) == len(targets),
                 f"the heads that pick positions look at positions {targets}, each at another")
