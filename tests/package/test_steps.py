"""The list of steps (microgpt.steps): complete, in order, and imported lazily
so that the command line and the step modules never import each other in a
circle."""

import subprocess
import sys
from pathlib import Path

import pytest

from microgpt import steps
from microgpt.cli import STEPS

PACKAGE = Path(steps.__file__).parent


def python(code, *args):
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)


def test_every_step_module_of_the_package_is_listed_once_in_order():
    on_disk = sorted(path.stem for path in PACKAGE.glob("step[0-9]_*.py"))
    assert [step.module_name for step in steps.ALL] == on_disk
    assert [step.number for step in steps.ALL] == list(range(len(on_disk)))
    assert all(step.name == f"step{step.number}" for step in steps.ALL)
    assert steps.BY_NAME["step3"].heading == "Step 3: Attention"


def test_the_command_line_takes_its_steps_from_the_list():
    assert list(STEPS) == [step.name for step in steps.ALL]
    assert STEPS["step2"].__name__ == "microgpt.step2_autograd"
    assert all(hasattr(STEPS[name], "run") for name in STEPS)
    with pytest.raises(KeyError):
        STEPS["step9"]


def test_importing_the_command_line_loads_no_step():
    done = python("import sys, microgpt.cli, microgpt.steps; "
                  "print(sorted(m for m in sys.modules if m.startswith('microgpt.step')))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['microgpt.steps']"


@pytest.mark.needs_names
def test_a_step_run_as_a_program_is_not_imported_a_second_time():
    done = python(
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('microgpt.step0_counting', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as end:\n"
        "    assert end.code == 0, end.code\n"
        "print('loaded twice' if 'microgpt.step0_counting' in sys.modules else 'loaded once')\n",
        "--steps", "2", "--samples", "1",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "num docs: 32033"
    assert done.stdout.splitlines()[-1] == "loaded once"


class Stop(Exception):
    pass


@pytest.mark.parametrize("program", [*STEPS, "fast"])
def test_watch_sees_every_step_and_can_stop_the_run(program, tmp_path):
    """The site's live training draws each step's loss with `watch`, and its Stop button
    raises from it. A few names of our own: on names.txt, Step 1's gradient check before
    its first step alone takes seconds."""
    from microgpt import fast
    from microgpt.config import RunConfig

    names = tmp_path / "names.txt"
    names.write_text("al\nbo\nem\nli\n")  # short: the gradient check costs a pass per letter
    config = RunConfig(num_steps=50, data=str(names))
    run = fast.run if program == "fast" else STEPS[program].run
    seen = []
    result = run(config, log=lambda line: None, stop_after=3,
                 watch=lambda step, loss: seen.append((step, loss)))
    assert seen == list(enumerate(result["losses"])) and len(seen) == 3

    def stop_at_second(step, loss):
        if step == 1:
            raise Stop
    with pytest.raises(Stop):
        run(config, log=lambda line: None, watch=stop_at_second)
