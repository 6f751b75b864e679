"""The chapter "Why is it so slow?": its figures and pictures, from
docs/results/speed.json (written by `python -m microgpt.speed`)."""

from statistics import median

from microgpt.config import ModelConfig
from sitebuild.claims import Check
from sitebuild.common import mean, results, timings
from sitebuild.plotting import style

PHASES = ("forward", "backward", "update")
ENGINE_NAMES = {"step5": "Step 5 (a Value per number)", "fast": "fast engine (floats, backward by hand)"}


# Numbers of the pages ----------------------------------------------------------------------

def speed_figures(speed, num_steps=1000):
    """What the chapter "Why is it so slow?" says about microgpt.speed's
    measurements (times in ms, memory in MiB)."""
    census, split, steps = speed["census"], speed["split"], speed["split_steps"]
    created = [row["created"] for row in census]
    in_graph = [row["in_graph"] for row in census]
    positions = [row["positions"] for row in census]
    new_nodes = sum(row["new_in_graph"] for row in census)
    slow_total = sum(split["step5"][phase] for phase in PHASES)
    phases = [{"phase": phase, "step5_ms": 1000 * split["step5"][phase] / steps,
               "share": split["step5"][phase] / slow_total,
               "fast_ms": 1000 * split["fast"][phase] / steps} for phase in PHASES]
    for row in phases:
        row["percent"] = 100 * row["share"]

    growth = speed["growth"]
    by_length, by_width = growth["by_length"], growth["by_width"]

    def worst_fit(rows, key, reference):
        """Largest relative distance of Step 5's time from time ∝ graph nodes,
        the line through the reference point."""
        ref = next(row for row in rows if row[key] == reference)
        return max(abs(row["step5"] / (row["nodes"] * ref["step5"] / ref["nodes"]) - 1) for row in rows)

    default_width = ModelConfig().n_embd
    width_from = next(row for row in by_width if row["n_embd"] == default_width)
    first, last = by_length[0], by_length[-1]
    per_node_first, per_node_last = first["step5"] / first["nodes"], last["step5"] / last["nodes"]

    bench = speed["bench"]
    slow, quick = bench["runs"]["step5"], bench["runs"]["fast"]
    fit_worst = max(worst_fit(by_length, "positions", growth["width_positions"]),
                    worst_fit(by_width, "n_embd", default_width))
    return {
        "names": len(census),
        "created_min": min(created), "created_max": max(created), "created_mean": mean(created),
        "created_mean_whole": round(mean(created)),
        "in_graph_min": min(in_graph), "in_graph_max": max(in_graph),
        "positions_min": min(positions), "positions_max": max(positions),
        "blocks_per_node": sum(row["blocks"] for row in census) / new_nodes,
        "bytes_per_node": sum(row["bytes"] for row in census) / new_nodes,
        "largest_graph_mib": max(row["bytes"] for row in census) / 2**20,
        "phases": phases,
        "step5_graph_share": (split["step5"]["forward"] + split["step5"]["backward"]) / slow_total,
        "step5_update_share": split["step5"]["update"] / slow_total,
        "step5_update_percent": 100 * (split["step5"]["update"] / slow_total),
        "fast_update_ms": phases[2]["fast_ms"],
        "fast_step_ms": sum(row["fast_ms"] for row in phases),
        "fit_worst": fit_worst, "fit_worst_percent": 100 * fit_worst,
        "per_node_first_us": 1e6 * per_node_first, "per_node_last_us": 1e6 * per_node_last,
        "per_node_grows": per_node_last > 1.1 * per_node_first,
        "length_nodes_ratio": last["nodes"] / first["nodes"],
        "length_time_ratio": last["step5"] / first["step5"],
        "width_from": width_from["n_embd"], "width_to": by_width[-1]["n_embd"],
        "width_nodes_ratio": by_width[-1]["nodes"] / width_from["nodes"],
        "width_time_ratio": by_width[-1]["step5"] / width_from["step5"],
        "step5_ms": 1000 * slow["seconds"] / bench["steps"],
        "fast_ms": 1000 * quick["seconds"] / bench["steps"],
        "fast_full_seconds": quick["seconds"] / bench["steps"] * num_steps,
        "step5_full_minutes": slow["seconds"] / bench["steps"] * num_steps / 60,
        "step5_added_mib": slow["peak_mib"] - slow["before_training_mib"],
        "fast_added_mib": quick["peak_mib"] - quick["before_training_mib"],
    }


def memory_percent(speed):
    """The fast program's peak memory as a percentage of Step 5's."""
    return 100 * speed["bench"]["memory_ratio"]


def parameter_kib():
    """KiB that Step 5's parameters take as plain 8-byte floats."""
    return results("step5")["num_params"] * 8 / 1024


# Pictures -------------------------------------------------------------------------------------


def phases(fig, theme):
    """Milliseconds per training step, phase by phase, both engines."""
    speed = results("speed")
    ax = fig.subplots()
    steps = speed["split_steps"]
    height = 0.38
    for k, (engine, label) in enumerate(ENGINE_NAMES.items()):
        ms = [1000 * speed["split"][engine][phase] / steps for phase in PHASES]
        ys = [i + (k - 0.5) * height for i in range(len(PHASES))]
        ax.barh(ys, ms, height=height, color=theme["lines"][k], label=label)
        for y, value in zip(ys, ms):
            ax.text(value, y, f" {value:.1f} ms", va="center", color=theme["text"], fontsize=8)
    ax.set_yticks(range(len(PHASES)), PHASES)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(right=ax.get_xlim()[1] * 4)  # room for the labels of the longest bars
    ax.set_xlabel(f"milliseconds per training step (log scale; mean of the first {steps} steps)")
    ax.legend(loc="lower right", frameon=False, labelcolor=theme["text"], fontsize=8)
    ax.grid(axis="x", color=theme["grid"], linewidth=0.5)
    style(ax, theme)


def growth_panel(ax, theme, rows, key, reference, xlabel):
    """Measured seconds of both engines, and Step 5's expected growth: time in
    proportion to the number of graph nodes, scaled through one measured point."""
    xs = [row[key] for row in rows]
    ref = next(row for row in rows if row[key] == reference)
    per_node = ref["step5"] / ref["nodes"]
    ax.plot(xs, [1000 * row["nodes"] * per_node for row in rows], color=theme["faint"],
            linestyle="--", label=f"expected: ∝ graph nodes (through {key} = {reference})")
    for k, engine in enumerate(("step5", "fast")):
        ax.plot(xs, [1000 * row[engine] for row in rows], "o-", color=theme["lines"][k],
                label=ENGINE_NAMES[engine] + ", measured")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("ms per name (forward + backward)")
    ax.grid(color=theme["grid"], linewidth=0.5)
    style(ax, theme)


def growth(fig, theme):
    speed = results("speed")["growth"]
    by_length, by_width = fig.subplots(1, 2, sharey=True)
    # the reference points: the default width, and the length used for the widths
    width, length = ModelConfig().n_embd, speed["width_positions"]
    growth_panel(by_length, theme, speed["by_length"], "positions", length,
                 f"positions in the name (n_embd = {width})")
    growth_panel(by_width, theme, speed["by_width"], "n_embd", width,
                 f"n_embd ({length} positions)")
    handles, labels = by_length.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=1, frameon=False,
               labelcolor=theme["text"], fontsize=8)


# The ladder of engines (docs/results/ladder.json, written by `python -m microgpt.ladder`) -----

LADDER_NAMES = {"step5": "Step 5 as written", "looped": "fast engine, products as loops",
                "fast": "fast engine, generated products", "numpy": "NumPy engine"}


def ladder_figures(ladder):
    """Per engine (slowest first): ms per training step (median, fastest and
    slowest of the rounds), speed against Step 5, the flops per second it
    reaches and how far that is below the machine's measured peak."""
    steps, flops = ladder["steps"], ladder["flops"]
    step_flops = flops["forward"] + flops["backward"] + flops["update"]
    peak = median(ladder["peak_flops_per_second"])
    slowest = median(ladder["seconds"]["step5"]) / steps
    rows = []
    for engine, seconds in ladder["seconds"].items():
        per_step = [s / steps for s in seconds]
        typical = median(per_step)
        rows.append({"engine": engine, "label": LADDER_NAMES[engine], "ms": 1000 * typical,
                     "ms_min": 1000 * min(per_step), "ms_max": 1000 * max(per_step),
                     "speedup": slowest / typical, "mflops": step_flops / typical / 1e6,
                     "below_peak": peak * typical / step_flops,
                     "below_peak_whole": round(peak * typical / step_flops)})
    loads = [load for runs in ladder["loads"].values() for load in runs]
    by_engine = {row["engine"]: row for row in rows}
    return {"rows": rows, "by_engine": by_engine,
            "generated_gain": by_engine["looped"]["ms"] / by_engine["fast"]["ms"],
            "numpy_gain": by_engine["fast"]["ms"] / by_engine["numpy"]["ms"],
            "step_flops": step_flops, "step_kflops": step_flops / 1e3,
            "forward_kflops": flops["forward"] / 1e3, "backward_kflops": flops["backward"] / 1e3,
            "update_kflops": flops["update"] / 1e3,
            "update_per_param": flops["update"] / results("step5")["num_params"],
            "peak_gflops": peak / 1e9, "peak_gflops_min": min(ladder["peak_flops_per_second"]) / 1e9,
            "peak_gflops_max": max(ladder["peak_flops_per_second"]) / 1e9,
            "peak_step_us": 1e6 * step_flops / peak, "load_min": min(loads), "load_max": max(loads)}


def ladder(fig, theme):
    """Milliseconds per training step of each engine (log scale): the median
    of the rounds, a whisker from the fastest to the slowest, and the time
    the step's arithmetic would take at the machine's measured peak."""
    figures = ladder_figures(results("ladder"))
    rows = figures["rows"]
    ax = fig.subplots()
    ys = range(len(rows))
    ms = [row["ms"] for row in rows]
    spread = [[row["ms"] - row["ms_min"] for row in rows], [row["ms_max"] - row["ms"] for row in rows]]
    ax.barh(ys, ms, xerr=spread, color=theme["lines"][0], ecolor=theme["text"], capsize=3, height=0.6)
    for y, row in zip(ys, rows):
        ax.text(row["ms_max"] * 1.15, y, f"{row['ms']:.3g} ms  ({row['speedup']:,.0f}×)", va="center",
                color=theme["text"], fontsize=8)
    at_peak = figures["peak_step_us"] / 1000
    ax.axvline(at_peak, color=theme["lines"][1], linestyle="--",
               label=f"the same arithmetic at the measured peak: {at_peak * 1000:.1f} µs")
    ax.set_yticks(list(ys), [row["label"] for row in rows])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(at_peak / 3, max(row["ms_max"] for row in rows) * 30)
    ax.set_xlabel("ms per training step, log scale (whiskers: fastest to slowest round)")
    fig.legend(loc="outside lower center", frameon=False, labelcolor=theme["text"], fontsize=8)
    ax.grid(axis="x", color=theme["grid"], linewidth=0.5)
    style(ax, theme)


PICTURES = {
    "speed/phases": (phases, (7, 2.6)),
    "speed/growth": (growth, (7, 3.6)),
    "speed/ladder": (ladder, (7, 3.2)),
}

WIDGETS = {}  # the chapter has none


def fast_full_estimate(speed):
    """CPU seconds a full run of the fast engine would take: Step 5's timed full
    run (timings.json) divided by the speed-up this chapter measured."""
    return timings()["step5"] / speed["bench"]["speedup"]


# --- claims ---

SMALL_PERCENT = 5  # a phase under 5% of a training step is "little"


def graph_percent(figures):
    """The share of Step 5's training step spent in the forward and backward
    passes (building the graph, walking it), in percent."""
    return 100 * figures["step5_graph_share"]


def fast_update_percent(figures):
    """The share of the fast engine's training step spent in Adam's update, in percent."""
    return 100 * figures["fast_update_ms"] / figures["fast_step_ms"]


def largest_phase(figures, phase):
    """Whether `phase` takes the largest share of Step 5's training step."""
    shares = {row["phase"]: row["share"] for row in figures["phases"]}
    largest = max(shares, key=shares.get)
    return Check(largest == phase, f"the largest share of Step 5's step is the {largest} pass's, "
                                   f"{shares[largest]:.0%}, and should be the {phase} pass's")
