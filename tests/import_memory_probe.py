"""Run by tests/test_import_streaming.py in a fresh process: import N generated invoices in chunks and
print the peak resident memory (KB), so the test can compare a small file with a large one."""

from __future__ import annotations

import resource
import sys
import tempfile
from pathlib import Path

from data_access.db.engine import migrate, open_engine
from data_access.importing.load import import_file
from data_access.importing.mapping import auto_mapping, simple_profile
from data_access.importing.parsing import columns_of
from tests.importing_helpers import BASE, write

rows, chunk = int(sys.argv[1]), int(sys.argv[2])
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
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = import_file(open_engine(url), path, profile, actor="probe", chunk_rows=chunk)
assert result.written and result.rows_read == rows, result.summary()
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
