"""The view contract: read a receivables database the company already runs, through SQL views.

Point ``RDASH_DATABASE_URL`` at the company's database and create, in it (or in a schema on its search
path), one view per rdash table, with rdash's names, columns and types (docs/view_contract.md, written
from ``CONTRACT`` below). rdash then reads it like its own database; it never writes to it.
``rdash check`` validates a database against the contract and names every missing view, missing
column and value of the wrong type.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Engine, Integer, Numeric, inspect, text

from data_access.db import schema

# Read by the pages; audit_log only by the Audit log page, which says so when it is missing.
OPTIONAL = ("audit_log",)
CONTRACT_TABLES = tuple(t for t in schema.metadata.tables if t not in OPTIONAL) + OPTIONAL


def kind_of(column) -> str:  # noqa: ANN001 - a SQLAlchemy Column
    for sql_type, name in ((Boolean, "boolean"), (Date, "date"), (DateTime, "timestamp"), (BigInteger, "integer"),
                           (Integer, "integer"), (Numeric, "decimal")):  # fmt: skip
        if isinstance(column.type, sql_type):
            return name
    return "text"


def contract_rows() -> list[dict[str, str]]:
    """View, column, type and note for every column of the contract (the table in docs/view_contract.md)."""
    rows = []
    for name in CONTRACT_TABLES:
        table = schema.metadata.tables[name]
        for column in table.columns:
            note = "money in cents (integer)" if column.name.endswith("_cents") else (column.comment or "")
            rows.append({"view": name, "column": column.name, "type": kind_of(column),
                         "nullable": "yes" if column.nullable else "no", "note": note,
                         "required": "optional" if name in OPTIONAL else "required"})  # fmt: skip
    return rows


@dataclass(frozen=True)
class Finding:
    view: str
    column: str
    problem: str
    required: bool = True

    def __str__(self) -> str:
        where = f"{self.view}.{self.column}" if self.column else self.view
        return f"{'MISSING' if self.required else 'optional'}: {where}: {self.problem}"


def check_database(engine: Engine) -> list[Finding]:
    """Everything the database lacks against the contract: missing views or tables, missing columns,
    NULLs in columns that must have a value, values that are not of the column's type (a sample)."""
    findings: list[Finding] = []
    inspector = inspect(engine)
    present = set(inspector.get_table_names()) | set(inspector.get_view_names())
    for name in CONTRACT_TABLES:
        required = name not in OPTIONAL
        table = schema.metadata.tables[name]
        if name not in present:
            findings.append(Finding(name, "", f"no view or table named {name} "
                                    f"(columns: {', '.join(c.name for c in table.columns)})", required))  # fmt: skip
            continue
        have = {c["name"].lower() for c in inspector.get_columns(name)}
        missing = [c for c in table.columns if c.name.lower() not in have]
        for column in missing:
            findings.append(Finding(name, column.name, f"missing column ({kind_of(column)})", required))
        findings += _check_values(engine, table, [c for c in table.columns if c not in missing], required)
    return findings


def _check_values(engine: Engine, table, columns: list, required: bool) -> list[Finding]:  # noqa: ANN001
    """Sample up to 1,000 rows: NOT NULL columns hold values, dates read as dates, numbers as numbers."""
    if not columns:
        return []
    findings = []
    sql = f"SELECT {', '.join(c.name for c in columns)} FROM {table.name} LIMIT 1000"
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(sql)).all()
    except Exception as exc:  # the driver's type varies; the view itself may be broken
        return [Finding(table.name, "", f"cannot be read: {exc.__class__.__name__}: {str(exc).splitlines()[0]}",
                        required)]  # fmt: skip
    for i, column in enumerate(columns):
        values = [row[i] for row in rows]
        if not column.nullable and any(v is None for v in values):
            findings.append(Finding(table.name, column.name, "has NULLs but must always have a value", required))
        sample = pl.DataFrame({column.name: [None if v is None else str(v) for v in values]}, schema={column.name: pl.String})
        kind = kind_of(column)
        try:
            if kind == "date":
                parsed = sample.select(pl.col(column.name).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))
            elif kind in ("integer", "decimal"):
                parsed = sample.select(pl.col(column.name).cast(pl.Float64, strict=False))
            elif kind == "boolean":
                parsed = sample.select(pl.col(column.name).str.to_lowercase().replace_strict(
                    {"true": True, "false": False, "1": True, "0": False, "t": True, "f": False}, default=None))
            else:
                continue
        except Exception:  # a value Polars cannot even look at
            parsed = sample.select(pl.lit(None).alias(column.name))
        bad = [v for v, p in zip(sample[column.name], parsed.to_series(), strict=True) if v is not None and p is None]
        if kind == "integer" and not bad:
            bad = [v for v in sample[column.name].drop_nulls() if not _is_whole(v)]
        if bad:
            findings.append(Finding(table.name, column.name, f"values such as {bad[0]!r} are not of type {kind}",
                                    required))  # fmt: skip
    return findings


def _is_whole(value: str) -> bool:
    try:
        return float(value) == int(float(value))
    except ValueError:
        return False


def problems_text(findings: list[Finding]) -> str:
    required = [f for f in findings if f.required]
    lines = [str(f) for f in findings]
    verdict = ("The database meets the view contract." if not required else
               f"{len(required)} problem(s) against the view contract (docs/view_contract.md):")  # fmt: skip
    return "\n".join([verdict, *lines])
