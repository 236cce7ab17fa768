"""The candidate's commands, shared by every front end: /hint, /next, /time, /end, /help."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    """What a candidate can ask of the interviewer besides answering."""

    HINT = "hint"
    NEXT = "next"
    TIME = "time"
    END = "end"
    HELP = "help"


COMMAND_HELP: dict[Command, str] = {
    Command.HINT: "a nudge for the current stage (never the answer)",
    Command.NEXT: "move on to the next stage now",
    Command.TIME: "how much time is left",
    Command.END: "end the interview and get the scorecard",
    Command.HELP: "this list",
}

_ALIASES = {"skip": Command.NEXT, "move": Command.NEXT, "stop": Command.END, "quit": Command.END}


@dataclass(frozen=True)
class UnknownCommand:
    """A slash word that is not a command; the front end answers with the list."""

    word: str


def parse_command(text: str) -> Command | UnknownCommand | None:
    """The command a message holds, or None when it is an answer."""
    stripped = text.strip()
    if not stripped.startswith("/") or stripped.startswith("//"):
        return None
    word = stripped[1:].split(maxsplit=1)[0].lower() if len(stripped) > 1 else ""
    try:
        return Command(word)
    except ValueError:
        pass
    if word in _ALIASES:
        return _ALIASES[word]
    return UnknownCommand(word)


def help_text(prefix: str = "/") -> str:
    """One line per command."""
    return "\n".join(f"{prefix}{c.value:<5} {text}" for c, text in COMMAND_HELP.items())
