"""The one door for writes: every change happens inside ``audited_write``, through its ``Writer``.

    with audited_write(engine, actor="wang.li", action="reassign_debtor", tables=("assignments",),
                       details={"reason": "rebalance East China"}) as writer:
        writer.update("assignments", {"assignment_id": 17}, {"end_date": day})
        writer.insert("assignments", {"debtor_id": 5, "collector_id": 9, "start_date": day})

In one transaction it applies the changes, increments the version of every declared table
(``UPDATE table_versions SET version = version + 1``, atomic on every engine, so concurrent writers
lose no increment and a cache of another table stays warm), and appends one entry to the
hash-chained audit log with every row's before and after values. Any exception rolls all of it
back, leaving the database exactly as it was. Writing to a table not declared in ``tables=`` is
refused, so a version can never miss a change.

On SQLite the transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock before the first
read, so two writers queue instead of one failing half-way.

Bulk loads of millions of rows (the demo at 10M invoices) go through ``Staging``: the frames are first
written with ADBC's bulk Arrow ingest (``adbc_ingest``) into a scratch SQLite file, then the audited
transaction copies them with ``INSERT ... SELECT`` (``Writer.insert_staged``). ADBC opens its own
connection, so it cannot join the SQLAlchemy transaction; it therefore never touches the real database.
The only write to the real database is the copy, inside the one audited transaction, with its versions
and its audit entry: a failure at any point (generation, ingest, copy, the foreign-key check) leaves the
database exactly as it was, and the scratch file is removed.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Select, Table, and_, delete, insert, select, update

from data_access.db.audit import GENESIS, canonical_json, entry_hash
from data_access.db.schema import audit_log, meta, metadata, table_versions


class WriteRefused(ValueError):
    """A write the door will not make; the message says what, where and how to fix it."""


class Writer:
    """The changes of one audited write; each is recorded with its before and after values."""

    def __init__(self, connection: Connection, tables: frozenset[str], staged: Staging | None = None) -> None:
        self._connection = connection
        self._tables = tables
        self._staged = staged
        self.changes: list[dict] = []

    def _table(self, name: str) -> Table:
        if name not in self._tables:
            raise WriteRefused(f"This write declared tables {sorted(self._tables)} but changes {name!r}; "
                               f"add {name!r} to tables= so its version moves with the change.")  # fmt: skip
        return metadata.tables[name]

    def _rows(self, table: Table, where: dict) -> list[dict]:
        return [dict(r) for r in self._connection.execute(select(table).where(_match(table, where))).mappings()]

    def query(self, statement: Select) -> list[dict]:
        """Read inside the transaction (e.g. to validate before changing); reads are not recorded."""
        return [dict(r) for r in self._connection.execute(statement).mappings()]

    def query_frame(self, statement: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        """Read inside the transaction into a frame of ``schema`` (bulk checks before a bulk write, e.g. an
        import's 100,000 keys at a time); rows stay tuples, so this is several times faster than ``query``."""
        return pl.DataFrame(self._connection.execute(statement).all(), schema=schema, orient="row")

    def insert(self, table_name: str, rows: dict | list[dict]) -> None:
        table = self._table(table_name)
        rows = [rows] if isinstance(rows, dict) else rows
        if not rows:
            return
        for row in rows:
            result = self._connection.execute(insert(table).values(**row))
            key = dict(zip([c.name for c in table.primary_key.columns], result.inserted_primary_key or (), strict=False))
            self.changes.append({"table": table_name, "op": "insert", "key": key, "before": None,
                                 "after": {**key, **row}})  # fmt: skip

    def update(self, table_name: str, where: dict, values: dict) -> int:
        """Set ``values`` on the rows matching ``where`` (column = value); returns how many changed."""
        table = self._table(table_name)
        before = self._rows(table, where)
        if before:
            self._connection.execute(update(table).where(_match(table, where)).values(**values))
        for row in before:
            key = {c.name: row[c.name] for c in table.primary_key.columns}
            self.changes.append({"table": table_name, "op": "update", "key": key, "before": row,
                                 "after": {**row, **values}})  # fmt: skip
        return len(before)

    def delete(self, table_name: str, where: dict) -> int:
        table = self._table(table_name)
        before = self._rows(table, where)
        if before:
            self._connection.execute(delete(table).where(_match(table, where)))
        for row in before:
            key = {c.name: row[c.name] for c in table.primary_key.columns}
            self.changes.append({"table": table_name, "op": "delete", "key": key, "before": row, "after": None})
        return len(before)

    def set_meta(self, key: str, value: str) -> None:
        if self.update("meta", {"key": key}, {"value": value}) == 0:
            self.insert("meta", {"key": key, "value": value})

    @contextmanager
    def page_cache(self, kilobytes: int) -> Iterator[None]:
        """On SQLite, a page cache of ``kilobytes`` for this transaction, then the previous size (elsewhere
        nothing). SQLite's default 2 MB spills dirty index pages again and again in a large transaction.
        Connection tuning, not a change of data: nothing to audit."""
        if self._connection.dialect.name != "sqlite":
            yield
            return
        before = self._connection.exec_driver_sql("PRAGMA cache_size").scalar()
        self._connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kilobytes)}")
        try:
            yield
        finally:
            self._connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")

    def insert_frame(self, table_name: str, frame: pl.DataFrame) -> None:
        """Append a frame (bulk). Recorded as its row count and a SHA-256 of its content, not row by row."""
        table = self._table(table_name)
        digest = _bulk_insert(self._connection, table, frame)
        self.changes.append({"table": table_name, "op": "bulk_insert", "key": None, "before": None,
                             "after": {"rows": frame.height, "columns": frame.columns, "sha256": digest}})  # fmt: skip

    def insert_staged(self, table_name: str) -> None:
        """Append the frame staged under ``table_name`` (``audited_write(..., staged=...)``), by ``INSERT ...
        SELECT`` from the attached scratch file. Recorded as ``insert_frame`` records it: row count and the
        SHA-256 of the frame's CSV form.

        Into an empty table the copy goes without the table's secondary indexes, which are created again
        afterwards, in the same transaction: one sort per index instead of millions of random inserts."""
        table = self._table(table_name)
        if self._staged is None or self._connection.dialect.name != "sqlite":
            raise WriteRefused("insert_staged needs audited_write(..., staged=...) on SQLite; use insert_frame.")
        staged = self._staged.tables[table_name]
        if staged.rows:
            columns = ", ".join(f'"{c}"' for c in staged.columns)
            empty = self._connection.exec_driver_sql(f'SELECT 1 FROM main."{table.name}" LIMIT 1').first() is None
            indexes = self._connection.exec_driver_sql(
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table.name,),
            ).all() if empty else []  # fmt: skip
            for name, _sql in indexes:
                self._connection.exec_driver_sql(f'DROP INDEX main."{name}"')
            self._connection.exec_driver_sql(f'INSERT INTO main."{table.name}" ({columns}) '
                                             f'SELECT {columns} FROM {STAGING_SCHEMA}."{table.name}"')  # fmt: skip
            for _name, sql in indexes:
                self._connection.exec_driver_sql(sql)
        self.changes.append({"table": table_name, "op": "bulk_insert", "key": None, "before": None,
                             "after": {"rows": staged.rows, "columns": staged.columns,
                                       "sha256": staged.sha256}})  # fmt: skip


STAGING_SCHEMA = "rdash_staging"


@dataclass(frozen=True)
class StagedTable:
    rows: int
    columns: list[str]
    sha256: str  # of the frame's CSV form, as insert_frame records it


@dataclass
class Staging:
    """Frames staged for one audited bulk write, in a scratch SQLite file written through ADBC (``adbc_ingest``).

    Made by ``staging()``; ``add`` stages a frame (one call per table); then
    ``audited_write(..., staged=staging)`` attaches the file and ``Writer.insert_staged`` copies each
    table into the real database, inside the audited transaction. Dates are staged as ISO text and
    booleans as 0/1, the way SQLAlchemy stores them in SQLite.
    """

    path: Path
    tables: dict[str, StagedTable] = field(default_factory=dict)
    _connection: object = None

    def add(self, name: str, frame: pl.DataFrame, chunk_rows: int = 1_000_000) -> None:
        """Stage ``frame`` as table ``name``, a million rows at a time (bounded memory for the text dates)."""
        digest = hashlib.sha256()
        if name in self.tables:
            raise WriteRefused(f"{name} is already staged; stage a table in one call")
        cursor = self._connection.cursor()  # type: ignore[attr-defined]
        try:
            for number, chunk in enumerate(frame.iter_slices(chunk_rows)):  # an empty frame: nothing to copy
                digest.update(chunk.write_csv(include_header=False).encode())
                prepared = chunk.with_columns(
                    [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in chunk.schema.items() if t == pl.Date]
                    + [pl.col(c).cast(pl.Int8) for c, t in chunk.schema.items() if t == pl.Boolean]
                )
                cursor.adbc_ingest(name, prepared.to_arrow(), mode="create" if number == 0 else "append")
        finally:
            cursor.close()
        self.tables[name] = StagedTable(frame.height, frame.columns, digest.hexdigest())


@contextmanager
def staging(near: str | None = None) -> Iterator[Staging]:
    """A scratch staging file (``Staging``) in the folder of the database file ``near`` (or the temp folder),
    removed when the block ends, whatever happened."""
    import adbc_driver_sqlite.dbapi

    folder = Path(near).resolve().parent if near and near != ":memory:" else None
    handle, name = tempfile.mkstemp(prefix=".rdash-staging-", suffix=".sqlite", dir=folder)
    os.close(handle)
    path = Path(name)
    path.unlink()
    connection = adbc_driver_sqlite.dbapi.connect(str(path), autocommit=True)  # each ingest commits itself
    try:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=OFF")  # a scratch file: nothing to recover after a crash
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.close()
        yield Staging(path, _connection=connection)
    finally:
        connection.close()
        for leftover in (path, Path(f"{path}-journal")):
            leftover.unlink(missing_ok=True)


def _match(table: Table, where: dict):  # noqa: ANN202 - a SQL boolean
    if not where:
        raise WriteRefused(f"An update or delete on {table.name} needs a condition; refusing to change every row.")
    unknown = set(where) - set(table.c.keys())
    if unknown:
        raise WriteRefused(f"{table.name} has no column(s) {sorted(unknown)}")
    return and_(*(table.c[name] == value for name, value in where.items()))


@contextmanager
def audited_write(engine: Engine, *, actor: str, action: str, tables: Iterable[str],
                  details: dict | None = None, staged: Staging | None = None) -> Iterator[Writer]:  # fmt: skip
    """Yield a ``Writer`` in a transaction that commits with its versions and audit entry, or not at all.

    ``staged`` (SQLite only): frames staged by ``staging()`` for ``Writer.insert_staged``. The scratch file
    is attached before the transaction begins (SQLite cannot attach inside one) and foreign keys are
    checked once for the whole write, before the audit entry (``_check_foreign_keys``), instead of row
    by row (the row-by-row check triples the copy's time); a violation refuses the write.
    """
    declared = frozenset(tables)
    unknown = declared - set(metadata.tables) | (declared & {"audit_log", "table_versions"})
    if unknown:
        raise WriteRefused(f"tables= names {sorted(unknown)}: not business tables of the schema")
    if not actor.strip():
        raise WriteRefused("Every write needs an actor (who makes it); got an empty name.")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if staged is not None and not sqlite:
            raise WriteRefused("staged= is for SQLite; on PostgreSQL insert_frame is already a bulk COPY.")
        restore = _attach(connection, staged) if staged is not None else None
        try:
            with connection.begin():
                if sqlite:
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                writer = Writer(connection, declared, staged)
                yield writer
                if staged is not None:
                    _check_foreign_keys(connection, declared)
                _append(connection, actor=actor, action=action, tables=declared, details=details or {},
                        changes=writer.changes)  # fmt: skip
        finally:
            if restore is not None:
                restore()


def _attach(connection: Connection, staged: Staging) -> Callable[[], None]:
    """Attach the staging file, foreign keys off and a larger page cache for the copy; returns the undo."""
    cache = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.exec_driver_sql("PRAGMA cache_size=-1048576")  # 1 GB while copying, indexing and checking keys

    def restore(attached: bool = True) -> None:  # foreign keys first: the pooled connection must get them back
        connection.rollback()  # nothing is open after a commit; after a failure, make sure
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.exec_driver_sql(f"PRAGMA cache_size={int(cache)}")
        if attached:
            connection.exec_driver_sql(f"DETACH DATABASE {STAGING_SCHEMA}")
        connection.commit()

    try:
        connection.exec_driver_sql(f"ATTACH DATABASE ? AS {STAGING_SCHEMA}", (str(staged.path),))
        connection.commit()
    except Exception:
        restore(attached=False)
        raise
    return restore


def _check_foreign_keys(connection: Connection, tables: frozenset[str]) -> None:
    """Refuse the write if a row of ``tables`` refers to a missing parent.

    One query per foreign key, ``fk NOT IN (SELECT key FROM parent)``: SQLite walks the child through its
    index on the foreign key, so it probes the parent's keys in ascending order, page after page. (PRAGMA
    foreign_key_check probes in the child's row order, one random parent page per row: at 10M invoices
    that reads the book dozens of times over.)"""
    problems = []
    for name in sorted(tables):
        for key in metadata.tables[name].foreign_keys:
            child, parent = key.parent, key.column
            found = connection.exec_driver_sql(
                f'SELECT rowid FROM main."{name}" WHERE "{child.name}" IS NOT NULL AND "{child.name}" NOT IN '
                f'(SELECT "{parent.name}" FROM main."{parent.table.name}") LIMIT 5'
            ).all()  # fmt: skip
            problems += [(name, rowid, parent.table.name) for (rowid,) in found]
    if problems:
        shown = "; ".join(f"{table} row {rowid} refers to a missing {parent}" for table, rowid, parent in problems[:5])
        raise WriteRefused(f"The bulk write breaks foreign keys ({shown}); nothing was written.")


def _append(connection: Connection, *, actor: str, action: str, tables: frozenset[str], details: dict,
            changes: list[dict]) -> None:  # fmt: skip
    # The audit_log version row first: on PostgreSQL its row lock queues concurrent appends here, so
    # the chain cannot fork and the versions below are taken in one order (no deadlock).
    _bump(connection, ["audit_log"])
    _bump(connection, sorted(tables))
    last = connection.execute(select(audit_log.c.audit_id, audit_log.c.hash).order_by(audit_log.c.audit_id.desc())
                              .limit(1)).first()  # fmt: skip
    audit_id, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    entry = {
        "audit_id": audit_id, "at": datetime.now(UTC), "actor": actor, "action": action,
        "tables": ",".join(sorted(tables)), "details": canonical_json(details), "changes": canonical_json(changes),
        "prev_hash": prev_hash,
    }  # fmt: skip
    connection.execute(insert(audit_log).values(**entry, hash=entry_hash(**entry)))


def _bump(connection: Connection, names: list[str]) -> None:
    if not names:
        return
    column = table_versions.c.version
    done = connection.execute(
        update(table_versions).where(table_versions.c.table_name.in_(names)).values(version=column + 1)
    ).rowcount
    if done != len(names):  # a table added to the schema after the database was migrated
        known = set(connection.execute(select(table_versions.c.table_name)).scalars())
        connection.execute(insert(table_versions), [{"table_name": n, "version": 1} for n in names if n not in known])


def versions(connection: Connection) -> dict[str, int]:
    return dict(connection.execute(select(table_versions.c.table_name, table_versions.c.version)).all())


def _bulk_insert(connection: Connection, table: Table, frame: pl.DataFrame) -> str:
    """Append a frame inside the caller's transaction; return a SHA-256 of its CSV form.

    PostgreSQL gets ``COPY ... FROM STDIN`` (CSV written by Polars); SQLite gets ``executemany``.
    Frame columns must be a subset of the table's; dates are ISO dates, booleans bool.
    """
    digest = hashlib.sha256()
    if frame.is_empty():
        return digest.hexdigest()
    unknown = set(frame.columns) - set(table.c.keys())
    if unknown:
        raise WriteRefused(f"{table.name}: no such columns {sorted(unknown)}")
    driver = connection.connection.driver_connection
    columns = ", ".join(frame.columns)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor:  # type: ignore[union-attr]
            with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
                for chunk in frame.iter_slices(500_000):
                    buffer = io.BytesIO()
                    chunk.write_csv(buffer, include_header=False)
                    digest.update(buffer.getvalue())
                    copy.write(buffer.getvalue())
        return digest.hexdigest()
    for chunk in frame.iter_slices(500_000):
        digest.update(chunk.write_csv(include_header=False).encode())
    # SQLite stores SQLAlchemy Date as ISO text and Boolean as 0/1; do the same here.
    prepared = frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in frame.schema.items() if t == pl.Date]
        + [pl.col(c).cast(pl.Int8) for c, t in frame.schema.items() if t == pl.Boolean]
    )
    marks = ", ".join("?" for _ in frame.columns)
    cursor = driver.cursor()  # type: ignore[union-attr]
    try:
        # Checked at commit, as PostgreSQL checks a COPY at its end: a table may refer to itself.
        cursor.execute("PRAGMA defer_foreign_keys=ON")
        for chunk in prepared.iter_slices(200_000):
            cursor.executemany(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})", chunk.rows())
    finally:
        cursor.close()
    return digest.hexdigest()


__all__ = ["Staging", "WriteRefused", "Writer", "audited_write", "meta", "staging", "versions"]
