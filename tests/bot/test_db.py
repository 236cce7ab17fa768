"""Schema upgrades: `mockroom db`, and a start that refuses a database whose schema is behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from bot.bootstrap import SchemaBehind, build
from bot.settings import Settings
from bot.terminal.cli import make_app
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade

runner = CliRunner()


def run(settings: Settings, args: list[str]) -> tuple[int, str]:
    console = Console(width=160, force_terminal=False, color_system=None)
    app = make_app(lambda: build(settings), console=console, settings_factory=lambda: settings)
    with console.capture() as captured:
        result = runner.invoke(app, args)
    return result.exit_code, captured.get() + result.output


def test_sqlite_is_migrated_at_start_by_default(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    build(Settings(database_url=url)).close()
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.postgres
def test_postgres_behind_is_refused_until_db_upgrade(postgres_url: str) -> None:
    settings = Settings(database_url=postgres_url)
    with pytest.raises(SchemaBehind, match="mockroom db upgrade"):
        build(settings)
    code, out = run(settings, ["history"])
    assert code == 1 and "Run `mockroom db upgrade`" in out
    code, out = run(settings, ["db", "current"])
    assert code == 0 and "empty (behind" in out
    code, out = run(settings, ["db", "upgrade"])
    assert code == 0 and f"empty -> {head_revision()}" in out
    code, out = run(settings, ["db", "current"])
    assert "up to date" in out
    build(settings).close()  # starts now


@pytest.mark.postgres
def test_a_partly_migrated_postgres_names_its_revision(postgres_url: str) -> None:
    upgrade(postgres_url, "0001")
    with pytest.raises(
        SchemaBehind, match=f"at revision 0001; this mockroom needs {head_revision()}"
    ):
        build(Settings(database_url=postgres_url))
    build(Settings(database_url=postgres_url, auto_migrate=True)).close()


def test_a_bad_database_url_is_one_clear_line(tmp_path: Path) -> None:
    code, out = run(Settings(database_url="not a url at all"), ["history"])
    assert code == 1
    assert "Traceback" not in out and "not a url at all" in out
