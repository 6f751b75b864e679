"""The fence audit: every fenced block on every page is executed, checked
output, an include of package source, or a plain illustration."""

import re
from collections import Counter

from sitebuild.hooks import include_by_name

from .fences import DOCS, INCLUDE, all_fences

ROOT = DOCS.parent


def test_every_fence_is_accounted_for():
    fences = all_fences()
    counts = Counter(fence.kind for fence in fences)
    print("\nfence audit:", ", ".join(f"{kind} {counts[kind]}" for kind in
          ("executed", "output", "include", "exercise", "non-code", "unaccounted")))
    assert counts["executed"] > 0 and counts["include"] > 0, "the audit found no pages"
    unaccounted = [f"{f.where}: {f.reason}" for f in fences if f.kind == "unaccounted"]
    assert not unaccounted, "unaccounted fences:\n" + "\n".join(unaccounted)


def test_every_python_block_shows_its_checked_output():
    fences = all_fences()
    silent = [a.where for a, b in zip(fences, fences[1:] + [None])
              if a.kind == "executed" and a.info == "python" and (b is None or b.kind != "output")]
    assert not silent, f"python blocks with no expected output after them: {silent}"


def test_every_include_names_an_existing_section_or_definition_and_its_file_in_the_title():
    """A name with markers must have exactly one start and one end; any other
    name must be a def or class of the file, as the build resolves it."""
    problems = []
    for fence in all_fences():
        if fence.kind != "include":
            continue
        for line in filter(str.strip, fence.body):
            match = INCLUDE.match(line)
            path, section = ROOT / match["path"], match["section"]
            if f'title="{match["path"]}"' not in fence.info:
                problems.append(f"{fence.where}: title should name {match['path']}")
            if not path.is_file():
                problems.append(f"{fence.where}: {match['path']} does not exist")
                continue
            source = path.read_text()
            if section and section not in include_by_name.sections(source):
                try:
                    include_by_name.definition_lines(path, section)
                except include_by_name.IncludeError as error:
                    problems.append(f"{fence.where}: {error}")
                continue
            for marker in ("start", "end") if section else ():
                if len(re.findall(rf"--8<-- \[{marker}:{section}\]", source)) != 1:
                    problems.append(f"{fence.where}: {match['path']} needs one [{marker}:{section}]")
    assert not problems, "\n".join(problems)


def test_the_audit_catches_what_pytest_codeblocks_would_silently_skip(tmp_path):
    from .fences import read_fences

    page = tmp_path / "page.md"
    page.write_text(
        '```python title="x.py"\nprint(1)\n```\n\n'
        "~~~python\nprint(2)\n~~~\n\n"
        "<!--pytest.mark.skip-->\n```python\nprint(3)\n```\n\n"
        "```py\nprint(4)\n```\n\n"
        "<!--pytest-codeblocks:expected-output-->\n```text\n5\n```\n\n"
        '```python\nprint(6)\n```\n<!--pytest-codeblocks:expected-output-->\n```text\n6\n```\n\n'
        '```py title="microgpt/data.py"\n--8<-- "microgpt/data.py:tokenizer"\n```\n\n'
        '{{ exercise("step1-no-such-thing") }}\n\n{{ exercise("step1-softmax") }}\n'
    )
    kinds = [fence.kind for fence in read_fences(page)]
    assert kinds == ["unaccounted"] * 5 + ["executed", "output", "include", "unaccounted", "exercise"]


def test_every_exercise_is_on_one_page_of_its_step():
    from microgpt.exercises import EXERCISES

    pages = {}
    for fence in all_fences():
        if fence.kind == "exercise":
            pages.setdefault(fence.body[0], []).append(fence.page.relative_to(DOCS).as_posix())
    for exercise in EXERCISES:
        where = pages.get(exercise.id, [])
        assert len(where) == 1 and where[0].startswith(f"step-{exercise.step}/"), f"{exercise.id}: {where}"


def test_every_exercise_shows_as_solution_the_code_its_tests_pass():
    """The page includes the solution by name; the tests check Exercise.solved(),
    the function's own source under the starter's imports: the same lines."""
    from microgpt.exercises import EXERCISES

    for exercise in EXERCISES:
        path, qualname = exercise.solution.split(":")
        shown = "\n".join(include_by_name.definition_lines(ROOT / path, qualname))
        assert exercise.solved() == f"{exercise.preamble}\n{shown}\n", exercise.id
