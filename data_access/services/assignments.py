"""Hand cases over between collectors: apply a batch of moves, or undo one, through the write door.

A batch is one audited write (``audited_write(..., tables=("assignments",))``): each moved case's open
assignment ends on the move date (``end_date``, exclusive) and a new one starts on the same date,
carrying the reason and the batch id. The audit entry holds every row before and after, and the batch's
details (kind, move date, number of moves, what it undoes). Suggested, manual and undo batches all take
this one path; they differ in the batch id's prefix (RB, MV, UN) and the reasons.

**Optimistic concurrency.** Each move names the open assignment it expects to end: the token the
suggestion (or the manual pick) saw. Inside the transaction the version rows of ``audit_log`` and
``assignments`` are locked first (in the order every audited write takes them, so no deadlock): two
batches, or a batch and any other write of assignments, run one after the other. Then the open
assignments of the moved cases are read (``FOR UPDATE`` on PostgreSQL). If any case is no longer with the
expected assignment, the batch is refused with a message naming those cases, and nothing is written;
the second of two concurrent batches over the same case is refused, so no hand-over is lost.

The move date must not be before a case's current assignment began: a batch never rewrites history,
so past cash stays credited to whoever owned the case when it was paid.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import polars as pl
from sqlalchemy import Engine, func, select

from data_access.db.schema import assignments, collectors, debtors, table_versions
from data_access.db.writes import WriteRefused, Writer, audited_write
from data_access.messages import Message

KINDS = {"rebalance": "RB", "manual": "MV", "undo": "UN"}
REASON_LENGTH = 200  # assignments.reason


class StaleMoves(WriteRefused):
    """Cases changed owner since the moves were proposed; ``debtor_ids`` names them."""

    def __init__(self, message: str, debtor_ids: list[int]) -> None:
        super().__init__(message)
        self.debtor_ids = debtor_ids


@dataclass(frozen=True)
class Handover:
    """One case moving: from the open assignment ``assignment_id`` (None: the case has no owner) of
    ``from_collector_id`` to ``to_collector_id`` (None only when an undo returns a case to no owner)."""

    debtor_id: int
    to_collector_id: int | None
    from_collector_id: int | None
    assignment_id: int | None
    reason: str


@dataclass(frozen=True)
class Applied:
    batch_id: str
    moves: int
    effective: date


def handovers(moves: pl.DataFrame) -> list[Handover]:
    """Handovers from a moves frame (debtor_id, to_collector_id, from_collector_id, assignment_id, reason)."""
    return [Handover(int(m["debtor_id"]), m["to_collector_id"], m["from_collector_id"], m["assignment_id"],
                     m["reason"]) for m in moves.iter_rows(named=True)]  # fmt: skip


def new_batch_id(kind: str, effective: date) -> str:
    return f"{KINDS[kind]}-{effective:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def apply_moves(engine: Engine, moves: list[Handover], *, actor: str, effective: date, kind: str = "rebalance",
                details: dict | None = None) -> Applied:  # fmt: skip
    """Apply ``moves`` as one batch effective on ``effective``; raise WriteRefused (StaleMoves when cases
    changed owner) with the reason, writing nothing."""
    if kind not in ("rebalance", "manual"):
        raise WriteRefused(f"Unknown kind of batch {kind!r}; use 'rebalance' or 'manual' (undo has its own call).")
    _check_moves(moves)
    batch_id = new_batch_id(kind, effective)
    info = {"batch_id": batch_id, "kind": kind, "effective": effective.isoformat(), "moves": len(moves),
            **(details or {})}  # fmt: skip
    with audited_write(engine, actor=actor, action=f"assignments_{kind}", tables=("assignments",),
                       details=info) as writer:  # fmt: skip
        _lock(writer)
        _check_collectors(writer, moves)
        current = _open_assignments(writer, [m.debtor_id for m in moves])
        stale = [m.debtor_id for m in moves if _open_id(current, m.debtor_id) != m.assignment_id]
        if stale:
            raise StaleMoves(_stale_message(writer, stale, current, "error.stale_apply",
                                            "Nothing was applied; make a new suggestion (or pick the cases again)."),
                             stale)  # fmt: skip
        _hand_over(writer, moves, current, effective, batch_id)
    return Applied(batch_id, len(moves), effective)


def undo_batch(engine: Engine, batch_id: str, *, actor: str, effective: date) -> Applied:
    """Move every case of ``batch_id`` back to the collector it had before, as a new batch; refuse (writing
    nothing) when the batch is unknown, was already undone, or any of its cases changed owner since."""
    undo_id = new_batch_id("undo", effective)
    reason = f"Undo of batch {batch_id}"
    with audited_write(engine, actor=actor, action="assignments_undo", tables=("assignments",),
                       details={"batch_id": undo_id, "kind": "undo", "undo_of": batch_id,
                                "effective": effective.isoformat()}) as writer:  # fmt: skip
        _lock(writer)
        rows = writer.query(select(assignments).where(assignments.c.batch_id == batch_id)
                            .order_by(assignments.c.assignment_id))  # fmt: skip
        if not rows:
            raise WriteRefused(Message("error.no_batch", "There is no batch {batch}; pick one from the list of applied "
                                       "batches.", batch=repr(batch_id)))
        if done := writer.query(select(assignments.c.batch_id).where(assignments.c.reason == reason).limit(1)):
            raise WriteRefused(Message("error.already_undone", "Batch {batch} was already undone by batch {undo}; undo "
                                       "that batch to apply the moves again.", batch=batch_id, undo=done[0]["batch_id"]))
        current = _open_assignments(writer, [r["debtor_id"] for r in rows])
        stale = [r["debtor_id"] for r in rows if _open_id(current, r["debtor_id"]) != r["assignment_id"]]
        if stale:
            raise StaleMoves(_stale_message(writer, stale, current, "error.stale_undo",
                                            "Nothing was undone; move those cases by hand if needed.", batch=batch_id),
                             stale)  # fmt: skip
        moves = [Handover(r["debtor_id"], _previous_owner(writer, r), r["collector_id"], r["assignment_id"], reason)
                 for r in rows]  # fmt: skip
        _hand_over(writer, moves, current, effective, undo_id)
    return Applied(undo_id, len(moves), effective)


def _check_moves(moves: list[Handover]) -> None:
    if not moves:
        raise WriteRefused(Message("error.no_moves",
                                   "There are no moves to apply: tick at least one move, or pick cases and a collector."))
    seen: set[int] = set()
    for m in moves:
        if m.debtor_id in seen:
            raise WriteRefused(Message("error.moved_twice", "Debtor #{debtor} appears in more than one move; a case moves "
                                       "once per batch.", debtor=m.debtor_id))
        seen.add(m.debtor_id)
        if m.to_collector_id is None:
            raise WriteRefused(Message("error.no_collector", "The move of debtor #{debtor} names no collector to take it; "
                                       "pick one.", debtor=m.debtor_id))
        if m.to_collector_id == m.from_collector_id:
            raise WriteRefused(Message("error.same_collector", "Debtor #{debtor} is already with collector #{collector}; "
                                       "pick another collector.", debtor=m.debtor_id, collector=m.to_collector_id))
        if not m.reason.strip() or len(m.reason) > REASON_LENGTH:
            raise WriteRefused(Message("error.reason_length", "The reason for moving debtor #{debtor} must be 1 to {most} "
                                       "characters; it has {length}.", debtor=m.debtor_id, most=REASON_LENGTH,
                                       length=len(m.reason.strip())))  # fmt: skip


def _lock(writer: Writer) -> None:
    """Serialise with every other write of assignments: lock the version rows in the audit door's order."""
    for name in ("audit_log", "assignments"):
        writer.query(select(table_versions.c.table_name).where(table_versions.c.table_name == name)
                     .with_for_update())  # fmt: skip


def _check_collectors(writer: Writer, moves: list[Handover]) -> None:
    wanted = sorted({m.to_collector_id for m in moves if m.to_collector_id is not None})
    found = {r["collector_id"]: r for r in writer.query(select(collectors.c.collector_id, collectors.c.name,
                                                               collectors.c.active)
                                                        .where(collectors.c.collector_id.in_(wanted)))}  # fmt: skip
    if missing := [c for c in wanted if c not in found]:
        raise WriteRefused(Message("error.unknown_collectors", "Collector(s) {ids} do not exist; pick collectors from the "
                                   "list.", ids=str(missing)))
    if inactive := [found[c]["name"] for c in wanted if not found[c]["active"]]:
        raise WriteRefused(Message("error.inactive_collectors", "{names}: inactive (on leave); moves go to active "
                                   "collectors only. Pick another collector.", names=", ".join(inactive)))


def _open_assignments(writer: Writer, debtor_ids: list[int]) -> dict[int, list[dict]]:
    """The open assignments of these debtors, locked on PostgreSQL until the batch commits."""
    rows = writer.query(select(assignments).where(assignments.c.debtor_id.in_(sorted(set(debtor_ids))),
                                                  assignments.c.end_date.is_(None))
                        .order_by(assignments.c.assignment_id).with_for_update())  # fmt: skip
    current: dict[int, list[dict]] = {}
    for row in rows:
        current.setdefault(row["debtor_id"], []).append(row)
    return current


def _open_id(current: dict[int, list[dict]], debtor_id: int) -> int | None | str:
    rows = current.get(debtor_id, [])
    if len(rows) > 1:
        return "several"  # never equal to an expected id: a case with two open assignments is refused
    return rows[0]["assignment_id"] if rows else None


def _stale_message(writer: Writer, stale: list[int], current: dict[int, list[dict]], key: str, then: str,
                   batch: str = "") -> Message:  # fmt: skip
    names = {r["debtor_id"]: r["name"] for r in writer.query(
        select(debtors.c.debtor_id, debtors.c.name).where(debtors.c.debtor_id.in_(stale)))}  # fmt: skip
    owners = {r["collector_id"]: r["name"] for r in writer.query(select(collectors.c.collector_id, collectors.c.name))}
    parts = []
    for debtor_id in stale[:10]:
        rows = current.get(debtor_id, [])
        now = ", ".join(owners.get(r["collector_id"], f"#{r['collector_id']}") for r in rows)
        parts.append(Message("error.stale_case", "{name} (#{debtor}, now with {now})", name=names.get(debtor_id, "?"),
                             debtor=debtor_id, now=now) if now else
                     Message("error.stale_case_no_one", "{name} (#{debtor}, now with no one)",
                             name=names.get(debtor_id, "?"), debtor=debtor_id))  # fmt: skip
    if len(stale) > 10:
        parts.append(Message("error.stale_more", "and {n} more", n=len(stale) - 10))
    since = {"error.stale_apply": "the moves were proposed", "error.stale_undo": "batch {batch} was applied"}[key]
    return Message(key, "{count} case(s) changed owner since " + since + ": {cases}. " + then, count=len(stale),
                   cases=parts, batch=batch)  # fmt: skip


def _previous_owner(writer: Writer, row: dict) -> int | None:
    """The collector whose assignment the batch ended for this case: the debtor's assignment inserted
    just before the batch's row that ended on its start date (None: the case had no owner)."""
    before = writer.query(
        select(assignments.c.collector_id)
        .where(assignments.c.debtor_id == row["debtor_id"], assignments.c.assignment_id < row["assignment_id"],
               assignments.c.end_date == row["start_date"])
        .order_by(assignments.c.assignment_id.desc()).limit(1)
    )  # fmt: skip
    return before[0]["collector_id"] if before else None


def _hand_over(writer: Writer, moves: list[Handover], current: dict[int, list[dict]], effective: date,
               batch_id: str) -> None:  # fmt: skip
    """End each open assignment on ``effective`` and start the new one then, with the batch's id."""
    late = [(m.debtor_id, r["start_date"]) for m in moves for r in current.get(m.debtor_id, [])
            if r["start_date"] > effective]  # fmt: skip
    if late:
        debtor_id, start = late[0]
        raise WriteRefused(Message("error.move_before_start", "The move date {date} is before debtor #{debtor}'s "
                                   "current assignment began ({start}); a move cannot rewrite history. Move on {start} "
                                   "or later.", date=effective, debtor=debtor_id, start=start))  # fmt: skip
    next_id = (writer.query(select(func.max(assignments.c.assignment_id).label("top")))[0]["top"] or 0) + 1
    for m in moves:
        if m.assignment_id is not None:
            writer.update("assignments", {"assignment_id": m.assignment_id}, {"end_date": effective})
        if m.to_collector_id is not None:
            writer.insert("assignments", {"assignment_id": next_id, "debtor_id": m.debtor_id,
                                          "collector_id": m.to_collector_id, "start_date": effective,
                                          "end_date": None, "reason": m.reason[:REASON_LENGTH],
                                          "batch_id": batch_id})  # fmt: skip
            next_id += 1
