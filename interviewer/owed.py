"""Replies owed to stored answers: the answer was saved, its reply failed, and it is retried.

Bookkeeping with backoff, in memory: the engine notes an interview when its reply fails after
the answer was stored, and the clock's sweep (the terminal's too) asks which tries are due.
The durable marker is the interview itself (its last turn is the candidate's), so a restart
loses only this schedule: `serve`'s sweep for unanswered answers finds them again. Each try
saves on top of the version it read, so with two replicas the reply is stored, and posted,
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RETRY_DELAYS = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
"""Seconds before each try (about two minutes in all); after the last, the reply is left to a
resend, a resume or the sweep for unanswered answers once the pause below is over."""
GIVE_UP_PAUSE = timedelta(minutes=15)
"""After the last try fails, how long the sweep for unanswered answers leaves the interview be:
a failure that persists costs six tries (and model calls) a quarter of an hour, not a try a
sweep."""


@dataclass
class _Owed:
    tries: int
    due: datetime


class OwedReplies:
    """Which interviews are owed a reply, and when each is tried next."""

    def __init__(
        self, delays: tuple[float, ...] = RETRY_DELAYS, pause: timedelta = GIVE_UP_PAUSE
    ) -> None:
        self.delays = delays
        self.pause = pause
        self._owed: dict[int, _Owed] = {}
        self._given_up: dict[int, datetime] = {}

    def owe(self, interview_id: int, now: datetime, *, at_once: bool = False) -> None:
        """Note a reply that failed (first try after the first delay), or one found unanswered
        (`at_once`); an interview already noted keeps its schedule, and one whose tries ran
        out is left be for the pause when found unanswered again."""
        gave_up = self._given_up.get(interview_id)
        if at_once and gave_up is not None and now < gave_up + self.pause:
            return
        self._given_up.pop(interview_id, None)
        if interview_id not in self._owed:
            wait = 0.0 if at_once else self.delays[0]
            self._owed[interview_id] = _Owed(0, now + timedelta(seconds=wait))

    def due(self, now: datetime, interview_id: int | None = None) -> list[int]:
        """The interviews whose next try has come (only `interview_id`, when given)."""
        return [
            i
            for i, owed in sorted(self._owed.items())
            if owed.due <= now and (interview_id is None or i == interview_id)
        ]

    def failed(self, interview_id: int, now: datetime) -> bool:
        """A try failed: schedule the next one; False when the tries are used up."""
        owed = self._owed.get(interview_id)
        if owed is None:
            return False
        owed.tries += 1
        if owed.tries >= len(self.delays):
            del self._owed[interview_id]
            self._given_up[interview_id] = now
            return False
        owed.due = now + timedelta(seconds=self.delays[owed.tries])
        return True

    def settle(self, interview_id: int) -> None:
        """The reply came (or nothing is owed any more)."""
        self._owed.pop(interview_id, None)
        self._given_up.pop(interview_id, None)

    def __contains__(self, interview_id: object) -> bool:
        return interview_id in self._owed
