"""The one door for reads: tables of the receivables database as Polars frames, within a scope.

``Store.read(table, scope)`` is the only function that reads business data. It applies the
caller's ``Scope`` (the regions a user may see) in SQL, for every table, from the one declaration
of how each table reaches a region (``data_access.db.rules``); a table that declares its date
(``info["dated_by"]``) can also be read a period at a time (``dated``). It reads Arrow through ADBC
(``data_access.db.arrow_reader``: 3-7x faster than row-by-row drivers; for SQLite in a worker
process, so the app's process keeps a single SQLite library) and falls back to SQLAlchemy for other
databases, then casts every column to the type the schema declares, so every engine gives
identical frames. ``Store.versions()`` says how fresh each table is: caches key on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Numeric,
    Select,
    Table,
    cast,
    select,
)
from sqlalchemy.engine import make_url

from data_access.db import schema
from data_access.db.arrow_reader import read_postgres, read_sqlite
from data_access.db.engine import open_engine
from data_access.db.rules import scope_clause
from data_access.db.writes import versions


@dataclass(frozen=True)
class Scope:
    """What a reader may see. ``regions=None`` means every region: use ``Scope.everything()``
    deliberately (the demo, admin tools, tests), never as a silent default."""

    regions: frozenset[int] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(regions=None)

    @classmethod
    def of_regions(cls, *region_ids: int) -> Scope:
        return cls(regions=frozenset(region_ids))


_POLARS_TYPES = {Date: pl.Date, Boolean: pl.Boolean, BigInteger: pl.Int64, Integer: pl.Int64}


def _polars_type(column) -> pl.DataType:  # noqa: ANN001 - a SQLAlchemy Column
    for sql_type, polars_type in _POLARS_TYPES.items():
        if isinstance(column.type, sql_type):
            return polars_type
    if isinstance(column.type, Numeric):
        return pl.Float64
    if isinstance(column.type, DateTime):
        return pl.Datetime("us", "UTC")
    return pl.String


def _readable_columns(table: Table) -> list:
    """Every column; NUMERIC as double precision, since drivers return NUMERIC in differing types."""
    return [cast(c, Float).label(c.name) if isinstance(c.type, Numeric) else c for c in table.columns]


def scoped_select(table: Table, scope: Scope, dated: tuple[date, date] | None = None) -> Select:
    """SELECT every column FROM table, restricted to the scope's regions by the table's rule, and with
    ``dated=(first, last)`` to the rows whose date (the table's ``info["dated_by"]``) is in first..last."""
    query = select(*_readable_columns(table))
    if dated is not None:
        query = query.where(table.c[dated_by(table)].between(*dated))
    if scope.regions is None:
        return query
    return query.where(scope_clause(table, sorted(scope.regions)))


def read_by_period(table_name: str) -> bool:
    """Whether a table declares the date it can be read a period at a time by (``Store.read``'s ``dated``)."""
    return "dated_by" in schema.metadata.tables[table_name].info


def dated_by(table: Table) -> str:
    """The date column a table is read a period at a time by; a clear error for a table read only whole."""
    column = table.info.get("dated_by")
    if column is None:
        raise ValueError(f"the table {table.name} is read whole: it declares no date to read a period of "
                         f"(schema: info={{'dated_by': column}})")  # fmt: skip
    return column


class Store:
    """A receivables database, read as Polars frames."""

    def __init__(self, url: str, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or open_engine(url)
        self.backend = self.engine.dialect.name
        self.read_path = "adbc" if self.backend in ("sqlite", "postgresql") else "sqlalchemy"

    def versions(self) -> dict[str, int]:
        """Every table's version: incremented by each audited write that declared the table."""
        with self.engine.connect() as connection:
            return versions(connection)

    def meta(self) -> dict[str, str]:
        with self.engine.connect() as connection:
            return dict(connection.execute(select(schema.meta.c.key, schema.meta.c.value)).all())

    def read(self, table_name: str, scope: Scope, dated: tuple[date, date] | None = None) -> pl.DataFrame:
        """The table's rows in the scope; with ``dated=(first, last)`` only those dated first..last (both
        included) by the table's date column, selected in the database."""
        table = schema.metadata.tables[table_name]
        sql = str(scoped_select(table, scope, dated).compile(self.engine, compile_kwargs={"literal_binds": True}))
        dates = tuple(c.name for c in table.columns if isinstance(c.type, Date))  # DateTime is not a Date
        frame = self._read_sql(sql, dates)
        return frame.select(
            [self._cast(frame, column.name, _polars_type(column)) for column in table.columns]
        )

    @staticmethod
    def _cast(frame: pl.DataFrame, name: str, dtype: pl.DataType) -> pl.Expr:
        source = frame.schema[name]
        if dtype == pl.Date and source == pl.String:
            return pl.col(name).str.to_date("%Y-%m-%d").alias(name)
        if isinstance(dtype, pl.Datetime) and source == pl.String:
            return pl.col(name).str.to_datetime(time_zone="UTC").alias(name)
        if isinstance(dtype, pl.Datetime) and getattr(source, "time_zone", None) is None:
            return pl.col(name).cast(pl.Datetime("us")).dt.replace_time_zone("UTC").alias(name)
        return pl.col(name).cast(dtype).alias(name)

    def _read_sql(self, sql: str, dates: tuple[str, ...] = ()) -> pl.DataFrame:
        """The result of ``sql``; on SQLite the ``dates`` columns come as dates already (arrow_reader)."""
        if self.read_path == "adbc":
            return pl.from_arrow(self._read_arrow(sql, dates))  # type: ignore[return-value]
        with self.engine.connect() as connection:
            return pl.read_database(sql, connection)

    def _read_arrow(self, sql: str, dates: tuple[str, ...] = ()):  # noqa: ANN202 - a pyarrow.Table
        url = make_url(self.url)
        if self.backend == "sqlite":
            return read_sqlite(url.database or ":memory:", sql, dates)
        return read_postgres(url.set(drivername="postgresql").render_as_string(hide_password=False), sql)
