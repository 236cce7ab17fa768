"""Where channel settings are kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from interviewer.settings.values import ChannelSettings, Key


class SettingsRepository(Protocol):
    """One row of settings per channel; each change is one write of the keys it names."""

    def channel_settings(self, platform: str, channel: str) -> ChannelSettings:
        """A channel's settings (all None when it chose nothing)."""
        ...

    def all_channel_settings(self) -> dict[tuple[str, str], ChannelSettings]:
        """Every channel's settings, by (platform, channel): one read per sweep."""
        ...

    def save_channel_settings(
        self,
        platform: str,
        workspace: str,
        channel: str,
        values: Mapping[Key, object],
        by: str,
        now: datetime,
        *,
        not_after: float | None = None,
        event_key: str | None = None,
    ) -> ChannelSettings | None:
        """Set these keys (None: back to the default) in one transaction; the settings after.

        `not_after` (time.monotonic()): past it the transaction rolls back instead of
        committing (SaveTooLate), so a caller that stopped waiting never sees it applied
        later. `event_key`: the submission's claim, in the same transaction; None when it was
        saved before (a replay), and nothing changes."""
        ...
