"""Hand-written fakes of our own ports, for service tests that need no database."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from copy import deepcopy
from dataclasses import replace
from datetime import datetime

from interviewer.core.machine import next_deadline
from interviewer.core.rubric import Scorecard
from interviewer.core.state import InterviewState
from interviewer.core.transcript import Role, Turn
from interviewer.outbox import Post
from interviewer.ports import HistoryEntry, StaleInterview, StoredInterview, UsageDelta


class InMemoryRepository:
    """The Repository port in a few dicts; copies on the way in and out, like a database."""

    def __init__(self) -> None:
        self.users: dict[tuple[str, str], int] = {}
        self.interviews: dict[int, StoredInterview] = {}
        self.saves = 0
        self.events: set[tuple[str, str]] = set()
        self.usage: dict[int, tuple[int, int, float]] = {}
        self.created: dict[int, datetime] = {}

    def ensure_user(self, platform: str, external_id: str, display_name: str | None = None) -> int:
        return self.users.setdefault((platform, external_id), len(self.users) + 1)

    def create_interview(
        self,
        user_id: int,
        platform: str,
        channel: str,
        state: InterviewState,
        turns: Sequence[Turn],
        brain: str,
    ) -> int:
        interview_id = len(self.interviews) + 1
        self.created[interview_id] = state.started_at
        self.interviews[interview_id] = StoredInterview(
            interview_id, user_id, platform, channel, deepcopy(state), list(turns)
        )
        return interview_id

    def active_interview(self, user_id: int, channel: str | None = None) -> StoredInterview | None:
        for stored in sorted(self.interviews.values(), key=lambda s: -s.id):
            mine = stored.user_id == user_id and stored.state.active
            if mine and (channel is None or stored.channel == channel):
                return deepcopy(stored)
        return None

    def active_in_channel(self, platform: str, channel: str) -> StoredInterview | None:
        for stored in sorted(self.interviews.values(), key=lambda s: -s.id):
            if stored.platform == platform and stored.channel == channel and stored.state.active:
                return deepcopy(stored)
        return None

    def one_connection(self) -> AbstractContextManager[None]:
        return nullcontext()

    def conversation(
        self, platform: str, external_id: str, display_name: str | None, channel: str
    ) -> tuple[int, StoredInterview | None]:
        user_id = self.ensure_user(platform, external_id, display_name)
        return user_id, self.active_in_channel(platform, channel)

    def due_interviews(self, now: datetime, limit: int = 100) -> list[int]:
        due = []
        for stored in self.interviews.values():
            deadline = next_deadline(stored.state)
            if deadline is not None and deadline <= now:
                due.append((deadline, stored.id))
        return [i for _, i in sorted(due)[:limit]]

    def unanswered(self, before: datetime, platforms: Sequence[str], limit: int = 50) -> list[int]:
        return [
            i
            for i, s in sorted(self.interviews.items())
            if s.state.active
            and not s.state.peer  # a peer mock's answers wait for its human interviewer
            and s.platform in platforms
            and s.turns
            and s.turns[-1].role is Role.CANDIDATE
            and (s.turns[-1].at is None or s.turns[-1].at <= before)
        ][:limit]

    def unscored(self, user_id: int | None = None, limit: int = 50) -> list[int]:
        return [
            i
            for i, s in sorted(self.interviews.items())
            if not s.state.active
            and s.scorecard is None
            and (user_id is None or s.user_id == user_id)
        ][:limit]

    def claim_event(self, platform: str, key: str) -> bool:
        if (platform, key) in self.events:
            return False
        self.events.add((platform, key))
        return True

    def add_usage(
        self, interview_id: int, prompt_tokens: int, completion_tokens: int, cost_usd: float
    ) -> None:
        p, c, cost = self.usage.get(interview_id, (0, 0, 0.0))
        self.usage[interview_id] = (p + prompt_tokens, c + completion_tokens, cost + cost_usd)

    def load(self, interview_id: int) -> StoredInterview | None:
        stored = self.interviews.get(interview_id)
        return deepcopy(stored) if stored else None

    def save_step(
        self,
        interview_id: int,
        state: InterviewState,
        new_turns: Sequence[Turn],
        expected_version: int | None = None,
        usage: UsageDelta | None = None,
        posts: Sequence[Post] = (),
    ) -> int:
        stored = self.interviews[interview_id]
        if expected_version is not None and stored.version != expected_version:
            raise StaleInterview(f"version {stored.version}, not {expected_version}")
        self.saves += 1
        if usage:
            self.add_usage(
                interview_id, usage.prompt_tokens, usage.completion_tokens, usage.cost_usd
            )
        self.interviews[interview_id] = replace(
            stored,
            state=deepcopy(state),
            turns=[*stored.turns, *new_turns],
            version=stored.version + 1,
        )
        return stored.version + 1

    def save_scorecard(self, interview_id: int, scorecard: Scorecard) -> None:
        stored = self.interviews[interview_id]
        self.interviews[interview_id] = replace(stored, scorecard=deepcopy(scorecard))

    def history(self, user_id: int, limit: int = 20) -> list[HistoryEntry]:
        rows = [s for s in self.interviews.values() if s.user_id == user_id]
        rows.sort(key=lambda s: -s.id)
        return [
            HistoryEntry(
                s.id,
                s.state.question_id,
                s.state.format.value,
                s.state.status.value,
                s.state.started_at,
                s.scorecard.overall if s.scorecard else None,
                s.scorecard.hire_signal.value if s.scorecard else None,
            )
            for s in rows[:limit]
        ]

    # ---- the QuotaCounts port (interviewer.quotas) ---------------------------------------------

    def interviews_started_since(self, user_id: int, since: datetime) -> int:
        return sum(
            1
            for i, s in self.interviews.items()
            if s.user_id == user_id and self.created[i] >= since
        )

    def messages_since(
        self, user_id: int, author: str, interview_id: int, since: datetime
    ) -> list[datetime]:
        times = [
            turn.at
            for s in self.interviews.values()
            if s.user_id == user_id or s.id == interview_id
            for turn in s.turns
            if turn.role is Role.CANDIDATE
            and turn.author == author
            and turn.at is not None
            and turn.at >= since
        ]
        return sorted(times)

    def tokens_since(self, platform: str, since: datetime) -> int:
        return sum(
            p + c
            for i, (p, c, _) in self.usage.items()
            if self.interviews[i].platform == platform
            and self.interviews[i].state.last_event_at >= since
        )
