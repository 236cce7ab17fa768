"""Channel settings on SQLite and PostgreSQL: one row per channel, each change one write that
keeps the other keys, read back by a new repository (a restart)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.settings.values import ChannelSettings, Key, Visibility
from storage.engine import make_engine
from storage.models import ChannelSettingRow
from storage.repositories.settings import SqlSettingsRepository

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_channel_without_settings_has_the_defaults(engine: Engine) -> None:
    repo = SqlSettingsRepository(engine)
    assert repo.channel_settings("slack", "C1") == ChannelSettings()
    assert repo.all_channel_settings() == {}


def test_changes_keep_the_other_keys_and_survive_a_new_repository(
    engine: Engine, migrated_url: str
) -> None:
    repo = SqlSettingsRepository(engine)
    repo.save_channel_settings(
        "slack", "T1", "C1", {Key.WINDOW: 36.0, Key.TOPICS: ("rag", "gpu")}, "U1", NOW
    )
    after = repo.save_channel_settings(
        "slack",
        "T1",
        "C1",
        {Key.BOARD: Visibility.PRIVATE, Key.FORMAT: Format.DRILL, Key.LEVEL: Level.STAFF},
        "U2",
        NOW,
    )
    repo.save_channel_settings(
        "slack", "T1", "C1", {Key.BOARD_DAY: 4, Key.BOARD_HOUR: 0}, "U2", NOW
    )
    repo.save_channel_settings("discord", "G1", "C1", {Key.TOPICS: ()}, "U3", NOW)
    expected = ChannelSettings(
        window_hours=36.0,
        board_day=4,
        board_hour=0,
        board=Visibility.PRIVATE,
        fmt=Format.DRILL,
        level=Level.STAFF,
        topics=("rag", "gpu"),
    )
    assert after == ChannelSettings(
        window_hours=36.0,
        board=Visibility.PRIVATE,
        fmt=Format.DRILL,
        level=Level.STAFF,
        topics=("rag", "gpu"),
    )
    restarted = make_engine(migrated_url)
    try:
        again = SqlSettingsRepository(restarted)
        assert again.channel_settings("slack", "C1") == expected
        assert again.all_channel_settings() == {
            ("slack", "C1"): expected,
            ("discord", "C1"): ChannelSettings(topics=()),
        }
    finally:
        restarted.dispose()
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ChannelSettingRow)).one() == 2


def test_default_clears_one_key(engine: Engine) -> None:
    repo = SqlSettingsRepository(engine)
    repo.save_channel_settings(
        "slack", "T1", "C1", {Key.LEVEL: Level.MID, Key.BOARD_HOUR: 7}, "U1", NOW
    )
    after = repo.save_channel_settings("slack", "T1", "C1", {Key.LEVEL: None}, "U1", NOW)
    assert after == ChannelSettings(board_hour=7)
