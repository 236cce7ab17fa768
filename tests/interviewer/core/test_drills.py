"""Drill schedules across zones and daylight saving, the grace window, points and streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from interviewer.drills.schedule import (
    DAILY_CAP,
    Attempt,
    ScheduleError,
    due_occurrence,
    next_occurrence,
    occurrences,
    parse_schedule,
    parse_weekdays,
    points,
    streak,
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("Sat,Sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("monday,wednesday", {0, 2}),
        ("daily", set(range(7))),
    ],
)
def test_weekdays(text: str, days: set[int]) -> None:
    assert parse_weekdays(text) == frozenset(days)


@pytest.mark.parametrize(
    ("at", "zone", "days", "message"),
    [
        ("25:00", "UTC", None, "not a time of day"),
        ("9am", "UTC", None, "HH:MM"),
        ("09:30", "Mars/Olympus", None, "not a time zone"),
        ("09:30", "../etc/passwd", None, "not a time zone"),
        ("09:30", "UTC", "funday", "not weekdays"),
        ("09:30", "UTC", "mon-", "not weekdays"),
    ],
)
def test_bad_schedules_say_what_is_wrong_with_an_example(
    at: str, zone: str, days: str | None, message: str
) -> None:
    with pytest.raises(ScheduleError, match=message) as info:
        parse_schedule(at, zone, days)
    assert "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri" in str(info.value)


def test_local_time_in_different_zones() -> None:
    berlin = parse_schedule("09:30", "Europe/Berlin")
    tokyo = parse_schedule("09:30", "Asia/Tokyo")
    after = utc(2026, 11, 25, 0, 0)
    assert next_occurrence(berlin, after) == utc(2026, 11, 25, 8, 30)  # CET is UTC+1
    assert next_occurrence(tokyo, after) == utc(2026, 11, 25, 0, 30)  # JST is UTC+9
    assert next_occurrence(tokyo, utc(2026, 11, 25, 0, 30)) == utc(2026, 11, 26, 0, 30)


@pytest.mark.parametrize(
    ("zone", "at", "start", "expected_local_hours"),
    [
        # spring forward: 02:30 does not exist on 29 March 2026 in Berlin; it falls at 03:30
        ("Europe/Berlin", "02:30", date(2026, 3, 27), [2, 2, 3, 2, 2]),
        # autumn: 02:30 happens twice on 25 October 2026; the drill posts once
        ("Europe/Berlin", "02:30", date(2026, 10, 23), [2, 2, 2, 2, 2]),
        ("America/New_York", "09:00", date(2026, 3, 6), [9, 9, 9, 9, 9]),
        ("America/New_York", "01:30", date(2026, 10, 30), [1, 1, 1, 1, 1]),
    ],
)
def test_daylight_saving_neither_doubles_nor_drops_a_drill(
    zone: str, at: str, start: date, expected_local_hours: list[int]
) -> None:
    schedule = parse_schedule(at, zone, "daily")
    begin = datetime.combine(start, time(0), tzinfo=schedule.tz).astimezone(UTC)
    found = occurrences(schedule, begin, begin + timedelta(days=5))
    local = [f.astimezone(schedule.tz) for f in found]
    assert [d.date() for d in local] == [start + timedelta(days=i) for i in range(5)]
    assert [d.hour for d in local] == expected_local_hours


def test_weekdays_are_local_weekdays() -> None:
    # 23:30 Monday in Los Angeles is Tuesday in UTC; a mon-only drill still posts
    schedule = parse_schedule("23:30", "America/Los_Angeles", "mon")
    found = occurrences(schedule, utc(2026, 11, 23), utc(2026, 11, 30))
    assert found == [utc(2026, 11, 24, 7, 30)]


def test_grace_window_posts_late_once_then_skips() -> None:
    schedule = parse_schedule("09:00", "UTC", "daily")
    drill = utc(2026, 11, 25, 9, 0)
    grace = timedelta(hours=1)
    assert due_occurrence(schedule, drill - timedelta(seconds=1), None, grace) is None
    assert due_occurrence(schedule, drill, None, grace) == drill
    # down at drill time, back 40 minutes later: post late once
    assert due_occurrence(schedule, drill + timedelta(minutes=40), None, grace) == drill
    assert due_occurrence(schedule, drill + timedelta(minutes=41), drill, grace) is None
    # back 2 hours later: too late, skip the day
    assert due_occurrence(schedule, drill + timedelta(hours=2), None, grace) is None


def test_points_reward_quality_not_volume() -> None:
    day = date(2026, 11, 25)
    strong = Attempt("interview", "model-serving", 4.0, day)
    weak = Attempt("interview", "chatbot-api", 1.0, day)
    assert points([strong]) == [100]
    assert points([weak]) == [0]
    # repeats of one question halve each time
    again = [Attempt("drill", "url-shortener", 4.0, date(2026, 11, d)) for d in (1, 2, 3)]
    assert points(again) == [40, 20, 10]
    # a daily cap
    grind = [Attempt("interview", f"q{i}", 4.0, day) for i in range(5)]
    earned = points(grind)
    assert sum(earned) == DAILY_CAP and earned[-1] == 0


def test_streaks_count_consecutive_local_days() -> None:
    today = date(2026, 11, 25)
    days = [today - timedelta(days=i) for i in (0, 1, 2, 4)]
    assert streak(days, today) == 3
    assert streak(days[1:], today) == 2  # today's drill still open: yesterday's streak holds
    assert streak(days[2:], today) == 0
