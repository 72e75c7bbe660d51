"""What the audit page reads: the log's entries summarised and filtered, and one entry's changes.

Pure functions of the ``audit_log`` frame (read through the read door, unscoped: the log is for
administrators). Verification itself is ``data_access.db.audit.verify_chain``.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl


def entries(log: pl.DataFrame) -> pl.DataFrame:
    """Newest first: id, time, actor, action, tables, details and how many rows the entry changed."""
    counts = [_rows_changed(text) for text in log["changes"].to_list()]
    return (
        log.with_columns(pl.Series("rows_changed", counts, dtype=pl.Int64))
        .select("audit_id", "at", "actor", "action", "tables", "details", "rows_changed", "hash")
        .sort("audit_id", descending=True)
    )


def _rows_changed(changes: str) -> int:
    return sum(c["after"]["rows"] if c["op"] == "bulk_insert" else 1 for c in json.loads(changes))


def filter_entries(frame: pl.DataFrame, *, actors: list[str] = (), actions: list[str] = (),  # type: ignore[assignment]
                   tables: list[str] = (), start: date | None = None, end: date | None = None) -> pl.DataFrame:  # type: ignore[assignment]  # fmt: skip
    """Entries by any of the actors, actions and tables chosen (empty = all), made between start and end."""
    if actors:
        frame = frame.filter(pl.col("actor").is_in(list(actors)))
    if actions:
        frame = frame.filter(pl.col("action").is_in(list(actions)))
    if tables:
        frame = frame.filter(pl.col("tables").str.split(",").list.eval(pl.element().is_in(list(tables))).list.any())
    day = pl.col("at").dt.date()
    if start:
        frame = frame.filter(day >= start)
    if end:
        frame = frame.filter(day <= end)
    return frame


def changes_frame(changes: str) -> pl.DataFrame:
    """One entry's changes, one row per changed value: table, operation, row key, column, before, after.

    Values are shown as text (they come from JSON); an update lists only the columns it changed; a
    bulk load is one row per fact (row count, columns, SHA-256 of the content).
    """
    rows = []
    for change in json.loads(changes):
        key = json.dumps(change["key"], ensure_ascii=False, sort_keys=True) if change.get("key") else ""
        before, after = change.get("before") or {}, change.get("after") or {}
        for column in sorted(set(before) | set(after)):
            old, new = before.get(column), after.get(column)
            if change["op"] == "update" and old == new:
                continue
            rows.append({"table": change["table"], "op": change["op"], "key": key, "column": column,
                         "before": None if old is None else str(old), "after": None if new is None else str(new)})  # fmt: skip
    return pl.DataFrame(rows, schema=dict.fromkeys(("table", "op", "key", "column", "before", "after"), pl.String))
