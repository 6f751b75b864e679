"""Claims: the sentences of a page that a computed result makes true or false.

A page writes such a sentence through the `claim` macro with a predicate of
this module (or of its chapter's module, built from these):

    {{ claim("Adam ends lower than SGD.", less(mean_a, mean_b)) }}

The macro prints the text when the predicate holds and fails the build when
it does not, naming the page, the text and what the predicate found
(sitebuild.hooks.macros). Every predicate returns a Check: whether it holds,
and a description with the numbers it compared, for that message.
"""

from dataclasses import dataclass

from mkdocs.exceptions import PluginError

PREDICATES = ("same_to_the_bit", "greater", "less", "most_of", "few_of", "none_of", "all_of",
              "ratio_above", "within_percent_of_fit", "slightly_less", "both")  # the names pages see
MOST = 0.5  # "most of": more than half
FEW = 0.25  # "few of": at most a quarter


@dataclass(frozen=True)
class Check:
    """Whether a claim holds, and what was compared, in words and numbers."""
    holds: bool
    description: str

    def __bool__(self):
        return self.holds


class ClaimError(PluginError):
    """A sentence on a page that its own numbers contradict: fails the build."""


def require(page, text, check):
    """`text` if `check` holds; else a ClaimError naming the page, the text and the check."""
    if not isinstance(check, Check):
        raise TypeError(f"{page}: the claim {text!r} needs a predicate of sitebuild.claims "
                        f"(a Check), not {type(check).__name__}")
    if not check:
        raise ClaimError(f"{page}: false claim {text!r}: {check.description} does not hold")
    return text


def same_to_the_bit(a, b):
    """Two floats (or lists of floats) equal bit for bit."""
    return Check(a == b, f"same to the bit ({_short(a)} and {_short(b)})")


def greater(a, b):
    return Check(a > b, f"{_short(a)} > {_short(b)}")


def less(a, b):
    return Check(a < b, f"{_short(a)} < {_short(b)}")


def most_of(count, total):
    """More than half."""
    _count_of(count, total)
    return Check(count > MOST * total, f"most of: {count} of {total} is more than half")


def few_of(count, total):
    """At most a quarter."""
    _count_of(count, total)
    return Check(count <= FEW * total, f"few of: {count} of {total} is at most a quarter")


def none_of(count, total):
    _count_of(count, total)
    return Check(count == 0, f"none of: {count} of {total} is 0")


def all_of(count, total):
    _count_of(count, total)
    return Check(count == total, f"all of: {count} of {total} is {total}")


def ratio_above(a, b, x):
    """a / b > x (b positive)."""
    if b <= 0:
        raise ValueError(f"ratio_above needs a positive denominator, not {b!r}")
    return Check(a / b > x, f"{_short(a)} / {_short(b)} = {_short(a / b)} > {x}")


def within_percent_of_fit(values, fit, y):
    """Every value within y% of the fitted value at the same place (`fit`
    is a list of the same length, or a function of the index)."""
    fitted = [fit(i) for i in range(len(values))] if callable(fit) else list(fit)
    if len(fitted) != len(values):
        raise ValueError(f"within_percent_of_fit: {len(values)} values but {len(fitted)} fitted")
    worst = max(abs(v - f) / abs(f) * 100 for v, f in zip(values, fitted))
    return Check(worst <= y, f"within {y}% of the fit (the worst point is {worst:.1f}% off)")


def slightly_less(a, b, percent):
    """a below b, by less than `percent`% of b: "almost no better"."""
    gap = (b - a) / abs(b) * 100
    return Check(0 < gap < percent, f"{_short(a)} is below {_short(b)} by {gap:.2f}%, "
                                    f"more than 0 and less than {percent}%")


def both(first, second):
    """Two checks that must hold together (a sentence that says two things)."""
    return Check(first.holds and second.holds, f"{first.description}, and {second.description}")


def _count_of(count, total):
    if not 0 <= count <= total:
        raise ValueError(f"a count of {count} out of {total} is not possible")


def _short(x):
    if isinstance(x, float):
        return f"{x:.6g}"
    if isinstance(x, list | tuple) and len(x) > 4:
        return f"[{', '.join(_short(v) for v in x[:3])}, ... ({len(x)} numbers)]"
    return repr(x)
