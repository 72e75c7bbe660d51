"""Saving targets and deciding appeals through the write door, on a private copy of the demo database.

A refused save or filing leaves the database exactly as it was (rows, audit chain, versions); every
accepted step is one entry of the audit chain. An upheld appeal changes the collector's score and rank
for that period in the league table, with the original beside it.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from sqlalchemy import text

from data_access.book.portfolio import load_portfolio
from data_access.db.audit import verify_chain
from data_access.db.store import Scope, Store
from data_access.db.writes import WriteRefused
from data_access.metrics import appraisal
from data_access.metrics.recovery import Period
from data_access.metrics.targets import in_period, recovery_targets
from data_access.services.appeals import decide_appeal, file_appeal
from data_access.services.targets import InvalidTargets, copy_to_next_period, save_targets
from data_access.settings import load_settings

Q4 = Period(date(2026, 10, 1), date(2026, 12, 31))
Q3 = Period(date(2026, 7, 1), date(2026, 9, 30))
AS_OF = date(2026, 10, 31)  # the tests' demo ends here
EVERYONE = Scope.everything()  # an administrator's edit: every region


@pytest.fixture
def store(demo_copy_url: str) -> Store:
    return Store(demo_copy_url)


def snapshot(store: Store) -> tuple:
    with store.engine.connect() as connection:
        return tuple(connection.execute(text(q)).all() for q in (
            "SELECT * FROM targets ORDER BY target_id", "SELECT * FROM appeals ORDER BY appeal_id",
            "SELECT audit_id, hash FROM audit_log ORDER BY audit_id", "SELECT * FROM table_versions ORDER BY 1"))


def version(store: Store) -> int:
    return store.versions()["targets"]


def first_collector(store: Store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        return tuple(connection.execute(text("SELECT collector_id, region_id FROM collectors ORDER BY 1")).first())


def row(metric: str = "recovery_overall", value: float | None = 0.8, **fields) -> dict:
    return {"target_id": None, "target_type": metric, "tier": None, "region_id": None, "collector_id": None,
            "value": value, "value_cents": None, "owner": "Wang Li", "rationale": "", **fields}  # fmt: skip


def test_a_save_is_one_audited_write_of_inserts_updates_and_deletes(store: Store) -> None:
    collector, region = first_collector(store)
    saved = save_targets(store.engine, [row(region_id=region, value=0.8), row(collector_id=collector, value=0.85),
                                        row("amount_recovered", None, value_cents=123_456_78)],
                         period=Q4, actor="wang.li", seen_version=version(store), scope=EVERYONE)  # fmt: skip
    assert (saved.inserted, saved.updated, saved.deleted) == (3, 0, 0)
    table = store.read("targets", Scope.everything()).filter(pl.col("period_start") == Q4.start)
    assert sorted(table["value_cents"].drop_nulls().to_list()) == [123_456_78]
    assert set(table["owner"]) == {"Wang Li"}
    # Edit one, drop one, keep one: one more audit entry with the before and after of each row.
    kept = table.sort("target_id").to_dicts()
    edited = [{**kept[0], "value": 0.82}, kept[2]]
    saved = save_targets(store.engine, edited, period=Q4, actor="wang.li", seen_version=version(store), scope=EVERYONE)
    assert (saved.inserted, saved.updated, saved.deleted) == (0, 1, 1)
    with store.engine.connect() as connection:
        last = connection.execute(text("SELECT actor, action, changes FROM audit_log ORDER BY audit_id DESC")).first()
    assert (last[0], last[1]) == ("wang.li", "targets_save")
    assert sorted(c["op"] for c in json.loads(last[2])) == ["delete", "update"]
    assert verify_chain(store.engine).ok


@pytest.mark.parametrize(("bad", "expected"), [
    (row(value=1.5), "A rate must be between 0 and 100 %; got 150 %."),
    (row("amount_recovered", None, value_cents=-100), "An amount target needs an amount of 0 or more"),
    (row(owner=""), "Name the owner"),
])  # fmt: skip
def test_an_invalid_row_saves_nothing(store: Store, bad: dict, expected: str) -> None:
    before = snapshot(store)
    with pytest.raises(InvalidTargets, match="nothing was saved") as refused:
        save_targets(store.engine, [row("kept_rate", 0.7), bad], period=Q4, actor="wang.li",
                     seen_version=version(store), scope=EVERYONE)  # fmt: skip
    assert [(p.row, p.message.startswith(expected)) for p in refused.value.problems] == [(1, True)]
    assert snapshot(store) == before


def test_duplicates_and_a_looser_collector_are_refused(store: Store) -> None:
    collector, region = first_collector(store)
    before = snapshot(store)
    with pytest.raises(InvalidTargets) as refused:
        save_targets(store.engine, [row(region_id=region, value=0.8), row(collector_id=collector, value=0.7),
                                    row(region_id=region, value=0.9)], period=Q4, actor="wang.li",
                     seen_version=version(store), scope=EVERYONE)  # fmt: skip
    assert [p.row for p in refused.value.problems] == [2, 1]
    assert snapshot(store) == before


def test_a_save_over_someone_elses_edit_is_refused(store: Store) -> None:
    seen = version(store)
    save_targets(store.engine, [row()], period=Q4, actor="a", seen_version=seen, scope=EVERYONE)
    before = snapshot(store)
    with pytest.raises(WriteRefused, match="changed by someone else since you opened them"):
        save_targets(store.engine, [row(value=0.5)], period=Q4, actor="b", seen_version=seen, scope=EVERYONE)
    assert snapshot(store) == before


def test_a_period_that_is_not_a_calendar_period_is_refused(store: Store) -> None:
    with pytest.raises(WriteRefused, match="not a calendar month, quarter or year"):
        save_targets(store.engine, [row()], period=Period(date(2026, 10, 5), date(2026, 11, 4)), actor="a",
                     seen_version=version(store), scope=EVERYONE)  # fmt: skip


def test_copy_to_the_next_period(store: Store) -> None:
    save_targets(store.engine, [row(), row("kept_rate", 0.7)], period=Q4, actor="a", seen_version=version(store), scope=EVERYONE)
    nxt, copied = copy_to_next_period(store.engine, Q4, actor="a", seen_version=version(store), scope=EVERYONE)
    assert (nxt, copied) == (Period(date(2027, 1, 1), date(2027, 3, 31)), 2)
    table = store.read("targets", Scope.everything()).filter(pl.col("period_start") == nxt.start)
    assert sorted(zip(table["target_type"], table["value"], strict=True)) == [("kept_rate", 0.7),
                                                                             ("recovery_overall", 0.8)]
    before = snapshot(store)
    with pytest.raises(WriteRefused, match="Nothing to copy"):  # the next quarter already sets both
        copy_to_next_period(store.engine, Q4, actor="a", seen_version=version(store), scope=EVERYONE)
    assert snapshot(store) == before


def league(store: Store, period: Period, as_of: date = AS_OF) -> pl.DataFrame:
    s = load_settings({"DATABASE_URL": "sqlite://"})
    book = load_portfolio(store, Scope.everything())
    tables = {n: store.read(n, Scope.everything()) for n in appraisal_tables()}
    targets = appraisal.Targets(recovery=recovery_targets(tables["targets"], period, s.recovery_targets),
                                satisfaction=s.satisfaction_target, escalation_share=s.escalation_target,
                                escalation_days=s.escalation_days, kept=s.kept_target,
                                cycle_improvement=s.cycle_improvement_target, weights=s.score_weights)  # fmt: skip
    return appraisal.league_table(book, tables, period, as_of, targets, s.promise_grace_days,
                                  appraisal.settlements(book))  # fmt: skip


def appraisal_tables() -> tuple[str, ...]:
    return ("collection_actions", "promises", "satisfaction_surveys", "escalations", "compliance_incidents",
            "appeals", "targets")  # fmt: skip


def test_the_appeal_window(store: Store) -> None:
    collector, _ = first_collector(store)
    before = snapshot(store)
    with pytest.raises(WriteRefused, match=r"window for appealing 2026-07-01 to 2026-09-30 closed on 2026-10-10"):
        file_appeal(store.engine, collector_id=collector, period=Q3, measures=["score"], reason="r", evidence="",
                    filed_on=date(2026, 10, 11), actor="c", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="has not closed yet"):
        file_appeal(store.engine, collector_id=collector, period=Q3, measures=["score"], reason="r", evidence="",
                    filed_on=date(2026, 9, 30), actor="c", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="Write the reason"):
        file_appeal(store.engine, collector_id=collector, period=Q3, measures=["score"], reason=" ", evidence="",
                    filed_on=date(2026, 10, 10), actor="c", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="Name the measures contested"):
        file_appeal(store.engine, collector_id=collector, period=Q3, measures=[], reason="r", evidence="",
                    filed_on=date(2026, 10, 10), actor="c", window_days=10)  # fmt: skip
    assert snapshot(store) == before
    # The last day of the window is in it.
    file_appeal(store.engine, collector_id=collector, period=Q3, measures=["score"], reason="r", evidence="",
                filed_on=date(2026, 10, 10), actor="c", window_days=10)  # fmt: skip


def test_an_appeal_from_filing_to_an_upheld_correction_moves_the_league_table(store: Store) -> None:
    base = league(store, Q3)
    with store.engine.begin() as connection:  # the demo's own appeals against Q3 would blur the picture
        connection.execute(text("DELETE FROM appeals WHERE period_start = :s"), {"s": Q3.start})
    base = league(store, Q3)
    last = base.filter(pl.col("score").is_not_null()).sort("rank").row(-1, named=True)
    appeal_id = file_appeal(store.engine, collector_id=last["collector_id"], period=Q3,
                            measures=["recovery_rate", "score"], reason="A reassigned case was paid to me",
                            evidence="Bank slip 2026-09-12", filed_on=date(2026, 10, 5), actor="collector.x",
                            window_days=10)  # fmt: skip
    filed = league(store, Q3).filter(pl.col("collector_id") == last["collector_id"]).row(0, named=True)
    assert (filed["status"], filed["appeal"], filed["score"]) == ("under appeal", "open", last["score"])
    with pytest.raises(WriteRefused, match="already has an open appeal"):
        file_appeal(store.engine, collector_id=last["collector_id"], period=Q3, measures=["score"], reason="again",
                    evidence="", filed_on=date(2026, 10, 6), actor="collector.x", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="contests recovery_rate; score, not kept_rate"):
        decide_appeal(store.engine, appeal_id, decision="upheld", note="", decided_on=date(2026, 10, 20),
                      actor="manager", corrected_measure="kept_rate", corrected_value=0.9)  # fmt: skip
    decide_appeal(store.engine, appeal_id, decision="upheld", note="Payment was misattributed",
                  decided_on=date(2026, 10, 20), actor="manager", corrected_measure="score", corrected_value=100.0)
    after = league(store, Q3)
    mine = after.filter(pl.col("collector_id") == last["collector_id"]).row(0, named=True)
    assert (mine["score"], mine["rank"], mine["appeal"], mine["status"]) == (100.0, 1, "upheld", "appeal upheld")
    assert (mine["original_score"], mine["original_rank"]) == (last["score"], last["rank"])
    # Everyone who was ahead moves down one place; before the decision date the table is as it was.
    others = after.filter(pl.col("collector_id") != last["collector_id"]).select("collector_id", "rank", "original_rank")
    assert all(r == o + 1 for _, r, o in others.iter_rows() if o is not None and o < last["rank"])
    assert league(store, Q3, date(2026, 10, 19)).filter(pl.col("collector_id") == last["collector_id"])["score"].item() \
        == last["score"]  # fmt: skip
    with pytest.raises(WriteRefused, match="already decided"):
        decide_appeal(store.engine, appeal_id, decision="rejected", note="no", decided_on=date(2026, 10, 21),
                      actor="manager")  # fmt: skip
    with store.engine.connect() as connection:
        actions = [r[0] for r in connection.execute(text("SELECT action FROM audit_log ORDER BY audit_id"))]
    assert actions[-2:] == ["appeal_file", "appeal_upheld"]
    assert verify_chain(store.engine).ok


def test_a_correction_of_a_measure_recomputes_the_score_and_a_rejection_needs_a_reason(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM appeals WHERE period_start = :s"), {"s": Q3.start})
    base = league(store, Q3).filter(pl.col("score").is_not_null() & (pl.col("incidents") == 0)
                                    & (pl.col("recovery_rate") < 1)).row(0, named=True)  # fmt: skip
    first = file_appeal(store.engine, collector_id=base["collector_id"], period=Q3, measures=["recovery_rate"],
                        reason="r", evidence="", filed_on=date(2026, 10, 2), actor="c", window_days=10)  # fmt: skip
    with pytest.raises(WriteRefused, match="reason for rejecting"):
        decide_appeal(store.engine, first, decision="rejected", note="", decided_on=date(2026, 10, 3), actor="m")
    with pytest.raises(WriteRefused, match="must be between 0 and 1"):
        decide_appeal(store.engine, first, decision="upheld", note="", decided_on=date(2026, 10, 3), actor="m",
                      corrected_measure="recovery_rate", corrected_value=1.5)  # fmt: skip
    decide_appeal(store.engine, first, decision="upheld", note="", decided_on=date(2026, 10, 3), actor="m",
                  corrected_measure="recovery_rate", corrected_value=1.0)  # fmt: skip
    mine = league(store, Q3).filter(pl.col("collector_id") == base["collector_id"]).row(0, named=True)
    # Quantity is recovery ÷ its target, capped at 100: a full recovery scores 100 on quantity.
    assert mine["quantity_score"] == 100.0 and mine["recovery_rate"] == 1.0
    assert mine["original_score"] == base["score"] and mine["score"] >= base["score"]


# --- A manager scoped to some regions edits only their targets ---------------------------------------------------

def two_regions(store: Store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        found = connection.execute(text("SELECT region_id FROM regions ORDER BY 1")).all()
    return found[0][0], found[1][0]


def test_a_scoped_save_leaves_other_regions_targets_alone(store: Store) -> None:
    mine, theirs = two_regions(store)
    save_targets(store.engine, [row(region_id=mine), row(region_id=theirs), row("kept_rate", 0.7)], period=Q4,
                 actor="admin", seen_version=version(store), scope=EVERYONE)  # fmt: skip
    # The manager of the first region sees its row and the company's, raises its own to 85 % and saves.
    seen = in_period(store.read("targets", Scope.of_regions(mine)), Q4)
    assert sorted(seen["region_id"].to_list(), key=str) == [mine, None]
    edited = [{**r, "value": 0.85} if r["region_id"] == mine else r for r in seen.to_dicts()]
    saved = save_targets(store.engine, edited, period=Q4, actor="east.manager", seen_version=version(store),
                         scope=Scope.of_regions(mine))  # fmt: skip
    assert (saved.inserted, saved.updated, saved.deleted) == (0, 1, 0)
    after = in_period(store.read("targets", EVERYONE), Q4)
    assert sorted(after.select("target_type", "region_id", "value").rows(), key=str) == sorted(
        [("recovery_overall", mine, 0.85), ("recovery_overall", theirs, 0.8), ("kept_rate", None, 0.7)], key=str)


@pytest.mark.parametrize("change", ["other_region_new", "company_changed", "company_removed", "moved_out",
                                    "hidden_id"])  # fmt: skip
def test_a_scoped_save_outside_its_regions_is_refused(store: Store, change: str) -> None:
    mine, theirs = two_regions(store)
    save_targets(store.engine, [row(region_id=mine), row(region_id=theirs), row("kept_rate", 0.7)], period=Q4,
                 actor="admin", seen_version=version(store), scope=EVERYONE)  # fmt: skip
    seen = in_period(store.read("targets", Scope.of_regions(mine)), Q4).to_dicts()
    company = next(i for i, r in enumerate(seen) if r["region_id"] is None)
    own = next(i for i, r in enumerate(seen) if r["region_id"] == mine)
    hidden = in_period(store.read("targets", EVERYONE), Q4).filter(pl.col("region_id") == theirs).to_dicts()[0]
    edited, expected = {
        "other_region_new": (seen + [row("kept_rate", 0.6, region_id=theirs)], "Row(s) 3 change a target outside"),
        "company_changed": ([{**r, "value": 0.5} if i == company else r for i, r in enumerate(seen)],
                            f"Row(s) {company + 1} change a target outside"),
        "company_removed": ([r for i, r in enumerate(seen) if i != company],
                            f"Removing target(s) {seen[company]['target_id']} would change a target outside"),
        "moved_out": ([{**r, "region_id": theirs} if i == own else r for i, r in enumerate(seen)],
                      f"Row(s) {own + 1} change a target outside"),
        "hidden_id": (seen + [{**hidden, "value": 0.1}], f"Target(s) {hidden['target_id']} belong to regions you"),
    }[change]
    before = snapshot(store)
    with pytest.raises(WriteRefused) as refused:
        save_targets(store.engine, edited, period=Q4, actor="east.manager", seen_version=version(store),
                     scope=Scope.of_regions(mine))  # fmt: skip
    assert str(refused.value).startswith(expected)
    assert refused.value.args[0].key.startswith("targets.refused.")
    assert snapshot(store) == before


def test_a_scoped_copy_copies_only_its_regions(store: Store) -> None:
    mine, theirs = two_regions(store)
    save_targets(store.engine, [row(region_id=mine), row(region_id=theirs), row("kept_rate", 0.7)], period=Q4,
                 actor="admin", seen_version=version(store), scope=EVERYONE)  # fmt: skip
    nxt, copied = copy_to_next_period(store.engine, Q4, actor="east.manager", seen_version=version(store),
                                      scope=Scope.of_regions(mine))  # fmt: skip
    assert copied == 1
    table = in_period(store.read("targets", EVERYONE), nxt)
    assert table.select("target_type", "region_id", "value").rows() == [("recovery_overall", mine, 0.8)]
