"""Points and leaderboards: the ledger from interview and drill scorecards, boards, standings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from interviewer.core.rubric import Scorecard
from interviewer.drills.leaderboard import Board, Period, Standing, build_board, standing
from interviewer.drills.ports import DrillRepository, LedgerEntry
from interviewer.drills.schedule import Attempt, points
from interviewer.ports import StoredInterview
from interviewer.service import InterviewError, Who


class DrillError(InterviewError):
    """Something about drills or boards the user can fix; the message says how."""


class PointsService:
    """Counts points once per scorecard and ranks a workspace's members."""

    def __init__(
        self, repo: DrillRepository, clock: Callable[[], datetime], command_name: str = "/mockroom"
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.cmd = command_name

    def record_interview(self, stored: StoredInterview, card: Scorecard) -> None:
        """Count a finished interview's points (the InterviewService's on_scorecard hook)."""
        user = self.repo.external_user(stored.user_id)
        if user is None:
            return
        kind = "peer" if stored.state.peer else "interview"  # a peer mock's candidate
        entry = ledger_entry(user[0], "", user[1], kind, str(stored.id), card, self.clock())
        self.award(replace(entry, question_id=stored.state.question_id))

    # ---- leaderboards -------------------------------------------------------------------------

    def leaderboard(
        self,
        platform: str,
        workspace: str,
        period: Period | str = Period.WEEK,
        who: Who | None = None,
        *,
        zone: str = "UTC",
        weeks_ago: int = 0,
    ) -> Board:
        """The workspace's board for the week or all time; hidden names stay hidden."""
        try:
            period = Period(str(period).lower())
        except ValueError:
            raise DrillError(f"Choose `{self.cmd} leaderboard week` or `all`.") from None
        if who is not None:
            self.repo.note_member(platform, workspace, who.user_id, who.display_name)
        entries = self.repo.ledger(platform, workspace)
        members = self.repo.members(platform, workspace)
        viewer = None if who is None else who.user_id
        return build_board(
            entries, members, period, self.clock(), zone=zone, weeks_ago=weeks_ago, viewer=viewer
        )

    def me(self, platform: str, workspace: str, who: Who) -> Standing:
        """The member's own rank, streak and trend per criterion."""
        self.repo.note_member(platform, workspace, who.user_id, who.display_name)
        entries = self.repo.ledger(platform, workspace)
        members = self.repo.members(platform, workspace)
        return standing(entries, members, who.user_id, self.clock())

    def show_me(self, platform: str, workspace: str, who: Who, show: bool = True) -> str:
        """`leaderboard show-me` / `hide-me`: the member's name on boards and recaps."""
        self.repo.note_member(platform, workspace, who.user_id, who.display_name)
        self.repo.set_show_name(platform, workspace, who.user_id, show)
        if show:
            return "Your name now shows on this workspace's boards and drill recaps."
        return "Your name is hidden: boards and recaps show you as “a member”."

    # ---- internals ----------------------------------------------------------------------------

    def award(self, entry: LedgerEntry) -> int:
        """Points for a new entry given the member's history (cap, repeats); stored once."""
        earned, _ = self.award_with_ledger(entry)
        return earned

    def award_with_ledger(self, entry: LedgerEntry) -> tuple[int, list[LedgerEntry]]:
        """`award`, with the member's ledger on the platform after it, oldest first.

        The ledger is the history read to count the points, plus the new entry when it was
        stored (when its source was counted before, that entry is in the history already).
        """
        history = self.repo.ledger(entry.platform, user_id=entry.user_id)
        attempts = [Attempt(e.source_kind, e.question_id, e.overall, e.local_day) for e in history]
        attempts.append(
            Attempt(entry.source_kind, entry.question_id, entry.overall, entry.local_day)
        )
        earned = points(attempts)[-1]
        stored = replace(entry, points=earned)
        if not self.repo.add_points(stored):
            return 0, history
        # The ledger's order (created_at, then id): a stable sort keeps the newest row last.
        return earned, sorted([*history, stored], key=_created_at)


def ledger_entry(
    platform: str, workspace: str, user: str, kind: str, source: str, card: Scorecard, now: datetime
) -> LedgerEntry:
    """A ledger entry for a scorecard, counted in UTC until the caller says otherwise."""
    return LedgerEntry(
        platform=platform,
        workspace=workspace,
        user_id=user,
        source_kind=kind,
        source_id=source,
        question_id="",
        overall=card.overall,
        points=0,
        local_day=now.astimezone(UTC).date(),
        zone="UTC",
        criteria={c.value: s.score for c, s in card.criteria.items()},
        created_at=now,
    )


def _created_at(entry: LedgerEntry) -> datetime:
    return entry.created_at
