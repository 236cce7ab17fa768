"""`mockroom export` and `mockroom forget-me`: the terminal user's privacy requests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from interviewer.privacy.service import PrivacyService
from interviewer.replies import Who

if TYPE_CHECKING:
    from bot.bootstrap import Container


def add_privacy_commands(
    app: typer.Typer,
    container: Callable[[], Container],
    user: Callable[[], Who],
    out: Console,
    err: Console,
) -> None:
    """Add `export` and `forget-me` to the command line."""

    def privacy_of(parts: Container) -> PrivacyService:
        if parts.privacy is None:
            err.print("[red]Privacy requests are not set up in this build.[/red]")
            raise typer.Exit(1)
        return parts.privacy

    @app.command()
    def export(
        out_file: Annotated[
            Path | None,
            typer.Option("--out", "-o", help="Write the JSON here instead of printing it."),
        ] = None,
    ) -> None:
        """Export everything mockroom stores about you, as JSON."""
        parts = container()
        try:
            exported = privacy_of(parts).export_file(user())
        finally:
            parts.close()
        if out_file is None:
            typer.echo(exported.content.decode("utf-8"))
            return
        out_file.write_bytes(exported.content)
        out.print(f"{exported.summary} Written to {out_file}.", markup=False, highlight=False)

    @app.command("forget-me")
    def forget_me(
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")
        ] = False,
    ) -> None:
        """Delete everything mockroom stores about you (asks first unless --yes)."""
        parts = container()
        try:
            privacy = privacy_of(parts)
            who = user()
            if not yes:
                confirm = "answer y below (or run `mockroom forget-me --yes`)"
                warning = privacy.forget_warning(who, cmd="mockroom", confirm=confirm)
                out.print(warning, markup=False, highlight=False)
                if not typer.confirm("Delete it all now?", default=False):
                    err.print("Nothing was deleted.")
                    raise typer.Exit(1)
            done = privacy.forget_confirmation(privacy.forget(who))
            out.print(done, markup=False, highlight=False)
        finally:
            parts.close()
