"""The six steps of the guide, in order: the one list that the command line,
the results files, the pages, the pictures and the widgets take them from;
with `PROGRAMS`, every program they can run (a step, or a step's faster engine).

A step's module is imported only when it is first needed, so importing this
list (or the command line) loads no step. When a step module runs as a
program (``python -m microgpt.step0_counting``), it is already loaded as
``__main__``; that module is used instead of importing a second copy.
"""

import importlib
import sys
from collections.abc import Mapping
from typing import NamedTuple


class Step(NamedTuple):
    number: int
    name: str  # on the command line and for the results file: "step0"
    title: str  # as in the site's navigation, after "Step N: "
    module_name: str  # the module in this package that implements it
    shaped: bool = False  # whether the model shape can be chosen (--n-layer, ...)
    fast_module: str | None = None  # the same run, bit for bit, by a faster engine (--fast)

    @property
    def heading(self):
        return f"Step {self.number}: {self.title}"

    @property
    def module(self):
        return load_module(self.module_name)


ALL = (
    Step(0, "step0", "Counting", "step0_counting"),
    Step(1, "step1", "Gradient Descent", "step1_gradient_descent"),
    Step(2, "step2", "Autograd", "step2_autograd"),
    Step(3, "step3", "Attention", "step3_attention"),
    Step(4, "step4", "Transformer", "step4_transformer", shaped=True),
    Step(5, "step5", "Adam", "step5_adam", shaped=True, fast_module="fast"),
)
BY_NAME = {step.name: step for step in ALL}
FAST = "-fast"  # "step5-fast": Step 5 run by its faster engine
# Every runnable program -> the module whose run() it calls: each step, then each faster engine.
PROGRAMS = {step.name: step.module_name for step in ALL} | {
    step.name + FAST: step.fast_module for step in ALL if step.fast_module}


def load_module(module_name):
    """The step module, imported on first use (the running program if it is one)."""
    qualified = f"{__package__}.{module_name}"
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None) == qualified:
        return main
    return importlib.import_module(qualified)


class Modules(Mapping):
    """Step name -> step module, in the order of the guide; each module is
    imported when it is first looked up."""

    def __getitem__(self, name):
        return BY_NAME[name].module

    def __iter__(self):
        return iter(BY_NAME)

    def __len__(self):
        return len(BY_NAME)


MODULES = Modules()
