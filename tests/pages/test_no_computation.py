"""No computation in Markdown: derived numbers come from the build code
(sitebuild.common and the chapter modules, `ch0` ... `ch5`, `speed_ch`).

A Jinja statement (`{% set %}`, `{% for %}`, `{% if %}`) on a page may name a
value, loop over a list to format it, or choose words by comparing two
values. It computes, and this test counts it, when it holds arithmetic, a
filter that aggregates (`sum`, `max`, `length`, ...), `namespace`, `range`, a
method call (`.append`, `.index`, ...) or a call of anything but the
build modules, the tokenizer's `encode` and the `code_lines` macro.
Formatting (`| format(...)`, `| replace(...)`, `| f4`, ...) is not counted,
so no allow-list is needed. Expressions `{{ ... }}` print and are not
counted here.
"""

import re

from .fences import DOCS

STATEMENT = re.compile(r"\{%-?\s*(?P<keyword>set|for|if|elif)\b(?P<body>.*?)-?%\}", re.S)
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
NEGATIVE_INDEX = re.compile(r"\[\s*-\d+\s*\]")
ARITHMETIC = re.compile(r"(?<![<>=!*/])(\*\*|//|[-+*/%~])(?![=])")
AGGREGATING_FILTER = re.compile(
    r"\|\s*(sum|max|min|map|select|selectattr|reject|rejectattr|unique|length|count|abs|sort"
    r"|list|first|last|batch|groupby|round|int|float|reverse|dictsort|slice)\b")
CALL = re.compile(r"(?<![|\w.])(?P<callee>[A-Za-z_][\w.]*)\s*\(")
ALLOWED_CALLEES = re.compile(r"^((common|ch[0-5]|speed_ch)\.\w+|tokenizer\.encode|code_lines)$")
FILTER_CALL = re.compile(r"\|\s*\w+\s*\(")  # `| format(...)`: a filter's arguments, not a call

def why_it_computes(keyword, body):
    """The first reason a statement computes, or None if it only names,
    loops over or compares values."""
    code = NEGATIVE_INDEX.sub("[0]", STRING.sub('""', body))  # `losses[-1]` is a lookup
    if keyword == "set" and "=" not in code:
        return None  # `{% set x %}...{% endset %}` captures text
    if keyword == "set":
        target, code = code.split("=", 1)
        if "." in target:
            return "it updates a namespace"
    if keyword == "for":
        code = code.split(" in ", 1)[1] if " in " in code else code
    if ARITHMETIC.search(code):
        return "arithmetic"
    if match := AGGREGATING_FILTER.search(code):
        return f"the filter `{match[1]}`"
    code = FILTER_CALL.sub("|", code)
    for call in CALL.finditer(code):
        if not ALLOWED_CALLEES.match(call["callee"]):
            return f"a call of `{call['callee']}`"
    return None


def computations(text):
    """(line number, statement, reason) for every statement that computes."""
    found = []
    for match in STATEMENT.finditer(text):
        reason = why_it_computes(match["keyword"], match["body"])
        if reason:
            line = text.count("\n", 0, match.start()) + 1
            found.append((line, f"{match['keyword']}{match['body']}".strip(), reason))
    return found


def computation_lines():
    """Every Markdown line that computes, as 'page:line' -> why."""
    lines = {}
    for page in sorted(DOCS.rglob("*.md")):
        name = page.relative_to(DOCS).as_posix()
        for line, statement, reason in computations(page.read_text()):
            lines.setdefault(f"{name}:{line}", f"{reason}: {{% {statement[:80]} %}}")
    return lines


def test_no_page_computes_in_jinja():
    lines = computation_lines()
    print(f"\nlines of computation in Markdown: {len(lines)}")
    assert not lines, (
        "compute these in the chapter's module (docs/sitebuild/sitebuild/chapters/) and print the "
        "result with {{ chN.... }}:\n"
        + "\n".join(f"{where}: {why}" for where, why in lines.items())
    )


def test_the_count_catches_each_kind_of_computation():
    page = (
        '{% set T = step1.config.num_steps %}{% set sh = step3.shapes %}\n'  # naming: fine
        '{% for name in step0.samples %}{{ name }}{% endfor %}\n'  # formatting loop: fine
        '{% if step0.losses[1] > step0.losses[0] %}worse{% endif %}\n'  # comparison: fine
        '{% set last = common.mean_last(step1.losses, 50) %}{% set ava = tokenizer.encode("a-b") %}\n'
        '{% set last = (step1.losses[-50:] | sum) / 50 %}\n'
        '{% set n = step5.samples | unique | list | length %}\n'
        '{% set ns = namespace(n=0) %}\n'
        '{%- for i in range(T) -%}{%- set ns.n = ns.n + 1 -%}{%- endfor %}\n'
        '{% set p = s0.bigram(step0.counts, 3) %}\n'
        '{% set labels = tokenizer.uchars + ["BOS"] %}\n'
        '{% if (wins - T / 2) | abs < T / 20 %}half{% endif %}\n'
        '{% if step5.losses[-1] > step5.losses[-2] %}higher{% endif %}\n'  # lookups: fine
        '{% set eps = "%.0e" | format(s1.GRAD_CHECK_EPS) | replace("e-0", "e-") %}\n'  # formatting: fine
    )
    assert [(line, reason) for line, _, reason in computations(page)] == [
        (5, "arithmetic"),
        (6, "the filter `unique`"),
        (7, "a call of `namespace`"),
        (8, "a call of `range`"),
        (8, "it updates a namespace"),
        (9, "a call of `s0.bigram`"),
        (10, "arithmetic"),
        (11, "arithmetic"),
    ]
