"""A large file streams: it is read, checked and written chunk by chunk, progress is reported after each
chunk, and memory stays bounded (eight times the rows do not take anywhere near eight times the memory)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    out = subprocess.run([sys.executable, "-m", "tests.import_memory_probe", str(rows), str(chunk)], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.split()  # fmt: skip
    before, peak = int(out[-2]), int(out[-1])
    return peak - before


def test_memory_stays_bounded_as_the_file_grows() -> None:
    small = peak_growth_kb(25_000, 12_500)
    large = peak_growth_kb(200_000, 12_500)
    # 8x the rows. Measured on the development machine: +20 MB peak for 25,000 rows, +39 MB for 200,000,
    # +55 MB for 400,000 (docs/importing.md); a whole-file read would grow with the rows.
    # ru_maxrss is a high-water mark: when the probe's set-up peaked higher than the import, both read 0.
    assert large < 4 * small or large < 32_000, (small, large)
