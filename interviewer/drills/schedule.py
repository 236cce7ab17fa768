"""Daily drill schedules in a channel's local time, and the leaderboard's points and streaks.

Pure: time zones come from the standard library's zoneinfo, times are passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from interviewer.core.text import excerpt

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EXAMPLE = "/mockroom drill subscribe 09:30 Europe/Berlin mon-fri"
_GROUPS = {
    "daily": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}


class ScheduleError(ValueError):
    """A drill schedule that cannot be understood; the message shows a correct example."""


@dataclass(frozen=True)
class DrillSchedule:
    """When a channel's drill is posted: a local time, a zone and the weekdays (0 = Monday)."""

    at: time
    zone: str
    weekdays: frozenset[int]

    @property
    def tz(self) -> ZoneInfo:
        """The zone."""
        return ZoneInfo(self.zone)

    def describe(self) -> str:
        """'09:30 Europe/Berlin, mon-fri'."""
        return f"{self.at:%H:%M} {self.zone}, {describe_weekdays(self.weekdays)}"


def parse_schedule(
    at: str, zone: str, weekdays: str | None = None, *, example: str = EXAMPLE
) -> DrillSchedule:
    """Parse 'HH:MM', an IANA zone and weekdays ('mon-fri', 'mon,wed,fri', 'daily'); an error
    shows `example` (the command being typed, correctly)."""
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", at.strip())  # ASCII digits only
    if match is None:
        raise ScheduleError(
            f"{excerpt(at)!r} is not a time of day: use 24-hour HH:MM, e.g. {example}"
        )
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        raise ScheduleError(
            f"{excerpt(zone)!r} is not a time zone: use an IANA name such as Europe/Berlin, "
            f"America/New_York or UTC, e.g. {example}"
        ) from None
    days = parse_weekdays(weekdays or "daily", example=example)
    return DrillSchedule(time(int(match.group(1)), int(match.group(2))), zone, days)


def parse_weekdays(text: str, *, example: str = EXAMPLE) -> frozenset[int]:
    """'mon-fri', 'sat,sun', 'daily', 'weekdays' or 'weekends' as day numbers (0 = Monday)."""
    lowered = text.strip().lower()
    if lowered in _GROUPS:
        return _GROUPS[lowered]
    days: set[int] = set()
    for part in lowered.split(","):
        ends = part.strip().split("-")
        try:
            numbers = [weekday_number(e) for e in ends if e.strip()]
        except ValueError:
            numbers = []
        if not numbers or len(ends) > 2 or len(numbers) != len(ends):
            raise ScheduleError(
                f"{excerpt(text)!r} are not weekdays: use mon..sun, ranges like mon-fri, lists like "
                f"mon,wed,fri, or daily/weekdays/weekends, e.g. {example}"
            )
        first, last = numbers[0], numbers[-1]
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days.update(span)
    return frozenset(days)


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def weekday_number(word: str) -> int:
    """0 for `mon`, `mond` or `monday` (any case), ...; ValueError for anything else, such as
    `monkey` (only the start of a day's own name counts)."""
    word = word.strip().lower()
    for number, name in enumerate(_FULL_NAMES):
        if len(word) >= 3 and name.startswith(word):
            return number
    raise ValueError(f"not a weekday: {excerpt(word)!r}")


def describe_weekdays(days: frozenset[int]) -> str:
    """The shortest name for a set of weekdays."""
    for name, group in _GROUPS.items():
        if days == group:
            return name
    return ",".join(WEEKDAY_NAMES[d] for d in sorted(days))


def occurrence_on(schedule: DrillSchedule, day: date) -> datetime | None:
    """The UTC instant of the drill on a local date, or None when it is not a drill day.

    One instant per local date whatever daylight saving does: a time skipped by a spring
    change falls at the same wall-clock offset as before the change (so 02:30 becomes 03:30),
    and a time that repeats in the autumn is taken at its first occurrence.
    """
    if day.weekday() not in schedule.weekdays:
        return None
    local = datetime.combine(day, schedule.at, tzinfo=schedule.tz).replace(fold=0)
    return local.astimezone(UTC)


def occurrences(schedule: DrillSchedule, start: datetime, end: datetime) -> list[datetime]:
    """Every drill instant in [start, end), in order."""
    tz = schedule.tz
    day = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    found = []
    while day <= last:
        instant = occurrence_on(schedule, day)
        if instant is not None and start <= instant < end:
            found.append(instant)
        day += timedelta(days=1)
    return found


def next_occurrence(schedule: DrillSchedule, after: datetime) -> datetime:
    """The first drill instant strictly after `after`."""
    found = occurrences(schedule, after + timedelta(microseconds=1), after + timedelta(days=8))
    if not found:
        raise ScheduleError("the schedule has no weekdays")
    return found[0]


def due_occurrence(
    schedule: DrillSchedule, now: datetime, last_posted: datetime | None, grace: timedelta
) -> datetime | None:
    """The occurrence to post now: the latest one due within the grace period, not yet posted.

    A process that was down at drill time posts late once if within `grace`, else skips it.
    """
    since = now - grace
    if last_posted is not None:
        since = max(since, last_posted + timedelta(microseconds=1))
    due = occurrences(schedule, since, now + timedelta(microseconds=1))
    return due[-1] if due else None


# ---- the leaderboard ------------------------------------------------------------------------

INTERVIEW_POINTS_PER_SCORE = 25  # an overall of 4.0 earns 100
DRILL_POINTS_PER_SCORE = 10  # a drill answer of 4.0 earns 40
DAILY_CAP = 150


@dataclass(frozen=True)
class Attempt:
    """One scored attempt: an interview or a drill answer."""

    kind: str  # "interview" or "drill"
    question_id: str
    overall: float
    local_day: date


def points(attempts: Sequence[Attempt]) -> list[int]:
    """Points for each attempt, in order: quality over volume.

    Points grow with the rubric score above 'no signal' (an overall of 1 earns nothing);
    each repeat of the same question earns half the one before; a member earns at most
    DAILY_CAP points a day.
    """
    seen: dict[str, int] = {}
    per_day: dict[date, int] = {}
    result = []
    for a in attempts:
        rate = DRILL_POINTS_PER_SCORE if a.kind == "drill" else INTERVIEW_POINTS_PER_SCORE
        base = max(0.0, a.overall - 1) / 3 * 4 * rate
        repeats = seen.get(a.question_id, 0)
        seen[a.question_id] = repeats + 1
        earned = round(base * 0.5**repeats)
        room = DAILY_CAP - per_day.get(a.local_day, 0)
        earned = max(0, min(earned, room))
        per_day[a.local_day] = per_day.get(a.local_day, 0) + earned
        result.append(earned)
    return result


def streak(days: Iterable[date], today: date) -> int:
    """Consecutive drill days ending today (or yesterday, while today's drill is still open)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count
