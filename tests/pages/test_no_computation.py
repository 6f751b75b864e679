"""No computation in Markdown: derived numbers come from the build code
(sitebuild.common and the chapter modules, `ch0` ... `ch5`, `speed_ch`).

A Jinja statement (`{% set %}`, `{% for %}`, `{% if %}`) on a page may name a
value, loop over a list to format it, or choose words by comparing two
values; an expression (`{{ ... }}`) may look a value up (`step1.losses[-1]`,
`s1.N_EMBD`) and format it. Either computes, and this test counts it, when it
holds arithmetic, a filter that is not pure formatting (`sum`, `max`,
`length`, `round`, `int`, ...), a method call (`.append`, `.index`, ...) or a
call of anything but the build modules, the tokenizer's `encode` and the
page macros. Joining strings with `~` is formatting.
"""

import re

from sitebuild import claims

from .fences import DOCS

JINJA = re.compile(r"\{%-?\s*(?P<keyword>set|for|if|elif)\b(?P<body>.*?)-?%\}"
                   r"|\{\{-?(?P<expression>.*?)-?\}\}", re.S)
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
NEGATIVE_INDEX = re.compile(r"\[\s*-\d+\s*\]")
ARITHMETIC = re.compile(r"(?<![<>=!*/])(\*\*|//|[-+*/%])(?![=])")
FILTER = re.compile(r"\|\s*(\w+)")
FORMATTING_FILTERS = {"commas", "f4", "f6", "sci", "format", "replace", "join", "indent"}
CALL = re.compile(r"(?<![|\w.])(?P<callee>[A-Za-z_][\w.]*)\s*\(")
METHOD_CALL = re.compile(r"[\])\"']\s*\.\s*(?P<method>\w+)\s*\(")  # `losses[0].index(`, `"".join(`
PAGE_MACROS = ("code_lines", "picture", "download_box", "source_diff", "claim", "token", "token_chips",
               "exercise", "exercise_progress", *claims.PREDICATES)
ALLOWED_CALLEES = re.compile(
    rf"^((common|ch[0-5]|speed_ch)\.\w+|tokenizer\.encode|{'|'.join(PAGE_MACROS)})$")
FILTER_CALL = re.compile(r"\|\s*\w+\s*\(")  # `| format(...)`: a filter's arguments, not a call


def why_it_computes(keyword, body):
    """The first reason a statement (keyword `set`, `for`, ...) or an
    expression (keyword None) computes, or None if it only names, looks up,
    loops over, compares or formats values."""
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
    for name in FILTER.findall(code):
        if name not in FORMATTING_FILTERS:
            return f"the filter `{name}`"
    code = FILTER_CALL.sub("| ", code)
    if match := METHOD_CALL.search(code):
        return f"a call of `.{match['method']}`"
    for call in CALL.finditer(code):
        if not ALLOWED_CALLEES.match(call["callee"]):
            return f"a call of `{call['callee']}`"
    return None


def computations(text):
    """(line number, statement or expression, reason) for each that computes."""
    found = []
    for match in JINJA.finditer(text):
        if match["expression"] is None:
            reason = why_it_computes(match["keyword"], match["body"])
            shown = f"{{% {match['keyword']}{match['body'].rstrip()} %}}"
        else:
            reason = why_it_computes(None, match["expression"])
            shown = f"{{{{ {match['expression'].strip()} }}}}"
        if reason:
            found.append((text.count("\n", 0, match.start()) + 1, shown, reason))
    return found


def all_computations():
    """Every statement or expression on a page that computes, as 'page:line: why: what'."""
    return [f"{page.relative_to(DOCS).as_posix()}:{line}: {reason}: {shown[:120]}"
            for page in sorted(DOCS.rglob("*.md"))
            for line, shown, reason in computations(page.read_text())]


def test_no_page_computes_in_jinja():
    found = all_computations()
    print(f"\nstatements and expressions that compute in Markdown: {len(found)}")
    assert not found, (
        "compute these in the chapter's module (docs/sitebuild/sitebuild/chapters/) and print the "
        "result with {{ chN.... }}:\n" + "\n".join(found)
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


def test_expressions_may_only_look_up_and_format():
    page = (
        '{{ step1.losses[-1] | f4 }} {{ s1.N_EMBD }} {{ step0.num_docs | commas }}\n'  # lookups: fine
        '{{ "%.1f" | format(common.mean_last(step1.losses)) }} {{ ch0.row_total(c, tokenizer.BOS) }}\n'
        '{{ picture("step-0/table", "The " ~ tokenizer.vocab_size ~ " table") }} {{ new | join(", ") }}\n'
        '{{ (2 * step5.num_params) | commas }}\n'
        '{{ step0.samples | length }}\n'
        '{{ timings.step2 | round | int }}\n'
        '{{ math.log(V) | f4 }}\n'
        '{{ "%.2f" | format(s1.softmax([2, 1, 0])[0]) }}\n'
        '{{ step0.samples[0].upper() }}\n'
        '{{ ", ".join(step0.samples) }}\n'
        '{{ name.title() }}\n'
    )
    assert [(line, reason) for line, _, reason in computations(page)] == [
        (4, "arithmetic"),
        (5, "the filter `length`"),
        (6, "the filter `round`"),
        (7, "a call of `math.log`"),
        (8, "a call of `s1.softmax`"),
        (9, "a call of `.upper`"),
        (10, "a call of `.join`"),
        (11, "a call of `name.title`"),
    ]


def test_a_finding_names_page_line_expression_and_reason():
    line, shown, reason = computations("text\nmore {{ (x + 1) | commas }}")[0]
    assert (line, shown, reason) == (2, "{{ (x + 1) | commas }}", "arithmetic")
