"""The one door for writes: every change happens inside ``audited_write``.

It opens a transaction, lets the caller write, appends one row to the audit log and bumps the
data version (so every open dashboard reloads), then commits. Any exception rolls all of it back,
leaving the database exactly as it was.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, Engine, Table, insert, select, update

from data_access.db.schema import audit_log, meta

DATA_VERSION_KEY = "data_version"


@contextmanager
def audited_write(engine: Engine, *, actor: str, action: str, details: dict) -> Iterator[Connection]:
    """Yield a connection in a transaction that commits with an audit row, or not at all."""
    with engine.begin() as connection:
        yield connection
        connection.execute(
            insert(audit_log).values(
                at=datetime.now(UTC),
                actor=actor,
                action=action,
                details=json.dumps(details, default=str, sort_keys=True),
            )
        )
        _bump_data_version(connection)


def _bump_data_version(connection: Connection) -> None:
    current = connection.execute(select(meta.c.value).where(meta.c.key == DATA_VERSION_KEY)).scalar()
    if current is None:
        connection.execute(insert(meta).values(key=DATA_VERSION_KEY, value="1"))
    else:
        connection.execute(
            update(meta).where(meta.c.key == DATA_VERSION_KEY).values(value=str(int(current) + 1))
        )


def set_meta(connection: Connection, key: str, value: str) -> None:
    """Upsert one ``meta`` row; call it inside ``audited_write``."""
    exists = connection.execute(select(meta.c.key).where(meta.c.key == key)).first()
    if exists:
        connection.execute(update(meta).where(meta.c.key == key).values(value=value))
    else:
        connection.execute(insert(meta).values(key=key, value=value))


def bulk_insert(connection: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Append a frame to a table inside the caller's transaction, fast on both engines.

    PostgreSQL gets ``COPY ... FROM STDIN`` (CSV written by Polars); SQLite gets ``executemany``.
    Frame columns must be a subset of the table's; dates are ISO dates, booleans bool.
    """
    if frame.is_empty():
        return
    unknown = set(frame.columns) - set(table.c.keys())
    if unknown:
        raise ValueError(f"{table.name}: no such columns {sorted(unknown)}")
    driver = connection.connection.driver_connection
    columns = ", ".join(frame.columns)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for chunk in frame.iter_slices(500_000):
                    buffer = io.BytesIO()
                    chunk.write_csv(buffer, include_header=False)
                    copy.write(buffer.getvalue())
        return
    # SQLite stores SQLAlchemy Date as ISO text and Boolean as 0/1; do the same here.
    prepared = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
        + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
    )
    marks = ", ".join("?" for _ in frame.columns)
    cursor = driver.cursor()
    try:
        # Checked at commit, as PostgreSQL checks a COPY at its end: a table may refer to itself.
        cursor.execute("PRAGMA defer_foreign_keys=ON")
        for chunk in prepared.iter_slices(200_000):
            cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", chunk.rows())
    finally:
        cursor.close()
