"""The rebalancing suggestion: small cases worked by hand, and a property over generated portfolios.

Cases and collectors are given directly as the frames ``workload.open_cases`` and ``collector_load``
produce (only the columns the suggestion reads). The property test checks every constraint and the
imbalance with an oracle written here in plain Python, independent of ``rebalance.model``.
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.metrics.workload import LoadRules
from data_access.rebalance import batches as batch_list
from data_access.rebalance.compare import evaluate
from data_access.rebalance.model import Constraints, imbalance
from data_access.rebalance.suggest import suggest

RULES = LoadRules(edges=(0, 30, 60, 90, 180), bucket_weights=(2, 3, 4, 5, 6), grade_weights=(1,) * 7)


def collectors(*rows: tuple) -> pl.DataFrame:
    """(collector_id, region_id, level, capacity, active)"""
    frame = pl.DataFrame(rows, schema={"collector_id": pl.Int64, "region_id": pl.Int64, "level": pl.String,
                                       "capacity": pl.Int64, "active": pl.Boolean}, orient="row")  # fmt: skip
    return frame.with_columns(pl.format("C{}", "collector_id").alias("collector"),
                              pl.format("R{}", "region_id").alias("region"))  # fmt: skip


def cases(*rows: tuple) -> pl.DataFrame:
    """(debtor_id, region_id, owner, weight in points, hard, tenure_days, protected); assignment id = 100 + debtor."""
    frame = pl.DataFrame(rows, schema={"debtor_id": pl.Int64, "region_id": pl.Int64, "collector_id": pl.Int64,
                                       "weight": pl.Float64, "hard": pl.Boolean, "tenure_days": pl.Int64,
                                       "protected": pl.Boolean}, orient="row")  # fmt: skip
    return frame.with_columns(
        (pl.col("weight") * 1000).round(0).cast(pl.Int64).alias("weight_milli"),
        pl.when(pl.col("collector_id").is_not_null()).then(pl.col("debtor_id") + 100).alias("assignment_id"),
        pl.format("Debtor {}", "debtor_id").alias("debtor"), pl.format("R{}", "region_id").alias("region"),
        pl.when(pl.col("hard")).then(pl.lit("91-180")).otherwise(pl.lit("1-30")).alias("bucket"),
        pl.when(pl.col("hard")).then(pl.lit("CCC")).otherwise(pl.lit("A")).alias("grade"),
        pl.lit(1_000, pl.Int64).alias("overdue_cents"),
    )  # fmt: skip


def moved(suggestion) -> list[tuple]:  # noqa: ANN001
    return suggestion.moves.select("debtor_id", "from_collector_id", "to_collector_id", "kind").rows()


def test_two_moves_even_out_two_seniors_and_a_third_would_not_help() -> None:
    # S1 carries four cases of 2 points (index 0.8), S2 none. Moving one: V = 36/10 + 4/10 = 4.0 from
    # 6.4; two: 16/10 + 16/10 = 3.2 (even); a third would give 4.0 again. The imbalance falls from
    # sqrt((10 × 0.4² + 10 × 0.4²) / 20) = 0.4 to 0.
    team = collectors((1, 1, "senior", 10, True), (2, 1, "senior", 10, True))
    book = cases(*[(d, 1, 1, 2.0, False, 400, False) for d in (1, 2, 3, 4)])
    found = suggest(book, team, Constraints(max_moves=25, min_days=0))
    assert moved(found) == [(1, 1, 2, "balance"), (2, 1, 2, "balance")]  # equal tenure: the lowest debtor id first
    result = evaluate(book, team, found.constraints, found.moves, RULES)
    assert result.before.imbalance == pytest.approx(0.4) and result.after.imbalance == pytest.approx(0.0)
    assert result.collectors.select("collector_id", "load_before", "load_after", "index_after").rows() == [
        (1, 8.0, 4.0, 0.4), (2, 0.0, 4.0, 0.4)]  # fmt: skip
    assert found.moves["reason"].to_list()[0] == "Balance: load index 0.80 → 0.00; 1-30 days, A → senior"


def test_the_case_longest_with_its_owner_moves_first() -> None:
    team = collectors((1, 1, "mid", 10, True), (2, 1, "mid", 10, True))
    book = cases((1, 1, 1, 2.0, False, 40, False), (2, 1, 1, 2.0, False, 400, False), (3, 1, 1, 2.0, False, 90, False),
                 (4, 1, 1, 2.0, False, 31, False))  # fmt: skip
    assert [m[0] for m in moved(suggest(book, team, Constraints(min_days=30)))] == [2, 3]


def test_a_hard_case_never_goes_to_a_junior() -> None:
    juniors_only = collectors((1, 1, "senior", 10, True), (2, 1, "junior", 10, True))
    hard = cases(*[(d, 1, 1, 2.0, True, 400, False) for d in (1, 2, 3, 4)])
    assert suggest(hard, juniors_only, Constraints(min_days=0)).moves.is_empty()
    with_mid = collectors((1, 1, "senior", 10, True), (2, 1, "junior", 10, True), (3, 1, "mid", 10, True))
    assert {m[2] for m in moved(suggest(hard, with_mid, Constraints(min_days=0)))} == {3}


def test_a_hard_case_with_a_junior_is_swapped_for_a_simple_case_of_a_senior_at_equal_load() -> None:
    # Equal loads (2 each): balancing has nothing to do; the swap keeps both at 2 (ΔV = 0) and puts the
    # hard case with the senior and the simple one with the junior.
    team = collectors((1, 1, "junior", 10, True), (2, 1, "senior", 10, True))
    book = cases((1, 1, 1, 2.0, True, 400, False), (2, 1, 2, 2.0, False, 400, False))
    found = suggest(book, team, Constraints(min_days=0))
    assert moved(found) == [(1, 1, 2, "fit"), (2, 2, 1, "fit")]
    assert found.moves["pair"].to_list() == [2, 1]
    result = evaluate(book, team, found.constraints, found.moves, RULES)
    assert (result.before.misfits, result.after.misfits) == (1, 0)
    assert result.after.imbalance == result.before.imbalance == 0.0
    assert suggest(book, team, Constraints(min_days=0, max_moves=1)).moves.is_empty()  # a swap needs two moves


def test_cases_of_a_collector_on_leave_go_first_heaviest_first_to_the_least_burdened() -> None:
    team = collectors((1, 1, "senior", 10, False), (2, 1, "senior", 10, True), (3, 1, "mid", 20, True))
    book = cases((1, 1, 1, 2.0, False, 400, False), (2, 1, 1, 4.0, True, 400, False), (3, 1, 2, 2.0, False, 400, False),
                 (4, 1, None, 1.0, False, None, False))  # fmt: skip
    found = suggest(book, team, Constraints(min_days=0, tolerance=1.0))
    # Heaviest first: D2 (4 points, hard) to C3 (V +16/20 = 0.8 against C2's (2·2·4 + 16)/10 = 3.2); then
    # D1 (2) to C3 (2·4·2 + 4)/20 = 1.0 against C2's (2·2·2 + 4)/10 = 1.2; then D4 (no owner, 1) to C2's
    # (2·2 + 1)/10 = 0.5 against C3's (2·6 + 1)/20 = 0.65.
    assert moved(found) == [(2, 1, 3, "inactive"), (1, 1, 3, "inactive"), (4, None, 2, "unassigned")]
    result = evaluate(book, team, found.constraints, found.moves, RULES)
    assert (result.before.stranded, result.after.stranded) == (3, 0)


def test_constraints_keep_cases_put() -> None:
    team = collectors((1, 1, "senior", 10, True), (2, 1, "senior", 10, True), (3, 2, "senior", 10, True),
                      (4, 1, "senior", 10, True))  # fmt: skip
    book = cases((1, 1, 1, 2.0, False, 400, True), (2, 1, 1, 2.0, False, 10, False), (3, 1, 1, 2.0, False, 400, False),
                 (4, 1, 1, 2.0, False, 400, False))  # fmt: skip
    # Region 1 holds 8 points for 30 of capacity. C1 8, C2 0, C4 0: one case to each of C2 and C4 gives
    # 4, 2, 2 (V = 1.6 + 0.4 + 0.4 = 2.4); a third move would give 2, 4, 2, no lower. C3 is in region 2.
    everything = Constraints(min_days=0, protect=False, tolerance=0.0)
    assert moved(suggest(book, team, everything)) == [(1, 1, 2, "balance"), (3, 1, 4, "balance")]
    # D1 protected, D2 too new (10 days), C4 left out: D3 and D4 go to C2, 4 and 4.
    kept = moved(suggest(book, team, Constraints(min_days=30, protect=True, excluded=(4,), tolerance=0.0)))
    assert kept == [(3, 1, 2, "balance"), (4, 1, 2, "balance")]
    assert moved(suggest(book, team, Constraints(regions=(2,), min_days=0))) == []
    across = moved(suggest(book, team, Constraints(cross_region=True, min_days=0, protect=False, tolerance=0.0)))
    assert {m[2] for m in across} == {2, 3, 4}
    assert len(moved(suggest(book, team, Constraints(max_moves=1, min_days=0)))) == 1


def test_bad_constraints_are_refused_with_the_reason() -> None:
    team = collectors((1, 1, "senior", 10, True))
    with pytest.raises(ValueError, match=r"Cannot suggest moves: maximum moves is -1; give 0 or more; "
                                         r"regions \[9\] have no collectors; pick regions from the list"):
        suggest(cases(), team, Constraints(max_moves=-1, regions=(9,)))
    with pytest.raises(ValueError, match=r"collectors \[7\] to exclude do not exist"):
        suggest(cases(), team, Constraints(excluded=(7,)))


def test_applied_batches_are_listed_newest_first_with_their_undo() -> None:
    assignments = pl.DataFrame({
        "assignment_id": [1, 2, 3, 4, 5], "debtor_id": [1, 2, 1, 2, 1], "collector_id": [1, 1, 2, 2, 1],
        "start_date": ["2026-01-01", "2026-01-01", "2026-11-01", "2026-11-01", "2026-11-02"],
        "end_date": [None, "2026-11-01", "2026-11-02", None, None],
        "reason": [None, None, "Balance: …", "Balance: …", "Undo of batch RB-20261101-aaaa"],
        "batch_id": [None, None, "RB-20261101-aaaa", "RB-20261101-aaaa", "UN-20261102-bbbb"],
    }).with_columns(pl.col("start_date", "end_date").str.to_date())  # fmt: skip
    assert batch_list.batches(assignments).rows() == [
        ("UN-20261102-bbbb", "undo", pl.Series(["2026-11-02"]).str.to_date()[0], 1, 1, None, "RB-20261101-aaaa"),
        ("RB-20261101-aaaa", "rebalance", pl.Series(["2026-11-01"]).str.to_date()[0], 2, 1, "UN-20261102-bbbb", None),
    ]  # fmt: skip


# The property -------------------------------------------------------------------------------------


@st.composite
def portfolios(draw: st.DrawFn) -> tuple[pl.DataFrame, pl.DataFrame, Constraints]:
    regions = draw(st.integers(1, 3))
    n = draw(st.integers(1, 8))
    # Mostly active collectors with capacity and owned, unprotected cases (so that balancing and fitting
    # have work), with some on leave, without capacity, without owner or protected.
    team = collectors(*[(i, draw(st.integers(1, regions)), draw(st.sampled_from(["junior", "mid", "senior"])),
                         draw(st.sampled_from([0, 5, 10, 10, 20, 30])), draw(st.integers(0, 5)) > 0)
                        for i in range(1, n + 1)])  # fmt: skip
    rows = []
    for d in range(1, draw(st.integers(0, 40)) + 1):
        region = draw(st.integers(1, regions))
        owner = None if draw(st.integers(0, 9)) == 0 else draw(st.integers(1, n))
        rows.append((d, region, owner, draw(st.sampled_from([2.0, 2.4, 3.0, 4.8, 6.0, 9.6])), draw(st.booleans()),
                     None if owner is None else draw(st.integers(0, 100)), draw(st.integers(0, 4)) == 0))  # fmt: skip
    staffed = sorted(set(team["region_id"].to_list()))
    constraints = Constraints(
        max_moves=draw(st.integers(0, 40)), regions=tuple(draw(st.sets(st.sampled_from(staffed)))),
        cross_region=draw(st.booleans()), excluded=tuple(draw(st.sets(st.integers(1, n), max_size=2))),
        min_days=draw(st.sampled_from([0, 30, 60])), protect=draw(st.booleans()),
        tolerance=draw(st.sampled_from([0.0, 0.05, 0.2])),
    )  # fmt: skip
    return cases(*rows), team, constraints


def oracle_imbalance(owner: dict[int, int | None], book: pl.DataFrame, team: pl.DataFrame, c: Constraints) -> float:
    """sqrt(Σ C (x − x̄_pool)² / Σ C) over active, capacitated, in-scope, not excluded collectors."""
    people = {r["collector_id"]: r for r in team.iter_rows(named=True)}
    taking_part = {i for i, r in people.items() if r["active"] and r["capacity"] > 0 and i not in c.excluded
                   and (not c.regions or r["region_id"] in c.regions)}  # fmt: skip
    load = dict.fromkeys(taking_part, 0.0)
    for case in book.iter_rows(named=True):
        who = owner[case["debtor_id"]]
        if who in load:
            load[who] += case["weight_milli"] / 1000
    pools: dict[int, list[int]] = {}
    for i in taking_part:
        pools.setdefault(0 if c.cross_region else people[i]["region_id"], []).append(i)
    total_capacity = sum(people[i]["capacity"] for i in taking_part)
    if not total_capacity:
        return 0.0
    squares = 0.0
    for members in pools.values():
        mean = sum(load[i] for i in members) / sum(people[i]["capacity"] for i in members)
        squares += sum(people[i]["capacity"] * (load[i] / people[i]["capacity"] - mean) ** 2 for i in members)
    return math.sqrt(squares / total_capacity)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(portfolios())
def test_a_suggestion_respects_every_constraint_and_never_raises_the_imbalance(portfolio) -> None:
    book, team, c = portfolio
    found = suggest(book, team, c)
    moves = found.moves.rows(named=True)
    people = {r["collector_id"]: r for r in team.iter_rows(named=True)}
    by_debtor = {r["debtor_id"]: r for r in book.iter_rows(named=True)}
    scoped = lambda region: not c.regions or region in c.regions  # noqa: E731
    assert len(moves) <= c.max_moves
    assert len({m["debtor_id"] for m in moves}) == len(moves), "a case moved twice"
    for m in moves:
        case, target = by_debtor[m["debtor_id"]], people[m["to_collector_id"]]
        source = people.get(case["collector_id"])
        assert m["from_collector_id"] == case["collector_id"] and m["assignment_id"] == case["assignment_id"]
        assert scoped(case["region_id"])
        assert not (c.protect and case["protected"]), "a protected case moved"
        assert case["collector_id"] is None or case["tenure_days"] >= c.min_days, "a case moved too soon"
        assert source is None or (source["collector_id"] not in c.excluded and scoped(source["region_id"]))
        assert target["active"] and target["capacity"] > 0 and target["collector_id"] not in c.excluded
        assert scoped(target["region_id"])
        assert c.cross_region or target["region_id"] == case["region_id"], "a case left its region"
        assert not (case["hard"] and target["level"] == "junior"), "a hard case went to a junior"
        assert target["collector_id"] != case["collector_id"]
    before = {d: r["collector_id"] for d, r in by_debtor.items()}
    after = {**before, **{m["debtor_id"]: m["to_collector_id"] for m in moves}}
    placed = {**before, **{m["debtor_id"]: m["to_collector_id"] for m in moves
                           if m["kind"] in ("inactive", "unassigned")}}  # fmt: skip
    # Balancing and fitting never raise the imbalance. Cases taken off a collector on leave (or without
    # an owner) land first and may raise it; from there on it does not rise.
    baseline = oracle_imbalance(placed, book, team, c)
    assert oracle_imbalance(after, book, team, c) <= baseline + 1e-9
    if len(placed) == len(before) and placed == before:
        assert oracle_imbalance(after, book, team, c) <= oracle_imbalance(before, book, team, c) + 1e-9
    # The page's figure is the same measure.
    result = evaluate(book, team, c, found.moves, RULES)
    assert (result.after.imbalance or 0.0) == pytest.approx(oracle_imbalance(after, book, team, c), abs=1e-9)


def test_the_imbalance_of_nobody_is_undefined() -> None:
    empty = pl.Series([], dtype=pl.Int64)
    assert imbalance(empty, empty, empty) is None
