"""Streak reminders: an opt-in direct message an hour before a drill closes, for members who
have not answered it yet; snooze and opt-out per member. Each reminder is claimed once."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from interviewer.bank import QuestionBank
from interviewer.core.text import ascii_number
from interviewer.drills.points import DrillError
from interviewer.outbox import Kind, Post

BEFORE_CLOSE = timedelta(hours=1)
MAX_SNOOZE_DAYS = 30


@dataclass(frozen=True)
class ReminderPref:
    """A member's choice."""

    user_id: str
    enabled: bool
    snoozed_until: datetime | None = None


@dataclass(frozen=True)
class ClosingDrill:
    """A posted drill whose answer window ends soon."""

    post_id: int
    platform: str
    workspace: str
    channel: str
    question_id: str
    window_ends_at: datetime
    opened_at: datetime | None = None  # the window's start (the drill's occurrence)

    def remind_at(self) -> datetime:
        """An hour before the window closes, or halfway through a window of two hours or
        less (a reminder with the drill itself would remind of nothing)."""
        if self.opened_at is None:
            return self.window_ends_at - BEFORE_CLOSE
        return self.window_ends_at - min(BEFORE_CLOSE, (self.window_ends_at - self.opened_at) / 2)


class ReminderRepository(Protocol):
    """Reminder choices, the drills about to close, who answered, and once-only claims."""

    def set_reminder(
        self, platform: str, workspace: str, user_id: str, enabled: bool, until: datetime | None
    ) -> None:
        """Store a member's choice."""
        ...

    def reminders(self, platform: str, workspace: str) -> list[ReminderPref]:
        """The workspace's members who chose reminders at some point."""
        ...

    def closing(self, now: datetime, within: timedelta) -> list[ClosingDrill]:
        """Posted drills whose window ends after `now` and within `within` of it."""
        ...

    def answered(self, post_id: int) -> set[str]:
        """Who answered a drill (graded or being graded)."""
        ...

    def claim_job(self, job_key: str, occurrence_at: datetime, posts: Sequence[Post] = ()) -> bool:
        """Claim one occurrence of a once-only job and add its posts to the outbox, together;
        False when it was claimed before."""
        ...


class ReminderService:
    """`remind on|off|snooze DAYS` and the reminders due now."""

    def __init__(
        self,
        repo: ReminderRepository,
        bank: QuestionBank,
        clock: Callable[[], datetime],
        *,
        command_name: str = "/mockroom",
    ) -> None:
        self.repo = repo
        self.bank = bank
        self.clock = clock
        self.cmd = command_name

    def command(self, platform: str, workspace: str, user_id: str, args: str) -> str:
        """The member's choice, and what it means."""
        words = args.lower().split()
        now = self.clock()
        if words in ([], ["on"]):
            self.repo.set_reminder(platform, workspace, user_id, True, None)
            return (
                "Streak reminders on: an hour before a drill closes, I send you a direct "
                f"message if you have not answered. `{self.cmd} remind snooze 3` pauses them, "
                f"`{self.cmd} remind off` stops them."
            )
        if words == ["off"]:
            self.repo.set_reminder(platform, workspace, user_id, False, None)
            return "Streak reminders off."
        days = ascii_number(words[1]) if len(words) == 2 and words[0] == "snooze" else None
        if days is not None:
            if not 1 <= days <= MAX_SNOOZE_DAYS:
                raise DrillError(f"Snooze for 1 to {MAX_SNOOZE_DAYS} days.")
            until = now + timedelta(days=days)
            self.repo.set_reminder(platform, workspace, user_id, True, until)
            return f"Streak reminders snoozed for {days} day{'s' * (days != 1)}."
        raise DrillError(f"Use `{self.cmd} remind [on|off|snooze DAYS]`.")

    def due(self, platforms: Collection[str] | None = None) -> list[Post]:
        """Claim the reminders to send now (each member once per drill), each put in the
        outbox with its claim (interviewer/outbox.py); the posts added."""
        now = self.clock()
        found = []
        chosen: dict[tuple[str, str], list[ReminderPref]] = {}  # one read per workspace
        for drill in self.repo.closing(now, BEFORE_CLOSE):
            if platforms is not None and drill.platform not in platforms:
                continue
            if now < drill.remind_at():
                continue
            place = (drill.platform, drill.workspace)
            if place not in chosen:
                chosen[place] = self.repo.reminders(*place)
            prefs = chosen[place]
            wanted = [
                p.user_id
                for p in prefs
                if p.enabled and (p.snoozed_until is None or p.snoozed_until <= now)
            ]
            if not wanted:
                continue
            answered = self.repo.answered(drill.post_id)
            problem = self.bank.problems.get(drill.question_id)
            title = problem.title if problem else drill.question_id
            for user in wanted:
                if user in answered:
                    continue
                key = f"remind:{drill.post_id}:{user}"
                left = max(1, round((drill.window_ends_at - now).total_seconds() / 60))
                text = (
                    f"{left} minutes left to answer today's drill, *{title}*, in <#{drill.channel}> "
                    f"and keep your streak. (`{self.cmd} remind snooze 3` or `remind off`)"
                )
                # not sent once the drill has closed (a reminder of nothing)
                post = Post(key, Kind.DM, drill.platform, user, text, drill.window_ends_at)
                if self.repo.claim_job(key, drill.window_ends_at, [post]):
                    found.append(post)
        return found
