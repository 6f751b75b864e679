"""Step 4's numbers (sitebuild.chapters.step4): shapes, heads, a coin toss."""

from sitebuild.chapters import step1 as ch1
from sitebuild.chapters import step3 as ch3
from sitebuild.chapters import step4 as ch4


def test_shapes():
    shapes = {"wte": [27, 16], "layer0.attn_wq": [16, 16], "layer0.mlp_fc1": [64, 16], "lm_head": [27, 16]}
    assert ch1.parameter_count(shapes) == 27 * 16 * 2 + 256 + 1024
    assert ch1.parameter_count(shapes, "wte", "lm_head") == 27 * 16 * 2
    assert ch4.layer_parameter_count(shapes) == 256 + 1024
    assert ch3.new_matrices(shapes, {"wte": [27, 16]}) == ["layer0.attn_wq", "layer0.mlp_fc1", "lm_head"]
    model = {"n_embd": 16, "n_head": 4}
    assert ch4.head_dim(model) == 4
    assert ch4.head_starts(model) == [0, 4, 8, 12]


def test_about_half():
    assert ch4.about_half(520, 1000)
    assert not ch4.about_half(560, 1000)
