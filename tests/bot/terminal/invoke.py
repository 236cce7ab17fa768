"""Running the `mockroom` command line in-process, as the terminal tests and the privacy tests do."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from typer.testing import CliRunner

from bot.bootstrap import Container
from bot.terminal.cli import make_app

runner = CliRunner()


def run(
    factory: Callable[[], Container], args: list[str], stdin: str = "", width: int = 120
) -> tuple[int, str]:
    """Exit code and everything printed, with piped (non-terminal) standard input."""
    console = Console(width=width, force_terminal=False, color_system=None)
    app = make_app(factory, console=console, stdin_is_tty=lambda: False)
    with console.capture() as captured:
        result = runner.invoke(app, args, input=stdin)
    return result.exit_code, captured.get() + result.output
