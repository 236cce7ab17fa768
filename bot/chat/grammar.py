"""The chat command grammar Slack and Discord share: `/mockroom <subcommand> …` and its help."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from interviewer.commands import COMMAND_HELP
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.core.text import ascii_number

USAGE = """\
{b}{cmd} start [question-id|topic] [standard|extended|drill|async] [mid|senior|staff] [--group] \
[--new]{b}: start an interview (--new ends your running one first)
{b}{cmd} hint{b}: {hint}
{b}{cmd} next{b}: {next}
{b}{cmd} time{b}: {time}
{b}{cmd} end{b}: {end}
{b}{cmd} history [N]{b}: your past scorecards, N opens one; {b}review [N]{b} annotates it
{b}{cmd} questions{b}: the question bank
{b}{cmd} drill subscribe HH:MM TIMEZONE [weekdays] [topic|level]{b}: a daily design drill \
in this channel (channel managers); {b}{cmd} drill unsubscribe{b}, {b}{cmd} drill list{b}
{b}{cmd} leaderboard [week|all|me|show-me|hide-me]{b}: the study group's board; \
{b}{cmd} leaderboard share [week|all]{b} posts it in the channel (channel managers)
{b}{cmd} pair [leave]{b}: peer mocks with members of this channel; \
{b}{cmd} pair weekly DAY HH:MM TIMEZONE{b}, {b}{cmd} pair stop{b} (channel managers)
{b}{cmd} peer start|end{b}: run your pair's peer mock, in its private conversation
{b}{cmd} remind [on|off|snooze DAYS]{b}: a DM an hour before a drill closes if unanswered
{b}{cmd} settings [set KEY VALUE]{b}: this channel's drill, board and interview defaults \
(set: channel managers)
{b}{cmd} export{b}: all your data as a JSON file, sent privately
{b}{cmd} forget-me{b}: delete everything stored about you (asks first)
{b}{cmd} help{b}: this list
In a direct message the interview runs there; in a channel, in a new thread where the \
candidate's replies are the answers and others watch (--group: everyone in it answers)."""


class UsageError(ValueError):
    """A command the controller cannot parse; the message shows the right form."""


SERVER_COMMANDS = ("drill", "leaderboard", "pair", "peer", "remind", "settings")
"""The study group's commands (drills, boards, pairings, peer sessions, reminders, channel
settings): parsed as a DrillRequest on both platforms, their texts written in Slack's marks and
shown in each platform's own."""
MANAGER_COMMANDS = frozenset({"drill", "leaderboard", "pair", "settings"})
"""Those where the member's rights in the channel (and their name on boards) matter: the
platform looks them up for these only."""


@dataclass(frozen=True)
class StartRequest:
    """`start [question|topic] [format] [level] [--group] [--new]`."""

    query: str | None = None
    fmt: Format | None = None  # None: the channel's default (standard unless set)
    group: bool = False
    level: Level | None = None  # None: the channel's default (senior unless set)
    new: bool = False  # end the member's running interview first


@dataclass(frozen=True)
class HistoryRequest:
    """`history N`: open past scorecard number N."""

    number: int
    name: str = "history"


@dataclass(frozen=True)
class ReviewRequest:
    """`review [N]`: the review page of scorecard N (None: the latest)."""

    number: int | None = None
    share: bool = False  # post the link where the command was typed, for everyone there
    name: str = "review"


@dataclass(frozen=True)
class SimpleRequest:
    """A subcommand without arguments."""

    name: str


@dataclass(frozen=True)
class DrillRequest:
    """`drill …` or `leaderboard …`, with the words after it."""

    name: str  # "drill", "leaderboard", "pair", "peer", "remind" or "settings"
    args: str = ""


@dataclass(frozen=True)
class ForgetRequest:
    """`forget-me` (a warning) or `forget-me confirm` (the deletion)."""

    confirm: bool = False


ChatRequest = (
    StartRequest | SimpleRequest | DrillRequest | ForgetRequest | HistoryRequest | ReviewRequest
)
SIMPLE = ("hint", "next", "time", "end", "history", "questions", "help", "export")


def usage(cmd: str = "/mockroom", bold: str = "*") -> str:
    """The help text, with the platform's command name and bold markup (Slack *, Discord **)."""
    return USAGE.format(cmd=cmd, b=bold, **{c.value: t for c, t in COMMAND_HELP.items()})


def parse_request(text: str, cmd: str = "/mockroom", bold: str = "*") -> ChatRequest:
    """Parse the text after the command name; UsageError with help for anything else."""
    try:
        words = shlex.split(text.strip())
    except ValueError:
        words = text.split()
    if not words:
        return SimpleRequest("help")
    head, rest = words[0].lower(), words[1:]
    if head in SERVER_COMMANDS:
        return DrillRequest(head, " ".join(rest))
    if head == "forget-me":
        if [w.lower() for w in rest] not in ([], ["confirm"]):
            raise UsageError(f"Use `{cmd} forget-me`, then `{cmd} forget-me confirm`.")
        return ForgetRequest(confirm=bool(rest))
    if head == "history" and len(rest) == 1:
        number = ascii_number(rest[0].removeprefix("#"))
        if number is None or number < 1:
            raise UsageError(f"Use `{cmd} history` for the list, `{cmd} history 3` to open one.")
        return HistoryRequest(number)
    if head == "review":
        share = bool(rest) and rest[-1].lower() == "share"
        words = [w.removeprefix("#") for w in (rest[:-1] if share else rest)]
        wanted = ascii_number(words[0]) if len(words) == 1 else None
        if len(words) > 1 or (words and (wanted is None or wanted < 1)):
            raise UsageError(
                f"Use `{cmd} review` for your latest, `{cmd} review 3` for number 3, "
                f"`{cmd} review 3 share` to post its link here."
            )
        return ReviewRequest(wanted, share)
    if head in SIMPLE:
        if rest:
            raise UsageError(f"`{cmd} {head}` takes no arguments.\n\n{usage(cmd, bold)}")
        return SimpleRequest(head)
    if head != "start":
        raise UsageError(f"Unknown command `{head}`.\n\n{usage(cmd, bold)}")
    fmt: Format | None = None
    group = new = False
    level: Level | None = None
    query: list[str] = []
    for word in rest:
        lowered = word.lower().removeprefix("--level=")
        if lowered in {f.value for f in Format}:
            fmt = Format(lowered)
        elif lowered in {lv.value for lv in Level}:
            level = Level(lowered)
        elif lowered == "--level":
            continue  # the level follows as its own word
        elif lowered in {"--group", "group", "-g"}:
            group = True
        elif lowered == "--new":
            new = True
        else:
            query.append(word)
    return StartRequest(" ".join(query) or None, fmt, group, level, new)
