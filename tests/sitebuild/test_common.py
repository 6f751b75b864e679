"""What the chapters share (sitebuild.common): the statistics of losses and of
generated names, token labels, rounding, the results read once."""

import json
import math
from pathlib import Path

import pytest

from microgpt import analysis
from sitebuild import common
from sitebuild.chapters import CHAPTERS, merged


@pytest.fixture(scope="module")
def tokenizer():
    return common.tokenizer()


def test_means_of_first_and_last_losses():
    losses = [4.0, 2.0, 3.0, 1.0]
    assert analysis.mean(losses) == 2.5
    assert common.mean_first(losses, 2) == 3.0
    assert analysis.mean_last(losses, 2) == 2.0
    assert analysis.mean_last(losses, 10) == 2.5  # fewer than n: all of them
    with pytest.raises(ValueError, match="empty"):
        analysis.mean([])


def test_spread_is_the_sample_standard_deviation():
    assert common.spread_last([9.0, 1.0, 2.0, 4.0], 3) == pytest.approx(math.sqrt(7 / 3))


def test_running_mean_uses_fewer_names_at_the_start():
    assert common.running_mean([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]


def test_below_from_names_the_first_name_of_the_final_lead():
    upper = [5.0, 5.0, 5.0, 5.0, 5.0]
    lower = [6.0, 4.0, 6.0, 4.0, 4.0]  # running means (window 1): below at names 2, 4, 5
    assert common.below_from(lower, upper, window=1) == 4
    assert common.below_from(upper, upper, window=1) is None  # never strictly below
    assert common.below_from([1.0] * 5, upper, window=1) == 1


def test_first_reach():
    assert common.first_reach([5.0, 3.0, 1.0], 2.0, window=2) == 3  # means 5, 4, 2
    assert common.first_reach([5.0, 3.0, 1.0], 0.5, window=2) is None


def test_counts_over_two_loss_lists():
    a, b = [1.0, 2.00001, 3.0, 4.0], [1.0, 2.0, 2.5, 5.0]
    assert common.lower_count(a, b) == 1
    assert common.exact_count(a, b) == 1
    assert common.agree_count(a, b) == 2
    assert common.agree_count(a, b, steps=[2, 3]) == 0
    assert common.largest_gap(a, b) == 1.0
    with pytest.raises(ValueError, match="differ in length"):
        common.lower_count(a, b[:2])


def test_names():
    names = ["ana", "bo", "ana", "cy", "bo", "eve"]
    assert common.name_lengths(names) == [3, 2, 3, 2, 2, 3]
    assert common.mean_length(names) == 15 / 6
    assert common.distinct_count(names) == 4
    assert common.most_common(names) == ("ana", 2)  # tie with "bo": the first wins
    assert common.same_places(names, ["ana", "xx", "ana", "cy", "yy", "zz"]) == 3
    assert common.cut_off_count(["a" * 16, "b" * 15, "c" * 16], 16) == 2
    with pytest.raises(ValueError):
        common.same_places(names, names[:2])


def test_labels(tokenizer):
    labels = common.token_labels(tokenizer)
    assert labels[tokenizer.BOS] == "BOS" and labels[0] == "a"
    assert analysis.position_labels("ava") == ["BOS", "a", "v", "a"]


def test_rounded_rounds_every_float_of_a_nest():
    assert common.rounded([0.12345, 2, (1.23456, {"x": 9.87654})], 2) == [0.12, 2, [1.23, {"x": 9.88}]]
    assert common.rounded(1.0 / 3, 4) == 0.3333


def test_results_are_read_once_and_trained_models_built_once():
    assert common.results("step3") is common.results("step3")
    assert common.trained("step3") is common.trained("step3")
    assert common.trained_for(common.results("step3")) is common.trained("step3")
    copied = dict(common.results("step3"))  # not the stored file itself: rebuilt
    assert common.trained_for(copied) is not common.trained("step3")
    assert common.RESULTS_DIR.is_dir()


def test_every_picture_and_widget_has_one_chapter(monkeypatch):
    pictures = merged("PICTURES")
    assert len(pictures) == sum(len(chapter.PICTURES) for chapter in CHAPTERS.values())
    assert "step-3/attention" in pictures and "heads" in merged("WIDGETS")
    monkeypatch.setitem(CHAPTERS["ch5"].WIDGETS, "heads", lambda: {})
    with pytest.raises(ValueError, match="'heads' is defined by both sitebuild.chapters.step4 and "
                                         "sitebuild.chapters.step5"):
        merged("WIDGETS")


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results"


def stored(name):
    """A results file read straight from disk, not through sitebuild's cache."""
    return json.loads((RESULTS / f"{name}.json").read_text())


def test_numbers_of_the_vocabulary():
    vocab_size = len(stored("step0")["uchars"]) + 1  # the letters and BOS
    assert common.last_letter_id() == vocab_size - 2
    assert common.possible_sequences(2) == vocab_size * vocab_size
    assert common.possible_sequences(4) == vocab_size * vocab_size * vocab_size * vocab_size
    assert common.uniform_probability() == 1 / vocab_size
    assert common.uniform_loss() == -math.log(1 / vocab_size)
    assert common.pairs_in("ava") == len("ava") + 1  # BOS, a, v, a, BOS: one pair less than tokens


def test_run_seconds_and_seconds_per_step():
    seconds = stored("timings")
    assert common.run_seconds("step2") == int(seconds["step2"] + 0.5)
    assert isinstance(common.run_seconds("step2"), int)
    assert common.run_seconds("step1", 1) == float(f"{seconds['step1']:.1f}")
    assert common.seconds_per_step("step3") == seconds["step3"] / stored("step3")["config"]["num_steps"]


def test_counts_of_losses_and_names():
    assert common.training_steps(stored("step0")["losses"]) == stored("step0")["config"]["num_steps"]
    names = ["ava", "bo", "emma"]
    assert common.name_count(names) == 3
    assert (common.shortest_length(names), common.longest_length(names)) == (2, 4)
