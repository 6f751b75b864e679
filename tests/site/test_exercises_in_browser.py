""""Your turn" in a real browser (Debian's Chromium, every host but 127.0.0.1
blocked), as a reader uses it, on one page load: Hint and Show solution open
from the keyboard; a wrong answer, checked, shows the first failing case as
the package's checker in CPython reports it; the right answer (the package's
own function) passes; after a reload the exercise is still marked solved,
and the step's index counts it."""

from browser import open_page

from microgpt.exercises import EXERCISES_BY_ID, check

PYTHON_TIMEOUT_MS = 180_000  # the first Check downloads and starts Python
EXERCISE = EXERCISES_BY_ID["step1-softmax"]
PAGE, INDEX = "step-1/10-your-turn/", "step-1/"
WRONG = "def softmax(logits):\n    return [1.0 / len(logits) for v in logits]\n"


def type_code(page, box, code):
    editor = box.locator(".mg-editor .cm-content")
    editor.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def code_lines(code):
    """The lines of a text, or of what an element shows, but the blank ones (the editor shows a
    blank line in its own way)."""
    text = code if isinstance(code, str) else code.inner_text()
    return [line for line in text.splitlines() if line.strip()]


def check_and_wait(page, box):
    """Ctrl-Enter in the editor runs Check; wait for its verdict."""
    box.locator(".mg-editor .cm-content").press("ControlOrMeta+Enter")
    box.locator(".mg-exercise-result[data-state]").wait_for(timeout=PYTHON_TIMEOUT_MS)
    return box.locator(".mg-exercise-result")


def test_a_reader_solves_an_exercise_and_the_progress_is_kept(browser, root):
    with open_page(browser, root + PAGE) as page:
        box = page.locator(f'.mg-exercise[data-exercise="{EXERCISE.id}"]')
        box.locator(".mg-editor .cm-content").wait_for()
        for button, details in (("Hint", "details.mg-hint"), ("Show solution", "details.mg-solution")):
            assert not box.locator(details).evaluate("node => node.open")
            box.get_by_role("button", name=button, exact=True).focus()
            page.keyboard.press("Enter")
            assert box.locator(details).evaluate("node => node.open"), f"{button} did not open"
            assert box.get_by_role("button", name=f"Hide {button.split()[-1].lower()}").count() == 1

        type_code(page, box, WRONG)
        result = check_and_wait(page, box)
        told = check(EXERCISE.id, WRONG)  # the same checker, in CPython
        assert result.get_attribute("data-state") == "failed"
        shown = result.inner_text()
        for part in ("message", "input", "expected", "got"):
            assert told[part] in shown, f"{part} {told[part]!r} not in {shown!r}"

        type_code(page, box, EXERCISE.solved())
        result = check_and_wait(page, box)
        assert result.get_attribute("data-state") == "passed", result.inner_text()
        assert check(EXERCISE.id, EXERCISE.solved())["message"] in result.inner_text()

        page.reload()
        assert "solved" in page.locator(f"h2#{EXERCISE.id}").inner_text()
        editor = box.locator(".mg-editor .cm-content")
        editor.wait_for()
        assert code_lines(editor) == code_lines(EXERCISE.solved()), "the code last checked is not kept"
        box.get_by_role("button", name="Reset to the starter code").click()
        page.reload()
        editor.wait_for()
        assert code_lines(editor) == code_lines(box.locator(".highlight code").first), \
            "Reset did not forget the code last checked"
        others = page.locator(".mg-exercise:not([data-solved])")
        assert others.count() == sum(e.step == EXERCISE.step for e in EXERCISES_BY_ID.values()) - 1

        page.goto(root + INDEX)
        progress = page.locator(".mg-exercise-progress")
        assert progress.locator(".mg-exercise-count").inner_text().startswith("1 of ")
        assert "solved" in progress.locator(f'li:has(a[data-exercise="{EXERCISE.id}"])').inner_text()
        assert progress.locator(".mg-solved-mark").count() == 1
        assert not page.errors and not page.blocked, (page.errors, page.blocked)
