"""The ports of daily drills and the leaderboard: what they keep and how they reach it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from interviewer.core.rubric import Scorecard
from interviewer.drills.schedule import DrillSchedule
from interviewer.outbox import Post


@dataclass(frozen=True)
class Subscription:
    """A channel's daily drill: where, when, on what, and who set it up."""

    id: int
    platform: str
    workspace: str
    channel: str
    schedule: DrillSchedule
    topic_or_level: str | None
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class DrillPost:
    """One drill occurrence of a subscription; the row is the claim to post it."""

    id: int
    subscription: Subscription
    occurrence_at: datetime
    question_id: str
    window_ends_at: datetime
    thread_key: str | None = None
    posted_at: datetime | None = None


@dataclass(frozen=True)
class DrillAnswer:
    """A member's graded answer to a drill (overall is None while it is being graded)."""

    id: int
    post_id: int
    user_id: str
    text: str
    event_key: str | None
    overall: float | None = None
    scorecard: Scorecard | None = None


@dataclass(frozen=True)
class GradedDrill:
    """A member's graded drill answer, for their history."""

    answer_id: int
    question_id: str
    answered_at: datetime
    scorecard: Scorecard


@dataclass(frozen=True)
class LedgerEntry:
    """Points earned by one interview or drill answer, in the member's local day."""

    platform: str
    workspace: str  # "" for an interview, which counts on every board the member is on
    user_id: str
    source_kind: str  # "interview" or "drill"
    source_id: str
    question_id: str
    overall: float
    points: int
    local_day: date
    zone: str
    criteria: dict[str, int]
    created_at: datetime
    weekdays: frozenset[int] = frozenset(range(7))


@dataclass(frozen=True)
class Member:
    """A member seen in a workspace, with their leaderboard privacy choice."""

    user_id: str
    display_name: str | None
    show_name: bool


class DrillRepository(Protocol):
    """Where drill subscriptions, posts, answers and points live; unique rows are the claims."""

    def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: DrillSchedule,
        topic_or_level: str | None,
        created_by: str,
        now: datetime,
    ) -> tuple[Subscription, Subscription | None]:
        """Make this the channel's subscription; the new one and the one it replaced."""
        ...

    def unsubscribe(self, platform: str, channel: str) -> Subscription | None:
        """End the channel's subscription; the one ended, or None."""
        ...

    def subscriptions(
        self, platform: str | None = None, workspace: str | None = None
    ) -> list[Subscription]:
        """Active subscriptions, on one platform or workspace when given."""
        ...

    def last_occurrence(self, subscription_id: int) -> datetime | None:
        """The latest occurrence claimed for a subscription."""
        ...

    def last_occurrences(self) -> dict[int, datetime]:
        """The latest occurrence claimed for each active subscription that has one, by its id."""
        ...

    def recent_questions(self, platform: str, channel: str, since: datetime) -> dict[str, datetime]:
        """Questions posted in a channel since `since`, with when each was last posted."""
        ...

    def claim_post(
        self,
        subscription: Subscription,
        occurrence_at: datetime,
        question_id: str,
        window_ends_at: datetime,
        now: datetime | None = None,
    ) -> DrillPost | None:
        """Claim one occurrence (at `now`); None when another process claimed it first."""
        ...

    def retake_stale(
        self, now: datetime, lease: timedelta, platforms: Collection[str] | None = None
    ) -> list[DrillPost]:
        """Take again the claims left unposted past `lease` whose window is still open."""
        ...

    def mark_posted(self, post_id: int, thread_key: str, now: datetime) -> None:
        """Record where a claimed drill was posted."""
        ...

    def release_post(self, post_id: int) -> None:
        """Give up a claim that could not be posted, so that a later sweep may try again."""
        ...

    def post_by_thread(self, platform: str, thread_key: str) -> DrillPost | None:
        """The drill posted in a thread, if the thread is one."""
        ...

    def recaps_due(
        self, now: datetime, platforms: Collection[str] | None = None
    ) -> list[DrillPost]:
        """Posted drills whose window has ended and whose recap is not claimed yet."""
        ...

    def claim_recap(self, post_id: int, now: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim a drill's recap (once, ever) and add its posts to the outbox, together;
        False when it was claimed before."""
        ...

    def claim_answer(
        self, post_id: int, platform: str, user_id: str, text: str, event_key: str | None
    ) -> DrillAnswer | None:
        """Claim the member's answer to a drill; None when they already answered."""
        ...

    def answer_of(self, post_id: int, user_id: str) -> DrillAnswer | None:
        """The member's answer to a drill."""
        ...

    def save_grade(self, answer_id: int, scorecard: Scorecard, now: datetime) -> None:
        """Store the scorecard of a claimed answer."""
        ...

    def release_answer(self, answer_id: int) -> None:
        """Give up an answer claim whose grading failed, so that a redelivery may grade it."""
        ...

    def answers(self, post_id: int) -> list[DrillAnswer]:
        """A drill's graded answers, best first."""
        ...

    def graded_of(self, platform: str, user_id: str) -> list[GradedDrill]:
        """A member's graded drill answers, oldest first."""
        ...

    def claim_job(self, job_key: str, occurrence_at: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim one occurrence of a once-only job and add its posts to the outbox, together;
        False when it was claimed before."""
        ...

    def last_job(self, job_key: str) -> datetime | None:
        """The latest claimed occurrence of a job."""
        ...

    def last_jobs(self, job_keys: Collection[str]) -> dict[str, datetime]:
        """The latest claimed occurrence of each of these jobs that was ever claimed, by key."""
        ...

    def add_points(self, entry: LedgerEntry) -> bool:
        """Add a ledger entry; False when its source was counted before."""
        ...

    def ledger(
        self, platform: str, workspace: str | None = None, user_id: str | None = None
    ) -> list[LedgerEntry]:
        """Ledger entries oldest first: a workspace's (with its members' interviews), a member's."""
        ...

    def note_member(
        self, platform: str, workspace: str, user_id: str, display_name: str | None
    ) -> Member:
        """Record a member seen in a workspace (names are hidden until they opt in)."""
        ...

    def set_show_name(self, platform: str, workspace: str, user_id: str, show: bool) -> None:
        """A member's choice to show or hide their name on the workspace's boards."""
        ...

    def members(self, platform: str, workspace: str) -> dict[str, Member]:
        """A workspace's known members by user id."""
        ...

    def external_user(self, user_id: int) -> tuple[str, str] | None:
        """The platform and platform id of an interview user."""
        ...
