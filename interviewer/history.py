"""A member's past scorecards, interviews and drill answers together, numbered to reopen them.

Numbers count from the member's oldest scorecard, so a number keeps meaning the same
scorecard as new ones are added.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from interviewer.core.rubric import Scorecard
from interviewer.drills.ports import DrillRepository
from interviewer.ports import HistoryEntry
from interviewer.replies import InterviewError, Who
from interviewer.service import InterviewService

ALL = 10_000  # every interview a member has: numbering needs them all


@dataclass(frozen=True)
class PastScorecard:
    """One history entry opened: the entry and its scorecard."""

    entry: HistoryEntry
    scorecard: Scorecard


class History:
    """The member's interviews and graded drill answers, newest first, each with a number."""

    def __init__(self, service: InterviewService, drills: DrillRepository | None = None) -> None:
        self.service = service
        self.drills = drills

    def entries(self, who: Who, limit: int = 20) -> list[HistoryEntry]:
        """The newest `limit` entries, numbered from the oldest."""
        return self._numbered(who)[:limit]

    def open(self, who: Who, number: int) -> PastScorecard:
        """Scorecard `number` of the member's history; InterviewError when there is none."""
        entries = self._numbered(who)
        if not entries:
            raise InterviewError("Your history is empty: nothing has been scored yet.")
        found = next((e for e in entries if e.number == number), None)
        if found is None:
            raise InterviewError(
                f"Your history has no number {number}: the numbers run from 1 to {len(entries)}."
            )
        card = self._scorecard(who, found)
        if card is None:
            why = "is still running" if found.status == "active" else "ended without a score"
            raise InterviewError(f"Number {number} ({found.question_id}) {why}.")
        return PastScorecard(found, card)

    def recent_scorecards(self, who: Who, limit: int = 8) -> list[tuple[str, Scorecard]]:
        """The member's last `limit` scorecards, oldest first, each labelled by its number."""
        found: list[tuple[str, Scorecard]] = []
        drills = self._drill_cards(who)  # read once, not once per entry
        for entry in self._numbered(who):
            if entry.overall is None:
                continue
            card = drills.get(entry.interview_id) if entry.kind == "drill" else None
            card = card or self._scorecard(who, entry)
            if card is not None:
                found.append((str(entry.number), card))
            if len(found) == limit:
                break
        return found[::-1]

    def _numbered(self, who: Who) -> list[HistoryEntry]:
        entries = list(self.service.history(who, ALL))
        if self.drills is not None and who.platform != "terminal":
            for drill in self.drills.graded_of(who.platform, who.user_id):
                card = drill.scorecard
                entries.append(
                    HistoryEntry(
                        interview_id=drill.answer_id,
                        question_id=drill.question_id,
                        format="drill answer",
                        status="graded",
                        started_at=drill.answered_at,
                        overall=card.overall,
                        hire_signal=card.hire_signal.value,
                        kind="drill",
                    )
                )
        entries.sort(key=lambda e: (e.started_at, e.kind, e.interview_id))
        numbered = [replace(e, number=i) for i, e in enumerate(entries, start=1)]
        return numbered[::-1]

    def _drill_cards(self, who: Who) -> dict[int, Scorecard]:
        if self.drills is None or who.platform == "terminal":
            return {}
        return {g.answer_id: g.scorecard for g in self.drills.graded_of(who.platform, who.user_id)}

    def _scorecard(self, who: Who, entry: HistoryEntry) -> Scorecard | None:
        if entry.kind == "drill":
            return self._drill_cards(who).get(entry.interview_id)
        stored = self.service.repo.load(entry.interview_id)
        return None if stored is None else stored.scorecard
