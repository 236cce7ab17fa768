"""Numbers from members are ASCII digits only, days are days, and errors echo a short excerpt
(issue 22): `²` passes str.isdigit() and crashed int() for any member on both platforms."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.chat.grammar import HistoryRequest, UsageError, parse_request
from interviewer.bank import load_bank
from interviewer.core.rubric import parse_level
from interviewer.core.stages import format_spec
from interviewer.core.text import EXCERPT_CHARS, ascii_number
from interviewer.drills.schedule import ScheduleError, parse_schedule, parse_weekdays
from interviewer.settings.values import Key, SettingError, parse_value

NOT_ASCII = ["²", "١٢", "１２", "٣", "𝟙"]


@pytest.mark.parametrize("text", NOT_ASCII)
def test_digits_that_are_not_ascii_are_no_number(text: str) -> None:
    assert text.isdigit()  # what the old checks relied on
    assert ascii_number(text) is None
    with pytest.raises(SettingError, match="is not a board-hour"):
        parse_value(Key.BOARD_HOUR, text, ())
    with pytest.raises(SettingError, match="is not a window"):
        parse_value(Key.WINDOW, text, ())
    with pytest.raises(UsageError):
        parse_request(f"history {text}")
    with pytest.raises(ScheduleError):
        parse_schedule(f"{text}:30", "UTC")


def test_ascii_numbers_still_read() -> None:
    assert parse_value(Key.BOARD_HOUR, "7", ()) == 7
    assert parse_value(Key.WINDOW, "36h", ()) == 36
    assert parse_request("history #3") == HistoryRequest(3)


@pytest.mark.parametrize("day", ["monkey", "mo", "sunshine", "frid4y"])
def test_a_word_that_starts_like_a_day_is_not_that_day(day: str) -> None:
    with pytest.raises(SettingError, match="is not a board-day"):
        parse_value(Key.BOARD_DAY, day, ())
    with pytest.raises(ScheduleError):
        parse_weekdays(day)


@pytest.mark.parametrize(("day", "number"), [("mon", 0), ("Tues", 1), ("thursday", 3)])
def test_days_by_abbreviation_or_name(day: str, number: int) -> None:
    assert parse_value(Key.BOARD_DAY, day, ()) == number
    assert parse_weekdays(day) == frozenset({number})


def test_an_error_echoes_a_short_excerpt_of_the_bad_value() -> None:
    huge = "x" * 5000
    for key in Key:
        with pytest.raises(SettingError) as caught:
            parse_value(key, huge, ())
        assert huge[:EXCERPT_CHARS] not in str(caught.value) and len(str(caught.value)) < 400
    with pytest.raises(ScheduleError) as caught_schedule:
        parse_schedule("09:30", "Europe/" + huge)
    assert len(str(caught_schedule.value)) < 400


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(list(Key)), st.text(max_size=60))
def test_any_value_is_parsed_or_refused_in_one_short_line(key: Key, raw: str) -> None:
    try:
        parse_value(key, raw, ("caching", "ml"))
    except SettingError as exc:
        message = str(exc)
    else:
        message = ""
    assert "\n" not in message and len(message) < 400


def test_errors_elsewhere_echo_a_short_excerpt_too() -> None:
    huge = "y" * 5000
    for parse in (parse_level, format_spec, load_bank().problem):
        with pytest.raises((ValueError, KeyError)) as caught:
            parse(huge)
        assert huge[:EXCERPT_CHARS] not in str(caught.value) and len(str(caught.value)) < 300
