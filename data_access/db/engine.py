"""Engines and migrations: the only module that turns a URL into a connection.

``open_engine`` gives a configured SQLAlchemy engine (SQLite gets foreign keys and WAL);
``migrate`` brings the schema to the newest Alembic revision; ``schema_problem`` says in plain
words why a database cannot be used yet.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from data_access.messages import Message

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or has no usable schema; the message says how to fix it."""


def open_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001 - DBAPI hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest revision (idempotent)."""
    config = _alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_problem(engine: Engine) -> str | None:
    """None when the database is reachable and migrated; otherwise what is wrong, in words."""
    where = engine.url.render_as_string(hide_password=True)
    path = engine.url.database
    if engine.dialect.name == "sqlite" and path and path != ":memory:" and not Path(path).exists():
        return Message("error.db_no_file", "{where}: the file {path} does not exist; check the path, or run `rdash demo` "
                       "to create a demo there.", where=where, path=path)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            has_invoices = inspect(connection).has_table("invoices")
    except Exception as exc:  # the driver's own error type varies by backend
        return Message("error.db_connect", "Cannot connect to {where}: {error}", where=where,
                       error=f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}")
    if current is None:
        if has_invoices:
            # A database the company runs, read through the view contract (docs/view_contract.md).
            from data_access.importing.contract import check_database

            missing = [str(f) for f in check_database(engine) if f.required]
            if not missing:
                return None
            return Message("error.db_unversioned", "{where} has tables but no rdash schema version, and does not meet "
                           "the view contract (docs/view_contract.md): {missing}{more}. Run `rdash check` for the whole "
                           "list, or `rdash migrate` on a copy to make it an rdash database.", where=where,
                           missing=missing[:5], more=f" (+{len(missing) - 5})" if len(missing) > 5 else "")  # fmt: skip
        return Message("error.db_no_schema", "{where} has no rdash schema; run `rdash migrate` (or `rdash demo` for a "
                       "demo portfolio).", where=where)
    if current != head_revision():
        return Message("error.db_old_schema", "{where} is at schema revision {current}, the app needs {head}; run "
                       "`rdash migrate`.", where=where, current=current, head=head_revision())
    return None
