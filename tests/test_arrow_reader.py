"""The SQLite reader processes (data_access/db/arrow_reader.py): an idle reader holds no read's memory."""

from __future__ import annotations

import os
from datetime import date
import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from data_access.db import arrow_reader

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from Linux's /proc")


def resident_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_a_reader_gives_back_what_a_read_allocated(tmp_path: Path) -> None:
    """At 10M invoices an idle reader kept 0.49 GB after reading the collection actions (beside the app's own
    memory); Arrow's pool and the C heap keep freed memory for reuse unless told to give it back."""
    path = tmp_path / "big.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (a INTEGER, b INTEGER, c TEXT)")
        db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) "
                   "INSERT INTO t SELECT i, i * 2, printf('row %d of a table read whole', i) FROM n")
    worker = arrow_reader._Worker()  # noqa: SLF001 - one reader process, as the pool starts them
    try:
        os.unlink(worker.ask(str(path), "SELECT 1"))  # the reader's libraries loaded: what stays now is the read's
        idle = resident_bytes(worker.process.pid)
        ipc = worker.ask(str(path), "SELECT * FROM t")
        with pa.memory_map(ipc) as source:
            size = pa.ipc.open_file(source).read_all().nbytes
        os.unlink(ipc)
        kept = resident_bytes(worker.process.pid) - idle
    finally:
        worker.process.stdin.close()
        worker.process.wait()
    assert size > 80 * 2**20
    assert kept < size / 4


def test_the_dates_asked_for_come_as_arrow_dates_and_the_rest_as_stored(tmp_path: Path) -> None:
    """The app maps the reader's file and keeps every page it touched: a date converted in the app kept its
    text too (0.26 GB of a 10M-invoice book), so the reader converts the dates."""
    path = tmp_path / "dated.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (d DATE, e DATE, note TEXT)")
        db.executemany("INSERT INTO t VALUES (?, ?, ?)", [("2026-10-31", None, "2026-01-01"),
                                                          ("2024-02-29", "2025-01-01", None)])  # fmt: skip
    table = arrow_reader.read_sqlite(str(path), "SELECT d, e, note FROM t ORDER BY d", dates=("d", "e"))
    assert table.schema.field("d").type == pa.date32() and table.schema.field("e").type == pa.date32()
    assert pa.types.is_string(table.schema.field("note").type) or pa.types.is_large_string(table.schema.field("note").type)
    assert table.to_pydict() == {"d": [date(2024, 2, 29), date(2026, 10, 31)], "e": [date(2025, 1, 1), None],
                                 "note": [None, "2026-01-01"]}  # fmt: skip


def test_a_date_that_is_not_iso_text_is_an_error_naming_the_read(tmp_path: Path) -> None:
    path = tmp_path / "bad.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE t (d DATE)")
        db.execute("INSERT INTO t VALUES ('31/10/2026')")
    with pytest.raises(RuntimeError, match=f"Reading {path}"):
        arrow_reader.read_sqlite(str(path), "SELECT d FROM t", dates=("d",))
