"""Token chips (sitebuild.token_chips): every id comes from the tokenizer."""

import re

import pytest

from sitebuild import common
from sitebuild.token_chips import token, token_chips

CHIP = re.compile(r'<span class="mg-chip[^"]*" title="token ([^"]+), id (\d+)">'
                  r"([^<]+)<sub>(\d+)</sub></span>")


def shown(html):
    """(label, id) of every chip, checking that title and text agree."""
    found = []
    for title_label, title_id, label, number in CHIP.findall(html):
        assert (title_label, title_id) == (label, number)
        found.append((label, int(number)))
    return found


def test_a_token_by_character_id_or_bos():
    tokenizer = common.tokenizer()
    assert shown(token("a")) == [("a", tokenizer.encode("a")[1])]
    assert shown(token(tokenizer.BOS)) == shown(token("BOS")) == [("BOS", tokenizer.BOS)]
    assert "mg-chip-bos" in token("BOS") and "mg-chip-bos" not in token("a")


def test_a_name_is_chipped_as_the_tokenizer_encodes_it():
    tokenizer = common.tokenizer()
    ids = tokenizer.encode("emma")
    assert shown(token_chips("emma")) == [(common.token_labels(tokenizer)[i], i) for i in ids]
    assert token_chips("emma").startswith('<span class="mg-chips">')


def test_the_vocabulary_in_id_order():
    tokenizer = common.tokenizer()
    assert shown(token_chips()) == list(zip(common.token_labels(tokenizer), range(tokenizer.vocab_size)))


@pytest.mark.parametrize("bad", ["A", "", "ab", -1, "vocab_size", True, 1.0])
def test_an_unknown_token_says_what_to_give(bad):
    last = common.tokenizer().vocab_size - 1
    bad = last + 1 if bad == "vocab_size" else bad
    with pytest.raises(ValueError, match=rf"no token .*: give an id from 0 to {last}, a character"):
        token(bad)
