"""``rdash bench``: the Aging page's computations timed three ways, side by side in one run.

- ours: Arrow-native load once, as-of state computed once, every interaction derived from it in
  Polars; the trend from month-end snapshots that expand each invoice only where it is open;
- typical: what a typical Streamlit app does: ``pandas.read_sql`` on every interaction, then pandas;
- duckdb: the same questions as DuckDB SQL over the same in-memory Arrow tables.

Timings are medians of ``repeat`` runs on this machine; ratios compare the three in the same run,
which is what stays meaningful on a shared, noisy machine. No test asserts on any of this.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from data_access.metrics import aging, asof, monthly, snapshots
from data_access.metrics.buckets import Buckets
from data_access.db.engine import open_engine
from data_access.book.filters import Filters
from data_access.book.portfolio import load_portfolio
from data_access.metrics.provisions import provision_matrix
from data_access.metrics.recovery import Period, recovery_by_tier, recovery_pool
from data_access.demo.seeding import seed_demo
from data_access.db.store import Scope, Store

EDGES = (0, 30, 60, 90, 180)
TREND_MONTHS = 24


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _pandas_aging(sqlite_path: str, as_of: date) -> object:
    """The typical app: read the tables with pandas.read_sql, then compute in pandas."""
    import sqlite3

    import pandas as pd

    with sqlite3.connect(sqlite_path) as connection:
        invoices = pd.read_sql("SELECT invoice_id, debtor_id, issue_date, due_date, amount_cents FROM invoices",
                               connection, parse_dates=["issue_date", "due_date"])  # fmt: skip
        parts = [
            pd.read_sql(f"SELECT invoice_id, {column} AS day, amount_cents FROM {table}", connection, parse_dates=["day"])
            for table, column in (("payments", "payment_date"), ("credit_notes", "credit_note_date"),
                                  ("write_offs", "write_off_date"))  # fmt: skip
        ]
        debtors = pd.read_sql("SELECT debtor_id, region_id FROM debtors", connection)
    cutoff = pd.Timestamp(as_of)
    reductions = pd.concat(parts)
    reduced = reductions[reductions["day"] <= cutoff].groupby("invoice_id")["amount_cents"].sum()
    book = invoices[invoices["issue_date"] <= cutoff].set_index("invoice_id")
    book["outstanding"] = (book["amount_cents"] - reduced.reindex(book.index).fillna(0)).clip(lower=0)
    book = book[book["outstanding"] > 0]
    book["dpd"] = (cutoff - book["due_date"]).dt.days
    book["bucket"] = pd.cut(book["dpd"], [-10**9, *EDGES, 10**9], labels=Buckets.from_edges(EDGES).labels)
    book = book.join(debtors.set_index("debtor_id"), on="debtor_id")
    return book.groupby("bucket", observed=False)["outstanding"].sum(), book.pivot_table(
        index="region_id", columns="bucket", values="outstanding", aggfunc="sum", observed=False
    )


_DUCKDB_AGING = """
WITH reduced AS (
    SELECT invoice_id, sum(amount_cents) AS cents FROM reductions WHERE date <= $as_of GROUP BY invoice_id
), open_items AS (
    SELECT i.invoice_id, i.debtor_id, i.amount_cents - coalesce(r.cents, 0) AS outstanding,
           date_diff('day', i.due_date, $as_of::DATE) AS dpd
    FROM invoices i LEFT JOIN reduced r USING (invoice_id)
    WHERE i.issue_date <= $as_of AND i.amount_cents - coalesce(r.cents, 0) > 0
)
SELECT d.region_id,
       CASE WHEN dpd <= 0 THEN 0 WHEN dpd <= 30 THEN 1 WHEN dpd <= 60 THEN 2 WHEN dpd <= 90 THEN 3
            WHEN dpd <= 180 THEN 4 ELSE 5 END AS bucket,
       sum(outstanding) AS cents, count(*) AS n
FROM open_items o JOIN debtors d USING (debtor_id)
GROUP BY ALL
"""

_DUCKDB_TREND = """
WITH ends AS (SELECT unnest($ends::DATE[]) AS month_end),
balances AS (
    SELECT e.month_end, i.invoice_id, i.due_date,
           i.amount_cents - coalesce((SELECT sum(r.amount_cents) FROM reductions r
                                      WHERE r.invoice_id = i.invoice_id AND r.date <= e.month_end), 0) AS balance
    FROM ends e JOIN invoices i ON i.issue_date <= e.month_end
)
SELECT month_end,
       CASE WHEN date_diff('day', due_date, month_end) <= 0 THEN 0 WHEN date_diff('day', due_date, month_end) <= 30 THEN 1
            WHEN date_diff('day', due_date, month_end) <= 60 THEN 2 WHEN date_diff('day', due_date, month_end) <= 90 THEN 3
            WHEN date_diff('day', due_date, month_end) <= 180 THEN 4 ELSE 5 END AS bucket,
       sum(balance) AS cents
FROM balances WHERE balance > 0 GROUP BY ALL
"""


def _naive_trend(book, ends: list[date], buckets: Buckets) -> pl.DataFrame:
    """Cross every invoice with every month end (the obvious, slow way), in Polars."""
    ends_frame = pl.DataFrame({"month_end": ends})
    reduced = book.reductions.lazy().join(ends_frame.lazy(), how="cross").filter(pl.col("date") <= pl.col("month_end"))
    reduced = reduced.group_by("invoice_id", "month_end").agg(pl.col("amount_cents").sum().alias("cents"))
    return (
        book.invoices.lazy().join(ends_frame.lazy(), how="cross").filter(pl.col("issue_date") <= pl.col("month_end"))
        .join(reduced, on=["invoice_id", "month_end"], how="left")
        .with_columns((pl.col("amount_cents") - pl.col("cents").fill_null(0)).alias("balance"))
        .filter(pl.col("balance") > 0)
        .with_columns(buckets.label((pl.col("month_end") - pl.col("due_date")).dt.total_days()).alias("bucket"))
        .group_by("month_end", "bucket").agg(pl.col("balance").sum())
        .collect()
    )  # fmt: skip


def run_benchmark(n_invoices: int, seed: int, repeat: int, output: str | None) -> str:
    import duckdb

    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.sqlite")
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        counts = seed_demo(open_engine(url), invoices=n_invoices, seed=seed, end=date(2026, 10, 31))
        seed_seconds = time.perf_counter() - started
        store = Store(url)
        buckets = Buckets.from_edges(EDGES)

        cold = time.perf_counter()  # what the first visit computes before the page can draw
        book = load_portfolio(store, Scope.everything())
        as_of = book.latest_date
        dims = asof.debtor_dimensions(book, as_of)
        state = asof.with_dimensions(asof.invoice_state(book, as_of, buckets), book, dims)
        history_ends = snapshots.month_ends(as_of, snapshots.HISTORY_MONTHS)
        cached_snaps = snapshots.snapshots(book, history_ends, buckets)
        cached_flows = snapshots.roll_flows(book, cached_snaps, history_ends)
        cold_total = time.perf_counter() - cold

        def interaction() -> object:  # a changed filter: the Aging page's figures from its cached state
            chosen = Filters(region_ids=(1, 2))
            view = chosen.apply(state)
            snaps, flows = chosen.restrict(cached_snaps, dims), chosen.restrict(cached_flows, dims)
            return (aging.kpis(view), aging.bucket_totals(view, buckets), aging.aging_by(view, "region", buckets),
                    aging.debtors_of(view), snapshots.aging_trend(snaps, buckets), snapshots.roll_matrix(flows, 1),
                    snapshots.roll_matrix(flows, 12))  # fmt: skip

        def page_figures() -> object:  # the part every way computes: KPIs, buckets, aging by region
            view = Filters(region_ids=(1, 2)).apply(state)
            return aging.kpis(view), aging.bucket_totals(view, buckets), aging.aging_by(view, "region", buckets)

        def overview_and_provisions() -> object:  # a changed filter on the Overview and Bad debt pages
            chosen = Filters(region_ids=(1, 2))
            filtered = chosen.restrict_book(book, dims)
            snaps, flows = chosen.restrict(cached_snaps, dims), chosen.restrict(cached_flows, dims)
            series = monthly.with_ratios(monthly.month_series(filtered, snaps, history_ends))
            period = Period.month_to_date(as_of)
            tiers = recovery_by_tier(recovery_pool(filtered, period), (0.9, 0.8, 0.7, 0.5))
            view = chosen.apply(state)
            matrix = provision_matrix(flows, aging.bucket_totals(view, buckets), buckets.labels, lookback_months=12,
                                      recovery_rate=0.0, scalar=1.0)  # fmt: skip
            return series, tiers, matrix

        ours_page = _median_seconds(interaction, repeat)
        ours_overview = _median_seconds(overview_and_provisions, repeat)
        ours_warm = _median_seconds(page_figures, repeat)
        typical_warm = _median_seconds(lambda: _pandas_aging(path, as_of), max(1, min(repeat, 3)))

        con = duckdb.connect()
        con.register("invoices", book.invoices.to_arrow())
        con.register("reductions", book.reductions.with_columns(pl.col("kind").cast(pl.String)).to_arrow())
        con.register("debtors", book.debtors.to_arrow())
        duck_warm = _median_seconds(lambda: con.sql(_DUCKDB_AGING, params={"as_of": as_of}).to_arrow_table(), repeat)

        ends = snapshots.month_ends(as_of, TREND_MONTHS)
        ours_trend = _median_seconds(
            lambda: snapshots.aging_trend(snapshots.snapshots(book, ends, buckets), buckets), repeat
        )
        naive_trend = _median_seconds(lambda: _naive_trend(book, ends, buckets), max(1, min(repeat, 3)))
        duck_trend = _median_seconds(lambda: con.sql(_DUCKDB_TREND, params={"ends": ends}).to_arrow_table(), max(1, min(repeat, 3)))

        rows = [
            ("Cold load: read tables (ADBC), as-of state, month-end snapshots and roll flows (37 months)", "ours", cold_total),
            ("Warm interaction: filter change → the whole Aging page (KPIs, buckets, aging by, debtors, trend, "
             "roll rates) from the cached state", "ours", ours_page),
            ("Warm interaction: filter change → Overview month series (DSO, CEI, bad-debt rate), tiered recovery "
             "and the provision matrix", "ours", ours_overview),
            ("Warm interaction: filter change → KPIs, buckets, aging by region", "ours", ours_warm),
            ("Warm interaction: filter change → KPIs, buckets, aging by region", "typical (pandas.read_sql + pandas)",
             typical_warm),
            ("Warm interaction: filter change → KPIs, buckets, aging by region", "DuckDB SQL over Arrow", duck_warm),
            (f"{TREND_MONTHS}-month aging trend", "ours (expand open months only)", ours_trend),
            (f"{TREND_MONTHS}-month aging trend", "naive cross join (Polars)", naive_trend),
            (f"{TREND_MONTHS}-month aging trend", "DuckDB SQL (correlated)", duck_trend),
        ]  # fmt: skip
        memory = {
            "book in memory": sum(f.estimated_size() for f in (book.invoices, book.reductions, book.debtors)),
            "as-of state": state.estimated_size(),
        }
    report = _report(n_invoices, counts, seed_seconds, rows, memory, repeat)
    if output:
        from data_access.tools.bench_rebalance import keep  # its section is written by bench_rebalance

        path = Path(output)
        kept = keep(path.read_text(encoding="utf-8")) if path.exists() else ""
        path.write_text(report.rstrip() + ("\n\n" + kept if kept else "\n"), encoding="utf-8")
    return report


def _report(n_invoices, counts, seed_seconds, rows, memory, repeat) -> str:
    best = {}
    for task, _way, seconds in rows:
        best[task] = min(best.get(task, seconds), seconds)
    lines = [
        "# Performance",
        "",
        f"Written by `rdash bench --invoices {n_invoices}` on {date.today()} "
        f"({counts['invoices']:,} invoices, {counts['payments']:,} payments, median of {repeat} runs; "
        f"the typical and naive ways of at most 3). Demo seeded into SQLite in {seed_seconds:.1f} s.",
        "",
        "Ratios are against the fastest way for the same task in the same run.",
        "",
        "| task | way | seconds | × fastest |",
        "| --- | --- | ---: | ---: |",
    ]
    lines += [f"| {task} | {way} | {seconds:.3f} | {seconds / best[task]:.1f} |" for task, way, seconds in rows]
    lines += ["", "| memory | MB |", "| --- | ---: |"]
    lines += [f"| {name} | {size / 1e6:,.1f} |" for name, size in memory.items()]
    lines += ["", "Targets at 1M invoices: warm interaction ≤ 150 ms, trend ≤ 1 s, cold load ≤ 5 s.", ""]
    return "\n".join(lines)
