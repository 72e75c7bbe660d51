"""``rdash bench --invoices N``: speed as users feel it, measured in one run and written to docs/performance.md.

One run, on one demo database (built, or reused when the file already holds the same demo):

1. generation and load time of the demo (when built in this run), and the peak memory of the run;
2. the cold load the first page pays (tables read through ADBC, the as-of state, 37 month-end snapshots
   and roll flows) and the memory the book takes;
3. every page's warm computations after a filter change, from the cached state (the Aging page, the
   Overview and provisions);
4. the fair side-by-side (``data_access.tools.fair``): four computations from the same Arrow tables,
   ours / DuckDB / pandas in memory / the typical ``read_sql`` app, with the numbers checked equal;
5. when Chromium is present, every page in the browser (``data_access.tools.browser_bench``): the first
   page after a server start, each page's warm load and its filter change in the session, and the
   server's memory.

Every figure is printed with the load average when it was taken: the machine is shared, so absolute
times move with the load; the ratios within one table, taken minutes apart, are what stays meaningful.
The report is generated text only; the analysis lives in docs/performance-notes.md. No test asserts on
any timing; tests/test_bench.py runs the whole thing on a tiny book and checks every way agrees.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import polars as pl

from data_access.book.filters import Filters
from data_access.book.portfolio import load_portfolio
from data_access.db.engine import open_engine
from data_access.db.store import Scope, Store
from data_access.demo.seeding import has_business_data, seed_demo
from data_access.metrics import aging, asof, monthly, snapshots
from data_access.metrics.buckets import Buckets
from data_access.metrics.provisions import provision_matrix
from data_access.metrics.recovery import Period, recovery_by_tier, recovery_pool
from data_access.settings import PROJECT_ROOT
from data_access.tools import fair

EDGES = (0, 30, 60, 90, 180)
DEMO_END = date(2026, 10, 31)


def load() -> float:
    return os.getloadavg()[0]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(max(repeat, 1)):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


@dataclass
class Row:
    task: str
    way: str
    seconds: float
    load: float
    equal: bool | None = None  # the way's numbers equal ours (None: not compared)


@dataclass
class Results:
    n_invoices: int
    database: str
    counts: dict[str, int] = field(default_factory=dict)
    seed_seconds: float | None = None
    seed_load: float | None = None
    rows: list[Row] = field(default_factory=list)
    fair: list[Row] = field(default_factory=list)
    memory: dict[str, float] = field(default_factory=dict)
    pushdown: list[Row] = field(default_factory=list)
    browser: object | None = None  # browser_bench.BrowserResult
    browser_note: str = ""


def demo_database(n_invoices: int, seed: int, url: str | None, log=None) -> tuple[str, float | None, float | None]:  # noqa: ANN001
    """The benchmark's database: ``url``, or data/bench-N.sqlite; seeded when empty (time, load), else reused."""
    url = url or f"sqlite:///{PROJECT_ROOT / 'data' / f'bench-{n_invoices}.sqlite'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = open_engine(url)
    try:
        from data_access.db.engine import migrate

        migrate(engine)
        if has_business_data(engine):
            return url, None, None
        started = time.perf_counter()
        seed_demo(engine, invoices=n_invoices, seed=seed, end=DEMO_END, log=log)
        return url, time.perf_counter() - started, load()
    finally:
        engine.dispose()


def pushdown_compare(store: Store, book, buckets: Buckets, repeat: int, trend_months: int = 24) -> list[Row]:  # noqa: ANN001
    """The as-of aging and the month-end trend from scratch in memory (the book already held) and as SQL in
    the database (``data_access.db.pushdown``), numbers checked equal."""
    from data_access.db import pushdown

    as_of = book.latest_date
    ends = snapshots.month_ends(as_of, trend_months)
    engine = _database(store.engine.url.render_as_string())
    tasks = (
        ("As-of aging from scratch: open invoices and outstanding per bucket",
         lambda: aging.bucket_totals(asof.invoice_state(book, as_of, buckets), buckets)
         .select("bucket", "invoices", "amount_cents").rows(),
         lambda: aging.bucket_totals_of(pushdown.aging_buckets(store.engine, as_of, buckets))
         .select("bucket", "invoices", "amount_cents").rows()),
        (f"{trend_months}-month aging trend from scratch",
         lambda: snapshots.aging_trend(snapshots.snapshots(book, ends, buckets), buckets).rows(),
         lambda: pushdown.aging_trend(store.engine, ends, buckets).rows()),
    )  # fmt: skip
    rows = []
    for task, in_memory, in_database in tasks:
        seconds, expected = fair.median_seconds(in_memory, repeat)
        rows.append(Row(f"{task} ({engine})", "in memory (Polars, book held)", seconds, load(), True))
        seconds, found = fair.median_seconds(in_database, max(1, min(repeat, 3)))
        rows.append(Row(f"{task} ({engine})", f"SQL inside {engine}", seconds, load(), found == expected))
    return rows


def run_benchmark(n_invoices: int, seed: int, repeat: int, output: str | None, *, database_url: str | None = None,
                  browser: bool = True, browser_repeat: int = 3, typical_repeat: int = 1, port: int | None = None,
                  postgres_url: str | None = None, log=print) -> Results:  # noqa: ANN001
    url, seed_seconds, seed_load = demo_database(n_invoices, seed, database_url, log)
    log(f"database {url}" + (f", seeded in {seed_seconds:.1f} s" if seed_seconds else ", reused"))
    results = Results(n_invoices, url, seed_seconds=seed_seconds, seed_load=seed_load)
    store = Store(url)
    buckets = Buckets.from_edges(EDGES)

    started = time.perf_counter()  # what the first visit computes before a page can draw
    book = load_portfolio(store, Scope.everything())
    as_of = book.latest_date
    dims = asof.debtor_dimensions(book, as_of)
    state = asof.with_dimensions(asof.invoice_state(book, as_of, buckets), book, dims)
    history_ends = snapshots.month_ends(as_of, snapshots.HISTORY_MONTHS)
    cached_snaps = snapshots.snapshots(book, history_ends, buckets)
    cached_flows = snapshots.roll_flows(book, cached_snaps, history_ends)
    results.rows.append(Row("Cold load: read the tables (ADBC), as-of state, 37 month-end snapshots and roll flows",
                            "ours", time.perf_counter() - started, load()))  # fmt: skip
    results.counts = {"invoices": book.invoices.height, "reductions": book.reductions.height}
    log(results.rows[-1])
    chosen = Filters(region_ids=(1, 2))

    def aging_page() -> object:  # a changed filter: the Aging page's figures from its cached state
        selection = chosen.resolve(book, dims)
        view = selection.apply("invoices", state)
        snaps, flows = selection.apply("invoices", cached_snaps), selection.apply("invoices", cached_flows)
        return (aging.kpis(view), aging.bucket_totals(view, buckets), aging.aging_by(view, "region", buckets),
                aging.debtors_of(view), snapshots.aging_trend(snaps, buckets), snapshots.roll_matrix(flows, 1),
                snapshots.roll_matrix(flows, 12))  # fmt: skip

    def overview_page() -> object:  # a changed filter on the Overview and Bad debt pages
        selection = chosen.resolve(book, dims)
        filtered = selection.book(book)
        snaps, flows = selection.apply("invoices", cached_snaps), selection.apply("invoices", cached_flows)
        series = monthly.with_ratios(monthly.month_series(filtered, snaps, history_ends))
        tiers = recovery_by_tier(recovery_pool(filtered, Period.month_to_date(as_of)), (0.9, 0.8, 0.7, 0.5))
        matrix = provision_matrix(flows, aging.bucket_totals(selection.apply("invoices", state), buckets), buckets.labels,
                                  lookback_months=12, recovery_rate=0.0, scalar=1.0)  # fmt: skip
        return series, tiers, matrix

    for task, action in (
        ("Filter change → the Aging page's figures (KPIs, buckets, aging by region, debtors, trend, roll rates) "
         "from the cached state", aging_page),
        ("Filter change → the Overview month series (DSO, CEI, bad-debt rate), tiered recovery and the provision "
         "matrix from the cached state", overview_page),
    ):  # fmt: skip
        results.rows.append(Row(task, "ours", median_seconds(action, repeat), load()))
        log(results.rows[-1])

    inputs = fair.inputs(book, buckets)
    for measured in fair.compare(inputs, url, repeat, typical_repeat):
        results.fair.append(Row(measured.task, measured.way, measured.seconds, load(), measured.equal))
        log(results.fair[-1])
    results.pushdown = pushdown_compare(store, book, buckets, repeat)
    for row in results.pushdown:
        log(row)
    if postgres_url:  # the same demo in PostgreSQL (built or reused): its cold load and its pushdown
        pg_url, pg_seconds, _pg_load = demo_database(n_invoices, seed, postgres_url)
        started = time.perf_counter()
        pg_book = load_portfolio(Store(pg_url), Scope.everything())
        results.rows.append(Row(f"Cold load from PostgreSQL: read the tables (ADBC){'' if pg_seconds is None else f', after seeding it in {pg_seconds:.0f} s'}",
                                "ours", time.perf_counter() - started, load()))  # fmt: skip
        results.pushdown += pushdown_compare(Store(pg_url), pg_book, buckets, repeat)
        del pg_book
    results.memory = {
        "book in memory (invoices, reductions, debtors)": sum(
            f.estimated_size() for f in (book.invoices, book.reductions, book.debtors)) / 1e6,
        "as-of state with dimensions": state.estimated_size() / 1e6,
        "37 month-end snapshots": cached_snaps.estimated_size() / 1e6,
        "peak resident memory of the benchmark process": peak_rss_mb(),
    }  # fmt: skip
    del book, state, cached_snaps, cached_flows, inputs
    if browser:
        from data_access.tools import browser_bench

        if browser_bench.chromium_available():
            if output:  # the computations are written even if the browser part fails or is stopped
                write_report(Path(output), report(results, repeat))
            try:
                results.browser = browser_bench.measure_pages(url, repeat=browser_repeat, port=port, log=log)
            except Exception as exc:  # a browser failure is reported in the file, with its cause
                results.browser_note = f"The browser measurement failed: {exc.__class__.__name__}: {exc}"
        else:
            results.browser_note = f"No browser figures: no Chromium at {browser_bench.CHROMIUM} (or no Playwright)."
    if output:
        write_report(Path(output), report(results, repeat))
    return results


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "unknown"  # fmt: skip
    except OSError:
        return "unknown"


def report(r: Results, repeat: int) -> str:
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, Polars {pl.__version__}"
    seeded = (f"Demo generated and loaded into the database in {r.seed_seconds:.1f} s (load average "
              f"{r.seed_load:.1f})." if r.seed_seconds else "Demo database reused (built by an earlier run).")  # fmt: skip
    lines = [
        "# Performance",
        "",
        f"Written by `rdash bench --invoices {r.n_invoices}` at {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"commit {_commit()}, on {machine}. {r.counts.get('invoices', 0):,} invoices and "
        f"{r.counts.get('reductions', 0):,} payments, credit notes and write-offs ({_database(r.database)}). "
        f"{seeded} Times are medians of {repeat} runs (the typical app of fewer); every figure carries the "
        "1-minute load average when it was taken (the machine is shared). Generated text only: the analysis "
        "is in [performance-notes.md](performance-notes.md).",
        "",
        "## Computations",
        "",
        "| task | way | seconds | load |",
        "| --- | --- | ---: | ---: |",
    ]  # fmt: skip
    lines += [f"| {row.task} | {row.way} | {row.seconds:.3f} | {row.load:.1f} |" for row in r.rows]
    lines += [
        "",
        "## Side by side: the same inputs, the same work, the numbers checked equal",
        "",
        "Every way starts from the same in-memory tables (DuckDB reads the same Arrow buffers; pandas gets them "
        "converted beforehand); the typical app reads its tables with `pandas.read_sql` on every interaction. "
        "`equal`: the way's result equals ours, row for row. × ours: its time over ours (above 1: slower).",
        "",
        "| task | way | seconds | × ours | equal | load |",
        "| --- | --- | ---: | ---: | :---: | ---: |",
    ]  # fmt: skip
    ours = {row.task: row.seconds for row in r.fair if row.way == fair.WAYS[0]}
    lines += [f"| {row.task} | {row.way} | {row.seconds:.3f} | {row.seconds / ours[row.task]:.1f} | "
              f"{'yes' if row.equal else '**no**'} | {row.load:.1f} |" for row in r.fair]  # fmt: skip
    lines += [
        "",
        "## In memory or in the database (`RDASH_AGGREGATE_IN`)",
        "",
        "From scratch: in memory from the book the app already holds; in the database as SQL "
        "(`data_access/db/pushdown.py`), reading nothing into the app. `equal`: the same figures as in memory.",
        "",
        "| task | way | seconds | equal | load |",
        "| --- | --- | ---: | :---: | ---: |",
    ]  # fmt: skip
    lines += [f"| {row.task} | {row.way} | {row.seconds:.3f} | {'yes' if row.equal else '**no**'} | {row.load:.1f} |"
              for row in r.pushdown]  # fmt: skip
    lines += ["", "## Memory", "", "| what | MB |", "| --- | ---: |"]
    lines += [f"| {name} | {mb:,.1f} |" for name, mb in r.memory.items()]
    lines += ["", "## In the browser", ""]
    if r.browser is None:
        lines.append(r.browser_note or "Not measured in this run (`--no-browser`).")
    else:
        b = r.browser
        lines += [
            "Headless Chromium against the app under `streamlit run` (`data_access/tools/browser_bench.py`): "
            "from the request or the key press to the script finished, no skeleton left and every chart drawn. "
            f"First page after the server started: **{b.first_page:.1f} s**; then the server prepared the "
            f"early-warning model in the background for {b.background_seconds:.0f} s, and the pages were timed "
            "once it was idle. Warm load: a new session on the "
            "page, median; filter change: a region chosen in the sidebar, then removed again, in the session "
            "(median; every change listed). Server CPU: the CPU seconds the app process spent on a filter change "
            "(median), which the machine's load inflates far less than the wall time.",
            "",
            "| page | first visit s | warm load s | filter change s (median) | of it, script s | server CPU s "
            "| every change s | errors | load |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]  # fmt: skip
        lines += [f"| {p.url_path} | {p.first_visit:.2f} | {p.warm_load:.2f} | {p.filter_change:.2f} | "
                  f"{p.script_change:.2f} | {p.server_cpu:.2f} | {', '.join(f'{c:.2f}' for c in p.filter_changes)} | "
                  f"{p.errors} | {p.load:.1f} |" for p in b.pages]  # fmt: skip
        lines += ["", f"Server memory: peak {b.peak_rss_mb:,.0f} MB for the app process, {b.rss_mb:,.0f} MB "
                      f"resident with its reader processes at the end."]  # fmt: skip
    lines += ["", "Targets at 1M invoices (issue 14): in the browser, a page after a filter change ≤ 1 s (median, "
                  "warm), the first page ≤ 10 s; ours no slower than DuckDB on each side-by-side task and ≥ 15× "
                  "faster than the typical app.", ""]  # fmt: skip
    return "\n".join(lines)


def _database(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL" if url.startswith("postgres") else url.split(":", 1)[0]


def write_report(path: Path, text: str) -> None:
    """Write the report, keeping the workload benchmark's own section (written by bench_rebalance)."""
    from data_access.tools.bench_rebalance import keep

    kept = keep(path.read_text(encoding="utf-8")) if path.exists() else ""
    path.write_text(text.rstrip() + ("\n\n" + kept if kept else "\n"), encoding="utf-8")
