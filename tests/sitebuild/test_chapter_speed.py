"""The figures of the chapter "Why is it so slow?" (sitebuild.chapters.speed),
from the stored measurements."""

import json
from pathlib import Path

import pytest

from sitebuild.chapters import speed as speed_ch


def test_the_chapters_figures_agree_with_the_stored_measurements():
    stored = json.loads(Path("docs/results/speed.json").read_text())
    figures = speed_ch.speed_figures(stored)
    assert sum(row["share"] for row in figures["phases"]) == pytest.approx(1)
    assert figures["created_min"] <= figures["created_mean"] <= figures["created_max"]
    assert figures["fast_step_ms"] == pytest.approx(sum(row["fast_ms"] for row in figures["phases"]))
    assert figures["fit_worst"] >= 0
    assert figures["step5_ms"] / figures["fast_ms"] == pytest.approx(stored["bench"]["speedup"])


def test_percentages_and_sizes_of_the_chapter():
    stored = json.loads(Path("docs/results/speed.json").read_text())
    figures = speed_ch.speed_figures(stored)
    assert [row["percent"] for row in figures["phases"]] == [100 * row["share"] for row in figures["phases"]]
    assert figures["step5_update_percent"] == pytest.approx(100 * figures["step5_update_share"])
    assert figures["fit_worst_percent"] == pytest.approx(100 * figures["fit_worst"])
    assert figures["created_mean_whole"] == int(figures["created_mean"] + 0.5)
    assert speed_ch.memory_percent(stored) == 100 * stored["bench"]["memory_ratio"]
    step5 = json.loads(Path("docs/results/step5.json").read_text())
    assert speed_ch.parameter_kib() * 1024 == pytest.approx(8 * step5["num_params"])


def test_the_shares_the_pages_name():
    figures = {"phases": [{"phase": "forward", "share": 0.6}, {"phase": "backward", "share": 0.3},
                          {"phase": "update", "share": 0.1}],
               "step5_graph_share": 0.9, "fast_update_ms": 2.0, "fast_step_ms": 8.0}
    assert speed_ch.graph_percent(figures) == pytest.approx(90)
    assert speed_ch.fast_update_percent(figures) == pytest.approx(25)
    assert speed_ch.largest_phase(figures, "forward")
    assert not speed_ch.largest_phase(figures, "backward")


def test_the_fast_engines_full_run_is_step5s_timed_run_over_the_speedup():
    stored = json.loads(Path("docs/results/speed.json").read_text())
    timed = json.loads(Path("docs/results/timings.json").read_text())["step5"]
    assert speed_ch.fast_full_estimate(stored) * stored["bench"]["speedup"] == pytest.approx(timed)


def test_the_ladder_figures_agree_with_the_stored_measurements():
    stored = json.loads(Path("docs/results/ladder.json").read_text())
    figures = speed_ch.ladder_figures(stored)
    rows = figures["rows"]
    assert [row["engine"] for row in rows] == list(stored["seconds"])
    assert figures["by_engine"]["step5"]["speedup"] == 1
    for row, seconds in zip(rows, stored["seconds"].values()):
        assert row["ms_min"] <= row["ms"] <= row["ms_max"]
        assert row["ms_min"] == pytest.approx(1000 * min(seconds) / stored["steps"])
        # the time at the peak, times how far below it, is the engine's time
        assert row["below_peak"] * figures["peak_step_us"] / 1000 == pytest.approx(row["ms"])
    assert figures["step_kflops"] == pytest.approx(
        figures["forward_kflops"] + figures["backward_kflops"] + figures["update_kflops"])
    assert figures["peak_gflops_min"] <= figures["peak_gflops"] <= figures["peak_gflops_max"]
    assert figures["generated_gain"] == pytest.approx(
        figures["by_engine"]["looped"]["ms"] / figures["by_engine"]["fast"]["ms"])
