"""The measuring tools of the chapter "Why is it so slow?": they report, and
they refuse to report when the engines disagree."""

import random

import pytest

from microgpt import bench, speed, step4_transformer
from microgpt.config import ModelConfig
from microgpt.data import Tokenizer
from microgpt.step2_autograd import Value


def test_one_step_side_by_side(capsys):
    assert bench.main(["1"]) == 0
    out = capsys.readouterr().out
    assert "printed lines identical: yes (4 lines)" in out
    assert "x faster, peak memory" in out


def test_different_output_is_an_error(monkeypatch, capsys):
    def fake(engine, steps):
        return {"engine": engine, "seconds": 1.0, "peak_mib": 1.0,
                "printed": ["num docs: 1", f"step    1 /    1 | loss {engine}"]}

    monkeypatch.setattr(bench, "measure_in_child", fake)
    assert bench.main(["1"]) == 1
    err = capsys.readouterr().err
    assert "different lines, first at line 2" in err and err.count("\n") == 1


def test_impossible_step_counts_are_refused(capsys):
    with pytest.raises(SystemExit) as stopped:
        bench.main(["0"])
    assert stopped.value.code == 2
    assert "steps must be between 1 and 1000, got 0" in capsys.readouterr().err


def test_value_counter_counts_only_inside_its_block():
    with speed.ValueCounter() as counter:
        Value(2.0) * 3  # the 3 becomes a Value too
    Value(1.0)
    assert counter.created == 3
    assert Value.__init__ is not None and Value(1.0).grad == 0  # restored


def test_graph_census_of_a_small_model():
    model = ModelConfig(n_embd=4, n_head=1, block_size=3)
    tokenizer = Tokenizer(["ab", "ba"])
    state_dict = step4_transformer.init_state_dict(random.Random(0), tokenizer.vocab_size, model)
    rows = speed.graph_census(state_dict, ["ab", "abab"], tokenizer, model, 2)
    assert [row["positions"] for row in rows] == [3, 3]  # "abab" is cut at block_size
    num_params = sum(len(m) * len(m[0]) for m in state_dict.values())
    for row in rows:  # the graph holds new Values and parameters, nothing else
        assert row["in_graph"] - num_params <= row["new_in_graph"] < row["created"]
        assert row["new_in_graph"] < row["in_graph"] and row["bytes"] > 0
