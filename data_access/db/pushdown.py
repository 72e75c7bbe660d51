"""Aggregation pushed into the database: the as-of aging and the month-end trend as SQL.

The in-memory path (``data_access.metrics.asof`` and ``snapshots``) loads the book once and derives
every figure in Polars; that is the fastest way while the book fits one machine's memory. Past that,
or for a replica that should not hold the book (docs/scaling.md), the two heaviest figures can be
computed where the data lives, returning a few dozen rows. Selected by ``RDASH_AGGREGATE_IN=database``.

Both queries are plain SQL that PostgreSQL and SQLite run alike (window functions, no
``generate_series``); only the date arithmetic differs per dialect. The figures are those of the
in-memory path, exactly (tests/test_pushdown.py, on SQLite and PostgreSQL):

- ``aging_buckets``: per bucket, the invoices open at D and their outstanding, as
  ``asof.invoice_state`` gives them (issued by D, reductions dated by D, outstanding > 0; days past
  due from the due date);
- ``aging_trend``: the balance per month end and bucket, as ``snapshots.aging_trend`` of the
  snapshots gives it. The same open-months algorithm: each reduction counts from the first month
  end on or after its date (never before its invoice's first month end), each invoice is joined only
  to the month ends from its first to its last open one, and its balance there is its amount less a
  running sum (a window) of its reductions.

Only the whole book in the reader's full scope is computed here; a filtered or region-scoped view stays
in memory (the filters are resolved at the as-of date against ratings and assignments, which this
path does not reproduce yet).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import Engine, text

from data_access.metrics.buckets import Buckets

_REDUCTIONS = """
    SELECT invoice_id, payment_date AS day, amount_cents FROM payments
    UNION ALL SELECT invoice_id, credit_note_date, amount_cents FROM credit_notes
    UNION ALL SELECT invoice_id, write_off_date, amount_cents FROM write_offs
"""


class _Dialect:
    def __init__(self, name: str) -> None:
        if name not in ("postgresql", "sqlite"):
            raise ValueError(f"Aggregation in the database is written for PostgreSQL and SQLite, not {name}; "
                             "set RDASH_AGGREGATE_IN=memory.")  # fmt: skip
        self.name = name

    def date(self, param: str) -> str:
        return f"CAST(:{param} AS DATE)" if self.name == "postgresql" else f":{param}"

    def days(self, later: str, earlier: str) -> str:
        """Whole days from ``earlier`` to ``later`` (both dates)."""
        if self.name == "postgresql":
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def month_number(self, day: str) -> str:
        if self.name == "postgresql":
            return f"(CAST(EXTRACT(YEAR FROM {day}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {day}) AS INTEGER))"
        return f"(CAST(strftime('%Y', {day}) AS INTEGER) * 12 + CAST(strftime('%m', {day}) AS INTEGER))"


def _bucket(days: str, buckets: Buckets) -> str:
    """Buckets.index in SQL: the number of edges strictly below ``days``."""
    return " + ".join(f"(CASE WHEN {days} > {edge} THEN 1 ELSE 0 END)" for edge in buckets.edges)


def aging_buckets(engine: Engine, as_of: date, buckets: Buckets) -> pl.DataFrame:
    """bucket, invoices, outstanding_cents: the open book at ``as_of`` per bucket (by due date)."""
    d = _Dialect(engine.dialect.name)
    sql = f"""
        WITH reduced AS (
            SELECT invoice_id, SUM(amount_cents) AS cents FROM ({_REDUCTIONS}) r
            WHERE day <= {d.date("as_of")} GROUP BY invoice_id
        ), open_items AS (
            SELECT i.amount_cents - COALESCE(r.cents, 0) AS outstanding,
                   {d.days(d.date("as_of"), "i.due_date")} AS dpd
            FROM invoices i LEFT JOIN reduced r ON r.invoice_id = i.invoice_id
            WHERE i.issue_date <= {d.date("as_of")}
        )
        SELECT {_bucket("dpd", buckets)} AS bucket, COUNT(*) AS invoices, SUM(outstanding) AS cents
        FROM open_items WHERE outstanding > 0 GROUP BY 1
    """  # fmt: skip
    with engine.connect() as connection:
        rows = connection.execute(text(sql), {"as_of": as_of}).all()
    found = {int(b): (int(n), int(c)) for b, n, c in rows}
    return pl.DataFrame(
        {"bucket": list(buckets.labels), "invoices": [found.get(i, (0, 0))[0] for i in range(len(buckets.labels))],
         "outstanding_cents": [found.get(i, (0, 0))[1] for i in range(len(buckets.labels))]},
        schema={"bucket": buckets.dtype, "invoices": pl.Int64, "outstanding_cents": pl.Int64},
    )  # fmt: skip


def aging_trend(engine: Engine, ends: list[date], buckets: Buckets) -> pl.DataFrame:
    """month_end, bucket, balance_cents at each of ``ends`` (consecutive month ends, oldest first), every
    bucket at every month end at which something is open, like ``snapshots.aging_trend``."""
    d = _Dialect(engine.dialect.name)
    base = ends[0].year * 12 + ends[0].month
    months = " UNION ALL ".join(f"SELECT {i} AS idx, {d.date(f'e{i}')} AS month_end" for i in range(len(ends)))
    sql = f"""
        WITH months AS ({months}),
        issued AS (
            SELECT invoice_id, due_date, amount_cents,
                   CASE WHEN {d.month_number("issue_date")} - :base > 0
                        THEN {d.month_number("issue_date")} - :base ELSE 0 END AS first_idx
            FROM invoices WHERE issue_date <= {d.date("last")}
        ), by_month AS (
            SELECT r.invoice_id,
                   CASE WHEN {d.month_number("r.day")} - :base > i.first_idx
                        THEN {d.month_number("r.day")} - :base ELSE i.first_idx END AS idx,
                   SUM(r.amount_cents) AS reduced
            FROM ({_REDUCTIONS}) r JOIN issued i ON i.invoice_id = r.invoice_id
            WHERE r.day <= {d.date("last")}
            GROUP BY 1, 2
        ), totals AS (
            SELECT invoice_id, SUM(reduced) AS total, MAX(idx) AS last_idx FROM by_month GROUP BY invoice_id
        ), spans AS (
            SELECT i.invoice_id, i.due_date, i.amount_cents, i.first_idx,
                   CASE WHEN t.total >= i.amount_cents THEN t.last_idx - 1 ELSE :last_index END AS last_idx
            FROM issued i LEFT JOIN totals t ON t.invoice_id = i.invoice_id
        ), balances AS (
            SELECT m.month_end, s.due_date,
                   s.amount_cents - SUM(COALESCE(b.reduced, 0)) OVER (PARTITION BY s.invoice_id ORDER BY m.idx) AS balance
            FROM spans s JOIN months m ON m.idx BETWEEN s.first_idx AND s.last_idx
            LEFT JOIN by_month b ON b.invoice_id = s.invoice_id AND b.idx = m.idx
        )
        SELECT month_end, {_bucket(d.days("month_end", "due_date"), buckets)} AS bucket, SUM(balance) AS cents
        FROM balances WHERE balance > 0 GROUP BY 1, 2
    """  # fmt: skip
    params = {"base": base, "last": ends[-1], "last_index": len(ends) - 1, **{f"e{i}": e for i, e in enumerate(ends)}}
    with engine.connect() as connection:
        rows = connection.execute(text(sql), params).all()
    found = {(date.fromisoformat(str(m)[:10]), int(b)): int(c) for m, b, c in rows}
    present = sorted({m for m, _b in found})
    return pl.DataFrame(
        {"month_end": [m for m in present for _ in buckets.labels],
         "bucket": [label for _ in present for label in buckets.labels],
         "balance_cents": [found.get((m, i), 0) for m in present for i in range(len(buckets.labels))]},
        schema={"month_end": pl.Date, "bucket": buckets.dtype, "balance_cents": pl.Int64},
    )  # fmt: skip
