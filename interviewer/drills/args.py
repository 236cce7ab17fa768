"""The words after `drill subscribe`: HH:MM TIMEZONE [weekdays] [topic|level]."""

from __future__ import annotations

from interviewer.bank import QuestionBank
from interviewer.core.text import excerpt
from interviewer.drills.schedule import EXAMPLE, DrillSchedule, ScheduleError, parse_schedule

SUBSCRIBE_USAGE = "drill subscribe HH:MM TIMEZONE [weekdays] [topic|level]"


def parse_subscribe(
    args: str, bank: QuestionBank, cmd: str = "/mockroom"
) -> tuple[DrillSchedule, str | None]:
    """The schedule and the optional topic or level; ScheduleError with an example otherwise."""
    example = EXAMPLE.replace("/mockroom", cmd)
    words = args.split()
    if len(words) < 2:
        raise ScheduleError(f"Usage: `{cmd} {SUBSCRIBE_USAGE}`, e.g. `{example}`.")
    if len(words) > 4:
        raise ScheduleError(
            f"Too many words: `{cmd} {SUBSCRIBE_USAGE}`, e.g. `{example} ai-infra`."
        )
    at, zone, rest = words[0], words[1], words[2:]
    weekdays: str | None = None
    topic: str | None = None
    for word in rest:
        if weekdays is None and topic is None and _is_weekdays(word):
            weekdays = word
        elif topic is None and _known(bank, word):
            topic = word.lower()
        else:
            raise ScheduleError(
                f"{excerpt(word)!r} is neither weekdays (mon-fri, sat,sun, daily) nor a topic or level "
                f"of the bank ({_choices(bank)}), e.g. `{example} senior`."
            )
    schedule = parse_schedule(at, zone, weekdays)
    return schedule, topic


def _is_weekdays(word: str) -> bool:
    try:
        parse_schedule("00:00", "UTC", word)
    except ScheduleError:
        return False
    return True


def _known(bank: QuestionBank, word: str) -> bool:
    return bool(bank.matching(word))


def _choices(bank: QuestionBank) -> str:
    return f"levels {', '.join(bank.levels)}; topics {', '.join(bank.topics[:12])}…"
