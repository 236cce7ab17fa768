"""The settings service: anyone in a channel sees its settings, only managers change them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pytest

from interviewer.bank import load_bank
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.service import Who
from interviewer.settings.service import SettingsService
from interviewer.settings.values import FIELD_OF, ChannelSettings, Defaults, Key, SettingError

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
ADA, BOB = Who("slack", "U0ADA", "Ada"), Who("slack", "U0BOB", "Bob")


class MemoryRepository:
    """Channel settings in a dict: the port, by hand."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict[str, object]] = {}
        self.writes = 0

    def channel_settings(self, platform: str, channel: str) -> ChannelSettings:
        return ChannelSettings(**self.rows.get((platform, channel), {}))  # type: ignore[arg-type]

    def all_channel_settings(self) -> dict[tuple[str, str], ChannelSettings]:
        return {place: self.channel_settings(*place) for place in self.rows}

    def save_channel_settings(
        self,
        platform: str,
        workspace: str,
        channel: str,
        values: Mapping[Key, object],
        by: str,
        now: datetime,
        **_: object,
    ) -> ChannelSettings:
        self.writes += 1
        row = self.rows.setdefault((platform, channel), {})
        row.update({FIELD_OF[k]: v for k, v in values.items()})
        return self.channel_settings(platform, channel)


@pytest.fixture
def repo() -> MemoryRepository:
    return MemoryRepository()


@pytest.fixture
def service(repo: MemoryRepository) -> SettingsService:
    return SettingsService(
        repo, load_bank(), lambda: NOW, defaults=Defaults(window_hours=24), admins={"slack:U0BOB"}
    )


def test_anyone_sees_the_settings_with_the_defaults_marked(service: SettingsService) -> None:
    shown = service.command("slack", "T1", "C1", BOB, False, "")
    assert "• window: 24h (default)" in shown
    assert "• format: standard (default)" in shown
    assert service.command("slack", "T1", "C1", BOB, False, "show") == shown
    assert service.command("slack", "T1", "C1", BOB, False, "SHOW") == shown  # any case


def test_a_manager_sets_a_value_in_one_write(
    service: SettingsService, repo: MemoryRepository
) -> None:
    answer = service.command("slack", "T1", "C1", ADA, True, "set format drill")
    assert answer.startswith("This channel's format is now drill.")
    assert "• format: drill\n" in answer or "• format: drill ·" in answer
    assert repo.writes == 1
    assert service.start_defaults("slack", "C1") == (Format.DRILL, Level.SENIOR)
    assert service.start_defaults("slack", "C2") == (Format.STANDARD, Level.SENIOR)
    service.command("slack", "T1", "C1", ADA, True, "set format default")
    assert service.start_defaults("slack", "C1") == (Format.STANDARD, Level.SENIOR)


def test_a_member_named_in_drill_admins_may_change_them(service: SettingsService) -> None:
    service.command("slack", "T1", "C1", BOB, False, "set topics rag, caching")
    assert service.stored("slack", "C1").topics == ("rag", "caching")


def test_others_are_refused_and_nothing_is_stored(
    service: SettingsService, repo: MemoryRepository
) -> None:
    carol = Who("slack", "U0CAROL", "Carol")
    with pytest.raises(SettingError, match="Only people who may manage this channel"):
        service.command("slack", "T1", "C1", carol, False, "set level staff")
    assert repo.writes == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        ("set", "settings set KEY VALUE"),
        ("change level staff", "settings set KEY VALUE"),
        ("set colour red", "Unknown setting 'colour'"),
        ("set board-hour 25", "0 to 23"),
    ],
)
def test_mistakes_get_one_line(
    service: SettingsService, repo: MemoryRepository, args: str, says: str
) -> None:
    with pytest.raises(SettingError, match=says):
        service.command("slack", "T1", "C1", ADA, True, args)
    assert repo.writes == 0


def test_a_form_is_checked_field_by_field(service: SettingsService) -> None:
    values, errors = service.validate(
        {Key.WINDOW: "forever", Key.BOARD_HOUR: "7", Key.TOPICS: "", Key.LEVEL: "default"}
    )
    assert values == {Key.BOARD_HOUR: 7, Key.TOPICS: None, Key.LEVEL: None}
    assert list(errors) == [Key.WINDOW] and "1 to 168" in errors[Key.WINDOW]
