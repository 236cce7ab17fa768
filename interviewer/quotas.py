"""Per-member limits and a daily model-token budget, counted in the database.

The counts come from the repository, so every replica sees the same numbers. Days are UTC
calendar days: the interview limit and the token budget reset at 00:00 UTC. The message
limit is a rolling 60-second window.

The token budget is per platform: one Slack bot token serves one workspace, so on Slack it
is the workspace's budget; on Discord every guild the bot is in shares it. When it is spent
the interviews carry on with the offline interviewer; nothing is refused.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from interviewer.replies import InterviewError

log = logging.getLogger(__name__)

MESSAGE_WINDOW = timedelta(minutes=1)
BUDGET_RECHECK = timedelta(seconds=30)
"""How long a platform's 'budget not spent yet' answer is reused before asking the database."""

BUDGET_NOTICE = (
    "(A note from mockroom: today's AI interviewer budget for this workspace is used up, so "
    "the built-in interviewer carries on until 00:00 UTC. Your interview continues and "
    "nothing is lost.)"
)


UNLIMITED_PLATFORMS = frozenset({"terminal"})
"""Where the member limits do not apply: the local terminal is the user's own machine."""


class QuotaExceeded(InterviewError):
    """A member reached a limit; the message says which, and when it lifts."""


@dataclass(frozen=True)
class QuotaPolicy:
    """The limits; 0 turns a limit off."""

    interviews_per_day: int = 10
    messages_per_minute: int = 12
    workspace_daily_tokens: int = 0

    @classmethod
    def unlimited(cls) -> QuotaPolicy:
        """No limits at all."""
        return cls(0, 0, 0)


class QuotaCounts(Protocol):
    """The counts the limits need, read from the database (the source of truth)."""

    def interviews_started_since(self, user_id: int, since: datetime) -> int:
        """How many interviews the user started at or after `since`."""
        ...

    def messages_since(
        self, user_id: int, author: str, interview_id: int, since: datetime
    ) -> list[datetime]:
        """When `author` (a platform user id) sent candidate messages since `since`, oldest
        first: in the interviews of `user_id`, and in `interview_id` (a design-along)."""
        ...

    def tokens_since(self, platform: str, since: datetime) -> int:
        """Model tokens (prompt and completion) of the platform's interviews active since
        `since`; an interview that spans midnight counts whole on the new day."""
        ...


def day_start(now: datetime) -> datetime:
    """00:00 UTC of `now`'s day."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


class Quotas:
    """Checks the policy against the database's counts; what InterviewService asks."""

    def __init__(
        self, policy: QuotaPolicy, counts: QuotaCounts, *, recheck: timedelta = BUDGET_RECHECK
    ) -> None:
        self.policy = policy
        self.counts = counts
        self.recheck = recheck
        self._budget: dict[str, tuple[datetime, bool]] = {}

    def check_start(self, user_id: int, now: datetime) -> None:
        """Raise QuotaExceeded when the user already started today's allowance of interviews."""
        limit = self.policy.interviews_per_day
        if limit <= 0:
            return
        started = self.counts.interviews_started_since(user_id, day_start(now))
        if started >= limit:
            raise QuotaExceeded(
                f"You have started {started} interview{'s' if started != 1 else ''} today, "
                f"the limit is {limit}; it resets at 00:00 UTC."
            )

    def check_message(self, user_id: int, author: str, interview_id: int, now: datetime) -> None:
        """Raise QuotaExceeded, saying how long to wait, when the member's last minute is full.

        Called before anything is stored: the refused message is not recorded.
        """
        limit = self.policy.messages_per_minute
        if limit <= 0:
            return
        start = now - MESSAGE_WINDOW
        # A message sent exactly a minute ago has just left the window.
        sent = [
            t for t in self.counts.messages_since(user_id, author, interview_id, start) if t > start
        ]
        if len(sent) < limit:
            return
        # A new message fits once enough of the last minute's messages have aged out of it.
        frees_at = sorted(sent)[len(sent) - limit] + MESSAGE_WINDOW
        wait = max(1, math.ceil((frees_at - now).total_seconds()))
        raise QuotaExceeded(
            f"That's more than {limit} messages in a minute, the limit. Nothing was recorded: "
            f"wait {wait} second{'s' if wait != 1 else ''}, then send that message again."
        )

    def budget_known(self, platform: str, now: datetime) -> bool | None:
        """`budget_spent` when it needs no database read (no budget, or the answer remembered
        and still good), else None: the caller may skip a trip to a worker thread."""
        if self.policy.workspace_daily_tokens <= 0:
            return False
        cached = self._budget.get(platform)
        if cached is not None:
            checked, spent = cached
            if checked >= day_start(now) and (spent or now - checked < self.recheck):
                return spent
        return None

    def budget_spent(self, platform: str, now: datetime) -> bool:
        """Whether the platform's model tokens for today reached the daily budget.

        A spent budget stays spent until 00:00 UTC; an unspent one is re-read from the
        database at most every `recheck`, so replicas overshoot by at most that much use.
        """
        budget = self.policy.workspace_daily_tokens
        known = self.budget_known(platform, now)
        if known is not None:
            return known
        spent = self.counts.tokens_since(platform, day_start(now)) >= budget
        if spent:  # once a day per platform: after this the cache answers
            log.warning("the %s daily token budget (%s) is used up", platform, budget)
        self._budget[platform] = (now, spent)
        return spent
