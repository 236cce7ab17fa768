"""The shared memo: bounded, least recent out, found only for the very objects it was made from."""

from __future__ import annotations

import pytest

from interviewer.core.memo import Remembered


def test_found_only_for_the_same_objects_and_key() -> None:
    memo: Remembered[str] = Remembered(4)
    owner, twin = ["a"], ["a"]  # equal, not the same object
    memo.put((owner,), b"k", "value")
    assert memo.get((owner,), b"k") == "value"
    assert memo.get((twin,), b"k") is None
    assert memo.get((owner,), b"other") is None
    memo.forget((owner,), b"k")
    assert memo.get((owner,), b"k") is None


def test_the_least_recently_used_goes_first() -> None:
    memo: Remembered[int] = Remembered(2)
    a, b, c = object(), object(), object()
    memo.put((a,), None, 1)
    memo.put((b,), None, 2)
    assert memo.get((a,)) == 1  # a is now the most recent
    memo.put((c,), None, 3)
    assert len(memo) == 2
    assert memo.get((b,)) is None and memo.get((a,)) == 1 and memo.get((c,)) == 3


def test_a_memo_keeps_something() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Remembered(0)
