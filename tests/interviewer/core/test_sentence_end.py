"""SENTENCE_END tests the cheap full stop first; it splits exactly as the plain form did."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from interviewer.core.text import SENTENCE_END, sentences

_REFERENCE = re.compile(
    r"(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bcf\.)(?<!\bapprox\.)(?<!\bincl\.)"
    r"(?<=[.!?])\s+|\n+",
    re.IGNORECASE,
)
_PIECES = ["vs.", "VS.", "e.g.", "i.e.", "cf.", "approx.", "incl.", "x", "a.", "?", "!", " ", "\n"]


@given(st.lists(st.sampled_from([*_PIECES, "\t", "  ", "Cache", "."]), max_size=30))
def test_splits_as_the_plain_form(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert SENTENCE_END.split(text) == _REFERENCE.split(text)
    assert sentences(text) == [s.strip() for s in _REFERENCE.split(text) if s and s.strip()]


def test_sentences_returns_a_fresh_list() -> None:
    """Remembered splits are not shared: a caller that changes its list changes no other."""
    first = sentences("One. Two.")
    first.append("three")
    assert sentences("One. Two.") == ["One.", "Two."]
