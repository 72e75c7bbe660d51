"""``rdash bench-import``: the import's speed against the demo generator's, on the same rows.

Like for like: the demo generator's path for N invoices' regions, clients, debtors, invoices and payments
(generate them, then one ``audited_write`` of bulk inserts, as ``rdash demo`` does) against ``rdash
import``'s path for the same rows written to CSV files (read, parse, validate, upsert, chunk by chunk)
into an empty database. Both totals and rows per second are printed side by side, with the share of the
bulk write both paths share (``Writer.insert_frame``), the import/demo ratios (wall and CPU) and the load
average; the demo's write is also timed with the import's SQLite page cache, so the effect of that setting
is seen apart from the import's own work. Nothing here asserts a time: it is a printed comparison
(docs/importing.md quotes a run).
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

import polars as pl

from data_access.db.engine import migrate, open_engine
from data_access.demo.generator import generate
from data_access.db.writes import Writer, audited_write
from data_access.importing.load import IMPORT_CACHE_KB, import_file
from data_access.importing.mapping import auto_mapping, simple_profile
from data_access.importing.parsing import columns_of

END = date(2026, 10, 31)
SAME_ROWS = ("regions", "clients", "debtors", "invoices", "payments")


def export_files(tables: dict[str, pl.DataFrame], folder: Path) -> dict[str, Path]:
    """The generated book as the files a company would export: names instead of ids, amounts in units."""
    regions = tables["regions"].select("region_id", "name", "name_zh")
    name_of = lambda frame, key: frame.select(key, pl.col("name").alias(key.removesuffix("_id")))  # noqa: E731
    units = lambda column: (pl.col(column) / 100).round(2).alias(column.removesuffix("_cents"))  # noqa: E731
    files = {
        "regions": regions.drop("region_id"),
        "clients": tables["clients"].join(name_of(regions, "region_id"), on="region_id")
        .select("name", "industry", "region", "recourse", "advance_rate"),
        "debtors": tables["debtors"].join(name_of(regions, "region_id"), on="region_id")
        .select("name", "industry", "region", units("credit_limit_cents")),
        "invoices": tables["invoices"].join(name_of(tables["clients"], "client_id"), on="client_id")
        .join(name_of(tables["debtors"], "debtor_id"), on="debtor_id")
        .select("invoice_number", "client", "debtor", "issue_date", "due_date", units("amount_cents"),
                units("advance_cents"), "recourse", "disputed"),
        "payments": tables["payments"].join(tables["invoices"].select("invoice_id", pl.col("invoice_number")
                                                                      .alias("invoice")), on="invoice_id")
        .group_by("invoice", "payment_date", maintain_order=True).agg(pl.col("amount_cents").sum())  # one row per
        # business key, in the generator's order (the order the demo writes them in: like for like)
        .select("invoice", "payment_date", units("amount_cents")),
    }  # fmt: skip
    paths = {}
    for name, frame in files.items():
        paths[name] = folder / f"{name}.csv"
        frame.write_csv(paths[name])
    return paths


class _WriteClock:
    """Seconds spent inside ``Writer.insert_frame`` (the bulk write both paths share) while in the block."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> _WriteClock:
        self._original = original = Writer.insert_frame

        def timed(writer: Writer, table_name: str, frame: pl.DataFrame) -> None:
            started = time.perf_counter()
            try:
                original(writer, table_name, frame)
            finally:
                self.seconds += time.perf_counter() - started

        Writer.insert_frame = timed  # type: ignore[method-assign]
        return self

    def __exit__(self, *_: object) -> None:
        Writer.insert_frame = self._original  # type: ignore[method-assign]


def run(invoices: int, seed: int = 7, chunk_rows: int = 100_000) -> str:
    with tempfile.TemporaryDirectory(prefix="rdash-bench-import-") as tmp:
        folder = Path(tmp)
        started, cpu = time.perf_counter(), time.process_time()
        tables = generate(invoices, seed, END)
        generated = time.perf_counter() - started
        demo = open_engine(f"sqlite:///{folder / 'demo.sqlite'}")
        migrate(demo)
        started = time.perf_counter()
        with audited_write(demo, actor="bench", action="bench_demo_write", tables=SAME_ROWS) as writer:
            for name in SAME_ROWS:
                writer.insert_frame(name, tables[name])
        written = time.perf_counter() - started
        demo_cpu = time.process_time() - cpu
        demo_rows = sum(tables[name].height for name in SAME_ROWS)
        # The import writes with a larger SQLite page cache (load.IMPORT_CACHE_KB); the demo's write with the
        # same cache shows how much of the difference is that setting rather than the import's own work.
        tuned = open_engine(f"sqlite:///{folder / 'demo-cache.sqlite'}")
        migrate(tuned)
        started = time.perf_counter()
        with audited_write(tuned, actor="bench", action="bench_demo_write", tables=SAME_ROWS) as writer, \
                writer.page_cache(IMPORT_CACHE_KB):
            for name in SAME_ROWS:
                writer.insert_frame(name, tables[name])
        written_tuned = time.perf_counter() - started
        paths = export_files(tables, folder)
        engine = open_engine(f"sqlite:///{folder / 'import.sqlite'}")
        migrate(engine)
        lines, total_rows, total_seconds, cpu = [], 0, 0.0, time.process_time()
        with _WriteClock() as clock:
            for name, path in paths.items():
                profile = simple_profile(name, name, auto_mapping(name, columns_of(path)))
                started = time.perf_counter()
                result = import_file(engine, path, profile, actor="bench", chunk_rows=chunk_rows)
                seconds = time.perf_counter() - started
                if not result.written:
                    raise RuntimeError(f"{name}: {result.summary()}\n{result.report().head(5)}")
                total_rows, total_seconds = total_rows + result.rows_read, total_seconds + seconds
                lines.append(f"  import {name:<9} {result.rows_read:>10,} rows {seconds:7.1f} s "
                             f"{result.rows_read / seconds:>10,.0f} rows/s")  # fmt: skip
        import_cpu = time.process_time() - cpu
        demo_seconds = generated + written
        load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
        return "\n".join([
            f"Demo generator, the same tables ({', '.join(SAME_ROWS)}): generate {generated:.1f} s + one audited "
            f"bulk write {written:.1f} s = {demo_rows:,} rows in {demo_seconds:.1f} s = {demo_rows / demo_seconds:,.0f} rows/s "
            f"(the generator builds the whole book; its time is counted whole); CPU {demo_cpu:.1f} s",
            f"  the same write with the import's SQLite page cache ({IMPORT_CACHE_KB // 1024} MB): {written_tuned:.1f} s "
            f"(generate + write {generated + written_tuned:.1f} s)",
            f"rdash import of the same book's regions, clients, debtors, invoices and payments from CSV "
            f"(read, parse, validate, upsert; chunks of {chunk_rows:,}): {total_rows:,} rows in {total_seconds:.1f} s "
            f"= {total_rows / total_seconds:,.0f} rows/s, of which the same bulk write {clock.seconds:.1f} s; "
            f"CPU {import_cpu:.1f} s",
            *lines,
            f"import / demo: wall {total_seconds / demo_seconds:.2f}, CPU {import_cpu / demo_cpu:.2f}; "
            f"against the demo with the same page cache: wall {total_seconds / (generated + written_tuned):.2f} "
            f"(below 1: the import is faster); load average (1/5/15 min) at the end {load}. Wall-clock times "
            "depend on the machine's load; CPU seconds compare the work.",
        ])  # fmt: skip
