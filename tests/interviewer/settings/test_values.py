"""Channel settings, pure: keys and values parsed and checked, one clear line for a bad one."""

from __future__ import annotations

import pytest

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.settings.values import (
    ChannelSettings,
    Defaults,
    Key,
    SettingError,
    Visibility,
    effective,
    parse_key,
    parse_value,
    show_value,
)

TOPICS = {"rag", "caching", "gpu"}


@pytest.mark.parametrize(
    ("key", "raw", "value"),
    [
        (Key.WINDOW, "36", 36.0),
        (Key.WINDOW, "12.5h", 12.5),
        (Key.WINDOW, "1", 1.0),
        (Key.WINDOW, "168", 168.0),
        (Key.BOARD_DAY, "fri", 4),
        (Key.BOARD_DAY, "Sunday", 6),
        (Key.BOARD_HOUR, "0", 0),
        (Key.BOARD_HOUR, "23", 23),
        (Key.BOARD, "PRIVATE", Visibility.PRIVATE),
        (Key.FORMAT, "drill", Format.DRILL),
        (Key.LEVEL, "staff", Level.STAFF),
        (Key.TOPICS, "rag, caching,rag", ("rag", "caching")),
        (Key.TOPICS, "any", ()),
        (Key.LEVEL, "default", None),
    ],
)
def test_values_parse(key: Key, raw: str, value: object) -> None:
    assert parse_value(key, raw, TOPICS) == value


@pytest.mark.parametrize(
    ("key", "raw", "allowed"),
    [
        (Key.WINDOW, "0.5", "1 to 168"),
        (Key.WINDOW, "200", "1 to 168"),
        (Key.WINDOW, "a day", "1 to 168"),
        (Key.BOARD_DAY, "someday", "mon|tue|wed|thu|fri|sat|sun"),
        (Key.BOARD_DAY, "m", "mon|tue"),
        (Key.BOARD_HOUR, "24", "0 to 23"),
        (Key.BOARD_HOUR, "-1", "0 to 23"),
        (Key.BOARD, "loud", "public"),
        (Key.FORMAT, "marathon", "standard|extended|drill|async"),
        (Key.LEVEL, "intern", "mid|senior|staff"),
        (Key.TOPICS, "knitting", "from the question bank"),
    ],
)
def test_a_bad_value_gets_one_line_saying_what_is_allowed(key: Key, raw: str, allowed: str) -> None:
    with pytest.raises(SettingError) as error:
        parse_value(key, raw, TOPICS)
    message = str(error.value)
    assert "\n" not in message and allowed in message and repr(raw) in message


def test_an_unknown_key_lists_the_keys() -> None:
    with pytest.raises(SettingError, match="use one of window, board-day, board-hour, board,"):
        parse_key("colour")
    assert parse_key("Board-Hour") is Key.BOARD_HOUR


def test_unset_values_fall_back_to_the_defaults() -> None:
    stored = ChannelSettings(board_hour=17, fmt=Format.DRILL)
    values = effective(stored, Defaults(window_hours=12))
    assert values[Key.BOARD_HOUR] == 17 and values[Key.FORMAT] is Format.DRILL
    assert values[Key.WINDOW] == 12 and values[Key.LEVEL] is Level.SENIOR
    assert values[Key.TOPICS] == ()
    assert stored.changed() == {Key.BOARD_HOUR: 17, Key.FORMAT: Format.DRILL}
    assert [show_value(k, v) for k, v in values.items()] == [
        "12h",
        "mon",
        "17",
        "public",
        "drill",
        "senior",
        "any",
    ]


def test_a_bad_topic_is_named() -> None:
    with pytest.raises(SettingError) as one:
        parse_value(Key.TOPICS, "rag,nonsense", TOPICS)
    assert str(one.value).startswith("'nonsense' is not a topic of the question bank: use ")
    with pytest.raises(SettingError) as two:
        parse_value(Key.TOPICS, "foo bar rag", TOPICS)
    assert str(two.value).startswith("'foo', 'bar' are not topics of the question bank")
