"""The Markdown extension that includes a function or class by its name
(sitebuild/hooks/include_by_name.py), run on small made-up files."""

import textwrap

import markdown
import pytest

from sitebuild.hooks import include_by_name

SOURCE = textwrap.dedent('''\
    import functools


    @functools.cache
    def square(x):
        """A decorated function."""
        return x * x


    class Box:
        def __init__(self, x):
            # --8<-- [start:inside]
            self.x = x
            # --8<-- [end:inside]

        def doubled(self):
            return 2 * self.x


    # --8<-- [start:square]
    SQUARE = 4
    # --8<-- [end:square]
    ''')


@pytest.fixture
def project(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "shapes.py").write_text(SOURCE)
    return tmp_path


def expanded(project, *lines):
    return include_by_name.expand(list(lines), project)


def test_a_function_comes_with_its_decorator_and_nothing_around_it(project):
    assert expanded(project, '--8<-- "pkg/shapes.py:Box"')[0] == "class Box:"
    assert expanded(project, 'before', '    --8<-- "pkg/shapes.py:Box.doubled"', 'after') == [
        "before", "    def doubled(self):", "        return 2 * self.x", "after"]


def test_markers_inside_are_left_out_and_a_method_is_dedented(project):
    assert expanded(project, '--8<-- "pkg/shapes.py:Box.__init__"') == [
        "def __init__(self, x):", "    self.x = x"]


def test_a_marked_section_keeps_precedence_and_is_left_to_snippets(project):
    lines = ['--8<-- "pkg/shapes.py:square"', '--8<-- "pkg/shapes.py:inside"', '--8<-- "pkg/shapes.py"']
    assert expanded(project, *lines) == lines


@pytest.mark.parametrize("name", ["cube", "Box.tripled", "square.inner"])
def test_a_name_that_is_neither_a_section_nor_a_definition_fails_loudly(project, name):
    with pytest.raises(include_by_name.IncludeError, match=rf"no top-level def or class '{name}'"):
        expanded(project, f'--8<-- "pkg/shapes.py:{name}"')


def test_a_missing_file_fails_loudly(project):
    with pytest.raises(include_by_name.IncludeError, match=r"pkg/gone\.py: cannot read it"):
        include_by_name.definition_lines(project / "pkg" / "gone.py", "square")


def test_in_a_page_it_runs_before_pymdownx_snippets(project):
    md = markdown.Markdown(extensions=[include_by_name.IncludeByNameExtension(base_path=str(project)),
                                       "pymdownx.snippets"],
                           extension_configs={"pymdownx.snippets": {"base_path": [str(project)],
                                                                    "check_paths": True}})
    lines = ['```py title="pkg/shapes.py"', '--8<-- "pkg/shapes.py:square"', "",
             '--8<-- "pkg/shapes.py:Box.doubled"', "```"]
    for preprocessor in md.preprocessors:
        lines = preprocessor.run(lines)
    while not lines[-1]:
        lines.pop()  # Markdown's own preprocessors end the text with blank lines
    assert lines == ['```py title="pkg/shapes.py"', "SQUARE = 4", "", "def doubled(self):",
                     "    return 2 * self.x", "```"]
