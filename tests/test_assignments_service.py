"""Applying and undoing moves through the write door, on a private copy of the demo database.

A batch ends the old assignments and starts the new ones on the move date, in one audited
transaction; anything wrong (a collector that does not exist, a case that changed owner, a date that
would rewrite history) refuses the whole batch and leaves the database exactly as it was. An undo is
a new batch; past periods' league figures do not move.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text

from data_access.book.portfolio import load_portfolio
from data_access.db.audit import verify_chain
from data_access.db.store import Scope, Store
from data_access.metrics import appraisal, asof, workload
from data_access.metrics.recovery import Period
from data_access.metrics.targets import recovery_targets
from data_access.rebalance.model import Constraints
from data_access.rebalance.suggest import suggest
from data_access.db.writes import WriteRefused
from data_access.services.assignments import Handover, StaleMoves, apply_moves, handovers, undo_batch
from data_access.settings import load_settings
from tests.conftest import DEMO_END

MOVE_DAY = date(2026, 11, 2)
# The test demo has one collector per region, so its suggestions move cases across regions.
ACROSS = Constraints(max_moves=12, cross_region=True, min_days=0)


def snapshot(store: Store) -> tuple:
    """Everything a refused batch must leave as it was."""
    with store.engine.connect() as connection:
        return (connection.execute(text("SELECT * FROM assignments ORDER BY assignment_id")).all(),
                connection.execute(text("SELECT audit_id, hash FROM audit_log ORDER BY audit_id")).all(),
                connection.execute(text("SELECT * FROM table_versions ORDER BY table_name")).all())  # fmt: skip


def load(store: Store, as_of: date = DEMO_END):
    book = load_portfolio(store, Scope.everything())
    rules = workload.LoadRules.from_settings(load_settings({"DATABASE_URL": "sqlite://"}))
    state, dims = asof.invoice_state(book, as_of, rules.buckets), asof.debtor_dimensions(book, as_of)
    cases = workload.open_cases(state, dims, book.assignments, as_of, rules)
    return book, cases, workload.collector_load(cases, book, rules)


def owners(store: Store, day: date) -> dict[int, int]:
    dims = asof.debtor_dimensions(load_portfolio(store, Scope.everything()), day)
    return dict(dims.select("debtor_id", "collector_id").iter_rows())


@pytest.fixture
def store(demo_copy_url) -> Store:
    return Store(demo_copy_url)


@pytest.fixture
def proposed(store):
    _book, cases, collectors = load(store)
    found = suggest(cases, collectors, ACROSS, DEMO_END)
    assert found.moves.height == 12
    return found.moves


def test_a_batch_ends_the_old_assignments_and_starts_the_new_ones_in_one_audited_write(store, proposed) -> None:
    before_owners = owners(store, DEMO_END)
    versions = dict(snapshot(store)[2])
    applied = apply_moves(store.engine, handovers(proposed), actor="wang.li", effective=MOVE_DAY,
                          details={"imbalance_before": 0.5})  # fmt: skip
    assert applied.moves == 12 and applied.batch_id.startswith("RB-20261102-")
    with store.engine.connect() as connection:
        rows = connection.execute(text("SELECT assignment_id, debtor_id, collector_id, start_date, end_date, reason "
                                       "FROM assignments WHERE batch_id = :b ORDER BY debtor_id"),
                                  {"b": applied.batch_id}).all()  # fmt: skip
        ended = dict(connection.execute(text("SELECT assignment_id, end_date FROM assignments WHERE assignment_id IN "
                                             f"({','.join(str(a) for a in proposed['assignment_id'])})")).all())
        entry = connection.execute(text("SELECT actor, action, tables, details, changes FROM audit_log "
                                        "ORDER BY audit_id DESC LIMIT 1")).one()  # fmt: skip
    expected = proposed.sort("debtor_id")
    assert [(r.debtor_id, r.collector_id, r.start_date, r.end_date, r.reason) for r in rows] == [
        (m["debtor_id"], m["to_collector_id"], "2026-11-02", None, m["reason"]) for m in expected.iter_rows(named=True)]
    assert set(ended.values()) == {"2026-11-02"}
    # One audit entry holding every row before and after, and the batch's details.
    assert (entry.actor, entry.action, entry.tables) == ("wang.li", "assignments_rebalance", "assignments")
    details, changes = json.loads(entry.details), json.loads(entry.changes)
    assert details == {"batch_id": applied.batch_id, "kind": "rebalance", "effective": "2026-11-02", "moves": 12,
                       "imbalance_before": 0.5}  # fmt: skip
    updates = [c for c in changes if c["op"] == "update"]
    inserts = [c for c in changes if c["op"] == "insert"]
    assert len(updates) == len(inserts) == 12
    assert {(c["before"]["end_date"], c["after"]["end_date"]) for c in updates} == {(None, "2026-11-02")}
    assert verify_chain(store.engine).ok and verify_chain(store.engine).entries == 2
    after_versions = dict(snapshot(store)[2])
    assert {k: after_versions[k] - versions[k] for k in versions if after_versions[k] != versions[k]} == {
        "assignments": 1, "audit_log": 1}
    # From the move date the new owners hold the cases; before it, the old ones still do.
    moved = dict(proposed.select("debtor_id", "to_collector_id").iter_rows())
    assert {d: owners(store, MOVE_DAY)[d] for d in moved} == moved
    assert owners(store, DEMO_END) == before_owners


def refused(store: Store, moves: list[Handover], *, effective: date = MOVE_DAY) -> str:
    state = snapshot(store)
    with pytest.raises(WriteRefused) as refusal:
        apply_moves(store.engine, moves, actor="wang.li", effective=effective)
    assert snapshot(store) == state, "a refused batch changed the database"
    return str(refusal.value)


def test_a_batch_with_one_bad_move_writes_nothing(store, proposed) -> None:
    moves = handovers(proposed)
    bad = Handover(moves[-1].debtor_id, 999, moves[-1].from_collector_id, moves[-1].assignment_id, "test")
    assert refused(store, [*moves[:-1], bad]) == "Collector(s) [999] do not exist; pick collectors from the list."
    assert refused(store, moves, effective=date(2000, 1, 1)).startswith("The move date 2000-01-01 is before debtor #")
    assert refused(store, []).startswith("There are no moves to apply")
    assert "appears in more than one move" in refused(store, [moves[0], moves[0]])
    same = Handover(moves[0].debtor_id, moves[0].from_collector_id, moves[0].from_collector_id, moves[0].assignment_id,
                    "test")  # fmt: skip
    assert "is already with collector" in refused(store, [same])
    wordy = Handover(moves[0].debtor_id, moves[0].to_collector_id, moves[0].from_collector_id, moves[0].assignment_id,
                     "x" * 201)  # fmt: skip
    assert "must be 1 to 200 characters" in refused(store, [wordy])


def test_a_case_that_changed_owner_since_the_suggestion_refuses_the_batch(store, proposed) -> None:
    first = proposed.row(0, named=True)
    elsewhere = next(c for c in load(store)[2]["collector_id"] if c not in (first["from_collector_id"],
                                                                            first["to_collector_id"]))  # fmt: skip
    apply_moves(store.engine, [Handover(first["debtor_id"], elsewhere, first["from_collector_id"],
                                        first["assignment_id"], "Manual: asked by the client")],
                actor="zhang.wei", effective=MOVE_DAY, kind="manual")  # fmt: skip
    state = snapshot(store)
    with pytest.raises(StaleMoves) as refusal:
        apply_moves(store.engine, handovers(proposed), actor="wang.li", effective=MOVE_DAY)
    assert refusal.value.debtor_ids == [first["debtor_id"]]
    assert str(refusal.value).startswith(f"1 case(s) changed owner since the moves were proposed: {first['debtor']} "
                                         f"(#{first['debtor_id']}, now with ")  # fmt: skip
    assert str(refusal.value).endswith("Nothing was applied; make a new suggestion (or pick the cases again).")
    assert snapshot(store) == state


def test_undo_puts_every_case_back_with_its_previous_owner_as_a_new_batch(store, proposed) -> None:
    original = owners(store, DEMO_END)
    applied = apply_moves(store.engine, handovers(proposed), actor="wang.li", effective=MOVE_DAY)
    undone = undo_batch(store.engine, applied.batch_id, actor="wang.li", effective=MOVE_DAY)
    assert undone.batch_id.startswith("UN-") and undone.moves == 12
    assert owners(store, MOVE_DAY) == original  # the same day: the batch's own assignments covered no day
    with store.engine.connect() as connection:
        reasons = connection.execute(text("SELECT DISTINCT reason FROM assignments WHERE batch_id = :b"),
                                     {"b": undone.batch_id}).scalars().all()  # fmt: skip
        entry = connection.execute(text("SELECT action, details FROM audit_log ORDER BY audit_id DESC LIMIT 1")).one()
    assert reasons == [f"Undo of batch {applied.batch_id}"]
    assert entry.action == "assignments_undo" and json.loads(entry.details)["undo_of"] == applied.batch_id
    assert verify_chain(store.engine).entries == 3
    state = snapshot(store)
    with pytest.raises(WriteRefused, match=f"Batch {applied.batch_id} was already undone by batch {undone.batch_id}"):
        undo_batch(store.engine, applied.batch_id, actor="wang.li", effective=MOVE_DAY)
    with pytest.raises(WriteRefused, match="There is no batch 'RB-nothing'"):
        undo_batch(store.engine, "RB-nothing", actor="wang.li", effective=MOVE_DAY)
    assert snapshot(store) == state
    # An undo can itself be undone: the moves come back.
    redo = undo_batch(store.engine, undone.batch_id, actor="wang.li", effective=date(2026, 11, 3))
    moved = dict(proposed.select("debtor_id", "to_collector_id").iter_rows())
    assert redo.moves == 12 and {d: owners(store, date(2026, 11, 3))[d] for d in moved} == moved


def test_undo_is_refused_when_a_case_of_the_batch_moved_since(store, proposed) -> None:
    applied = apply_moves(store.engine, handovers(proposed), actor="wang.li", effective=MOVE_DAY)
    first = proposed.row(0, named=True)
    with store.engine.connect() as connection:
        current = connection.execute(text("SELECT assignment_id FROM assignments WHERE debtor_id = :d AND end_date "
                                          "IS NULL"), {"d": first["debtor_id"]}).scalar()  # fmt: skip
    apply_moves(store.engine, [Handover(first["debtor_id"], first["from_collector_id"], first["to_collector_id"],
                                        current, "Manual: back")], actor="zhang.wei", effective=date(2026, 11, 5),
                kind="manual")  # fmt: skip
    state = snapshot(store)
    with pytest.raises(StaleMoves, match=rf"1 case\(s\) changed owner since batch {applied.batch_id} was applied: "
                                         rf"{first['debtor']} \(#{first['debtor_id']}"):  # fmt: skip
        undo_batch(store.engine, applied.batch_id, actor="wang.li", effective=date(2026, 11, 6))
    assert snapshot(store) == state


def league(store: Store, period: Period) -> pl.DataFrame:
    book = load_portfolio(store, Scope.everything())
    s = load_settings({"DATABASE_URL": "sqlite://"})
    tables = {n: store.read(n, Scope.everything()) for n in (
        "collection_actions", "promises", "satisfaction_surveys", "escalations", "compliance_incidents", "appeals",
        "targets")}  # fmt: skip
    targets = appraisal.Targets(recovery=recovery_targets(tables["targets"], period, s.recovery_targets))
    return appraisal.league_table(book, tables, period, DEMO_END, targets, s.promise_grace_days,
                                  appraisal.settlements(book))  # fmt: skip


def test_past_periods_keep_crediting_cash_to_the_owner_at_the_time(store, proposed) -> None:
    quarter, month = Period(date(2026, 7, 1), date(2026, 9, 30)), Period(date(2026, 10, 1), DEMO_END)
    before = {p: league(store, p) for p in (quarter, month)}
    book = load_portfolio(store, Scope.everything())
    _segments, cash = appraisal.recovery_by_collector(book, quarter)
    moved = proposed["debtor_id"].implode()
    credited = cash.filter(pl.col("debtor_id").is_in(moved))
    assert credited["credited_cents"].sum() > 0, "the moved cases had cash in the quarter: the test means something"
    apply_moves(store.engine, handovers(proposed), actor="wang.li", effective=MOVE_DAY)
    for period, table in before.items():
        after = league(store, period)
        # Cents, counts, ranks and words exactly; ratios to 1e-12 (a sum of floats may add up in another
        # order once the assignments frame has more rows: the last digit of a blended target can differ).
        # (The pivot of the tiers may order its columns differently: compare by name.)
        exact = sorted(c for c, t in table.schema.items() if not t.is_float())
        assert after.select(exact).equals(table.select(exact))
        assert_frame_equal(after, table, check_exact=False, rel_tol=1e-12, abs_tol=1e-12, check_column_order=False)
    _segments, cash_after = appraisal.recovery_by_collector(load_portfolio(store, Scope.everything()), quarter)
    assert cash_after.filter(pl.col("debtor_id").is_in(moved)).sort("invoice_id", "date").equals(
        credited.sort("invoice_id", "date"))  # fmt: skip
