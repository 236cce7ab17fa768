"""Migrations: an empty database reaches head, and head is exactly what the models say."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata, produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from storage.engine import make_engine
from storage.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    is_up_to_date,
    render_item,
    upgrade,
)
from storage.models import metadata

TABLES = {
    "user",
    "interview",
    "interview_turn",
    "scorecard",
    "processed_event",
    "drill_subscription",
    "drill_post",
    "drill_answer",
    "points_ledger",
    "leaderboard_pref",
    "scheduler_claim",
    "peer_member",
    "peer_schedule",
    "peer_session",
    "reminder_pref",
    "channel_setting",
    "scheduled_post",
}


def schema_diffs(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_the_code_ships_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [head_revision()] == ["0011_scheduled_posts"]


def test_upgrade_takes_an_empty_database_to_head(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)
    assert table_names(empty_engine) == set()

    upgrade(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert is_up_to_date(empty_engine)
    assert table_names(empty_engine) == {*TABLES, "alembic_version"}


def test_upgrade_again_changes_nothing(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    upgrade(empty_engine)
    assert is_up_to_date(empty_engine)
    assert schema_diffs(empty_engine) == []


def test_upgrade_accepts_a_url(database_url: str, empty_engine: Engine) -> None:
    upgrade(database_url)
    assert is_up_to_date(empty_engine)


def test_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert schema_diffs(empty_engine) == []


def test_schema_comparison_notices_drift(empty_engine: Engine) -> None:
    # The check above is only worth something if a difference does show up.
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        connection.exec_driver_sql("ALTER TABLE interview_turn ADD COLUMN stray TEXT")
    diffs = schema_diffs(empty_engine)
    assert [(d[0], d[3].name) for d in diffs if isinstance(d, tuple)] == [
        ("remove_column", "stray")
    ]


def test_downgrade_to_base_removes_every_table(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert table_names(empty_engine) == {"alembic_version"}
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)


def test_upgrade_to_an_earlier_revision_is_not_up_to_date(empty_engine: Engine) -> None:
    upgrade(empty_engine, "base")
    assert current_revision(empty_engine) is None
    assert not is_up_to_date(empty_engine)


def test_autogenerate_writes_plain_sqlalchemy_types(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'empty.db').as_posix()}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"render_item": render_item})
            ops = produce_migrations(context, metadata).upgrade_ops
            assert ops is not None
            code = render_python_code(ops, render_item=render_item)
    finally:
        engine.dispose()
    assert "sa.DateTime(timezone=True)" in code
    assert "sa.String(length=32)" in code
    assert "sqlmodel" not in code
    assert "storage" not in code


def test_env_connects_by_itself_when_given_only_a_url(tmp_path: Path) -> None:
    # The alembic command line path: no connection handed in, the URL from the config.
    url = f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        assert is_up_to_date(engine)
    finally:
        engine.dispose()


def test_offline_mode_writes_the_sql(capsys: pytest.CaptureFixture[str]) -> None:
    config = alembic_config()
    config.set_main_option("sqlalchemy.url", "postgresql://nobody@127.0.0.1:1/none")
    command.upgrade(config, "head", sql=True)
    sql = capsys.readouterr().out
    assert 'CREATE TABLE "user"' in sql
    assert "TIMESTAMP WITH TIME ZONE" in sql
    assert "CREATE INDEX ix_interview_user_id_status" in sql
