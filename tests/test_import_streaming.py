"""A large file streams: it is read, checked and written chunk by chunk, progress is reported after each
chunk, and memory stays bounded (four times the rows add far less memory than holding the file would)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from data_access.importing.load import import_file
from data_access.importing.mapping import auto_mapping, simple_profile
from data_access.importing.parsing import columns_of
from data_access.db.engine import open_engine
from tests.importing_helpers import load_base

ROOT = Path(__file__).resolve().parent.parent


def invoice_file(path: Path, rows: int) -> Path:
    with path.open("w") as out:
        out.write("invoice_number,client,debtor,issue_date,due_date,amount\n")
        for i in range(rows):
            out.write(f"INV-{i:08d},Acme Trading,Beta Ltd,2026-01-05,2026-02-04,{i % 9000 + 1}.25\n")
    return path


def test_progress_is_reported_after_every_chunk(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'stream.sqlite'}"
    load_base(url, tmp_path)
    path = invoice_file(tmp_path / "big.csv", 45_000)
    calls: list[tuple[int, int | None]] = []
    profile = simple_profile("invoices", "invoices", auto_mapping("invoices", columns_of(path)))
    result = import_file(open_engine(url), path, profile, actor="test", chunk_rows=10_000,
                         progress=lambda done, total: calls.append((done, total)))  # fmt: skip
    assert result.written and result.counts["invoices"]["inserted"] == 45_000
    assert calls == [(10_000, 45_000), (20_000, 45_000), (30_000, 45_000), (40_000, 45_000), (45_000, 45_000)]
    # 5,000 rows x (1 .. 9,000) .25 repeat: the total is exact to the cent.
    expected = sum((i % 9000 + 1) * 100 + 25 for i in range(45_000))
    with open_engine(url).connect() as connection:
        total = connection.exec_driver_sql("SELECT SUM(amount_cents) FROM invoices WHERE invoice_number LIKE 'INV-0%'")
        assert total.scalar() == expected


def peak_growth_kb(rows: int, chunk: int) -> int:
    """The import's peak resident memory above the process's size just before it (KB), in a fresh process,
    with SQLite's page cache at 2 MB (its size is a setting, whatever the file: set aside to see the rest)."""
    out = subprocess.run([sys.executable, "-m", "tests.import_memory_probe", str(rows), str(chunk), "2000"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    before, peak = int(out[-2]), int(out[-1])
    return peak - before


def test_memory_stays_bounded_as_the_file_grows() -> None:
    small = peak_growth_kb(100_000, 25_000)
    large = peak_growth_kb(400_000, 25_000)
    # Four times the rows, in chunks of 25,000. Measured on the development machine (docs/importing.md):
    # +45 MB peak for 100,000 rows, +75 MB for 400,000; the same 400,000 rows held whole (one chunk) take
    # +284 MB, and a reader that holds the file (Polars' CSV scan did) adds about the file's size again.
    assert large < small + 100_000, (small, large)


def test_a_csv_file_is_cut_into_blocks_between_records_never_inside_a_quoted_value(tmp_path: Path) -> None:
    """Blocks of 16 bytes cut this file everywhere: inside quoted commas, doubled quotes and line breaks.
    The chunks put together are the file as Polars reads it whole."""
    from data_access.importing.parsing import _csv_frames

    content = ('invoice_number,"note, with comma",amount\r\n'
               'INV-1,"two\nlines",1.00\r\n'
               'INV-2,"say ""hi""\n, then go",2.50\r\n'
               'INV-3,plain,3\r\n'
               'INV-4,"",4.00\r\n'
               'INV-5,"last\nrow, no line end",5')  # fmt: skip
    path = tmp_path / "quoted.csv"
    path.write_bytes(content.encode("utf-8"))
    whole = pl.read_csv(path, infer_schema=False)
    chunks = list(_csv_frames(path, ",", chunk_rows=2, block_bytes=16))
    assert [c.height for c in chunks] == [2, 2, 1]
    assert pl.concat(chunks).equals(whole)
    assert whole["note, with comma"].to_list() == ["two\nlines", 'say "hi"\n, then go', "plain", "", "last\nrow, no line end"]
