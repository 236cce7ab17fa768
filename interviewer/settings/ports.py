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
    ) -> ChannelSettings:
        """Set these keys (None: back to the default) in one transaction; the settings after."""
        ...
