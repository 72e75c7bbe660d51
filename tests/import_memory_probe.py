"""Run by tests/test_import_streaming.py in a fresh process: import N generated invoices in chunks and
print the resident memory (KB) just before the import and its peak during the import, so the test can
compare a file with one four times its size. Arguments: rows, chunk rows, and optionally the SQLite page
cache in KB (``load.IMPORT_CACHE_KB``; a fixed size, so it can be made small to see the rest clearly).

The peak is Linux's VmHWM, reset to the current size just before the import (``/proc/self/clear_refs``),
so what the set-up (writing the file, importing the parents) touched does not count."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from data_access.db.engine import migrate, open_engine
from data_access.importing import load
from data_access.importing.load import import_file
from data_access.importing.mapping import auto_mapping, simple_profile
from data_access.importing.parsing import columns_of
from tests.importing_helpers import BASE, write


def status_kb(field: str) -> int:
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1])


rows, chunk = int(sys.argv[1]), int(sys.argv[2])
if len(sys.argv) > 3:  # SQLite's page cache (bounded by its setting, whatever the file): set aside to see the rest
    load.IMPORT_CACHE_KB = int(sys.argv[3])
folder = Path(tempfile.mkdtemp(prefix="rdash-memory-"))
url = f"sqlite:///{folder / 'memory.sqlite'}"
migrate(open_engine(url))
for table in ("regions", "clients", "debtors"):
    path = write(folder, f"{table}.csv", BASE[table])
    import_file(open_engine(url), path, simple_profile(table, table, auto_mapping(table, columns_of(path))), actor="probe")
path = folder / "invoices.csv"
with path.open("w") as out:
    out.write("invoice_number,client,debtor,issue_date,due_date,amount\n")
    for i in range(rows):
        out.write(f"INV-{i:08d},Acme Trading,{'Beta Ltd' if i % 2 else 'Gamma Co'},2026-01-05,2026-02-04,{i % 9000 + 1}.25\n")
profile = simple_profile("invoices", "invoices", auto_mapping("invoices", columns_of(path)))
engine = open_engine(url)
Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from the current size
before = status_kb("VmRSS")
result = import_file(engine, path, profile, actor="probe", chunk_rows=chunk)
assert result.written and result.rows_read == rows, result.summary()
print(before, status_kb("VmHWM"))
