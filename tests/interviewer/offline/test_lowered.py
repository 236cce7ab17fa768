"""reasoning._lowered: the lower-cased text and where each offset lands, fast path or not."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from interviewer.offline.reasoning import _lowered


@given(st.text(alphabet=st.sampled_from("aZ 9.,İßΣσΟΔé\u212a-")))
def test_every_offset_lands_on_its_lowered_character(text: str) -> None:
    low, at = _lowered(text)
    assert len(at) == len(text) + 1 and at[-1] == len(low)
    for i, ch in enumerate(text):
        assert low[at[i] : at[i + 1]] == ch.lower()
