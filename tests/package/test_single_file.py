"""The single-file programs generated from the package (microgpt.single_file).

The site serves them; tests/site runs each one's first 20 steps against the
package, and `nox -s reproduce_downloads` runs them in full."""

import ast
import importlib.metadata
import re
import subprocess
import sys

import pytest

from microgpt.cli import STEPS
from microgpt.single_file import PACKAGE_DIR, generate
from microgpt.single_file import main as single_file_main


@pytest.fixture(scope="module")
def programs():
    return {step: generate(step) for step in STEPS}


@pytest.mark.parametrize("step", STEPS)
def test_a_program_imports_only_the_standard_library(programs, step):
    tree = ast.parse(programs[step])
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert all(isinstance(node, ast.Import) or node.level == 0
               for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)), "a relative import"
    assert imported and imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


@pytest.mark.parametrize("step", STEPS)
def test_a_program_defines_each_name_once_and_names_its_origin(programs, step):
    source = programs[step]
    tree = ast.parse(source)
    defined = [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    defined += [t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets]
    assert len(defined) == len(set(defined)), sorted(defined)
    assert "--8<--" not in source
    assert f"version {importlib.metadata.version('microgpt')}" in ast.get_docstring(tree)
    assert f"# ---- microgpt/{STEPS[step].__name__.rsplit('.', 1)[1]}.py ----" in source


def test_only_what_the_step_uses_is_kept(programs):
    step0 = ast.parse(programs["step0"])
    names = {node.name for node in step0.body if isinstance(node, ast.FunctionDef)}
    assert {"bigram", "train", "sample", "run", "load_docs"} <= names
    assert not names & {"linear", "softmax", "gpt", "build_parser", "main"}  # other steps, the cli
    # Step 5 keeps its own `run` and calls Step 4's under the module's name
    assert "return step4_transformer_run(config, log" in programs["step5"]


def run_program(path, *args):
    return subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          timeout=120, cwd=path.parent)


def test_step0_prints_what_the_package_prints(programs, tmp_path):
    path = tmp_path / "step0.py"
    path.write_text(programs["step0"])
    args = ["--steps", "30", "--samples", "3", "--temperature", "0.7"]
    done = run_program(path, *args)
    package = subprocess.run([sys.executable, "-m", "microgpt", "step0", *args], capture_output=True,
                             text=True, timeout=120)
    assert done.returncode == package.returncode == 0, done.stderr
    assert done.stdout == package.stdout and "sample  3: " in done.stdout


def test_bad_input_gets_one_line_from_the_program(programs, tmp_path):
    path = tmp_path / "step4.py"
    path.write_text(programs["step4"])
    done = run_program(path, "--n-head", "3")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == ("step4.py: error: n_embd (16) must be divisible by n_head (3): "
                           "every head gets an equal slice of the embedding\n")


def test_the_generator_refuses_an_unknown_step(capsys):
    assert single_file_main(["step9"]) == 2
    assert "usage: python -m microgpt.single_file STEP" in capsys.readouterr().err


def sections(program):
    """The program's definitions by package module: {module: {name in the program: node}}."""
    tree, out, module = ast.parse(program), {}, None
    headers = {number: line.removeprefix("# ---- microgpt/").removesuffix(".py ----")
               for number, line in enumerate(program.splitlines(), start=1) if line.startswith("# ---- ")}
    for node in tree.body:
        module = next((headers[n] for n in sorted(headers, reverse=True) if n < node.lineno), module)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.setdefault(module, {})[node.name] = node
    return out


@pytest.mark.parametrize("step", STEPS)
def test_a_program_holds_every_taught_definition_exactly_as_the_package_minus_markers(programs, step):
    """Each function and class of a step module in the program is its package
    source line for line, with the snippet markers left out. The one change
    allowed is the generator's renaming of a name that two modules define
    (Step 4's `run` and `LEARNING_RATE` in step5.py): both sides are compared
    with the module prefix taken off (`step4_transformer.run`, `step4_transformer_run`
    and `STEP4_TRANSFORMER_LEARNING_RATE` all read as the bare name), and a
    renamed definition without its indentation."""
    program = programs[step]
    lines = program.splitlines()
    found = sections(program)
    taught = [module for module in found if module.startswith("step")]
    assert STEPS[step].__name__.rsplit(".", 1)[1] in taught

    def unprefixed(text, separator):
        for module in taught:
            text = re.sub(rf"\b(?:{module}|{module.upper()}){re.escape(separator)}(?=\w)", "", text)
        return text

    compared = 0
    for module in taught:
        source = (PACKAGE_DIR / f"{module}.py").read_text()
        in_program = {unprefixed(name, "_"): node for name, node in found[module].items()}
        for node in ast.parse(source).body:
            placed = in_program.get(getattr(node, "name", None))
            if placed is None:
                continue
            expected = [line for line in source.splitlines()[node.lineno - 1:node.end_lineno]
                        if "--8<--" not in line]
            got = lines[placed.lineno - 1:placed.end_lineno]
            if placed.name != node.name:  # renamed: the lines that continue its `def` are realigned
                got, expected = ([line.lstrip() for line in side] for side in (got, expected))
            assert unprefixed("\n".join(got), "_") == unprefixed("\n".join(expected), "."), \
                f"{module}.{node.name}"
            compared += 1
    assert compared >= len(found[taught[-1]])


@pytest.mark.parametrize("step", STEPS)
def test_no_recording_for_the_site_is_shipped(programs, step):
    for trace in ("recorded", "moments", "watched", "flat_index", "attention=", "recording"):
        assert trace not in programs[step], trace
