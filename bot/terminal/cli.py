"""The `mockroom` command line."""

from __future__ import annotations

import asyncio
import getpass
import json
import logging
import os
import sys
import threading
from collections.abc import Callable
from enum import StrEnum
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from bot.logs import configure_logging
from bot.settings import Settings
from bot.terminal.privacy import add_privacy_commands
from bot.terminal.render import (
    history_table,
    questions_table,
    reference_markdown,
    scorecard_view,
)
from bot.terminal.session import (
    PROMPT,
    STDIN_THREAD,
    LiveTurn,
    PracticeOptions,
    TerminalSession,
    read_piped_line,
    run_interactive,
    run_piped,
)
from interviewer.bank import BankError, load_bank
from interviewer.core.rubric import Level
from interviewer.core.stages import Format
from interviewer.llm.choice import hide_credentials
from interviewer.prompt_files import check_prompt_files
from interviewer.references import load_reference
from interviewer.service import (
    AlreadyRunning,
    DatabaseUnavailable,
    InterviewError,
    NoInterview,
    Who,
)
from interviewer.transcript_file import TranscriptError, read_transcript

# The database (SQLAlchemy, Alembic) and HTTP (aiohttp, Prometheus) stacks are imported
# inside the commands that use them, so --version, questions and doctor start quickly.
if TYPE_CHECKING:
    from bot.bootstrap import Container
    from bot.serve import PlatformRunner

EXIT_USAGE = 2
DATABASE_DOWN = (
    "The database cannot be reached: check MOCKROOM_DATABASE_URL and that its server is "
    "running, then run the command again (your interviews are kept there)."
)


class ServeTarget(StrEnum):
    """Which chat platforms `mockroom serve` runs."""

    SLACK = "slack"
    DISCORD = "discord"
    ALL = "all"


ContainerFactory = Callable[[], "Container"]


def _build() -> Container:
    """The default composition root: `bot.bootstrap.build`, imported when first needed."""
    from bot.bootstrap import build

    return build()


def terminal_user() -> Who:
    """The person at this terminal."""
    try:
        name = getpass.getuser()
    except Exception:  # no user name in some containers
        name = "local"
    return Who("terminal", name, name)


def brain_label() -> str:
    """The interviewer the environment chooses, for --version (no network)."""
    try:
        return Settings().model_choice().label
    except Exception as exc:  # invalid settings: say so rather than crash --version
        return f"unknown ({type(exc).__name__})"


async def serve_with_health(parts: Container, runners: list[PlatformRunner]) -> None:
    """`mockroom serve`: the platforms, the clock and (unless its port is 0) /healthz."""
    from bot.health import HealthServer
    from bot.review.server import start_review_server
    from bot.serve import serve

    settings = parts.settings
    health = None
    if settings.health_port:
        health = HealthServer(
            parts.engine, parts.telemetry, settings.health_port, settings.health_host
        )
        await health.start()
    pages = await start_review_server(parts)
    try:
        await serve(
            parts.service,
            runners,
            settings.clock_interval_seconds,
            drills=parts.drills,
            drill_interval=settings.drill_sweep_seconds,
            privacy=parts.privacy,
            peers=parts.peers,
            reminders=parts.reminders,
            posts_kept=settings.posts_kept(),
        )
    finally:
        if pages is not None:
            await pages.stop()
        if health is not None:
            await health.stop()


def settings_problem(exc: ValidationError) -> str:
    """The settings' problems on one line, without the values (they may be secrets)."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(x) for x in error["loc"]).upper()
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"MOCKROOM_{where}: {message}" if where else message)
    return "; ".join(parts)


def _revision(url: str) -> str | None:
    from storage.engine import make_engine
    from storage.migrate import current_revision

    engine = make_engine(url)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


def version_callback(value: bool) -> None:
    """Print the version and the interviewer in use, then exit."""
    if value:
        typer.echo(f"mockroom {package_version('mockroom')} · interviewer: {brain_label()}")
        raise typer.Exit()


async def doctor_checks(settings: Settings) -> list[tuple[str, bool, str]]:
    """(check, ok, detail) for the configuration, the prompt files and the model."""
    checks: list[tuple[str, bool, str]] = []
    choice = settings.model_choice()
    checks.append(("interviewer", True, f"{choice.label} ({choice.reason})"))
    try:
        bank = load_bank()
        checks.append(("question bank", True, f"{len(bank.problems)} problems"))
    except BankError as exc:
        checks.append(("question bank", False, str(exc)))
    errors = check_prompt_files()
    checks.append(("prompt files", not errors, "; ".join(errors) or "all parse"))
    if choice.spec is None:
        return checks
    from interviewer.llm.providers import KEY_VARIABLES, ProviderError, endpoint

    try:
        ep = endpoint(choice.spec, choice.base_url)
    except ProviderError as exc:
        checks.append(("model", False, str(exc)))
        return checks
    # The key variable actually set (several names are read); the first one when none is.
    usual = "OPENAI_API_KEY" if ep.provider == "openai" else "MOCKROOM_LLM_API_KEY"
    key_variable = next((v for v in KEY_VARIABLES if os.environ.get(v)), usual)
    if ep.needs_key and not settings.openai_api_key and not choice.base_url:
        local = ", or MOCKROOM_LLM_BASE_URL for a local server" if ep.provider == "openai" else ""
        checks.append(("API key", False, f"{ep.provider} needs a key: set {key_variable}{local}"))
        return checks
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    from interviewer.llm.factory import check_reachable, make_chat_model  # slow to import

    try:
        model = make_chat_model(
            choice.spec,
            base_url=choice.base_url,
            api_key=key,
            timeout=min(settings.llm_timeout_seconds, 15.0),
            max_retries=0,
            max_tokens=5,
        )
    except Exception as exc:
        checks.append(("model", False, f"cannot build {choice.spec}: {exc}"))
        return checks
    problem = await check_reachable(
        model, spec=choice.spec, base_url=choice.base_url, api_key=key, key_variable=key_variable
    )
    checks.append(("model", problem is None, problem or "answers"))
    return checks


def make_app(
    factory: ContainerFactory = _build,
    console: Console | None = None,
    stdin_is_tty: Callable[[], bool] = lambda: sys.stdin.isatty(),
    settings_factory: Callable[[], Settings] = Settings,
) -> typer.Typer:
    """The Typer app, with the composition root and console given (tests pass their own)."""
    out = console or Console()
    err = Console(stderr=True, soft_wrap=True)
    app = typer.Typer(
        name="mockroom",
        help="mockroom: a system design mock interviewer. Practise a 45-minute round in the "
        "terminal, grade a transcript, or review your history.",
        no_args_is_help=True,
        add_completion=False,
        rich_markup_mode="rich",
    )

    def container() -> Container:
        from bot.bootstrap import SchemaBehind
        from storage.engine import DatabaseURLError, is_outage

        try:
            return factory()
        except BankError as exc:
            err.print(f"[red]The question bank is invalid:[/red] {exc}")
            raise typer.Exit(1) from None
        except (SchemaBehind, DatabaseURLError) as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        except ValidationError as exc:
            err.print(f"[red]The settings are invalid:[/red] {settings_problem(exc)}")
            raise typer.Exit(1) from None
        except Exception as exc:
            if not is_outage(exc):
                raise
            err.print(f"[red]{DATABASE_DOWN}[/red]")
            raise typer.Exit(1) from None

    db_app = typer.Typer(help="The database: upgrade its schema, show its revision.")
    app.add_typer(db_app, name="db")

    @db_app.command("upgrade")
    def db_upgrade() -> None:
        """Bring the database schema up to date (run before starting a new version)."""
        from storage.migrate import head_revision, upgrade

        url = settings_url()
        before = _revision(url)
        upgrade(url)
        out.print(f"database schema: {before or 'empty'} -> {head_revision()}")

    @db_app.command("current")
    def db_current() -> None:
        """Show the schema revision of the database and whether it is up to date."""
        from storage.migrate import head_revision

        url = settings_url()
        current = _revision(url)
        state = "up to date" if current == head_revision() else f"behind {head_revision()}"
        out.print(f"database schema: {current or 'empty'} ({state})")

    def settings_url() -> str:
        from storage.engine import default_database_url

        try:
            settings = settings_factory()
        except ValidationError as exc:
            err.print(f"[red]The settings are invalid:[/red] {settings_problem(exc)}")
            raise typer.Exit(1) from None
        return settings.database_url or default_database_url()

    @app.callback()
    def main_options(
        version: Annotated[
            bool,
            typer.Option(
                "--version",
                callback=version_callback,
                is_eager=True,
                help="Show the version and exit.",
            ),
        ] = False,
    ) -> None:
        """mockroom: a system design mock interviewer."""

    @app.command()
    def practice(
        question: Annotated[
            str | None,
            typer.Option(
                "--question",
                "-q",
                help="A question id (see `mockroom questions`); random when left out.",
            ),
        ] = None,
        fmt: Annotated[
            Format,
            typer.Option(
                "--format",
                "-f",
                help="standard (45 min), extended (60), drill (15) or async (no clock).",
            ),
        ] = Format.STANDARD,
        resume: Annotated[
            bool, typer.Option("--resume", help="Carry on with your unfinished interview.")
        ] = False,
        level: Annotated[
            Level,
            typer.Option(
                "--level", "-l", help="mid, senior or staff: sets the hire bar and expectations."
            ),
        ] = Level.SENIOR,
    ) -> None:
        """Run a practice interview in the terminal.

        Type your answers; lines starting with / are commands: /hint /next /time /end /help.
        When stdin is not a terminal, each line is a message and the end of input ends the
        interview and prints the scorecard.
        """
        app_parts = container()
        out.print(Text(f"interviewer: {app_parts.choice.label}", style="dim"))
        live = LiveTurn(out) if app_parts.llm is not None and out.is_terminal else None
        session = TerminalSession(app_parts.service, out, terminal_user(), live)
        options = PracticeOptions(question, fmt, resume, level)
        try:
            if stdin_is_tty():
                asyncio.run(run_interactive(session, options, lambda: out.input(PROMPT)))
            else:  # piped: each line as it arrives, so a program can converse
                asyncio.run(run_piped(session, options, read_piped_line))
        except AlreadyRunning as exc:
            err.print(
                f"[yellow]{exc}[/yellow]\nResume it with [bold]mockroom practice --resume[/bold]."
            )
            raise typer.Exit(1) from None
        except NoInterview as exc:
            err.print(f"[yellow]{exc}[/yellow] Run [bold]mockroom practice[/bold] to start one.")
            raise typer.Exit(1) from None
        except DatabaseUnavailable:
            err.print(f"[red]{DATABASE_DOWN}[/red]")
            raise typer.Exit(1) from None
        except InterviewError as exc:
            err.print(f"[yellow]{exc}[/yellow]")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print(
                "\nYour interview is saved. Carry on with [bold]mockroom practice --resume[/bold]."
            )
            raise typer.Exit(130) from None
        finally:
            app_parts.close()

    @app.command()
    def score(
        file: Annotated[
            Path, typer.Argument(help="A transcript JSON file (format in the README).")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of a table.")
        ] = False,
    ) -> None:
        """Grade a transcript file and print the scorecard."""
        try:
            transcript = read_transcript(file)
        except TranscriptError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        parts = container()
        try:
            problem = parts.bank.problems.get(transcript.question_id)
            card = asyncio.run(parts.service.grade_transcript(transcript))
            if as_json:
                out.print_json(json.dumps(card.to_dict(), ensure_ascii=False))
            else:
                out.print(scorecard_view(card, problem))
        finally:
            parts.close()

    @app.command()
    def history(
        number: Annotated[
            int | None, typer.Argument(help="Open scorecard NUMBER of the list.", min=1)
        ] = None,
        limit: Annotated[int, typer.Option(help="How many interviews to list.")] = 20,
        chart: Annotated[
            Path | None, typer.Option(help="Save your progress chart (PNG) to this file.")
        ] = None,
    ) -> None:
        """List your past interviews with their overall scores; a number opens its scorecard."""
        from interviewer.history import History

        parts = container()
        try:
            past = History(parts.service, parts.drills.repo if parts.drills else None)
            session = TerminalSession(parts.service, out, terminal_user())
            try:
                asyncio.run(session.recover())  # scorecards a crash left ungraded
                if number is not None:
                    opened = past.open(terminal_user(), number)
                    problem = parts.bank.problems.get(opened.entry.question_id)
                    out.print(scorecard_view(opened.scorecard, problem))
                    return
                entries = past.entries(terminal_user(), limit)
            except InterviewError as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(1) from None
            except DatabaseUnavailable:
                err.print(f"[red]{DATABASE_DOWN}[/red]")
                raise typer.Exit(1) from None
            if not entries:
                out.print("No interviews yet. Start one with [bold]mockroom practice[/bold].")
            else:
                out.print(history_table(entries))
                out.print("Open one with [bold]mockroom history NUMBER[/bold].")
            if chart is not None:
                from bot.chat.charts import progress_png

                drawn = progress_png(past.recent_scorecards(terminal_user()))
                if drawn is None:
                    err.print("A progress chart needs two scored interviews at least.")
                    raise typer.Exit(1)
                chart.write_bytes(drawn)
                out.print(f"Your progress chart is in {chart}.")
        finally:
            parts.close()

    @app.command()
    def review(
        number: Annotated[
            int | None, typer.Argument(help="Scorecard NUMBER of `mockroom history`.", min=1)
        ] = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write the page to this file.")
        ] = None,
        no_open: Annotated[
            bool, typer.Option("--no-open", help="Write the file without opening a browser.")
        ] = False,
    ) -> None:
        """Your interview as an annotated page (the latest when no number is given)."""
        from bot.review.terminal import open_in_browser, write_review
        from interviewer.history import History

        parts = container()
        try:
            if parts.review is None:
                raise InterviewError("Review pages are not set up.")
            path = write_review(
                parts.review, History(parts.service), terminal_user(), number, output
            )
        except InterviewError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        except DatabaseUnavailable:
            err.print(f"[red]{DATABASE_DOWN}[/red]")
            raise typer.Exit(1) from None
        finally:
            parts.close()
        out.print(f"Your review page is in {path}.")
        if not no_open and not open_in_browser(path):
            out.print("No browser could be opened: open the file yourself.")

    @app.command("serve")
    def serve_command(
        target: Annotated[
            ServeTarget, typer.Argument(help="slack, discord, or all that are configured.")
        ] = ServeTarget.ALL,
        port: Annotated[
            int | None, typer.Option(help="Slack HTTP mode port (default 3000).")
        ] = None,
    ) -> None:
        """Run the chat bots and the interview clock until stopped (Ctrl-C or SIGTERM)."""
        from bot.serve import PlatformConfigError

        parts = container()
        settings = parts.settings
        configure_logging(
            settings.log_level,
            settings.log_json,
            settings.secret_values(),
            settings.log_candidate_text,
        )
        runners: list[PlatformRunner] = []
        try:
            if target in (ServeTarget.SLACK, ServeTarget.ALL):
                if settings.slack_bot_token is not None:
                    from bot.slack.runner import build_slack_runner

                    runners.append(build_slack_runner(parts, port))
                elif target is ServeTarget.SLACK:
                    err.print(
                        "[red]Slack is not configured:[/red] set SLACK_BOT_TOKEN, and "
                        "SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode)."
                    )
                    raise typer.Exit(EXIT_USAGE)
            if target in (ServeTarget.DISCORD, ServeTarget.ALL):
                if settings.discord_token is not None:
                    from bot.discord.runner import build_discord_runner

                    runners.append(build_discord_runner(parts))
                elif target is ServeTarget.DISCORD:
                    err.print("[red]Discord is not configured:[/red] set DISCORD_TOKEN.")
                    raise typer.Exit(EXIT_USAGE)
            if settings.public_url and settings.review_secret is None:
                raise PlatformConfigError(
                    "MOCKROOM_PUBLIC_URL is set but MOCKROOM_REVIEW_SECRET is not: set it to 16+ "
                    "random characters (it signs the review links), or unset the URL"
                )
            if not runners:
                err.print(
                    "[red]No chat platform is configured.[/red] Set SLACK_BOT_TOKEN and/or "
                    "DISCORD_TOKEN (see the README), or practise with `mockroom practice`."
                )
                raise typer.Exit(EXIT_USAGE)
            asyncio.run(serve_with_health(parts, runners))
        except PlatformConfigError as exc:
            err.print(f"[red]Cannot start:[/red] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        finally:
            parts.close()

    @app.command()
    def doctor() -> None:
        """Check the configuration, the prompt files and that the model answers."""
        try:
            settings = settings_factory()
        except ValidationError as exc:
            err.print(f"[red]The settings are invalid:[/red] {settings_problem(exc)}")
            raise typer.Exit(1) from None
        checks = asyncio.run(doctor_checks(settings))
        for name, ok, detail in checks:
            mark = "[green]ok[/green]  " if ok else "[red]FAIL[/red]"
            out.print(f"{mark} {name}: {detail}", highlight=False)
        if not all(ok for _, ok, _ in checks):
            raise typer.Exit(1)

    @app.command()
    def questions(
        question_id: Annotated[
            str | None, typer.Argument(help="a question id: show that question only")
        ] = None,
        reference: Annotated[
            bool, typer.Option("--reference", help="print the question's reference design")
        ] = False,
    ) -> None:
        """List the question bank, or show one question's reference design."""
        try:
            bank = load_bank()
        except BankError as exc:
            err.print(f"[red]The question bank is invalid:[/red] {exc}")
            raise typer.Exit(1) from None
        if question_id is None:
            if reference:
                err.print("Name the question: `mockroom questions ID --reference`.")
                raise typer.Exit(2)
            out.print(questions_table(bank.problems.values()))
            return
        try:
            problem = bank.problem(question_id.strip().lower())
        except KeyError as exc:
            err.print(exc.args[0], markup=False, highlight=False)
            raise typer.Exit(2) from None
        if not reference:
            out.print(questions_table([problem]))
            return
        design = load_reference(problem.id)
        if design is None:
            err.print(f"No reference design is written for {problem.id} yet.")
            raise typer.Exit(1)
        out.print(reference_markdown(design))

    add_privacy_commands(app, container, terminal_user, out, err)
    return app


class OneLineFormatter(logging.Formatter):
    """Log records as one line, without tracebacks: at the terminal a handled failure (a
    model grader that failed, the offline scorer standing in) is a note, not a stack dump.
    `mockroom serve` configures its own logging, with traces, for operators."""

    def format(self, record: logging.LogRecord) -> str:
        """The record's level, logger and message."""
        line = f"{record.levelname} {record.name}: {hide_credentials(record.getMessage())}"
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            line += f" ({type(error).__name__}: {error})"
        return line.splitlines()[0] if line else line


def main() -> None:
    """The console entry point."""
    handler = logging.StreamHandler()
    handler.setFormatter(OneLineFormatter())
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    try:
        make_app()()
    except SystemExit as done:
        if any(t.name == STDIN_THREAD and t.is_alive() for t in threading.enumerate()):
            # A thread blocked reading stdin holds its lock, and a normal exit would wait for
            # it (until Enter) or abort: every turn is already saved, so leave at once.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(done.code if isinstance(done.code, int) else 1)
        raise
