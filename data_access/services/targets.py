"""Set a period's targets: save the edited set, or copy it to the next period, through the write door.

A save is one audited write (``tables=("targets",)``): the period's rows are compared with what the
editor submitted and each removed row is deleted, each changed row updated and each new row inserted;
the audit entry holds every row before and after. Nothing is written unless every row is valid
(``data_access.metrics.targets.validate``): the refusal, ``InvalidTargets``, carries one message per
broken rule and row for the page to show next to the row.

**Optimistic concurrency.** The editor saw the targets at one version of the table (``table_versions``).
Inside the transaction the version rows are locked (in the order every audited write takes them) and
the version is compared: if someone saved targets since, the save is refused and nothing is written,
so no one overwrites an edit they never saw.

**Scope.** The editor of a reader scoped to some regions holds only the targets that reader sees (the
company's and their regions'). A save by that reader compares the edit with exactly those rows, so the
targets of other regions are neither deleted nor changed, and it refuses any change to a row outside
the reader's regions: another region's or a collector's of another region (an id the reader cannot see),
a new row there, and any change to a company-wide target, which binds every region (read-only unless the
reader sees every region: ``Scope.everything()``). A copy to the next period copies only the rows the
reader may write.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from data_access.db.schema import collectors, regions, table_versions, targets
from data_access.db.store import Scope
from data_access.db.writes import WriteRefused, Writer, audited_write
from data_access.messages import Message
from data_access.metrics.recovery import Period
from data_access.metrics.targets import EDIT_COLUMNS, Problem, copied_rows, kind_of, next_period, validate

STORED = ("target_type", "tier", "region_id", "collector_id", "value", "value_cents", "owner", "rationale")


class InvalidTargets(WriteRefused):
    """Some rows break a rule; ``problems`` says which row and why. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        rows = sorted({p.row + 1 for p in problems})
        super().__init__(Message("targets.refused.invalid", "{count} problem(s) in row(s) {rows}; nothing was saved. "
                                 "Fix the rows marked and save again.", count=len(problems),
                                 rows=", ".join(map(str, rows))))  # fmt: skip
        self.problems = problems


@dataclass(frozen=True)
class Saved:
    inserted: int
    updated: int
    deleted: int


def save_targets(engine: Engine, rows: list[dict], *, period: Period, actor: str, seen_version: int,
                 scope: Scope) -> Saved:  # fmt: skip
    """Make ``rows`` (dicts with EDIT_COLUMNS; ``target_id`` None for a new row) the targets of ``period``
    that ``scope`` sees; the rows it does not see stay as they are (module docstring: Scope)."""
    _check_period(period)
    with audited_write(engine, actor=actor, action="targets_save", tables=("targets",),
                       details={"period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                                "rows": len(rows)}) as writer:  # fmt: skip
        _lock_and_check(writer, seen_version)
        rows = [_clean(r) for r in rows]
        owners, known_regions = _dimensions(writer)
        problems = validate(rows, owners, known_regions)
        if problems:
            raise InvalidTargets(problems)
        every = {r["target_id"]: r for r in writer.query(
            select(targets).where(targets.c.period_start == period.start, targets.c.period_end == period.end))}
        current = {i: r for i, r in every.items() if _visible(r, scope, owners)}
        kept = {r["target_id"] for r in rows if r["target_id"] is not None}
        if hidden := sorted(kept & (set(every) - set(current))):
            raise WriteRefused(Message("targets.refused.hidden", "Target(s) {ids} belong to regions you do not "
                                       "see; nothing was saved. Reload the page and edit again.",
                                       ids=", ".join(map(str, hidden))))  # fmt: skip
        if unknown := sorted(kept - set(every)):
            raise WriteRefused(Message("targets.refused.unknown", "Target(s) {ids} are not targets of {start} to "
                                       "{end}; reload the page and edit again.", ids=", ".join(map(str, unknown)),
                                       start=period.start, end=period.end))  # fmt: skip
        outside = []  # rows (1-based) that would create or change a target the reader may not write
        for i, row in enumerate(rows):
            before = current.get(row["target_id"])
            changed = before is None or any(_differs(before[c], row[c]) for c in STORED)
            if changed and not (_writable(row, scope, owners) and (before is None or _writable(before, scope, owners))):
                outside.append(i + 1)
        deleted = [i for i in current if i not in kept]
        if outside or (removed := [i for i in deleted if not _writable(current[i], scope, owners)]):
            raise WriteRefused(_outside(outside, [] if outside else removed))
        for target_id in deleted:
            writer.delete("targets", {"target_id": target_id})
        updated = 0
        for row in rows:
            if row["target_id"] is None:
                continue
            values = {c: row[c] for c in STORED}
            before = current[row["target_id"]]
            if any(_differs(before[c], values[c]) for c in STORED):
                writer.update("targets", {"target_id": row["target_id"]}, values)
                updated += 1
        new = [r for r in rows if r["target_id"] is None]
        _insert(writer, new, period)
    return Saved(len(new), updated, len(deleted))


def _outside(rows: list[int], deleted: list[int]) -> Message:
    if rows:
        return Message("targets.refused.outside_rows", "Row(s) {rows} change a target outside your regions (a "
                       "company-wide target or another region's); nothing was saved. Only someone who sees every "
                       "region can change those.", rows=", ".join(map(str, rows)))  # fmt: skip
    return Message("targets.refused.outside_deleted", "Removing target(s) {ids} would change a target outside your "
                   "regions (a company-wide target binds every region); nothing was saved. Only someone who sees "
                   "every region can remove them.", ids=", ".join(map(str, deleted)))  # fmt: skip


def _region(row: dict, owners: dict[int, int]) -> int | None:
    """The region a target belongs to: its own, or its collector's; None for a company-wide target."""
    return owners.get(row["collector_id"]) if row.get("collector_id") is not None else row.get("region_id")


def _writable(row: dict, scope: Scope, owners: dict[int, int]) -> bool:
    """Whether a reader with ``scope`` may create, change or remove this target."""
    return scope.regions is None or _region(row, owners) in scope.regions


def _visible(row: dict, scope: Scope, owners: dict[int, int]) -> bool:
    """Whether a reader with ``scope`` sees this target (the targets table's read rule)."""
    return _writable(row, scope, owners) or (row.get("collector_id") is None and row.get("region_id") is None)


def copy_to_next_period(engine: Engine, period: Period, *, actor: str, seen_version: int,
                        scope: Scope) -> tuple[Period, int]:  # fmt: skip
    """Copy the targets of ``period`` that ``scope`` may write to the next period of its kind, leaving any
    target the next period already sets as it is; returns (next period, rows copied). Refused when there is
    nothing to copy."""
    _check_period(period)
    target = next_period(period)
    with audited_write(engine, actor=actor, action="targets_copy", tables=("targets",),
                       details={"from": period.start.isoformat(), "to": target.start.isoformat()}) as writer:  # fmt: skip
        _lock_and_check(writer, seen_version)
        import polars as pl

        def read(p: Period) -> pl.DataFrame:
            found = writer.query(select(targets).where(targets.c.period_start == p.start,
                                                       targets.c.period_end == p.end))  # fmt: skip
            return pl.DataFrame(found, schema={c.name: _polars_type(c.name) for c in targets.columns}, orient="row")

        owners, _ = _dimensions(writer)
        source = read(period)
        mine = source.filter(pl.Series([_writable(r, scope, owners) for r in source.iter_rows(named=True)],
                                       dtype=pl.Boolean))  # fmt: skip
        rows = copied_rows(mine, read(target))
        if not rows:
            raise WriteRefused(Message("targets.refused.nothing_to_copy", "Nothing to copy: {start} to {end} has no "
                                       "targets you may copy that {next_start} to {next_end} does not already set.",
                                       start=period.start, end=period.end, next_start=target.start,
                                       next_end=target.end))  # fmt: skip
        _insert(writer, [_clean(r) for r in rows], target)
    return target, len(rows)


def _polars_type(name: str):  # noqa: ANN202 - a Polars type
    import polars as pl

    return {"target_id": pl.Int64, "collector_id": pl.Int64, "region_id": pl.Int64, "value_cents": pl.Int64,
            "period_start": pl.Date, "period_end": pl.Date, "value": pl.Float64}.get(name, pl.String)  # fmt: skip


def _check_period(period: Period) -> None:
    if kind_of(period) is None:
        raise WriteRefused(Message("targets.refused.period", "{start} to {end} is not a calendar month, quarter or "
                                   "year; targets are set per month, quarter or year.", start=period.start,
                                   end=period.end))  # fmt: skip


def _lock_and_check(writer: Writer, seen_version: int) -> None:
    for name in ("audit_log", "targets"):
        found = writer.query(select(table_versions.c.table_name, table_versions.c.version)
                             .where(table_versions.c.table_name == name).with_for_update())  # fmt: skip
        if name == "targets" and found and found[0]["version"] != seen_version:
            raise WriteRefused(Message("targets.refused.stale", "The targets were changed by someone else since you "
                                       "opened them (version {seen}, now {now}); nothing was saved. Reload the "
                                       "page, check their changes and edit again.", seen=seen_version,
                                       now=found[0]["version"]))  # fmt: skip


def _dimensions(writer: Writer) -> tuple[dict[int, int], set[int]]:
    owners = {r["collector_id"]: r["region_id"] for r in writer.query(select(collectors.c.collector_id,
                                                                             collectors.c.region_id))}  # fmt: skip
    return owners, {r["region_id"] for r in writer.query(select(regions.c.region_id))}


def _clean(row: dict) -> dict:
    """The stored fields of an edited row: blanks as None, ids and cents as integers, text trimmed."""
    out = {c: row.get(c) for c in EDIT_COLUMNS}
    for name in ("target_id", "region_id", "collector_id", "value_cents"):
        value = out[name]
        if value is None or value != value:  # None or NaN
            out[name] = None
        elif name != "value_cents" or float(value) == int(value):
            out[name] = int(value)
    value = out["value"]
    out["value"] = None if value is None or value != value else float(value)
    for name in ("tier", "owner", "rationale", "target_type"):
        text = out[name]
        out[name] = None if text is None or (isinstance(text, float) and text != text) else str(text).strip() or None
    out["rationale"] = out["rationale"] or ""
    # A collector's region is implied by the collector: keep the row's level the collector's.
    return out


def _differs(before: object, after: object) -> bool:
    if isinstance(before, (int, float)) or isinstance(after, (int, float)):
        try:
            return abs(float(before) - float(after)) > 1e-9  # type: ignore[arg-type]
        except TypeError:
            return before is not after
    return (before or None) != (after or None)


def _insert(writer: Writer, rows: list[dict], period: Period) -> None:
    next_id = (writer.query(select(func.max(targets.c.target_id).label("top")))[0]["top"] or 0) + 1
    for row in rows:
        writer.insert("targets", {"target_id": next_id, **{c: row[c] for c in STORED},
                                  "period_start": period.start, "period_end": period.end})  # fmt: skip
        next_id += 1
