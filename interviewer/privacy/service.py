"""Privacy requests: a member's data as a file, forgetting a member, and transcript retention."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from interviewer.privacy.ports import REMOVED, PrivacyRepository, Purged
from interviewer.replies import Who

log = logging.getLogger(__name__)

RETENTION_JOB = "transcript-retention"


@dataclass(frozen=True)
class ExportFile:
    """A member's data as a JSON file, with a line saying what it holds."""

    filename: str
    content: bytes
    summary: str


class PrivacyService:
    """Exports and forgets members on request; purges old transcripts once a day."""

    def __init__(
        self,
        repo: PrivacyRepository,
        clock: Callable[[], datetime],
        *,
        retention_days: int = 0,
        command_name: str = "/mockroom",
    ) -> None:
        self.repo = repo
        self.clock = clock
        self.retention_days = retention_days
        self.cmd = command_name

    # ---- export -------------------------------------------------------------------------------

    def export(self, who: Who) -> dict[str, Any]:
        """Everything stored about the member asking (never anyone else), JSON-ready."""
        data = self.repo.export(who.platform, who.user_id)
        return {**data, "exported_at": self.clock().astimezone(UTC).isoformat()}

    def export_file(self, who: Who) -> ExportFile:
        """The member's data as a JSON file to send them privately."""
        data = self.export(who)
        day = self.clock().astimezone(UTC).date().isoformat()
        content = json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")
        return ExportFile(f"mockroom-export-{who.platform}-{day}.json", content, _summary(data))

    # ---- forget -------------------------------------------------------------------------------

    def forget_warning(
        self, who: Who, *, cmd: str | None = None, confirm: str | None = None
    ) -> str:
        """What `forget-me confirm` would delete, and how to confirm it (chat by default)."""
        cmd = cmd or self.cmd
        confirm = confirm or f"run `{cmd} forget-me confirm`"
        data = self.repo.export(who.platform, who.user_id)
        counts = {k: len(v) for k, v in data.items() if isinstance(v, list)}
        mine = data["user"] is not None
        shared = sum(
            counts[k]
            for k in ("drill_subscriptions_created", "channel_settings_changed", "pairings_set_up")
        )
        return (
            "This permanently deletes everything mockroom stores about you on this platform:\n"
            "• interviews you started (solo, design-along, or as a peer mock's candidate), with "
            "their transcripts (everyone's messages in them), scorecards and scores: "
            f"{counts['interviews']}\n"
            f"• drill answers and their scores: {counts['drill_answers']}\n"
            f"• points entries (you leave every leaderboard): {counts['points']}\n"
            "• your peer mock sessions (your partners' records of them too) and memberships: "
            f"{counts['peer_sessions'] + counts['peer_memberships']}\n"
            "• your leaderboard and reminder choices and your user record: "
            f"{counts['leaderboard_preferences'] + counts['reminder_preferences'] + mine}\n"
            "Kept in other people's records, without your name or your words:\n"
            f"• your messages in other people's design-alongs become “{REMOVED}”: "
            f"{counts['messages_in_others_design_alongs']}\n"
            "• the questions you asked as a peer interviewer, in your partners' interviews, "
            f"become “{REMOVED}”: {counts['questions_asked_as_peer_interviewer']}\n"
            "• drill subscriptions, channel settings and weekly pairings you set up keep "
            f"running for their channel, without your name: {shared}\n"
            "It cannot be undone. Get a copy first with "
            f"`{cmd} export`; to delete, {confirm}."
        )

    def forget(self, who: Who) -> dict[str, int]:
        """Delete every row about the member, in one transaction; rows changed per table."""
        counts = self.repo.forget(who.platform, who.user_id)
        log.warning("forgot a %s member at their request: %s", who.platform, counts)
        return counts

    def forget_confirmation(self, counts: dict[str, int]) -> str:
        """The private confirmation after `forget-me confirm`, with what was removed."""
        done = ", ".join(f"{table}: {n}" for table, n in sorted(counts.items()) if n)
        return (
            "Done: mockroom has forgotten you here. Rows removed or changed: "
            f"{done or 'none (nothing was stored about you)'}. If you use mockroom again, "
            "it starts afresh."
        )

    # ---- retention ----------------------------------------------------------------------------

    def purge(self, older_than: datetime) -> Purged:
        """Purge the transcripts of interviews and drills that ended before `older_than`."""
        return self.repo.purge_transcripts(older_than)

    def due_purge(self) -> Purged | None:
        """Today's retention run, claimed so that one replica does it; None when not due."""
        if self.retention_days <= 0:
            return None
        now = self.clock().astimezone(UTC)
        today = datetime.combine(now.date(), time(0), UTC)
        if not self.repo.claim_job(RETENTION_JOB, today):
            return None
        # A run that fails after its claim is not retried today; tomorrow's covers it.
        purged = self.purge(now - timedelta(days=self.retention_days))
        log.info("retention purged %s", purged)
        return purged


def _summary(data: dict[str, Any]) -> str:
    return (
        f"Your mockroom data: {_n(len(data['interviews']), 'interview')}, "
        f"{_n(len(data['drill_answers']), 'drill answer')}, "
        f"{_n(len(data['points']), 'points entry', 'points entries')}."
    )


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
