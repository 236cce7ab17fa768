"""What peer mocks keep, and the repository they keep it through."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from interviewer.drills.schedule import DrillSchedule
from interviewer.outbox import Post
from interviewer.replies import InterviewError


class PeerError(InterviewError):
    """A peer-mock command that cannot be done; the message says why."""


@dataclass(frozen=True)
class PairingPlan:
    """A channel's weekly pairing."""

    platform: str
    workspace: str
    channel: str
    schedule: DrillSchedule
    created_at: datetime


@dataclass(frozen=True)
class PastSession:
    """A pair of an earlier round."""

    occurrence_at: datetime
    interviewer: str
    candidate: str


@dataclass(frozen=True)
class SessionInfo:
    """One pair's session as it stands: who, where, its interview and the human's scores."""

    id: int
    platform: str
    channel: str
    thread_key: str | None
    interviewer: str
    candidate: str
    question_id: str
    interview_id: int | None
    scores: dict[str, int]
    scored_at: datetime | None

    @property
    def members(self) -> frozenset[str]:
        """The two members of the pair."""
        return frozenset((self.interviewer, self.candidate))


@dataclass(frozen=True)
class NewSession:
    """One pair of a round about to be claimed, and its posts once it has an id."""

    interviewer: str
    candidate: str
    question_id: str
    posts: Callable[[int], Sequence[Post]]


class PeerRepository(Protocol):
    """Opt-ins, weekly pairings and sessions; a claim row makes each round happen once."""

    def set_member(
        self,
        platform: str,
        workspace: str,
        channel: str,
        user_id: str,
        name: str | None,
        opted_in: bool,
        now: datetime,
    ) -> None:
        """Record a member's choice to be paired in a channel."""
        ...

    def members(self, platform: str, channel: str) -> dict[str, str | None]:
        """The channel's opted-in members, with their names."""
        ...

    def set_plan(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: DrillSchedule,
        by: str,
        now: datetime,
    ) -> None:
        """Make this the channel's weekly pairing."""
        ...

    def end_plan(self, platform: str, channel: str) -> bool:
        """Stop a channel's weekly pairing; False when it had none."""
        ...

    def plans(self, platforms: Collection[str] | None = None) -> list[PairingPlan]:
        """Active weekly pairings."""
        ...

    def sessions(self, platform: str, channel: str) -> list[PastSession]:
        """The channel's sessions, oldest first."""
        ...

    def claim_job(self, job_key: str, occurrence_at: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim one occurrence of a once-only job and add its posts to the outbox, together;
        False when it was claimed before."""
        ...

    def last_job(self, job_key: str) -> datetime | None:
        """The latest claimed occurrence of a job."""
        ...

    def open_round(
        self,
        job_key: str,
        platform: str,
        channel: str,
        occurrence_at: datetime,
        sessions: Sequence[NewSession],
        posts: Sequence[Post] = (),
    ) -> bool:
        """Claim a round, store its sessions, and add their posts and `posts` to the outbox,
        in one transaction; False when the round was claimed before."""
        ...

    def add_session(
        self,
        platform: str,
        channel: str,
        occurrence_at: datetime,
        interviewer: str,
        candidate: str,
        question_id: str,
    ) -> int:
        """Store one pair of a claimed round; its id."""
        ...

    def set_thread(self, session_id: int, thread_key: str) -> None:
        """Record where a pair talks."""
        ...

    def in_thread(self, platform: str, thread_key: str) -> SessionInfo | None:
        """The latest session of the pair that talks in this conversation."""
        ...

    def by_interview(self, interview_id: int) -> SessionInfo | None:
        """The session an interview runs."""
        ...

    def load(self, session_id: int) -> SessionInfo | None:
        """A session by id."""
        ...

    def claim_start(self, session_id: int, now: datetime) -> bool:
        """Mark a session started; False when it was started before (by either member)."""
        ...

    def reset_start(self, session_id: int) -> None:
        """Undo a start that failed, so either member may start again."""
        ...

    def set_interview(self, session_id: int, interview_id: int) -> None:
        """Record the interview a started session runs as."""
        ...

    def set_score(self, session_id: int, criterion: str, score: int) -> None:
        """Record one of the human interviewer's scores (until they submit)."""
        ...

    def claim_scored(self, session_id: int, now: datetime) -> bool:
        """Mark the human's scores submitted; False when they were submitted before."""
        ...
