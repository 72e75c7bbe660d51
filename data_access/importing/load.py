"""Import a file into the receivables database: validate everything, then write it as one audited write.

    result = import_file(engine, Path("invoices.csv"), profile, actor="li.na", progress=print)

The file is read in chunks (bounded memory). Each chunk's rows are parsed, checked row by row
(dates, amounts, negative amounts, due before issue, unknown references, duplicates) and against
the database as it stands inside the import's transaction (a payment before its invoice, payments
beyond the outstanding, overlapping assignments), then upserted on their business keys: new rows
are inserted in bulk, changed rows updated, identical rows left alone. Everything happens in one
``audited_write``; when any row was rejected (``mode="all"``) or nothing changed, the transaction
is rolled back, so the database is never half-written and a re-import of the same file changes
nothing — not even a table version. ``mode="valid"`` writes the valid rows and reports the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, Select, Table, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY

from data_access.db import schema
from data_access.db.writes import Writer, audited_write
from data_access.importing import parsing
from data_access.importing.mapping import PROFILE_META_PREFIX, Profile, TargetMapping, parse_profile, source_expr
from data_access.importing.spec import BOOL, DATE, DECIMAL, INT, LOAD_ORDER, MONEY, REF, TEXT, Field, Target, target
from data_access.messages import Message

ALL, VALID = "all", "valid"
LAST_IMPORT_META = "last_import"
_FROM_TEXT = {  # a SQLite value as JSON text back to its column's Polars type
    pl.String: lambda text: text,
    pl.Int64: lambda text: text.cast(pl.Int64),
    pl.Float64: lambda text: text.cast(pl.Float64),
    pl.Boolean: lambda text: text.cast(pl.Int8).cast(pl.Boolean),
    pl.Date: lambda text: text.str.to_date("%Y-%m-%d"),
}
IMPORT_CACHE_KB = 32_768  # SQLite page cache during an import (bounded: the same for any file size)
_SQLITE_VARIABLES = 30_000  # below SQLite's limit of bound values per statement
REDUCTIONS = {"payments": "payment_date", "credit_notes": "credit_note_date", "write_offs": "write_off_date"}
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the file's row (the header is row 1); None for a problem of the whole file
    column: str
    value: str
    problem: str
    fix: str
    table: str = ""


@dataclass
class ImportResult:
    file: str
    profile: str
    mode: str
    encoding: str | None = None
    date_format: str | None = None
    decimal: str | None = None
    rows_read: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problems_total: int = 0
    rejected_rows: set[int] = field(default_factory=set)
    written: bool = False

    @property
    def valid(self) -> bool:
        return self.problems_total == 0

    @property
    def changed(self) -> int:
        return sum(c["inserted"] + c["updated"] for c in self.counts.values())

    def report(self, say: Callable[[str], str] = str) -> pl.DataFrame:
        """The validation report: one row per problem, naming file, row, column, value and the fix.

        ``say`` words each problem and fix (a ``Message``): English by default; the app passes the reader's
        language (``dashboard.i18n.localized``)."""
        columns = ("file", "row", "table", "column", "value", "problem", "fix")
        said = {"problem", "fix"}
        return pl.DataFrame([{c: say(getattr(p, c)) if c in said else getattr(p, c) for c in columns}
                             for p in self.problems],
                            schema={"file": pl.String, "row": pl.Int64, "table": pl.String, "column": pl.String,
                                    "value": pl.String, "problem": pl.String, "fix": pl.String})  # fmt: skip

    def counts_frame(self) -> pl.DataFrame:
        return pl.DataFrame([{"table": t, **c} for t, c in self.counts.items()],
                            schema={"table": pl.String, "inserted": pl.Int64, "updated": pl.Int64,
                                    "unchanged": pl.Int64, "rejected": pl.Int64})  # fmt: skip

    def summary(self) -> str:
        parts = [f"{t}: {c['inserted']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged"
                 + (f", {c['rejected']:,} rejected" if c["rejected"] else "") for t, c in self.counts.items()]  # fmt: skip
        state = "written" if self.written else ("nothing to change" if self.valid else "NOT written")
        return f"{self.file} ({self.rows_read:,} rows, {self.profile}): {state}. " + "; ".join(parts)


@dataclass(frozen=True)
class _Check:
    """A rule on a row: where ``bad`` holds, the row is reported with its ``value`` column's text."""

    bad: pl.Expr
    column: str
    value: str
    message: Callable[[dict], str]
    fix: Callable[[dict], str]


class _RollBack(Exception):
    """Raised inside the write to undo it: a rejected import, or one that changes nothing."""


def import_file(engine: Engine, path: Path, profile: Profile, *, actor: str, mode: str = ALL,
                chunk_rows: int = 100_000, progress: Progress | None = None, file_name: str | None = None,
                max_problems: int = 5_000, dry_run: bool = False) -> ImportResult:  # fmt: skip
    """Validate and import ``path`` with ``profile``; see the module docstring. Never half-writes.

    ``dry_run``: validate and count exactly as an import would (inside the transaction), then roll back.
    """
    if mode not in (ALL, VALID):
        raise ValueError(f"mode must be {ALL!r} (all or nothing) or {VALID!r} (the valid rows); got {mode!r}")
    name = file_name or path.name
    result = ImportResult(file=name, profile=profile.name, mode=mode)
    kind = parsing.file_kind(path)
    if kind == "csv":
        result.encoding = profile.encoding or parsing.detect_encoding(path)
    total = _row_count(path, kind, result.encoding)
    mappings = sorted(profile.targets, key=lambda m: LOAD_ORDER.index(m.table))
    tables = sorted({m.table for m in mappings} | {"meta"})
    details = {"file": name, "profile": profile.name, "mode": mode}
    importer = _Importer(result, mappings, max_problems, engine.dialect.name)
    try:
        with audited_write(engine, actor=actor, action="import_file", tables=tables, details=details) as writer, \
                writer.page_cache(IMPORT_CACHE_KB):
            importer.begin(writer)
            for chunk in parsing.read_chunks(path, encoding=result.encoding, chunk_rows=chunk_rows):
                if result.rows_read == 0:
                    _detect_formats(result, profile, mappings, chunk.frame)
                importer.chunk(chunk)
                result.rows_read += chunk.frame.height
                if progress:
                    progress(result.rows_read, total)
            if result.rows_read == 0:
                importer.problem(None, "", "", Message("import.problem.no_rows", "the file has no data rows"),
                                 Message("import.fix.no_rows", "check the file and its header"), "")
            if dry_run or (mode == ALL and not result.valid) or result.changed == 0:
                raise _RollBack
            if not writer.query(select(schema.meta.c.key).where(schema.meta.c.key == "source")):
                writer.set_meta("source", f"imported from {name}")
            writer.set_meta(LAST_IMPORT_META, json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"),
                                                          "file": name, "profile": profile.name, "by": actor}))
            details.update(rows=result.rows_read, counts=result.counts, rejected=len(result.rejected_rows))
    except _RollBack:
        result.written = False
        return result
    result.written = True
    return result


def _row_count(path: Path, kind: str, encoding: str | None) -> int | None:
    """Data rows in the file, counted cheaply for the progress bar (CSV: line ends, not quoted ones)."""
    if kind == "parquet":
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    if kind != "csv":
        return None
    lines, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            lines += block.count(b"\n")
            last = block[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def _detect_formats(result: ImportResult, profile: Profile, mappings: list[TargetMapping], frame: pl.DataFrame) -> None:
    dates, amounts = [], []
    for mapping in mappings:
        spec = target(mapping.table)
        for name, source in mapping.sources.items():
            kind = spec.field(name).kind
            if kind in (DATE, MONEY, DECIMAL):
                values = frame.head(2000).select(source_expr(source, frame.columns)).to_series().drop_nulls().to_list()
                (dates if kind == DATE else amounts).extend(values)
    result.date_format = profile.date_format or parsing.detect_date_format(dates) or parsing.DATE_FORMATS[0]
    result.decimal = profile.decimal or parsing.detect_decimal(amounts)


class _Importer:
    """One import's state across chunks: problems, counts, the ids that existed before it."""

    def __init__(self, result: ImportResult, mappings: list[TargetMapping], max_problems: int, dialect: str) -> None:
        self.dialect = dialect
        self.result = result
        self.mappings = mappings
        self.max_problems = max_problems
        self.writer: Writer
        self.before: dict[str, int] = {}  # table -> highest primary key before the import
        self.next_id: dict[str, int] = {}
        self.rejected: dict[str, set[int]] = {}
        self.known: dict[str, pl.DataFrame] = {}  # a table's rows on this chunk's keys, already read

    def begin(self, writer: Writer) -> None:
        self.writer = writer
        for mapping in self.mappings:
            table = schema.metadata.tables[mapping.table]
            top = writer.query(select(func.max(_pk(table)).label("top")))[0]["top"] or 0
            self.before[mapping.table] = self.next_id[mapping.table] = int(top)
            self.result.counts.setdefault(mapping.table, {"inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0})

    def problem(self, row: int | None, table: str, column: str, message: str, fix: str, value: object) -> None:
        self.result.problems_total += 1
        if row is not None:
            self.result.rejected_rows.add(row)
            if table:
                self.rejected.setdefault(table, set()).add(row)
                self.result.counts[table]["rejected"] = len(self.rejected[table])
        if len(self.result.problems) < self.max_problems:
            self.result.problems.append(Problem(self.result.file, row, column, "" if value is None else str(value),
                                                message, fix, table))  # fmt: skip

    def flag(self, frame: pl.DataFrame, bad: pl.Expr, table: str, column: str, value: str,
             message: Callable[[dict], str], fix: Callable[[dict], str]) -> pl.DataFrame:  # fmt: skip
        """Report every row of ``frame`` where ``bad`` holds; return the rows where it does not."""
        flagged = frame.with_columns(bad.fill_null(False).alias("_bad"))
        for row in flagged.filter(pl.col("_bad")).iter_rows(named=True):
            self.problem(row["_row"], table, column, message(row), fix(row), row.get(value))
        return flagged.filter(~pl.col("_bad")).drop("_bad")

    def flag_all(self, frame: pl.DataFrame, table: str, checks: list[_Check]) -> pl.DataFrame:
        """``flag`` for several checks in one pass: a row is reported for the first check it fails (as if
        flagged one check after the other) and the rows that pass them all are returned."""
        if not checks:
            return frame
        first = pl.when(checks[0].bad.fill_null(False)).then(pl.lit(0, pl.Int16))
        for i, check in enumerate(checks[1:], start=1):
            first = first.when(check.bad.fill_null(False)).then(pl.lit(i, pl.Int16))
        flagged = frame.with_columns(first.otherwise(None).alias("_check"))
        failed = flagged.filter(pl.col("_check").is_not_null())
        for i, check in enumerate(checks):
            for row in failed.filter(pl.col("_check") == i).iter_rows(named=True):
                self.problem(row["_row"], table, check.column, check.message(row), check.fix(row), row.get(check.value))
        return flagged.filter(pl.col("_check").is_null()).drop("_check")

    def among(self, query: Select, column, values: list) -> pl.DataFrame:  # noqa: ANN001 - a Column
        """Rows of ``query`` whose ``column`` is one of ``values``, in one statement with one parameter
        (an array on PostgreSQL, a JSON list on SQLite): a chunk's 100,000 keys cost one round trip, not
        thousands of bound values. Columns typed as the schema declares them."""
        types = {c.name: _polars_type(c) for c in query.selected_columns}
        if not values:
            return pl.DataFrame(schema=types)
        if self.dialect == "postgresql":
            statement = query.where(column == any_(bindparam("keys", values, type_=ARRAY(column.type))))
            return self.writer.query_frame(statement, types)
        # SQLite: the rows come back as one JSON text (json_group_array), decoded by Polars: 100,000 rows
        # cost no Python tuples and no per-value conversion (dates are ISO text, booleans 0/1).
        if any(kind not in _FROM_TEXT for kind in types.values()):
            raise TypeError(f"among() reads {sorted(map(str, types.values()))}; add the type to _FROM_TEXT")
        parts = []
        for start in range(0, len(values), _SQLITE_VARIABLES):  # json_each takes any length; this bounds the text
            listed = select(literal_column("value")).select_from(
                func.json_each(bindparam("keys", json.dumps(values[start:start + _SQLITE_VARIABLES], default=str))))
            rows = query.where(column.in_(listed)).subquery()
            text = self.writer.query(select(func.json_group_array(func.json_array(*rows.c)).label("rows")))[0]["rows"]
            decoded = pl.Series([text], dtype=pl.String).str.json_decode(pl.List(pl.List(pl.String))).explode()
            parts.append(pl.DataFrame({"_r": decoded}).drop_nulls().select(
                _FROM_TEXT[kind](pl.col("_r").list.get(i)).alias(name) for i, (name, kind) in enumerate(types.items())))
        return pl.concat(parts)

    # one chunk ----------------------------------------------------------------------------------

    def chunk(self, chunk: parsing.Chunk) -> None:
        for mapping in self.mappings:
            spec = target(mapping.table)
            frame = self.parse(chunk, mapping, spec)
            frame = self.resolve(frame, mapping, spec)
            if mapping.distinct:  # many file rows describe one row: identical repeats collapse before the checks
                keys = [spec.field(k).target for k in spec.key]
                frame = frame.unique([*keys, *self.value_columns(spec)], keep="first", maintain_order=True)
            frame = self.check(frame, spec)
            frame = self.dedupe(frame, mapping, spec)
            self.upsert(frame, mapping, spec)

    def describe(self, mapping: TargetMapping, name: str) -> str:
        source = mapping.sources.get(name)
        if isinstance(source, dict):
            return str(source["column"])
        return str(source) if source is not None else name

    def parse(self, chunk: parsing.Chunk, mapping: TargetMapping, spec: Target) -> pl.DataFrame:
        """Text to typed values; a value that does not parse, or a missing required one, is a problem."""
        raw = chunk.frame.select(
            pl.int_range(chunk.first_row, chunk.first_row + chunk.frame.height, dtype=pl.Int64).alias("_row"),
            *(source_expr(mapping.sources[f.name], chunk.frame.columns).alias(f"_raw_{f.name}")
              for f in spec.fields if f.name in mapping.sources),
        )  # fmt: skip
        present = [f for f in spec.fields if f.name in mapping.sources]
        missing = [f for f in spec.fields if f.name not in mapping.sources and f.required]
        if missing:
            raise ValueError(Message("import.error.unmapped", "{table}: the mapping gives no column for the required "
                                     "field(s) {fields}; map them to a column, or give a constant as =value.",
                                     table=mapping.table, fields=", ".join(f.name for f in missing)))
        text = [pl.col(f"_raw_{f.name}").str.strip_chars().replace("", None).alias(f"_raw_{f.name}") for f in present]
        frame = raw.with_columns(text).with_columns(self.typed(f) for f in present)
        checks: list[_Check] = []
        for f in present:
            column = self.describe(mapping, f.name)
            rawc = pl.col(f"_raw_{f.name}")
            if f.required and f.default is None:
                checks.append(_Check(rawc.is_null(), column, f"_raw_{f.name}", lambda r, f=f: Message("import.problem.missing", "{field} is missing", field=f.name),
                                     lambda r, c=column: Message("import.fix.missing", "fill in {column} on this row",
                                                                 column=c)))  # fmt: skip
            checks.append(_Check(rawc.is_not_null() & pl.col(f.name).is_null(), column, f"_raw_{f.name}",
                                 lambda r, f=f: self.unparsed(f), lambda r, f=f: self.unparsed_fix(f)))  # fmt: skip
            if f.kind == MONEY:
                checks.append(_Check(pl.col(f.name) < 0, column, f"_raw_{f.name}", lambda r, f=f: Message("import.problem.negative", "negative {field}", field=f.name),
                                     lambda r: Message("import.fix.negative", "amounts are positive; record a refund "
                                                       "or reversal as a credit note")))  # fmt: skip
        frame = self.flag_all(frame, spec.table, checks)
        defaults = [pl.col(f.name).fill_null(pl.lit(f.default)) for f in present if f.default is not None]
        absent = [pl.lit(f.default).alias(f.name) for f in spec.fields if f.name not in mapping.sources and f.kind != REF]
        frame = frame.with_columns(*defaults, *absent)
        frame = frame.with_columns(pl.col(f.name).fill_null(pl.col(f.fallback)) for f in spec.fields if f.fallback)
        return frame.with_columns(pl.col(f.name).alias(f.target) for f in spec.fields
                                  if f.kind != REF and f.target != f.name)  # fmt: skip

    def typed(self, f: Field) -> pl.Expr:
        raw = pl.col(f"_raw_{f.name}")
        if f.kind == DATE:
            return parsing.parse_date(raw, self.result.date_format or "%Y-%m-%d").alias(f.name)
        if f.kind == MONEY:
            return parsing.money_cents(parsing.clean_money(raw, self.result.decimal or ".")).alias(f.name)
        if f.kind == INT:
            return parsing.parse_int(raw).alias(f.name)
        if f.kind == BOOL:
            return parsing.parse_bool(raw).alias(f.name)
        if f.kind == DECIMAL:
            return parsing.parse_decimal(raw, self.result.decimal or ".").alias(f.name)
        if f.choices:
            by_lower = {c.lower(): c for c in f.choices}
            return raw.str.to_lowercase().replace_strict(by_lower, default=None).alias(f.name)
        return raw.alias(f.name)

    def unparsed(self, f: Field) -> Message:
        if f.kind == DATE:
            return Message("import.problem.not_date", "{field} is not a date in the format {format}", field=f.name,
                           format=self.result.date_format)  # fmt: skip
        if f.kind == MONEY:
            return Message("import.problem.not_amount", "{field} is not an amount (decimal separator '{decimal}', "
                           "at most 2 decimals)", field=f.name, decimal=self.result.decimal)  # fmt: skip
        if f.choices:
            return Message("import.problem.not_choice", "{field} must be one of {choices}", field=f.name,
                           choices=", ".join(f.choices))  # fmt: skip
        if f.kind == INT:
            return Message("import.problem.not_int", "{field} is not a whole number", field=f.name)
        if f.kind == BOOL:
            return Message("import.problem.not_bool", "{field} is not yes or no", field=f.name)
        return Message("import.problem.not_number", "{field} is not a number", field=f.name)

    def unparsed_fix(self, f: Field) -> Message:
        if f.kind == DATE:
            return Message("import.fix.not_date", "correct the date, or set the file's date format in the import settings")
        if f.kind == MONEY:
            return Message("import.fix.not_amount", "write the amount as digits with one decimal separator, e.g. 1234.56")
        if f.kind == BOOL:
            return Message("import.fix.not_bool", "use yes/no, true/false or 1/0")
        return Message("import.fix.value", "correct the value")

    def resolve(self, frame: pl.DataFrame, mapping: TargetMapping, spec: Target) -> pl.DataFrame:
        """Each reference (a parent's business key) to the parent's id; an unknown one is a problem."""
        for f in spec.fields:
            if f.kind != REF or f.name not in mapping.sources:
                if f.kind == REF:
                    frame = frame.with_columns(pl.lit(None, pl.Int64).alias(f.target))
                continue
            parent = schema.metadata.tables[f.parent]
            key_column = parent.c[target(f.parent).field(target(f.parent).key[0]).target]
            values = frame[f.name].drop_nulls().unique().to_list()
            wanted = [key_column.label(f.name), _pk(parent).label(f.target)]
            if f.parent == "invoices" and spec.table in REDUCTIONS:  # what against_invoice checks, in the same query
                wanted += [parent.c.issue_date.label("_issued"), parent.c.amount_cents.label("invoice_cents")]
            found = self.among(select(*wanted), key_column, values)
            frame = frame.join(found.with_columns(pl.col(f.name).cast(pl.String)), on=f.name, how="left")
            frame = self.flag(frame, pl.col(f.name).is_not_null() & pl.col(f.target).is_null(), spec.table,
                              self.describe(mapping, f.name), f.name,
                              lambda r, f=f: _UNKNOWN[f.parent](repr(r[f.name])),
                              lambda r, f=f: Message("import.fix.unknown", "add it to the {parent} (import them first "
                                                     "or in the same profile) or correct the name",
                                                     parent=_TABLE_WORD[f.parent]()))  # fmt: skip
        return frame

    def check(self, frame: pl.DataFrame, spec: Target) -> pl.DataFrame:
        """Rules between fields of a row, and against the database inside the import's transaction."""
        table = spec.table
        if "amount" in spec.names and table != "debtors":
            frame = self.flag(frame, pl.col("amount") == 0, table, "amount", "_raw_amount",
                              lambda r: Message("import.problem.zero", "amount is zero"),
                              lambda r: Message("import.fix.zero", "leave the row out, or correct the amount"))
        if table == "invoices":
            frame = self.flag(frame, pl.col("due_date") < pl.col("issue_date"), table, "due_date", "_raw_due_date",
                              lambda r: Message("import.problem.due_before_issue", "due date {due} is before the "
                                                "issue date {issued}", due=r["due_date"], issued=r["issue_date"]),
                              lambda r: Message("import.fix.two_dates", "correct one of the two dates"))  # fmt: skip
            frame = self.against_reductions(frame)
        if table == "assignments":
            frame = self.flag(frame, pl.col("end_date") <= pl.col("start_date"), table, "end_date", "_raw_end_date",
                              lambda r: Message("import.problem.ends_before_start", "the assignment ends ({end}) "
                                                "on or before it starts", end=r["end_date"]),
                              lambda r: Message("import.fix.ends_before_start", "the end date is the first day it "
                                                "no longer holds; correct it"))  # fmt: skip
            frame = self.overlaps(frame)
        if table == "unapplied_credits":
            frame = self.flag(frame, pl.col("applied_on") < pl.col("received_on"), table, "applied_on",
                              "_raw_applied_on", lambda r: Message("import.problem.applied_before_received",
                                                                   "applied before it was received"),
                              lambda r: Message("import.fix.two_dates", "correct one of the two dates"))  # fmt: skip
        if table in REDUCTIONS:
            frame = self.against_invoice(frame, table, REDUCTIONS[table])
        return frame

    def against_reductions(self, frame: pl.DataFrame) -> pl.DataFrame:
        """An invoice already in the database keeps the rules its reductions were checked by: a re-import may not
        shrink it below the payments, credit notes and write-offs recorded on it, nor date it after the first."""
        invoices = schema.invoices
        numbers = frame["invoice_number"].drop_nulls().unique().to_list()
        known = self.among(select(invoices.c.invoice_id, invoices.c.invoice_number), invoices.c.invoice_number, numbers)
        if known.is_empty():
            return frame
        ids = known["invoice_id"].to_list()
        recorded = pl.concat([
            self.among(select(source.c.invoice_id, source.c[column].label("day"), source.c.amount_cents),
                       source.c.invoice_id, ids)
            for source, column in ((schema.metadata.tables[name], column) for name, column in REDUCTIONS.items())
        ]).group_by("invoice_id").agg(pl.col("amount_cents").sum().alias("_reduced"),
                                      pl.col("day").min().alias("_first_reduction"))  # fmt: skip
        frame = frame.join(known.join(recorded, on="invoice_id").drop("invoice_id"), on="invoice_number", how="left")
        frame = self.flag(frame, pl.col("amount") < pl.col("_reduced"), "invoices", "amount", "_raw_amount",
                          lambda r: Message("import.problem.below_reductions", "invoice {invoice} already has payments, "
                                            "credit notes and write-offs of {reduced}, more than the new amount {amount}",
                                            invoice=r["invoice_number"], reduced=_money(r["_reduced"]),
                                            amount=_money(r["amount"])),
                          lambda r: Message("import.fix.below_reductions", "check the amount; a smaller invoice needs "
                                            "its reductions corrected first"))  # fmt: skip
        frame = self.flag(frame, pl.col("issue_date") > pl.col("_first_reduction"), "invoices", "issue_date",
                          "_raw_issue_date",
                          lambda r: Message("import.problem.issued_after_reduction", "invoice {invoice} would be issued "
                                            "on {issued}, after the payment, credit note or write-off of {first} "
                                            "recorded on it", invoice=r["invoice_number"], issued=r["issue_date"],
                                            first=r["_first_reduction"]),
                          lambda r: Message("import.fix.issued_after_reduction", "correct the issue date, or the "
                                            "reduction's date first"))  # fmt: skip
        return frame.drop("_reduced", "_first_reduction")

    def against_invoice(self, frame: pl.DataFrame, table: str, day: str) -> pl.DataFrame:
        """A reduction dated before its invoice, and reductions beyond the invoice's amount, are problems."""
        ids = frame["invoice_id"].drop_nulls().unique().to_list()  # "_issued" and "invoice_cents" came with the ids
        frame = self.flag(frame, pl.col(day) < pl.col("_issued"), table, day, f"_raw_{day}",
                          lambda r: _BEFORE_INVOICE[table](r[day], r["invoice"], r["_issued"]),
                          lambda r: _BEFORE_INVOICE_FIX[table]())  # fmt: skip
        # Reductions already in the database on these invoices, except the rows this chunk replaces. The
        # table's own rows are kept for upsert's lookup of existing keys (same invoices: no second query).
        others = []
        for name, column in REDUCTIONS.items():
            source = schema.metadata.tables[name]
            rows = self.among(select(source), source.c.invoice_id, ids)
            if name == table:
                self.known[table] = rows
            others.append(rows.select("invoice_id", pl.col(column).alias("day"), "amount_cents",
                                      pl.lit(name).alias("_kind")))  # fmt: skip
        existing = pl.concat(others)
        replaced = frame.select("invoice_id", pl.col(day).alias("day"), pl.lit(table).alias("_kind"))
        kept = existing.join(replaced, on=["invoice_id", "day", "_kind"], how="anti")
        before = kept.group_by("invoice_id").agg(pl.col("amount_cents").sum().alias("_before"))
        totals = (frame.group_by("invoice_id").agg(pl.col("amount").sum().alias("_new"))
                  .join(before, on="invoice_id", how="left").with_columns(pl.col("_before").fill_null(0)))  # fmt: skip
        frame = frame.join(totals, on="invoice_id", how="left")
        over = (pl.col("_before") + pl.col("_new")) > pl.col("invoice_cents")
        frame = self.flag(frame, over, table, "amount", "_raw_amount",
                          lambda r: Message("import.problem.over_amount", "payments, credit notes and write-offs on "
                                            "invoice {invoice} would total {total}, more than its amount {amount}",
                                            invoice=r["invoice"], total=f"{(r['_before'] + r['_new']) / 100:,.2f}",
                                            amount=f"{r['invoice_cents'] / 100:,.2f}"),
                          lambda r: Message("import.fix.over_amount", "check the amount and the invoice number; money "
                                            "not tied to one invoice belongs in unapplied credits"))  # fmt: skip
        return frame.drop("_issued", "invoice_cents", "_new", "_before")

    def overlaps(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Two assignments of one debtor whose dates overlap (the database's and this chunk's) are a problem."""
        table = schema.assignments
        ids = frame["debtor_id"].drop_nulls().unique().to_list()
        existing = self.among(select(table.c.debtor_id, table.c.start_date, table.c.end_date), table.c.debtor_id, ids)
        existing = existing.join(frame.select("debtor_id", "start_date"), on=["debtor_id", "start_date"], how="anti")
        spans = pl.concat([existing.with_columns(pl.lit(None, pl.Int64).alias("_row")),
                           frame.select("debtor_id", "start_date", "end_date", "_row")], how="diagonal_relaxed")
        spans = spans.sort("debtor_id", "start_date").with_columns(
            pl.col("end_date").shift(1).over("debtor_id").alias("_prev_end"),
            pl.col("start_date").shift(1).over("debtor_id").alias("_prev_start"),
            pl.col("end_date").shift(-1).over("debtor_id").alias("_next_start_ref"),
            pl.col("start_date").shift(-1).over("debtor_id").alias("_next_start"),
        )
        has_prev = pl.col("_prev_start").is_not_null()
        clash_prev = has_prev & (pl.col("_prev_end").is_null() | (pl.col("_prev_end") > pl.col("start_date")))
        clash_next = pl.col("_next_start").is_not_null() & (pl.col("end_date").is_null()
                                                              | (pl.col("end_date") > pl.col("_next_start")))
        bad = spans.filter((clash_prev | clash_next) & pl.col("_row").is_not_null()).select("_row", "_prev_start",
                                                                                             "_next_start")
        frame = frame.join(bad, on="_row", how="left")
        frame = self.flag(frame, pl.col("_prev_start").is_not_null() | pl.col("_next_start").is_not_null(),
                          "assignments", "start_date", "_raw_start_date",
                          lambda r: Message("import.problem.overlap", "debtor {debtor} has another assignment "
                                            "overlapping these dates", debtor=repr(r["debtor"])),
                          lambda r: Message("import.fix.overlap", "end the earlier assignment (end date = the next "
                                            "one's start date)"))  # fmt: skip
        return frame.drop("_prev_start", "_next_start")

    def dedupe(self, frame: pl.DataFrame, mapping: TargetMapping, spec: Target) -> pl.DataFrame:
        """Rows of one key in one chunk: identical repeats collapse (``distinct``), others are problems."""
        keys = [spec.field(k).target for k in spec.key]
        counted = frame.with_columns(pl.len().over(keys).alias("_n"),
                                     pl.col("_row").min().over(keys).alias("_first"))  # fmt: skip
        label = ", ".join(spec.key)
        return self.flag(counted, pl.col("_n") > 1, spec.table, self.describe(mapping, spec.key[0]),
                         f"_raw_{spec.key[0]}",
                         lambda r: _twice(mapping.distinct, label, ", ".join(str(r[k]) for k in spec.key), r["_first"]),
                         lambda r: _DUPLICATE_FIX()).drop("_n", "_first")  # fmt: skip

    @staticmethod
    def value_columns(spec: Target) -> list[str]:
        return [f.target for f in spec.fields]

    def upsert(self, frame: pl.DataFrame, mapping: TargetMapping, spec: Target) -> None:
        """Insert new keys in bulk, update changed rows, leave identical ones; a key written earlier in this
        import (a later chunk repeating it) is a duplicate."""
        table = schema.metadata.tables[spec.table]
        pk = _pk(table).name
        columns = self.value_columns(spec)
        keys = [spec.field(k).target for k in spec.key]
        counts = self.result.counts[spec.table]
        rows = frame.select("_row", *columns).with_columns(
            pl.col(c).cast(_polars_type(table.c[c])) for c in columns
        )
        existing = self.existing(table, keys, rows.select(keys))
        matched = rows.join(existing, on=keys, how="left", suffix="_db", nulls_equal=True)
        new = matched.filter(pl.col(pk).is_null())
        old = matched.filter(pl.col(pk).is_not_null())
        ours = old.filter(pl.col(pk) > self.before[spec.table])
        # A stored row changes only in the columns the file supplies: a field the mapping leaves out (a
        # collector's capacity, a debtor's credit limit, a name_zh) keeps its value; defaults fill new rows only.
        supplied = [f.target for f in spec.fields if f.name in mapping.sources and f.target not in keys]
        differs = pl.any_horizontal(*(pl.col(c).ne_missing(pl.col(f"{c}_db")) for c in supplied)) \
            if supplied else pl.lit(False)
        repeated = ours.filter(differs) if mapping.distinct else ours
        for row in repeated.iter_rows(named=True):
            self.problem(row["_row"], spec.table, self.describe(mapping, spec.key[0]),
                         _repeats(mapping.distinct, ", ".join(spec.key)), _DUPLICATE_FIX(), row[keys[0]])  # fmt: skip
        before = old.filter(pl.col(pk) <= self.before[spec.table])
        changed = before.filter(differs)
        counts["unchanged"] += before.height - changed.height + (ours.height - repeated.height)
        for row in changed.iter_rows(named=True):
            self.writer.update(spec.table, {pk: row[pk]}, {c: row[c] for c in supplied})
        counts["updated"] += changed.height
        if new.height:
            first = self.next_id[spec.table] + 1
            self.next_id[spec.table] += new.height
            insert = new.select(pl.int_range(first, first + new.height, dtype=pl.Int64).alias(pk), *columns)
            self.writer.insert_frame(spec.table, insert)
            counts["inserted"] += new.height

    def existing(self, table: Table, keys: list[str], wanted: pl.DataFrame) -> pl.DataFrame:
        """The table's rows whose business key is among ``wanted`` (queried by the key's first column)."""
        first = keys[0]
        found = self.known.pop(table.name, None)  # read by against_invoice for a superset of these keys
        if found is None:
            values = wanted[first].drop_nulls().unique().to_list()
            found = self.among(select(table), table.c[first], values)
        return found.join(wanted.unique(), on=keys, how="semi", nulls_equal=True)


def _money(cents: int) -> str:
    """Cents as an amount for a message, exactly (no float)."""
    from decimal import Decimal

    return f"{Decimal(int(cents)) / 100:,.2f}"


_UNKNOWN: dict[str, Callable[[str], Message]] = {
    "regions": lambda v: Message("import.problem.unknown_region", "unknown region {value}", value=v),
    "collectors": lambda v: Message("import.problem.unknown_collector", "unknown collector {value}", value=v),
    "clients": lambda v: Message("import.problem.unknown_client", "unknown client {value}", value=v),
    "debtors": lambda v: Message("import.problem.unknown_debtor", "unknown debtor {value}", value=v),
    "invoices": lambda v: Message("import.problem.unknown_invoice", "unknown invoice {value}", value=v),
}
_TABLE_WORD: dict[str, Callable[[], Message]] = {
    "regions": lambda: Message("import.table.regions", "regions"),
    "collectors": lambda: Message("import.table.collectors", "collectors"),
    "clients": lambda: Message("import.table.clients", "clients"),
    "debtors": lambda: Message("import.table.debtors", "debtors"),
    "invoices": lambda: Message("import.table.invoices", "invoices"),
}
_BEFORE_INVOICE: dict[str, Callable[[object, object, object], Message]] = {
    "payments": lambda day, invoice, issued: Message(
        "import.problem.payment_before_invoice", "payment dated {day}, before its invoice {invoice} was issued "
        "({issued})", day=day, invoice=invoice, issued=issued),
    "credit_notes": lambda day, invoice, issued: Message(
        "import.problem.credit_note_before_invoice", "credit note dated {day}, before its invoice {invoice} was "
        "issued ({issued})", day=day, invoice=invoice, issued=issued),
    "write_offs": lambda day, invoice, issued: Message(
        "import.problem.write_off_before_invoice", "write-off dated {day}, before its invoice {invoice} was issued "
        "({issued})", day=day, invoice=invoice, issued=issued),
}  # fmt: skip
_BEFORE_INVOICE_FIX: dict[str, Callable[[], Message]] = {
    "payments": lambda: Message("import.fix.payment_before_invoice", "correct the payment's date or the invoice number"),
    "credit_notes": lambda: Message("import.fix.credit_note_before_invoice",
                                    "correct the credit note's date or the invoice number"),
    "write_offs": lambda: Message("import.fix.write_off_before_invoice",
                                  "correct the write-off's date or the invoice number"),
}  # fmt: skip


def _DUPLICATE_FIX() -> Message:  # noqa: N802 - a constant message, built when used
    return Message("import.fix.duplicate", "keep one row per key, or correct the duplicate")


def _twice(distinct: bool, key: str, values: str, first: int) -> Message:
    if distinct:
        return Message("import.problem.twice_different", "{names} {values} appears more than once (first on row "
                       "{first}) with different values", names=key, values=values, first=first)  # fmt: skip
    return Message("import.problem.twice", "{names} {values} appears more than once (first on row {first})", names=key,
                   values=values, first=first)  # fmt: skip


def _repeats(distinct: bool, key: str) -> Message:
    if distinct:
        return Message("import.problem.repeats_different", "{names} repeats an earlier row of this file with "
                       "different values", names=key)  # fmt: skip
    return Message("import.problem.repeats", "{names} repeats an earlier row of this file", names=key)


def _pk(table: Table):  # noqa: ANN202 - a Column
    (key,) = table.primary_key.columns
    return key


def _polars_type(column) -> pl.DataType:  # noqa: ANN001 - a SQLAlchemy Column
    from data_access.db.store import _polars_type as store_type

    return store_type(column)


def save_profile(engine: Engine, profile: Profile, *, actor: str) -> None:
    """Keep a mapping under its name for the next import (``meta``, through the write door)."""
    name = profile.name.strip()
    if not name:
        raise ValueError(Message("import.error.profile_name", "Give the profile a name, e.g. the system the file "
                                 "comes from."))
    with audited_write(engine, actor=actor, action="save_import_profile", tables=("meta",),
                       details={"profile": name}) as writer:  # fmt: skip
        writer.set_meta(PROFILE_META_PREFIX + name, profile.to_toml())


def saved_profiles(meta: dict[str, str]) -> dict[str, Profile]:
    """The profiles saved in the database, by name (from its ``meta`` rows)."""
    return {key.removeprefix(PROFILE_META_PREFIX): parse_profile(value, key)
            for key, value in sorted(meta.items()) if key.startswith(PROFILE_META_PREFIX)}  # fmt: skip
