"""The SettingsRepository port over SQL: one row per channel, NULL columns for the defaults."""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.settings.values import FIELD_OF, ChannelSettings, Key, SaveTooLate, Visibility
from storage.models import ChannelSettingRow, ProcessedEvent
from storage.repositories.base import SqlStore, row_by


class SqlSettingsRepository(SqlStore):
    """Channel settings on SQLite or PostgreSQL."""

    def channel_settings(self, platform: str, channel: str) -> ChannelSettings:
        """A channel's settings (all None when it chose nothing)."""
        with Session(self._engine) as session:
            row = row_by(session, ChannelSettingRow, platform=platform, channel=channel)
            return ChannelSettings() if row is None else _settings(row)

    def all_channel_settings(self) -> dict[tuple[str, str], ChannelSettings]:
        """Every channel's settings, by (platform, channel)."""
        with Session(self._engine) as session:
            rows = session.exec(select(ChannelSettingRow))
            return {(r.platform, r.channel): _settings(r) for r in rows}

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
        """Set these keys in one transaction; only their columns are written, so two managers
        changing different keys at once both keep their change. A replayed `event_key` changes
        nothing (None); past `not_after` (monotonic) the write rolls back (SaveTooLate)."""
        args = (platform, workspace, channel, values, by, now, not_after, event_key)
        try:
            return self._save(*args)
        except IntegrityError:  # another replica inserted the row (or claimed the event) first
            return self._save(*args)

    def _save(
        self,
        platform: str,
        workspace: str,
        channel: str,
        values: Mapping[Key, object],
        by: str,
        now: datetime,
        not_after: float | None,
        event_key: str | None,
    ) -> ChannelSettings | None:
        with self._transaction() as session:
            if event_key is not None:
                if row_by(session, ProcessedEvent, platform=platform, event_key=event_key):
                    return None  # saved before: a replay acts once
                session.add(ProcessedEvent(platform=platform, event_key=event_key))
            row = row_by(
                session, ChannelSettingRow, platform=platform, channel=channel
            ) or ChannelSettingRow(
                platform=platform, workspace=workspace, channel=channel, updated_by=by
            )
            for key, value in values.items():
                setattr(row, FIELD_OF[key], _column(key, value))
            row.updated_by = by
            row.updated_at = now
            session.add(row)
            session.flush()
            if not_after is not None and time.monotonic() > not_after:
                # The caller stopped waiting and told the member it did not go through.
                raise SaveTooLate(
                    "The database was too slow, so that was not saved: send it again in a minute."
                )
            return _settings(row)


def _column(key: Key, value: object) -> object:
    """A domain value as its column holds it."""
    if value is None:
        return None
    if key is Key.TOPICS and isinstance(value, tuple):
        return ",".join(value)
    if key in (Key.BOARD, Key.FORMAT, Key.LEVEL):
        return str(value)
    return value


def _settings(row: ChannelSettingRow) -> ChannelSettings:
    return ChannelSettings(
        window_hours=row.window_hours,
        board_day=row.board_day,
        board_hour=row.board_hour,
        board=None if row.board is None else Visibility(row.board),
        fmt=None if row.fmt is None else Format(row.fmt),
        level=None if row.level is None else Level(row.level),
        topics=None if row.topics is None else tuple(t for t in row.topics.split(",") if t),
    )
