"""The tamper-evident audit log: a hash chain over every audited write.

Each entry stores who, when, what (action, tables, details) and every row changed with its
before and after values, plus the previous entry's hash and its own: SHA-256 over its id, its
content and the previous hash. Editing any stored field of an entry changes its hash; deleting or
reordering entries breaks the link to the previous hash or the run of ids; deleting the newest
entries is caught by the ``audit_log`` row of ``table_versions``, which every append increments in
the same transaction. ``verify_chain`` checks all of it and names the first broken entry.

What a chain cannot show on its own is a rewrite of the whole log (every hash recomputed): for
that, keep the head hash (``rdash audit verify`` prints it) somewhere outside the database, e.g.
in the risk meeting's minutes, and compare.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select

from data_access.db.schema import audit_log, table_versions
from data_access.messages import Message

GENESIS = "0" * 64


def canonical_json(value: object) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)


def _plain(value: object) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[no-any-return, attr-defined]
    return str(value)


def canonical_time(at: datetime) -> str:
    """UTC to the microsecond; SQLite hands back naive datetimes, which are UTC here."""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(*, audit_id: int, at: datetime, actor: str, action: str, tables: str, details: str, changes: str,
               prev_hash: str) -> str:  # fmt: skip
    content = canonical_json([audit_id, canonical_time(at), actor, action, tables, details, changes, prev_hash])
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    head: str  # hash of the newest entry (GENESIS for an empty log)
    problem: str = ""  # the first broken entry and what is wrong with it

    def __str__(self) -> str:
        if self.ok:
            return f"Audit chain intact: {self.entries} entries, head {self.head}"
        return f"Audit chain BROKEN: {self.problem}"


def verify_chain(engine: Engine) -> Verdict:
    """Check every entry in id order; the first inconsistency is named."""
    with engine.connect() as connection:
        return verify_rows(connection)


def verify_rows(connection: Connection) -> Verdict:
    rows = connection.execute(select(audit_log).order_by(audit_log.c.audit_id)).mappings().all()
    recorded = connection.execute(
        select(table_versions.c.version).where(table_versions.c.table_name == "audit_log")
    ).scalar()
    previous, expected_id = GENESIS, 1
    for row in rows:
        where = Message("error.audit_entry", "entry {id} ({action} by {actor} at {at})", id=row["audit_id"],
                        action=row["action"], actor=row["actor"], at=canonical_time(row["at"]))  # fmt: skip
        if row["audit_id"] != expected_id:
            return Verdict(False, len(rows), previous, Message(
                "error.audit_missing", "entry {expected} is missing or out of order before {where}", expected=expected_id,
                where=where) if row["audit_id"] > expected_id else Message(
                "error.audit_out_of_order", "an entry is missing or out of order before {where}", where=where))  # fmt: skip
        if row["prev_hash"] != previous:
            return Verdict(False, len(rows), previous, Message(
                "error.audit_reordered", "{where} does not follow the entry before it (deleted, inserted or reordered)",
                where=where))  # fmt: skip
        computed = entry_hash(audit_id=row["audit_id"], at=row["at"], actor=row["actor"], action=row["action"],
                              tables=row["tables"], details=row["details"], changes=row["changes"],
                              prev_hash=row["prev_hash"])  # fmt: skip
        if computed != row["hash"]:
            return Verdict(False, len(rows), previous, Message(
                "error.audit_edited", "{where} was edited after it was written (hash mismatch)", where=where))
        previous, expected_id = row["hash"], expected_id + 1
    if recorded is not None and recorded != len(rows):
        return Verdict(False, len(rows), previous, Message(
            "error.audit_deleted", "the log holds {held} entries but {written} were written: the newest {deleted} were "
            "deleted", held=len(rows), written=recorded, deleted=recorded - len(rows)) if recorded > len(rows) else Message(
            "error.audit_inserted", "the log holds {held} entries but only {written} were written through the write door",
            held=len(rows), written=recorded))  # fmt: skip
    return Verdict(True, len(rows), previous)

