"""The terminal front end: a practice interview at the keyboard, or scripted through stdin."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from rich.console import Console
from rich.live import Live
from rich.text import Text

from bot.terminal.blocks import MULTILINE, BlockReader
from bot.terminal.render import diagram_panel, interviewer_panel, scorecard_view
from interviewer.commands import Command, UnknownCommand, help_text, parse_command
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.ports import DeltaSink
from interviewer.service import InterviewError, InterviewService, Reply, Who

TICK_SECONDS = 1.0
PROMPT = "[bold]you> [/bold]"
TTY_LINE_LIMIT = 4095
"""A terminal in line mode hands over at most this many characters of a line, the rest dropped."""
STDIN_THREAD = "mockroom-stdin"
"""The daemon thread reading stdin; main() exits at once while it is blocked in a read."""


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
        self.line_limit: int | None = None  # the terminal's line limit (interactive only)
        self.block = BlockReader()  # an answer or a diagram typed over several lines

    def show(self, reply: Reply) -> None:
        """Print what the interviewer said, and the scorecard at the end."""
        if self.live is not None:
            self.live.done()
        self.interview_id = reply.interview_id
        for notice in reply.notices:  # a diagram not taken: why, and that the answer stands
            self.note(notice)
        if reply.diagram is not None:  # what the interviewer read, before what it asks
            self.console.print(diagram_panel(reply.diagram))
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

    async def recover(self) -> bool:
        """Show scorecards a crash left ungraded (graded now); whether there were any."""
        replies = await self.service.recover(self.who)
        for reply in replies:
            self.note(f"Interview {reply.interview_id} ended without its scorecard; here it is:")
            self.show(reply)
            self.ended = False
        return bool(replies)

    async def begin(self, options: PracticeOptions) -> None:
        """Start or resume the interview."""
        if options.resume:
            if await self.recover() and await self.service.current_async(self.who) is None:
                self.ended = True  # the interview to resume had ended: its scorecard is shown
                return
            self.show(await self.service.resume(self.who, self.channel))
        else:
            self.show(
                await self.service.start(
                    self.who, self.channel, options.question_id, options.fmt, level=options.level
                )
            )
        self.note(
            "Answer in your own words. Commands: /hint /next /time /end /help. For an answer "
            f"of several lines, type {MULTILINE} on a line before it and after it; draw a "
            "diagram between /diagram and /end-diagram.",
            "dim",
        )

    async def handle_line(self, line: str) -> None:
        """One line the candidate typed: a command, an answer, or part of a long answer or a diagram."""
        answer = self.block.answer
        taken, block = self.block.feed(line)
        if taken and block is None:
            if self.block.answer and not answer:
                self.note(f"Taking every line as one answer until a line with {MULTILINE}.", "dim")
            return  # inside a block: wait for its end
        if taken and not (block or "").strip():
            if not answer:
                self.note("That diagram was empty: nothing was sent.")
            return
        if block:
            await self._answer(block)
            return
        if self.line_limit is not None and len(line) >= self.line_limit:
            # The terminal dropped whatever came after this many characters: never store a
            # cut answer as if it were whole.
            self.note(
                f"That line reached the terminal's limit of {self.line_limit:,} characters, so "
                f"its end may have been cut; nothing was recorded. Paste a long answer between "
                f"two lines of {MULTILINE}, in lines shorter than that, or split it."
            )
            return
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
                await self._answer(line[1:] if line.lstrip().startswith("//") else line)
        except InterviewError as exc:
            self._error(exc)

    async def _answer(self, text: str) -> None:
        try:
            reply = await self.service.answer(self.who, self.channel, text, on_delta=self._sink())
        except InterviewError as exc:
            self._error(exc)
            return
        if reply is not None:
            self.show(reply)

    def _error(self, exc: InterviewError) -> None:
        if self.live is not None:
            self.live.done()
        self.note(str(exc))

    @property
    def multiline(self) -> bool:
        """Whether an answer or a diagram of several lines is being typed (blank lines
        belong to it)."""
        return self.block.open

    def _sink(self) -> DeltaSink | None:
        return None if self.live is None else self.live.delta

    async def tick(self) -> bool:
        """Let the clock act (warnings, curveballs, stage moves) and retry a reply that failed
        after the answer was stored; whether anything was said."""
        if self.interview_id is None or self.ended:
            return False
        reply = await self.service.tick(self.interview_id)
        self.show(reply)
        owed = await self.service.owed_replies(self.interview_id)
        for late in owed:
            self.show(late)
        return bool(reply.messages or owed)

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
        if session.ended or (not line.strip() and not session.block.open):
            continue
        session.console.print(Text(f"> {line}", style="bold"))
        await session.handle_line(line)
    await session.finish()


class LineReader:
    """Reads one line at a time on a daemon thread, when asked: piped input is taken as it
    arrives (a program can read each reply before writing its next answer), and Ctrl-C
    never waits for a thread blocked in a read (a daemon thread is not joined at exit)."""

    def __init__(self, read_line: Callable[[], str]) -> None:
        self._read_line = read_line
        self._loop = asyncio.get_running_loop()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._wanted = threading.Semaphore(0)
        threading.Thread(target=self._pump, name=STDIN_THREAD, daemon=True).start()

    async def next(self) -> str | None:
        """The next line, or None at the end of input."""
        self._wanted.release()
        return await self._lines.get()

    def _pump(self) -> None:
        while True:
            self._wanted.acquire()
            try:
                line: str | None = self._read_line()
            except (EOFError, OSError, ValueError):  # ValueError: stdin closed under us
                line = None
            try:
                self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop is gone: the program is ending
                return
            if line is None:
                return


def read_piped_line() -> str:
    """One line of piped stdin without its newline; EOFError at the end."""
    import sys

    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\r\n")


async def run_piped(
    session: TerminalSession, options: PracticeOptions, read_line: Callable[[], str]
) -> None:
    """Each line of piped input handled as it arrives; at its end, end and score."""
    await session.begin(options)
    reader = LineReader(read_line)
    while not session.ended:
        line = await reader.next()
        if line is None:
            break
        await session.tick()
        if session.ended or not (line.strip() or session.multiline):
            continue
        session.console.print(Text(f"> {line}", style="bold"))
        await session.handle_line(line)
    await session.finish()


async def run_interactive(
    session: TerminalSession, options: PracticeOptions, read_line: Callable[[], str]
) -> None:
    """Prompt for answers while a clock task delivers warnings and stage moves on time."""
    session.line_limit = TTY_LINE_LIMIT
    await session.begin(options)
    if session.ended:
        return
    reader = LineReader(read_line)

    async def clock() -> None:
        while not session.ended:
            await asyncio.sleep(TICK_SECONDS)
            if await session.tick() and not session.ended:
                session.console.print(PROMPT, end="")  # the prompt was printed over

    ticker = asyncio.create_task(clock())
    try:
        while not session.ended:
            line = await reader.next()
            if line is None:
                await session.finish()
                break
            if line.strip() or session.multiline or session.block.open:
                await session.handle_line(line)
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
