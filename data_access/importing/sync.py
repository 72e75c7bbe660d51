"""A synced copy of another receivables database: ``rdash import --from-url URL`` (run it on a schedule).

The source is read through the read door (``Store``), so it may be an rdash database or any database
that meets the view contract (``data_access.importing.contract``). Each table is compared with the
local copy by primary key: new rows are inserted in bulk, changed rows updated, rows gone from the
source deleted, all in one audited write that declares the tables it changed. A sync that finds
nothing new writes nothing. The local copy keeps the source's ids, so it must be empty or a copy of
the same source (``meta.synced_from``); anything else is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.engine import make_url

from data_access.db import schema
from data_access.db.engine import migrate
from data_access.db.store import Scope, Store
from data_access.db.writes import WriteRefused, audited_write
from data_access.demo.seeding import LOAD_ORDER
from data_access.importing.load import LAST_IMPORT_META

SYNCED_FROM = "synced_from"
SYNC_TABLES = (*LOAD_ORDER[: LOAD_ORDER.index("assignments")], "unapplied_credits", *LOAD_ORDER[LOAD_ORDER.index("assignments"):])


@dataclass
class SyncResult:
    source: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    written: bool = False

    def summary(self) -> str:
        changed = {t: c for t, c in self.counts.items() if any(c.values())}
        if not changed:
            return f"{self.source}: the local copy is up to date; nothing written."
        return f"{self.source}: " + "; ".join(f"{t}: {c['inserted']:,} new, {c['updated']:,} updated, "
                                             f"{c['deleted']:,} deleted" for t, c in changed.items())  # fmt: skip


def _masked(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def sync_from(engine: Engine, source_url: str, *, actor: str) -> SyncResult:
    """Bring the local database up to date with ``source_url``; see the module docstring."""
    migrate(engine)
    source = Store(source_url)
    local = Store(engine.url.render_as_string(hide_password=False), engine)
    label = _masked(source_url)
    result = SyncResult(label)
    with engine.connect() as connection:
        has_rows = connection.execute(select(func.count()).select_from(schema.invoices)).scalar()
    if has_rows and local.meta().get(SYNCED_FROM) != label:
        raise WriteRefused(f"{_masked(local.url)} already holds data that was not synced from {label}; "
                           "sync into an empty database (or the copy of this same source).")  # fmt: skip
    plans = {}
    for name in SYNC_TABLES:
        table = schema.metadata.tables[name]
        (pk,) = [c.name for c in table.primary_key.columns]
        theirs, ours = source.read(name, Scope.everything()), local.read(name, Scope.everything())
        new = theirs.join(ours.select(pk), on=pk, how="anti")
        gone = ours.join(theirs.select(pk), on=pk, how="anti")
        both = theirs.join(ours, on=pk, how="inner", suffix="_local")
        others = [c for c in theirs.columns if c != pk]
        changed = both.filter(pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_local")) for c in others)) \
            if others else both.clear()
        result.counts[name] = {"inserted": new.height, "updated": changed.height, "deleted": gone.height}
        if new.height or changed.height or gone.height:
            plans[name] = (pk, new, changed.select(theirs.columns), gone.select(pk))
    if not plans:
        return result
    with audited_write(engine, actor=actor, action="sync_from_database", tables=(*plans, "meta"),
                       details={"source": label, "counts": result.counts}) as writer:  # fmt: skip
        for name in reversed(SYNC_TABLES):  # children first, so a deleted parent has no rows left
            if name in plans:
                pk, _new, _changed, gone = plans[name]
                for key in gone[pk]:
                    writer.delete(name, {pk: key})
        for name in SYNC_TABLES:
            if name in plans:
                pk, new, changed, _gone = plans[name]
                for row in changed.iter_rows(named=True):
                    writer.update(name, {pk: row[pk]}, {k: v for k, v in row.items() if k != pk})
                writer.insert_frame(name, new)
        for key in ("currency",):
            if key in (theirs_meta := source.meta()):
                writer.set_meta(key, theirs_meta[key])
        writer.set_meta(SYNCED_FROM, label)
        writer.set_meta("source", f"synced copy of {label}")
        writer.set_meta(LAST_IMPORT_META, json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"),
                                                      "file": label, "profile": "sync", "by": actor}))
    result.written = True
    return result
