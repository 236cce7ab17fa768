"""Alembic's environment: migrate the connection handed in by storage.migrate, else a URL.

From code, storage.migrate passes a connection in `config.attributes["connection"]`. From the
alembic command line the URL comes from `-x url=...`, then `sqlalchemy.url`, then the
default SQLite file.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from storage.engine import default_database_url, make_engine, parse_database_url
from storage.migrate import render_item
from storage.models import metadata

config = context.config


def _url() -> str:
    given = context.get_x_argument(as_dictionary=True).get("url")
    return given or config.get_main_option("sqlalchemy.url") or default_database_url()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        render_item=render_item,
        # SQLite alters a table by copying it; batch mode writes migrations that way.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """Write the SQL instead of running it (alembic --sql)."""
    url = parse_database_url(_url())
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.get_backend_name() == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    """Migrate the given connection, or connect to the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.begin() as new_connection:
            _run(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
