"""The fair side-by-side: the same computations, from the same inputs, four ways, numbers checked equal.

Every way starts from the same in-memory tables (the book as the app holds it: invoices, the dated
reductions, assignments; and, for the Overview's month series, the cached month-end snapshots) and
does the same work with the same algorithm family, so a time ratio says which engine is faster at the
job, not which way skips a step:

- **ours**: the product's own functions (``data_access.metrics``), the very code the pages call: Polars
  queries, and for the month-end snapshots NumPy arrays for the running sums;
- **duckdb**: DuckDB SQL over the same Arrow tables (registered, zero copy), the same algorithm in SQL
  (the trend expands each invoice over the month ends at which it is open, as ours does, not a
  correlated subquery);
- **pandas**: pandas over the same tables converted once beforehand (the conversion is not timed);
- **typical**: the typical Streamlit app: ``pandas.read_sql`` of the tables it needs on every
  interaction, then the same pandas code.

Each task's results are normalised to sorted tuples of plain Python values and compared: a way whose
numbers differ is reported as such (``equal`` False), never timed as if it had done the same work.
Tests (tests/test_bench.py) run every way on the small demo and check the numbers are equal.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from data_access.book.portfolio import CREDIT, PAYMENT, WRITE_OFF, Portfolio
from data_access.metrics import appraisal, asof, monthly, snapshots
from data_access.metrics.buckets import Buckets
from data_access.metrics.recovery import TIER_EDGES, TIERS, Period, recovery_pool

Rows = list[tuple]


@dataclass(frozen=True)
class Inputs:
    """The same tables for every way, and the parameters of the tasks."""

    book: Portfolio
    as_of: date
    buckets: Buckets
    trend_ends: list[date]
    quarter: Period
    history_ends: list[date]
    history: pl.DataFrame  # month-end snapshots at history_ends (the app's cached frame)


def inputs(book: Portfolio, buckets: Buckets, trend_months: int = 24) -> Inputs:
    as_of = book.latest_date
    quarter_start = date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1)
    ends = snapshots.month_ends(as_of, snapshots.HISTORY_MONTHS)
    return Inputs(book, as_of, buckets, snapshots.month_ends(as_of, trend_months), Period(quarter_start, as_of),
                  ends, snapshots.snapshots(book, ends, buckets))  # fmt: skip


# ----------------------------------------------------------------------------------------------- ours


def ours_aging(i: Inputs) -> Rows:
    state = asof.invoice_state(i.book, i.as_of, i.buckets).filter(pl.col("outstanding_cents") > 0)
    sums = state.group_by("bucket").agg(pl.len().alias("n"), pl.col("outstanding_cents").sum())
    return _rows(sums.with_columns(pl.col("bucket").cast(pl.String)))


def ours_trend(i: Inputs) -> Rows:
    trend = snapshots.aging_trend(snapshots.snapshots(i.book, i.trend_ends, i.buckets), i.buckets)
    return _rows(trend.filter(pl.col("balance_cents") != 0).with_columns(pl.col("bucket").cast(pl.String)))


def ours_recovery(i: Inputs) -> Rows:
    cash = appraisal.attributed_cash(i.book, recovery_pool(i.book, i.quarter), i.quarter)
    sums = cash.group_by("collector_id", "tier").agg(pl.col("credited_cents").sum())
    return _rows(sums.with_columns(pl.col("collector_id").fill_null(-1)).filter(pl.col("credited_cents") != 0))


def ours_month_series(i: Inputs) -> Rows:
    return _rows(monthly.month_series(i.book, i.history, i.history_ends).drop("days"))


# --------------------------------------------------------------------------------------------- duckdb


def _bucket_sql(days: str, edges: tuple[int, ...]) -> str:
    """The bucket index as Buckets.index computes it: the number of edges strictly below ``days``."""
    return " + ".join(f"({days} > {edge})::INTEGER" for edge in edges)


_DUCK_AGING = """
WITH reduced AS (
    SELECT invoice_id, sum(amount_cents) AS cents FROM reductions WHERE date <= $as_of GROUP BY invoice_id
), open_items AS (
    SELECT i.amount_cents - coalesce(r.cents, 0) AS outstanding, date_diff('day', i.due_date, $as_of::DATE) AS dpd
    FROM invoices i LEFT JOIN reduced r USING (invoice_id)
    WHERE i.issue_date <= $as_of
)
SELECT {bucket} AS bucket, count(*) AS n, sum(outstanding)::BIGINT AS cents
FROM open_items WHERE outstanding > 0 GROUP BY ALL
"""

# The same open-months algorithm as snapshots.snapshots: a date's month-end index is the first month end
# on or after it (ends are consecutive month ends, so it is the months between them), never before the
# invoice's own first; each invoice is expanded only over the indexes at which it is open.
_DUCK_TREND = """
WITH ends AS (
    SELECT unnest($ends::DATE[]) AS month_end, unnest(range(0, $n)) AS idx
), issued AS (
    SELECT invoice_id, due_date, amount_cents,
           greatest(0, year(issue_date) * 12 + month(issue_date) - $base) AS first
    FROM invoices WHERE issue_date <= $last
), by_month AS (
    SELECT r.invoice_id, greatest(year(r.date) * 12 + month(r.date) - $base, i.first) AS idx,
           sum(r.amount_cents) AS reduced
    FROM reductions r JOIN issued i USING (invoice_id) WHERE r.date <= $last GROUP BY ALL
), totals AS (
    SELECT invoice_id, sum(reduced) AS total, max(idx) AS last_idx FROM by_month GROUP BY invoice_id
), spans AS (
    SELECT i.invoice_id, i.due_date, i.amount_cents, i.first,
           CASE WHEN t.total >= i.amount_cents THEN t.last_idx - 1 ELSE $n - 1 END AS last
    FROM issued i LEFT JOIN totals t USING (invoice_id)
), expanded AS (
    SELECT invoice_id, due_date, amount_cents, unnest(range(first, last + 1)) AS idx FROM spans WHERE first <= last
), balances AS (
    SELECT e.idx, e.due_date,
           e.amount_cents - sum(coalesce(b.reduced, 0)) OVER (PARTITION BY e.invoice_id ORDER BY e.idx) AS balance
    FROM expanded e LEFT JOIN by_month b USING (invoice_id, idx)
)
SELECT n.month_end, {bucket} AS bucket, sum(b.balance)::BIGINT AS cents
FROM balances b JOIN ends n USING (idx)
WHERE b.balance > 0 GROUP BY ALL
"""

_DUCK_RECOVERY = """
WITH before_start AS (
    SELECT invoice_id, sum(amount_cents) AS cents FROM reductions WHERE date <= $day_before GROUP BY invoice_id
), opening AS (
    SELECT i.invoice_id, i.debtor_id, i.amount_cents - coalesce(r.cents, 0) AS entry_cents,
           $start::DATE AS entry_date, {tier} AS tier
    FROM invoices i LEFT JOIN before_start r USING (invoice_id)
    WHERE i.issue_date <= $day_before AND i.due_date < $start
), falling_due AS (
    SELECT invoice_id, debtor_id, amount_cents, due_date FROM invoices
    WHERE due_date > $day_before AND due_date <= $last_due
), by_due AS (
    SELECT f.invoice_id, sum(r.amount_cents) AS cents
    FROM reductions r JOIN falling_due f USING (invoice_id) WHERE r.date <= f.due_date GROUP BY f.invoice_id
), pool AS (
    SELECT invoice_id, debtor_id, entry_cents, entry_date, tier FROM opening WHERE entry_cents > 0
    UNION ALL
    SELECT f.invoice_id, f.debtor_id, f.amount_cents - coalesce(b.cents, 0), f.due_date + 1, 1
    FROM falling_due f LEFT JOIN by_due b USING (invoice_id)
    WHERE f.amount_cents - coalesce(b.cents, 0) > 0
), paid AS (
    SELECT p.invoice_id, p.debtor_id, p.tier, r.date, r.amount_cents, p.entry_cents,
           sum(r.amount_cents) OVER (PARTITION BY p.invoice_id ORDER BY r.date
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
    FROM reductions r JOIN pool p USING (invoice_id)
    WHERE r.kind = 'payment' AND r.date BETWEEN $start AND $end AND r.date >= p.entry_date
), owners AS (
    SELECT debtor_id, collector_id, start_date, end_date FROM assignments
    WHERE end_date IS NULL OR end_date > start_date
)
SELECT coalesce(CASE WHEN o.end_date IS NULL OR o.end_date > p.date THEN o.collector_id END, -1) AS collector_id,
       p.tier, sum(least(p.running, p.entry_cents) - least(p.running - p.amount_cents, p.entry_cents))::BIGINT AS cents
FROM paid p ASOF LEFT JOIN owners o ON p.debtor_id = o.debtor_id AND p.date >= o.start_date
GROUP BY ALL
"""

_DUCK_MONTHS = """
WITH months AS (SELECT unnest($ends::DATE[]) AS month_end),
receivables AS (
    SELECT month_end, sum(balance_cents) AS receivables, sum(balance_cents) FILTER (bucket = $current) AS current
    FROM history GROUP BY month_end
), sales AS (
    SELECT last_day(issue_date) AS month_end, sum(amount_cents) AS sales FROM invoices GROUP BY 1
), reduced AS (
    SELECT last_day(date) AS month_end,
           sum(amount_cents) FILTER (kind = 'payment') AS cash, sum(amount_cents) FILTER (kind = 'credit') AS credits,
           sum(amount_cents) FILTER (kind = 'write_off') AS write_offs
    FROM reductions GROUP BY 1
)
SELECT m.month_end, coalesce(r.receivables, 0)::BIGINT, coalesce(r.current, 0)::BIGINT, coalesce(s.sales, 0)::BIGINT,
       coalesce(d.cash, 0)::BIGINT, coalesce(d.credits, 0)::BIGINT, coalesce(d.write_offs, 0)::BIGINT
FROM months m LEFT JOIN receivables r USING (month_end) LEFT JOIN sales s USING (month_end)
LEFT JOIN reduced d USING (month_end)
"""


class Duck:
    """DuckDB over the same Arrow tables (registered once, zero copy), two threads like the app's Polars."""

    def __init__(self, i: Inputs) -> None:
        import duckdb

        self.i = i
        self.con = duckdb.connect(config={"threads": 2})
        b = i.book
        self.con.register("invoices", b.invoices.select("invoice_id", "debtor_id", "client_id", "issue_date",
                                                        "due_date", "amount_cents").to_arrow())  # fmt: skip
        self.con.register("reductions", b.reductions.with_columns(pl.col("kind").cast(pl.String)).to_arrow())
        self.con.register("assignments", b.assignments.select("debtor_id", "collector_id", "start_date",
                                                              "end_date").to_arrow())  # fmt: skip
        self.con.register("history", i.history.with_columns(pl.col("bucket").cast(pl.String)).to_arrow())

    def _rows(self, sql: str, params: dict) -> list:
        return self.con.execute(sql, params).fetchall()

    def aging(self) -> Rows:
        labels = self.i.buckets.labels
        rows = self._rows(_DUCK_AGING.format(bucket=_bucket_sql("dpd", self.i.buckets.edges)), {"as_of": self.i.as_of})
        return sorted((labels[b], n, c) for b, n, c in rows)

    def trend(self) -> Rows:
        ends, labels = self.i.trend_ends, self.i.buckets.labels
        sql = _DUCK_TREND.format(bucket=_bucket_sql("date_diff('day', b.due_date, n.month_end)", self.i.buckets.edges))
        rows = self._rows(sql, {"ends": ends, "n": len(ends), "last": ends[-1],
                                "base": ends[0].year * 12 + ends[0].month})  # fmt: skip
        return sorted((m, labels[b], c) for m, b, c in rows)

    def recovery(self) -> Rows:
        q = self.i.quarter
        tiers = Buckets.from_edges(TIER_EDGES).labels
        sql = _DUCK_RECOVERY.format(tier=_bucket_sql("date_diff('day', i.due_date, $start::DATE)", TIER_EDGES))
        rows = self._rows(sql, {"start": q.start, "end": q.end, "day_before": q.start - timedelta(days=1),
                                "last_due": q.end - timedelta(days=1)})  # fmt: skip
        return sorted((c, tiers[t], cents) for c, t, cents in rows if cents)

    def month_series(self) -> Rows:
        rows = self._rows(_DUCK_MONTHS, {"ends": self.i.history_ends, "current": self.i.buckets.labels[0]})
        return sorted(tuple(r) for r in rows)


# --------------------------------------------------------------------------------------------- pandas


@dataclass
class PandasTables:
    invoices: object
    reductions: object
    assignments: object
    history: object


def pandas_tables(i: Inputs) -> PandasTables:
    """The same tables as pandas frames (dates as datetime64), converted once."""
    b = i.book
    return PandasTables(
        b.invoices.select("invoice_id", "debtor_id", "client_id", "issue_date", "due_date", "amount_cents").to_pandas(),
        b.reductions.with_columns(pl.col("kind").cast(pl.String)).to_pandas(),
        b.assignments.select("debtor_id", "collector_id", "start_date", "end_date").to_pandas(),
        i.history.with_columns(pl.col("bucket").cast(pl.String)).to_pandas(),
    )  # fmt: skip


def _index(days, edges: tuple[int, ...]):  # noqa: ANN001, ANN202 - numpy arrays
    return sum((days > edge).astype(np.int64) for edge in edges)


def pandas_aging(t: PandasTables, i: Inputs) -> Rows:
    import pandas as pd

    cutoff = pd.Timestamp(i.as_of)
    r = t.reductions
    reduced = r[r["date"] <= cutoff].groupby("invoice_id")["amount_cents"].sum()
    inv = t.invoices[t.invoices["issue_date"] <= cutoff]
    outstanding = inv["amount_cents"].to_numpy() - reduced.reindex(inv["invoice_id"]).fillna(0).to_numpy().astype(np.int64)
    dpd = (cutoff - inv["due_date"]).dt.days.to_numpy()
    frame = pd.DataFrame({"bucket": _index(dpd, i.buckets.edges), "cents": outstanding})
    sums = frame[frame["cents"] > 0].groupby("bucket")["cents"].agg(["size", "sum"])
    return sorted((i.buckets.labels[b], int(n), int(c)) for b, (n, c) in sums.iterrows())


def _month_index(dates, base: int):  # noqa: ANN001, ANN202
    return dates.dt.year.to_numpy().astype(np.int64) * 12 + dates.dt.month.to_numpy() - base


def pandas_trend(t: PandasTables, i: Inputs) -> Rows:
    import pandas as pd

    ends, n = i.trend_ends, len(i.trend_ends)
    base, last = ends[0].year * 12 + ends[0].month, pd.Timestamp(ends[-1])
    inv = t.invoices[t.invoices["issue_date"] <= last]
    issued = pd.DataFrame({"invoice_id": inv["invoice_id"].to_numpy(), "due": inv["due_date"].to_numpy(),
                           "amount": inv["amount_cents"].to_numpy(),
                           "first": np.maximum(0, _month_index(inv["issue_date"], base))})  # fmt: skip
    r = t.reductions[t.reductions["date"] <= last].merge(issued[["invoice_id", "first"]], on="invoice_id")
    r["idx"] = np.maximum(_month_index(r["date"], base), r["first"].to_numpy())
    by_month = r.groupby(["invoice_id", "idx"], as_index=False)["amount_cents"].sum()
    totals = by_month.groupby("invoice_id").agg(total=("amount_cents", "sum"), last_idx=("idx", "max"))
    spans = issued.join(totals, on="invoice_id")
    spans["last"] = np.where(spans["total"].to_numpy() >= spans["amount"].to_numpy(),
                             spans["last_idx"].fillna(0).to_numpy() - 1, n - 1).astype(np.int64)  # fmt: skip
    spans = spans[spans["first"] <= spans["last"]]
    lengths = (spans["last"] - spans["first"] + 1).to_numpy()
    expanded = spans.loc[spans.index.repeat(lengths), ["invoice_id", "due", "amount", "first"]].reset_index(drop=True)
    expanded["idx"] = expanded["first"].to_numpy() + (
        np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths))  # fmt: skip
    expanded = expanded.merge(by_month, on=["invoice_id", "idx"], how="left")
    expanded["amount_cents"] = expanded["amount_cents"].fillna(0).astype(np.int64)
    expanded["balance"] = expanded["amount"] - expanded.groupby("invoice_id")["amount_cents"].cumsum()
    open_rows = expanded[expanded["balance"] > 0]
    month_end = np.array(ends, dtype="datetime64[D]")[open_rows["idx"].to_numpy()]
    days = (month_end - open_rows["due"].to_numpy().astype("datetime64[D]")).astype(np.int64)
    frame = pd.DataFrame({"idx": open_rows["idx"].to_numpy(), "bucket": _index(days, i.buckets.edges),
                          "cents": open_rows["balance"].to_numpy()})  # fmt: skip
    sums = frame.groupby(["idx", "bucket"])["cents"].sum()
    return sorted((ends[m], i.buckets.labels[b], int(c)) for (m, b), c in sums.items())


def pandas_recovery(t: PandasTables, i: Inputs) -> Rows:
    import pandas as pd

    q = i.quarter
    start, end = pd.Timestamp(q.start), pd.Timestamp(q.end)
    day_before = start - pd.Timedelta(days=1)
    inv, r = t.invoices, t.reductions
    before = r[r["date"] <= day_before].groupby("invoice_id")["amount_cents"].sum()
    opening = inv[(inv["issue_date"] <= day_before) & (inv["due_date"] < start)]
    opening = pd.DataFrame({
        "invoice_id": opening["invoice_id"].to_numpy(), "debtor_id": opening["debtor_id"].to_numpy(),
        "entry_cents": opening["amount_cents"].to_numpy()
        - before.reindex(opening["invoice_id"]).fillna(0).to_numpy().astype(np.int64),
        "entry_date": start, "tier": _index((start - opening["due_date"]).dt.days.to_numpy(), TIER_EDGES),
    })  # fmt: skip
    due = inv[(inv["due_date"] > day_before) & (inv["due_date"] <= end - pd.Timedelta(days=1))]
    joined = r.merge(due[["invoice_id", "due_date"]], on="invoice_id")
    by_due = joined[joined["date"] <= joined["due_date"]].groupby("invoice_id")["amount_cents"].sum()
    newly = pd.DataFrame({
        "invoice_id": due["invoice_id"].to_numpy(), "debtor_id": due["debtor_id"].to_numpy(),
        "entry_cents": due["amount_cents"].to_numpy() - by_due.reindex(due["invoice_id"]).fillna(0).to_numpy().astype(np.int64),
        "entry_date": due["due_date"].to_numpy() + np.timedelta64(1, "D"), "tier": 1,
    })  # fmt: skip
    pool = pd.concat([opening, newly])
    pool = pool[pool["entry_cents"] > 0]
    paid = r[(r["kind"] == PAYMENT) & (r["date"] >= start) & (r["date"] <= end)].merge(pool, on="invoice_id")
    paid = paid[paid["date"] >= paid["entry_date"]].sort_values(["invoice_id", "date"], kind="stable")
    running = paid.groupby("invoice_id")["amount_cents"].cumsum().to_numpy()
    entry, amount = paid["entry_cents"].to_numpy(), paid["amount_cents"].to_numpy()
    paid = paid.assign(credited=np.minimum(running, entry) - np.minimum(running - amount, entry))
    owners = t.assignments[t.assignments["end_date"].isna() | (t.assignments["end_date"] > t.assignments["start_date"])]
    attributed = pd.merge_asof(paid.sort_values("date"), owners.sort_values("start_date"), left_on="date",
                               right_on="start_date", by="debtor_id", direction="backward")  # fmt: skip
    held = attributed["end_date"].isna() | (attributed["end_date"] > attributed["date"])
    attributed["collector"] = attributed["collector_id"].where(held & attributed["collector_id"].notna(), -1)
    sums = attributed.groupby(["collector", "tier"])["credited"].sum()
    tiers = Buckets.from_edges(TIER_EDGES).labels
    return sorted((int(c), tiers[k], int(v)) for (c, k), v in sums.items() if v)


def pandas_month_series(t: PandasTables, i: Inputs) -> Rows:
    import pandas as pd

    h = t.history
    current = i.buckets.labels[0]
    receivables = h.groupby("month_end").agg(receivables=("balance_cents", "sum"))
    receivables["current"] = h[h["bucket"] == current].groupby("month_end")["balance_cents"].sum()
    sales = t.invoices.groupby(t.invoices["issue_date"] + pd.offsets.MonthEnd(0))["amount_cents"].sum()
    r = t.reductions
    month = r["date"] + pd.offsets.MonthEnd(0)
    kinds = r.groupby([month, r["kind"]])["amount_cents"].sum().unstack(fill_value=0)
    months = pd.DatetimeIndex([pd.Timestamp(e) for e in i.history_ends])
    table = pd.DataFrame(index=months)
    table["receivables"] = receivables["receivables"].reindex(months)
    table["current"] = receivables["current"].reindex(months)
    table["sales"] = sales.reindex(months)
    for kind in (PAYMENT, CREDIT, WRITE_OFF):
        table[kind] = kinds[kind].reindex(months) if kind in kinds else 0
    table = table.fillna(0).astype(np.int64)
    return sorted((m.date(), *(int(v) for v in row)) for m, row in zip(months, table.to_numpy(), strict=True))


# -------------------------------------------------------------------------------- typical (read_sql)


def read_sql_tables(url: str, i: Inputs, names: tuple[str, ...]) -> PandasTables:
    """What the typical app does on every interaction: ``pandas.read_sql`` of the tables it needs."""
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            def read(sql: str, dates: list[str]):  # noqa: ANN202
                return pd.read_sql(sql, connection, parse_dates=dates)

            invoices = reductions = assignments = None
            if "invoices" in names:
                invoices = read("SELECT invoice_id, debtor_id, client_id, issue_date, due_date, amount_cents "
                                "FROM invoices", ["issue_date", "due_date"])  # fmt: skip
            if "reductions" in names:
                reductions = read(
                    f"SELECT invoice_id, payment_date AS date, amount_cents, '{PAYMENT}' AS kind FROM payments "
                    f"UNION ALL SELECT invoice_id, credit_note_date, amount_cents, '{CREDIT}' FROM credit_notes "
                    f"UNION ALL SELECT invoice_id, write_off_date, amount_cents, '{WRITE_OFF}' FROM write_offs", ["date"]
                )  # fmt: skip
            if "assignments" in names:
                assignments = read("SELECT debtor_id, collector_id, start_date, end_date FROM assignments",
                                   ["start_date", "end_date"])  # fmt: skip
    finally:
        engine.dispose()
    history = pandas_tables(i).history if "history" in names else None
    return PandasTables(invoices, reductions, assignments, history)


# ------------------------------------------------------------------------------------------- running


def _rows(frame: pl.DataFrame) -> Rows:
    return sorted(frame.rows())


@dataclass(frozen=True)
class Task:
    name: str
    ours: Callable[[Inputs], Rows]
    duck: Callable[[Duck], Rows]
    pandas: Callable[[PandasTables, Inputs], Rows]
    tables: tuple[str, ...]  # what the typical app reads for it


TASKS = (
    Task("Aging from scratch at the as-of date (open invoices and outstanding per bucket)", ours_aging,
         Duck.aging, pandas_aging, ("invoices", "reductions")),
    Task("24-month aging trend (balance per month end and bucket, open months only)", ours_trend, Duck.trend,
         pandas_trend, ("invoices", "reductions")),
    Task("Quarterly recovery per collector and tier (overdue pool, cash credited to the collector of the "
         "payment date)", ours_recovery, Duck.recovery, pandas_recovery, ("invoices", "reductions", "assignments")),
    Task("Overview month series (receivables, current, sales, cash, credits, write-offs; 37 month ends) from "
         "the cached snapshots", ours_month_series, Duck.month_series, pandas_month_series,
         ("invoices", "reductions", "history")),
)  # fmt: skip


@dataclass(frozen=True)
class Measured:
    task: str
    way: str
    seconds: float
    equal: bool  # the way's numbers equal ours


WAYS = ("ours (the pages' code: Polars, NumPy)", "DuckDB SQL over the same Arrow", "pandas in memory",
        "typical (pandas.read_sql + pandas)")


def compare(i: Inputs, url: str | None, repeat: int = 3, typical_repeat: int = 1) -> list[Measured]:
    """Every task every way (typical only with a database ``url``): median seconds and the equality check."""
    duck, frames = Duck(i), pandas_tables(i)
    measured = []
    for task in TASKS:
        ways: list[tuple[str, Callable[[], Rows], int]] = [
            (WAYS[0], lambda: task.ours(i), repeat),
            (WAYS[1], lambda: task.duck(duck), repeat),
            (WAYS[2], lambda: task.pandas(frames, i), repeat),
        ]
        if url:
            ways.append((WAYS[3], lambda: task.pandas(read_sql_tables(url, i, task.tables), i), typical_repeat))
        reference = None
        for way, action, times in ways:
            seconds, rows = median_seconds(action, times)
            reference = rows if reference is None else reference
            measured.append(Measured(task.name, way, seconds, rows == reference))
    return measured


def median_seconds(action: Callable[[], Rows], repeat: int) -> tuple[float, Rows]:
    times, result = [], None
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result  # type: ignore[return-value]
