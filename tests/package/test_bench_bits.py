"""The bench compares the engines to the last bit, not only their printout."""

from microgpt import bench


def test_the_same_printout_with_other_bits_is_an_error(monkeypatch, capsys):
    def fake(engine, steps):
        return {"engine": engine, "seconds": 1.0, "peak_mib": 1.0, "printed": ["step 1 | loss 3.3"],
                "digest": "0" * 64 if engine == "step5" else "1" * 64}

    monkeypatch.setattr(bench, "measure_in_child", fake)
    assert bench.main(["1"]) == 1
    err = capsys.readouterr().err
    assert "losses or weights differ in the last bits" in err and err.count("\n") == 1
