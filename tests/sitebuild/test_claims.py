"""sitebuild.claims: each predicate holds exactly when its sentence is true,
and a false claim stops the build with the page, the sentence and the numbers."""

import pytest
from mkdocs.exceptions import PluginError

from sitebuild import claims
from sitebuild.claims import (
    ClaimError,
    all_of,
    both,
    few_of,
    greater,
    less,
    most_of,
    none_of,
    ratio_above,
    require,
    same_to_the_bit,
    slightly_less,
    within_percent_of_fit,
)


@pytest.mark.parametrize(("check", "holds"), [
    (same_to_the_bit(0.1 + 0.2, 0.30000000000000004), True),
    (same_to_the_bit(0.1 + 0.2, 0.3), False),
    (same_to_the_bit([1.0, 2.0], [1.0, 2.0]), True),
    (greater(2, 1), True), (greater(1, 1), False),
    (less(1, 2), True), (less(2, 2), False),
    (most_of(11, 20), True), (most_of(10, 20), False),
    (few_of(5, 20), True), (few_of(6, 20), False),
    (none_of(0, 20), True), (none_of(1, 20), False),
    (all_of(20, 20), True), (all_of(19, 20), False),
    (ratio_above(30, 10, 2.5), True), (ratio_above(25, 10, 2.5), False),
    (within_percent_of_fit([10, 21, 29], [10, 20, 30], 5), True),
    (within_percent_of_fit([10, 23, 30], [10, 20, 30], 5), False),
    (within_percent_of_fit([2, 4, 6.5], lambda i: 2 * (i + 1), 10), True),
    (slightly_less(99.5, 100, 1), True), (slightly_less(98, 100, 1), False),
    (slightly_less(100, 100, 1), False), (slightly_less(101, 100, 1), False),
    (both(less(1, 2), greater(2, 1)), True), (both(less(1, 2), greater(1, 2)), False),
    (both(less(2, 1), greater(2, 1)), False),
])
def test_each_predicate_holds_exactly_when_its_sentence_is_true(check, holds):
    assert bool(check) is holds


def test_a_check_describes_what_it_compared():
    assert greater(1.5, 2.25).description == "1.5 > 2.25"
    assert most_of(9, 20).description == "most of: 9 of 20 is more than half"
    assert "the worst point is 15.0% off" in within_percent_of_fit([10, 23], [10, 20], 5).description


def test_a_true_claim_prints_its_text():
    assert require("step-4/06.md", "Step 4 is lower.", less(2.1, 2.2)) == "Step 4 is lower."


def test_a_false_claim_fails_the_build_naming_page_sentence_and_numbers():
    with pytest.raises(ClaimError) as raised:
        require("step-4/06.md", "Even the names agree", most_of(9, 20))
    assert isinstance(raised.value, PluginError)  # mkdocs stops the build
    assert str(raised.value) == ("step-4/06.md: false claim 'Even the names agree': "
                                 "most of: 9 of 20 is more than half does not hold")


def test_a_claim_without_a_predicate_is_an_error():
    with pytest.raises(TypeError, match="needs a predicate of sitebuild.claims"):
        require("index.md", "Step 5 is best", 2.3 < 2.4)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: most_of(21, 20), "a count of 21 out of 20 is not possible"),
    (lambda: ratio_above(1, 0, 2), "positive denominator"),
    (lambda: within_percent_of_fit([1, 2], [1], 5), "2 values but 1 fitted"),
])
def test_impossible_inputs_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_pages_see_every_predicate():
    assert all(callable(getattr(claims, name)) for name in claims.PREDICATES)
