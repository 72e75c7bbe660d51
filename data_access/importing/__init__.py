"""Bring your own data: files (CSV, Excel, Parquet) into the receivables database.

- ``spec``: what each table takes from a file, its business key and references;
- ``parsing``: reading in chunks, encodings (UTF-8, GBK), date formats, decimal separators, exact cents;
- ``mapping``: automatic and hand-made column mappings, saved as named profiles (TOML);
- ``load``: validation (a report naming file, row, column, value and the fix) and the idempotent,
  all-or-nothing upsert through the write door (``audited_write``);
- ``contract``: the view contract for reading a database the company already runs (``rdash check``).

docs/importing.md describes the whole of it.
"""
