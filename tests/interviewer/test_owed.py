"""The owed-reply schedule: backoff, giving up, and a pause before the sweep tries again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from interviewer.owed import OwedReplies

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_tries_back_off_then_a_persisting_failure_waits_out_the_pause() -> None:
    owed = OwedReplies(delays=(2.0, 4.0), pause=timedelta(minutes=15))
    owed.owe(7, T0)
    assert owed.due(T0) == [] and owed.due(T0 + timedelta(seconds=2)) == [7]
    assert owed.failed(7, T0 + timedelta(seconds=2))  # the next try in 4 s
    assert owed.due(T0 + timedelta(seconds=5)) == []
    assert not owed.failed(7, T0 + timedelta(seconds=6))  # tries used up
    assert 7 not in owed
    # The sweep for unanswered answers finds it again at once: left be for the pause...
    owed.owe(7, T0 + timedelta(minutes=2), at_once=True)
    assert 7 not in owed
    # ...and taken again after it.
    owed.owe(7, T0 + timedelta(minutes=16), at_once=True)
    assert owed.due(T0 + timedelta(minutes=16)) == [7]


def test_a_new_failure_or_a_reply_ends_the_pause() -> None:
    owed = OwedReplies(delays=(2.0,), pause=timedelta(minutes=15))
    owed.owe(7, T0)
    assert not owed.failed(7, T0 + timedelta(seconds=2))
    owed.owe(7, T0 + timedelta(minutes=1))  # the member's next answer failed too: owed anew
    assert 7 in owed
    owed.settle(7)
    owed.owe(7, T0 + timedelta(minutes=2), at_once=True)
    assert owed.due(T0 + timedelta(minutes=2)) == [7]
