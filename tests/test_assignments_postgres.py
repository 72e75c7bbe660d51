"""Two batches over the same case at once on PostgreSQL: one lands, the other is refused, nothing is lost.

A batch locks the version rows of audit_log and assignments before it reads the cases' open
assignments (data_access/services/assignments.py), so a second batch waits for the first to commit,
then sees the case with its new owner and is refused as stale: there is never a second open
assignment, and the audit chain records exactly the batches that landed.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import event, text

from data_access.db.audit import verify_chain
from data_access.db.engine import open_engine
from data_access.db.writes import audited_write
from data_access.services.assignments import Handover, StaleMoves, apply_moves
from tests.test_postgres import fresh_postgres  # noqa: F401 - the fixture: an empty migrated database

DAY = date(2026, 11, 2)


@pytest.fixture
def team(fresh_postgres):  # noqa: F811
    """Region 1, collectors 1-3 (active), debtors 1-2 both with collector 1 (assignments 1 and 2)."""
    with audited_write(fresh_postgres, actor="test", action="setup",
                       tables=("regions", "collectors", "debtors", "assignments")) as w:  # fmt: skip
        w.insert("regions", {"region_id": 1, "name": "East", "name_zh": "华东"})
        for c in (1, 2, 3):
            w.insert("collectors", {"collector_id": c, "name": f"C{c}", "region_id": 1, "level": "senior",
                                    "hire_date": date(2020, 1, 1), "capacity": 100, "active": True})  # fmt: skip
        for d in (1, 2):
            w.insert("debtors", {"debtor_id": d, "name": f"Debtor {d}", "industry": "Retail", "region_id": 1,
                                 "credit_limit_cents": 0})  # fmt: skip
            w.insert("assignments", {"assignment_id": d, "debtor_id": d, "collector_id": 1,
                                     "start_date": date(2026, 1, 1)})  # fmt: skip
    return fresh_postgres


def open_rows(engine, debtor_id: int) -> list[tuple]:
    with engine.connect() as connection:
        return connection.execute(text("SELECT assignment_id, collector_id FROM assignments WHERE debtor_id = :d "
                                       "AND end_date IS NULL"), {"d": debtor_id}).all()  # fmt: skip


def test_the_second_of_two_overlapping_batches_waits_then_is_refused(team) -> None:
    slow = open_engine(team.url.render_as_string(hide_password=False))

    @event.listens_for(slow, "after_cursor_execute")
    def hold_the_locks(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if "FROM assignments" in statement and "FOR UPDATE" in statement:
            time.sleep(1.5)  # batch A holds its locks while batch B arrives

    results: dict[str, object] = {}

    def batch(name: str, engine, to: int) -> None:  # noqa: ANN001
        try:
            results[name] = apply_moves(engine, [Handover(1, to, 1, 1, f"test {name}")], actor=name, effective=DAY)
        except StaleMoves as refusal:
            results[name] = refusal

    first = threading.Thread(target=batch, args=("A", slow, 2))
    first.start()
    time.sleep(0.5)  # A has its locks and is sleeping inside its transaction
    started = time.perf_counter()
    batch("B", team, 3)
    waited = time.perf_counter() - started
    first.join()
    slow.dispose()
    assert results["A"].moves == 1  # type: ignore[union-attr]
    assert isinstance(results["B"], StaleMoves) and results["B"].debtor_ids == [1]
    assert "Debtor 1 (#1, now with C2)" in str(results["B"])
    assert waited > 0.5, "B did not wait for A's transaction"
    assert open_rows(team, 1) == [(3, 2)]  # A's assignment, and only one open
    verdict = verify_chain(team)
    assert verdict.ok and verdict.entries == 2  # setup + A


def test_concurrent_batches_over_one_case_land_one_at_a_time_and_lose_nothing(team) -> None:
    landed = 0
    for round_ in range(5):
        (expected, owner), = open_rows(team, 2)
        targets = [c for c in (1, 2, 3) if c != owner]
        barrier = threading.Barrier(2)

        def batch(to: int, e=expected, o=owner):  # noqa: ANN001, ANN202
            barrier.wait()
            try:
                return apply_moves(team, [Handover(2, to, o, e, "race")], actor=f"round {round_}", effective=DAY)
            except StaleMoves as refusal:
                return refusal

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(batch, targets))
        winners = [t for t, o in zip(targets, outcomes, strict=True) if not isinstance(o, StaleMoves)]
        assert len(winners) == 1, outcomes
        landed += 1
        assert [row[1] for row in open_rows(team, 2)] == winners
    with team.connect() as connection:
        rows = connection.execute(text("SELECT count(*) FROM assignments WHERE debtor_id = 2")).scalar()
    assert rows == 1 + landed
    verdict = verify_chain(team)
    assert verdict.ok and verdict.entries == 1 + landed
