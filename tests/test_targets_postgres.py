"""Targets and appeals on PostgreSQL and SQLite: the same steps give the same rows and the same audit trail,
a refused save or filing writes nothing on either, and the second of two saves from the same view is refused."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, text

from data_access.db.audit import verify_chain
from data_access.db.engine import migrate, open_engine
from data_access.db.store import Scope
from data_access.db.writes import WriteRefused, audited_write
from data_access.metrics.recovery import Period
from data_access.services.appeals import decide_appeal, file_appeal
from data_access.services.targets import InvalidTargets, copy_to_next_period, save_targets
from tests.test_postgres import fresh_postgres  # noqa: F401 - the fixture: an empty migrated database

Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
EVERYONE = Scope.everything()


def team(engine: Engine) -> Engine:
    """Regions 1 and 2 with collectors 1 (region 1) and 2 (region 2)."""
    with audited_write(engine, actor="test", action="setup", tables=("regions", "collectors")) as w:
        for r in (1, 2):
            w.insert("regions", {"region_id": r, "name": f"R{r}", "name_zh": f"区{r}"})
            w.insert("collectors", {"collector_id": r, "name": f"C{r}", "region_id": r, "level": "senior",
                                    "hire_date": date(2020, 1, 1), "capacity": 100, "active": True})  # fmt: skip
    return engine


def version(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT version FROM table_versions WHERE table_name = 'targets'")).scalar()


def row(metric: str, value: float | None, **fields) -> dict:
    return {"target_id": None, "target_type": metric, "tier": None, "region_id": None, "collector_id": None,
            "value": value, "value_cents": None, "owner": "Wang Li", "rationale": "", **fields}  # fmt: skip


def scenario(engine: Engine) -> tuple:
    """Save, refuse, copy, file, decide: what the database holds afterwards."""
    save_targets(engine, [row("recovery_overall", 0.8, region_id=1), row("recovery_overall", 0.85, collector_id=1),
                          row("amount_recovered", None, value_cents=1_000_000_01),
                          row("recovery_rate", 0.9, tier="1-30")], period=Q3, actor="m", seen_version=version(engine), scope=EVERYONE)
    with pytest.raises(InvalidTargets):
        save_targets(engine, [row("recovery_overall", 0.7, collector_id=1), row("recovery_overall", 0.8, region_id=1)],
                     period=Q3, actor="m", seen_version=version(engine), scope=EVERYONE)  # fmt: skip
    copy_to_next_period(engine, Q3, actor="m", seen_version=version(engine), scope=EVERYONE)
    appeal = file_appeal(engine, collector_id=2, period=Q3, measures=["recovery_rate"], reason="misattributed",
                         evidence="slip", filed_on=date(2026, 10, 3), actor="c2", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="closed on 2026-10-10"):
        file_appeal(engine, collector_id=1, period=Q3, measures=["score"], reason="late", evidence="",
                    filed_on=date(2026, 10, 12), actor="c1", window_days=10)  # fmt: skip
    decide_appeal(engine, appeal, decision="upheld", note="checked", decided_on=date(2026, 10, 9), actor="m",
                  corrected_measure="recovery_rate", corrected_value=0.75)  # fmt: skip
    with engine.connect() as connection:
        targets = connection.execute(text(
            "SELECT target_type, tier, region_id, collector_id, period_start, period_end, value, value_cents, owner "
            "FROM targets ORDER BY target_id")).all()  # fmt: skip
        appeals = connection.execute(text(
            "SELECT collector_id, status, metrics, evidence, decided_on, decision_note, corrected_metric, "
            "corrected_value, filed_by, decided_by FROM appeals")).all()  # fmt: skip
        actions = [r[0] for r in connection.execute(text("SELECT action FROM audit_log ORDER BY audit_id"))]
    assert verify_chain(engine).ok
    return [tuple(map(plain, r)) for r in targets], [tuple(map(plain, r)) for r in appeals], actions


def plain(value: object) -> object:
    """A value as both engines' raw rows can be compared: dates as ISO text (SQLite's), numerics as floats."""
    if isinstance(value, date):
        return value.isoformat()
    return float(value) if hasattr(value, "as_tuple") else value  # Decimal from PostgreSQL


def test_the_same_steps_give_the_same_rows_on_both_engines(fresh_postgres, empty_sqlite_url) -> None:  # noqa: F811
    sqlite = open_engine(empty_sqlite_url)
    migrate(sqlite)
    on_pg, on_sqlite = scenario(team(fresh_postgres)), scenario(team(sqlite))
    assert on_pg == on_sqlite
    targets, appeals, actions = on_pg
    assert len(targets) == 8 and targets[2][7] == 1_000_000_01  # the amount exact to the cent
    assert appeals == [(2, "upheld", "recovery_rate", "slip", "2026-10-09", "checked", "recovery_rate", 0.75,
                        "c2", "m")]  # fmt: skip
    assert actions == ["setup", "targets_save", "targets_copy", "appeal_file", "appeal_upheld"]


def test_the_second_save_from_the_same_view_is_refused(fresh_postgres) -> None:  # noqa: F811
    engine = team(fresh_postgres)
    seen = version(engine)
    save_targets(engine, [row("kept_rate", 0.7)], period=Q3, actor="a", seen_version=seen, scope=EVERYONE)
    with pytest.raises(WriteRefused, match="changed by someone else"):
        save_targets(engine, [row("kept_rate", 0.6)], period=Q3, actor="b", seen_version=seen, scope=EVERYONE)
    with engine.connect() as connection:
        assert [float(v) for v in connection.execute(text("SELECT value FROM targets")).scalars()] == [0.7]
