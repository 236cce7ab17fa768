"""The terminal front end: a practice interview at the keyboard, or scripted through stdin."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.console import Console
from rich.live import Live
from rich.text import Text

from bot.terminal.render import interviewer_panel, scorecard_view
from interviewer.commands import Command, UnknownCommand, help_text, parse_command
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.ports import DeltaSink
from interviewer.service import InterviewError, InterviewService, Reply, Who

TICK_SECONDS = 1.0
PROMPT = "[bold]you> [/bold]"


def terminal_channel(who: Who) -> str:
    """The conversation key of a person's terminal practice."""
    return f"terminal:{who.user_id}"


class StreamView(Protocol):
    """Shows a reply while it is being written; cleared when the whole reply is printed."""

    async def delta(self, text: str) -> None:
        """Show a new piece."""
        ...

    def done(self) -> None:
        """Clear the live view."""
        ...


class LiveTurn:
    """Shows an LLM turn token by token while it is written; the final panel replaces it."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.text = Text(style="dim")
        self.live: Live | None = None

    async def delta(self, text: str) -> None:
        """Show a new piece."""
        if self.live is None:
            self.text = Text(style="dim")
            self.live = Live(self.text, console=self.console, transient=True)
            self.live.start()
        self.text.append(text)
        self.live.update(self.text)

    def done(self) -> None:
        """The turn is complete: clear the live view."""
        if self.live is not None:
            self.live.stop()
            self.live = None


@dataclass
class PracticeOptions:
    """What `mockroom practice` was asked for."""

    question_id: str | None = None
    fmt: Format = Format.STANDARD
    resume: bool = False
    level: Level = Level.SENIOR


class TerminalSession:
    """Runs one practice interview between a console and the interview service."""

    def __init__(
        self,
        service: InterviewService,
        console: Console,
        who: Who,
        live: StreamView | None = None,
    ) -> None:
        self.service = service
        self.console = console
        self.who = who
        self.live = live
        self.channel = terminal_channel(who)
        self.interview_id: int | None = None
        self.ended = False

    def show(self, reply: Reply) -> None:
        """Print what the interviewer said, and the scorecard at the end."""
        if self.live is not None:
            self.live.done()
        self.interview_id = reply.interview_id
        for message in reply.messages:
            if message.scorecard is not None:
                problem = self.service.bank.problems.get(reply.question_id)
                self.console.print(scorecard_view(message.scorecard, problem))
            elif message.text:
                self.console.print(interviewer_panel(message))
        if reply.ended:
            self.ended = True

    def note(self, text: str, style: str = "yellow") -> None:
        """A line from mockroom itself, not the interviewer."""
        self.console.print(Text(text, style=style))

    async def begin(self, options: PracticeOptions) -> None:
        """Start or resume the interview."""
        if options.resume:
            self.show(await self.service.resume(self.who, self.channel))
        else:
            self.show(
                await self.service.start(
                    self.who, self.channel, options.question_id, options.fmt, level=options.level
                )
            )
        self.note("Answer in your own words. Commands: /hint /next /time /end /help", "dim")

    async def handle_line(self, line: str) -> None:
        """One line the candidate typed: a command or an answer."""
        command = parse_command(line)
        try:
            if isinstance(command, UnknownCommand):
                self.note(f"Unknown command /{command.word}. The commands are:\n{help_text()}")
            elif command is Command.HELP:
                self.note(
                    help_text() + "\nAnything else you type is your answer "
                    "(start a line with // to begin it with a slash).",
                    "cyan",
                )
            elif command is not None:
                self.show(
                    await self.service.command(
                        self.who, self.channel, command, on_delta=self._sink()
                    )
                )
            else:
                text = line[1:] if line.lstrip().startswith("//") else line
                reply = await self.service.answer(
                    self.who, self.channel, text, on_delta=self._sink()
                )
                if reply is not None:
                    self.show(reply)
        except InterviewError as exc:
            if self.live is not None:
                self.live.done()
            self.note(str(exc))

    def _sink(self) -> DeltaSink | None:
        return None if self.live is None else self.live.delta

    async def tick(self) -> bool:
        """Let the clock act (warnings, curveballs, stage moves); whether it said anything."""
        if self.interview_id is None or self.ended:
            return False
        reply = await self.service.tick(self.interview_id)
        self.show(reply)
        return bool(reply.messages)

    async def finish(self) -> None:
        """End the interview at end of input and show the scorecard."""
        if not self.ended:
            self.show(await self.service.command(self.who, self.channel, Command.END))


async def run_scripted(
    session: TerminalSession, options: PracticeOptions, lines: list[str]
) -> None:
    """Read the candidate's messages line by line; at the end, end and score."""
    await session.begin(options)
    for line in lines:
        if session.ended:
            break
        await session.tick()
        if session.ended or not line.strip():
            continue
        session.console.print(Text(f"> {line}", style="bold"))
        await session.handle_line(line)
    await session.finish()


async def run_interactive(
    session: TerminalSession, options: PracticeOptions, read_line: Callable[[], str]
) -> None:
    """Prompt for answers while a clock task delivers warnings and stage moves on time."""
    await session.begin(options)

    async def clock() -> None:
        while not session.ended:
            await asyncio.sleep(TICK_SECONDS)
            if await session.tick() and not session.ended:
                session.console.print(PROMPT, end="")  # the prompt was printed over

    ticker = asyncio.create_task(clock())
    try:
        while not session.ended:
            try:
                line = await asyncio.to_thread(read_line)
            except EOFError:
                await session.finish()
                break
            if line.strip():
                await session.handle_line(line)
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
