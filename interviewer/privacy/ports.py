"""The port of privacy requests: a member's export, their erasure and transcript retention."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

REMOVED = "[removed at the member's request]"
"""What a forgotten member's message in someone else's design-along reads as."""


@dataclass(frozen=True)
class Purged:
    """What one retention run removed: whole transcripts and drill answers' text."""

    interviews: int = 0
    turns: int = 0
    drill_answers: int = 0

    @property
    def total(self) -> int:
        """Transcripts and answers purged (turns are counted inside interviews)."""
        return self.interviews + self.drill_answers


class PrivacyRepository(Protocol):
    """Everything stored about one member, read or erased in one transaction."""

    def export(self, platform: str, user_id: str) -> dict[str, Any]:
        """All of the member's data, JSON-ready (datetimes as ISO strings)."""
        ...

    def forget(self, platform: str, user_id: str) -> dict[str, int]:
        """Delete every row about the member; rows changed per table (and per kind of change)."""
        ...

    def purge_transcripts(self, older_than: datetime) -> Purged:
        """Remove the text of transcripts and drill answers that ended before `older_than`."""
        ...

    def claim_job(self, job_key: str, occurrence_at: datetime) -> bool:
        """Claim one occurrence of a once-only job; False when it was claimed before."""
        ...
