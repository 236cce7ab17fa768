"""A channel's settings in force, resolved in one place: its own choices, else the server's
defaults. Drills (window, topics, the weekly board) and starts (format, level) read them here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.settings.ports import SettingsRepository
from interviewer.settings.values import ChannelSettings, Defaults, Visibility


@dataclass(frozen=True)
class InForce:
    """What applies in one channel."""

    window: timedelta
    board_day: int  # 0 = Monday
    board_hour: int
    board: Visibility
    fmt: Format
    level: Level
    topics: tuple[str, ...] | None  # None: the drill subscription's own topic; (): any


class ChannelResolver:
    """Reads channels' stored choices and resolves them against the defaults."""

    def __init__(self, repo: SettingsRepository | None, defaults: Defaults) -> None:
        self.repo = repo
        self.defaults = defaults

    def stored(self, platform: str, channel: str) -> ChannelSettings:
        """A channel's own choices (none without a settings store)."""
        return (
            ChannelSettings()
            if self.repo is None
            else self.repo.channel_settings(platform, channel)
        )

    def channel(self, platform: str, channel: str) -> InForce:
        """What applies in one channel."""
        return self.resolve(self.stored(platform, channel))

    def every_channel(self) -> dict[tuple[str, str], InForce]:
        """What applies in every channel that chose something (one read, for the sweeps);
        any other channel gets `resolve(ChannelSettings())`."""
        chosen = {} if self.repo is None else self.repo.all_channel_settings()
        return {place: self.resolve(stored) for place, stored in chosen.items()}

    def resolve(self, stored: ChannelSettings) -> InForce:
        """A channel's choices over the defaults."""
        d = self.defaults
        hours = d.window_hours if stored.window_hours is None else stored.window_hours
        return InForce(
            window=timedelta(hours=hours),
            board_day=d.board_day if stored.board_day is None else stored.board_day,
            board_hour=d.board_hour if stored.board_hour is None else stored.board_hour,
            board=stored.board or d.board,
            fmt=stored.fmt or d.fmt,
            level=stored.level or d.level,
            topics=stored.topics,
        )
