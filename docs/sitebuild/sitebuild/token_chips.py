"""Tokens on the pages as chips: the token with its id as a subscript (a₀,
b₁ ... z₂₅, BOS₂₆), styled by `.mg-chip` in docs/assets/stylesheets/extra.css.
`token` is the one drawing; the pages call it and `token_chips` as macros
(sitebuild/hooks/macros.py). Every id comes from the tokenizer,
never from the page."""

from html import escape

from sitebuild.common import token_labels, tokenizer


def token_id(which):
    """The id of a token given as its id, its character ("a") or "BOS"."""
    labels = token_labels(tokenizer())
    if isinstance(which, int) and not isinstance(which, bool) and 0 <= which < len(labels):
        return which
    if isinstance(which, str) and which in labels:
        return labels.index(which)
    raise ValueError(f"no token {which!r}: give an id from 0 to {len(labels) - 1}, "
                     f"a character of the vocabulary ({''.join(tokenizer().uchars)}) or 'BOS'")


def token(which):
    """One token as a chip: its label, and its id as a subscript."""
    number = token_id(which)
    label = token_labels(tokenizer())[number]
    kind = "mg-chip mg-chip-bos" if number == tokenizer().BOS else "mg-chip"
    return (f'<span class="{kind}" title="token {escape(label)}, id {number}">'
            f"{escape(label)}<sub>{number}</sub></span>")


def chips(tokens):
    """A row of chips that wraps between chips, never inside one."""
    return '<span class="mg-chips">' + " ".join(token(each) for each in tokens) + "</span>"


def token_chips(name=None):
    """The tokens of `name` as the tokenizer encodes it, BOS at both ends; with
    no name, the whole vocabulary in id order."""
    if name is None:
        return chips(range(tokenizer().vocab_size))
    return chips(tokenizer().encode(name))
