"""The Discord shard settings: "0-3,6" parsed by a pure function, checked against the count."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from bot.settings import Settings, parse_shard_ids
from bot.terminal.cli import settings_problem


@pytest.mark.parametrize(
    ("text", "count", "ids"),
    [
        ("0", 1, [0]),
        ("0-3,6", 8, [0, 1, 2, 3, 6]),
        (" 1 , 0 ", 2, [0, 1]),  # spaces, and any order
        ("0 - 2", 3, [0, 1, 2]),
        ("2-2", 3, [2]),
        ("0,,1,", 2, [0, 1]),  # empty items
        ("0-2,1-3,3,3", 4, [0, 1, 2, 3]),  # overlaps and repeats, once each
        ("6,0-1", 7, [0, 1, 6]),
    ],
)
def test_shard_ids_parse(text: str, count: int, ids: list[int]) -> None:
    assert parse_shard_ids(text, count) == ids


@pytest.mark.parametrize(
    ("text", "count", "message"),
    [
        ("3-1", 4, "the range 3-1 runs backwards: write 1-3"),
        ("a", 4, "'a' is not a shard id or a range: write them like 0-3,6"),
        ("1.5", 4, "'1.5' is not a shard id"),
        ("-1", 4, "'-1' is not a shard id"),
        ("+1", 4, "'+1' is not a shard id"),
        ("0-", 4, "'0-' is not a shard id"),
        ("1-2-3", 4, "'1-2-3' is not a shard id"),
        ("0 1", 4, "'0 1' is not a shard id"),
        ("[0, 1]", 4, "'[0' is not a shard id"),  # not JSON: commas and ranges
        ("٣", 4, "is not a shard id"),  # int() would take this Arabic-Indic 3
        ("4", 4, "there is no shard 4: the shard count is 4, so the ids run from 0 to 3"),
        ("0-9", 4, "there is no shard 9"),
        ("", 4, "no shard ids"),
        (" , ", 4, "no shard ids"),
    ],
)
def test_bad_shard_ids_say_what_to_write(text: str, count: int, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_shard_ids(text, count)


def test_a_huge_range_is_refused_before_it_is_expanded() -> None:
    with pytest.raises(ValueError, match="there is no shard 999999999999"):
        parse_shard_ids("0-999999999999", 2)


def test_by_default_discord_picks_the_count_and_every_shard_runs() -> None:
    settings = Settings(_env_file=None)
    assert (settings.discord_shard_count, settings.discord_shard_ids) == (None, None)


def test_the_environment_spells_ids_with_commas_and_ranges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOCKROOM_DISCORD_SHARD_COUNT", "8")
    monkeypatch.setenv("MOCKROOM_DISCORD_SHARD_IDS", "4-5, 0")
    settings = Settings(_env_file=None)
    assert (settings.discord_shard_count, settings.discord_shard_ids) == (8, [0, 4, 5])


def test_blank_ids_in_the_environment_mean_every_shard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCKROOM_DISCORD_SHARD_COUNT", "2")
    monkeypatch.setenv("MOCKROOM_DISCORD_SHARD_IDS", " ")
    assert Settings(_env_file=None).discord_shard_ids is None


def test_ids_given_in_code_are_checked_too() -> None:
    settings = Settings(_env_file=None, discord_shard_count=2, discord_shard_ids=[1, 0, 1])
    assert settings.discord_shard_ids == [0, 1]
    with pytest.raises(ValidationError, match="there is no shard 2"):
        Settings(_env_file=None, discord_shard_count=2, discord_shard_ids=[2])


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        (
            {"MOCKROOM_DISCORD_SHARD_IDS": "0"},
            "MOCKROOM_DISCORD_SHARD_IDS: set MOCKROOM_DISCORD_SHARD_COUNT too, to the number of "
            "shards across every process (or unset MOCKROOM_DISCORD_SHARD_IDS to run every "
            "shard here)",
        ),
        (
            {"MOCKROOM_DISCORD_SHARD_COUNT": "2", "MOCKROOM_DISCORD_SHARD_IDS": "1-2"},
            "MOCKROOM_DISCORD_SHARD_IDS: there is no shard 2: the shard count is 2, so the ids "
            "run from 0 to 1",
        ),
        (
            {"MOCKROOM_DISCORD_SHARD_COUNT": "2", "MOCKROOM_DISCORD_SHARD_IDS": "one"},
            "MOCKROOM_DISCORD_SHARD_IDS: 'one' is not a shard id or a range: write them like 0-3,6",
        ),
        (
            {"MOCKROOM_DISCORD_SHARD_COUNT": "0"},
            "MOCKROOM_DISCORD_SHARD_COUNT: Input should be greater than or equal to 1",
        ),
        (  # a bad count is the one problem named, not also the ids that depend on it
            {"MOCKROOM_DISCORD_SHARD_COUNT": "two", "MOCKROOM_DISCORD_SHARD_IDS": "0"},
            "MOCKROOM_DISCORD_SHARD_COUNT: Input should be a valid integer, unable to parse "
            "string as an integer",
        ),
    ],
)
def test_a_bad_shard_setting_is_one_line_naming_what_to_set(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)
    assert settings_problem(caught.value) == problem
