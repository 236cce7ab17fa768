"""What a channel may set, how each value is parsed and checked, and what applies when unset.

Pure: no framework, no storage. A value of None means "the server's default".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum

from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.core.text import ascii_number, excerpt
from interviewer.drills.schedule import WEEKDAY_NAMES, weekday_number
from interviewer.service import InterviewError

MIN_WINDOW_HOURS = 1.0  # a streak reminder goes an hour before a drill closes
MAX_WINDOW_HOURS = 168.0
RESET = "default"


class SaveTooLate(InterviewError):
    """A settings write reached its commit after its caller stopped waiting: rolled back."""


class SettingError(InterviewError):
    """A key or value a channel cannot take; the message says what is allowed."""


class Key(StrEnum):
    """The settings a channel has, as typed in `settings set KEY VALUE`."""

    WINDOW = "window"
    BOARD_DAY = "board-day"
    BOARD_HOUR = "board-hour"
    BOARD = "board"
    FORMAT = "format"
    LEVEL = "level"
    TOPICS = "topics"


class Visibility(StrEnum):
    """Whether the weekly board is posted in the channel or only shown to who asks."""

    PUBLIC = "public"
    PRIVATE = "private"


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's stored choices; None means the server's default."""

    window_hours: float | None = None
    board_day: int | None = None  # 0 = Monday
    board_hour: int | None = None
    board: Visibility | None = None
    fmt: Format | None = None
    level: Level | None = None
    topics: tuple[str, ...] | None = None  # None: any question of the bank

    def changed(self) -> dict[Key, object]:
        """The settings this channel chose, by key."""
        return {k: getattr(self, f) for k, f in FIELD_OF.items() if getattr(self, f) is not None}


FIELD_OF: Mapping[Key, str] = {
    Key.WINDOW: "window_hours",
    Key.BOARD_DAY: "board_day",
    Key.BOARD_HOUR: "board_hour",
    Key.BOARD: "board",
    Key.FORMAT: "fmt",
    Key.LEVEL: "level",
    Key.TOPICS: "topics",
}
assert set(FIELD_OF.values()) == {f.name for f in fields(ChannelSettings)}


@dataclass(frozen=True)
class Defaults:
    """What applies where a channel chose nothing (from the server's settings)."""

    window_hours: float = 24.0
    board_day: int = 0
    board_hour: int = 9
    board: Visibility = Visibility.PUBLIC
    fmt: Format = Format.STANDARD
    level: Level = Level.SENIOR


ALLOWED: Mapping[Key, str] = {
    Key.WINDOW: f"hours a drill takes answers, {MIN_WINDOW_HOURS:g} to {MAX_WINDOW_HOURS:g}",
    Key.BOARD_DAY: "the weekly board's day, " + "|".join(WEEKDAY_NAMES),
    Key.BOARD_HOUR: "the weekly board's local hour, 0 to 23",
    Key.BOARD: "public (posted in the channel) or private (shown to who asks)",
    Key.FORMAT: "the default interview format, " + "|".join(f.value for f in Format),
    Key.LEVEL: "the default level, " + "|".join(lv.value for lv in Level),
    Key.TOPICS: "drill topics from the question bank, comma-separated, or any",
}


def parse_key(word: str) -> Key:
    """A setting's key; SettingError listing the keys otherwise."""
    try:
        return Key(word.strip().lower())
    except ValueError:
        raise SettingError(
            f"Unknown setting {excerpt(word)!r}: use one of {keys_list()}."
        ) from None


def keys_list() -> str:
    """The keys, for messages."""
    return ", ".join(k.value for k in Key)


def parse_value(key: Key, raw: str, topics: Collection[str]) -> object:
    """The value typed for a key (None for `default`); SettingError saying what is allowed."""
    text = raw.strip().lower()
    if text == RESET:
        return None
    parsed = _parse(key, text, topics)
    if parsed is None and key is Key.TOPICS:
        unknown = [w for w in dict.fromkeys(_topic_words(text)) if w not in topics]
        named = excerpt(", ".join(repr(w) for w in unknown) or repr(raw.strip()))
        plural = "are not topics" if len(unknown) > 1 else "is not a topic"
        raise SettingError(f"{named} {plural} of the question bank: use {ALLOWED[key]}.")
    if parsed is None:
        raise SettingError(
            f"{excerpt(raw)!r} is not a {key.value}: use {ALLOWED[key]} (or {RESET})."
        )
    return parsed


def _parse(key: Key, text: str, topics: Collection[str]) -> object:
    if key is Key.WINDOW:
        match = re.fullmatch(r"([0-9]{1,6}(?:\.[0-9]{1,6})?)\s*h?", text)
        hours = float(match.group(1)) if match else None
        return (
            hours if hours is not None and MIN_WINDOW_HOURS <= hours <= MAX_WINDOW_HOURS else None
        )
    if key is Key.BOARD_DAY:
        try:
            return weekday_number(text)
        except ValueError:  # `monkey` is not Monday
            return None
    if key is Key.BOARD_HOUR:
        hour = ascii_number(text, max_digits=2)
        return hour if hour is not None and hour <= 23 else None
    kind = _CHOICES.get(key)
    if kind is not None:
        return kind(text) if text in {m.value for m in kind} else None
    return _parse_topics(text, topics)


_CHOICES: Mapping[Key, type[StrEnum]] = {
    Key.BOARD: Visibility,
    Key.FORMAT: Format,
    Key.LEVEL: Level,
}
"""The keys whose value is one of an enumeration's, as typed."""


def _parse_topics(text: str, topics: Collection[str]) -> tuple[str, ...] | None:
    if text in ("any", "all"):
        return ()
    words = _topic_words(text)
    if not words or any(w not in topics for w in words):
        return None
    return tuple(dict.fromkeys(words))


def _topic_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text) if w]


def show_value(key: Key, value: object) -> str:
    """A stored value as it is typed."""
    if key is Key.BOARD_DAY and isinstance(value, int):
        return WEEKDAY_NAMES[value]
    if key is Key.WINDOW and isinstance(value, int | float):
        return f"{value:g}h"
    if key is Key.TOPICS and isinstance(value, tuple):
        return ",".join(value) or "any"
    return str(value.value if isinstance(value, StrEnum) else value)


def effective(stored: ChannelSettings, defaults: Defaults) -> dict[Key, object]:
    """Every key's value in force: the channel's choice, else the default."""
    values: dict[Key, object] = {}
    for key, name in FIELD_OF.items():
        chosen = getattr(stored, name)
        values[key] = chosen if chosen is not None else getattr(defaults, name, ())
    return values
