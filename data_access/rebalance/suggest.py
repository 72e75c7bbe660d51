"""Suggest case moves that lower the load imbalance, fit difficulty to experience and move few cases.

The method (docs/workload.md, "How the suggestion is found"): a greedy steepest-descent local search
on the capacity-weighted variance of load indexes, V = Σ_i L_i² / C_i over the participants, which
for fixed pool totals differs from the imbalance I² only by a constant (model.py). Moving a case of
weight w from collector d to r changes V by exactly

    ΔV = w (w − 2 L_d) / C_d + w (2 L_r + w) / C_r,

so every step can be scored exactly and cheaply. Three phases, each step the best one available:

0. **placing**: every movable case of an inactive collector (on leave) or without an owner goes, the
   heaviest first (the LPT rule), to the participant of its pool for which ΔV is smallest;
1. **balancing**: while a collector is outside the tolerance band around the pool's load index, move
   the case with the best score −ΔV + (fit bonus) between the most loaded donors and least loaded
   receivers of a pool; only moves with ΔV < 0 are taken, so the imbalance falls with every move and
   no case moves twice;
2. **fitting**: with moves to spare, a hard case held by a junior goes to a mid or senior (alone, or
   swapped for a simple case of theirs), only when ΔV ≤ 0: fit improves and balance does not worsen.

Hard rules in every phase: a hard case never goes to a junior; a case never moves out of its region
unless cross-region moves are allowed; excluded collectors, protected cases (open promise or legal
case) and cases younger than the minimum days with their owner stay put; at most ``max_moves``.

Weights fall in a few dozen classes (bucket × grade), so each step looks at a handful of donors and
receivers × those classes with numpy instead of at every case: 100,000 open cases take about a
second (docs/performance.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from data_access.rebalance.model import FIT, JUNIOR, Constraints, roles

BALANCE, FIT_KIND, INACTIVE_OWNER, NO_OWNER = "balance", "fit", "inactive", "unassigned"
KINDS = (NO_OWNER, INACTIVE_OWNER, BALANCE, FIT_KIND)
LEVEL_NAMES = ("junior", "mid", "senior")
FIT_GAP = 0.05  # one step of better fit is worth this many load-index points of balance (phase 1's bonus)
TOP = 6  # donors and receivers a balancing step compares, per pool
EPS = 1e-9  # ΔV below -EPS·w² counts as a real improvement, not float noise

MOVE_SCHEMA = {
    "step": pl.Int64, "pair": pl.Int64, "kind": pl.String, "debtor_id": pl.Int64, "from_collector_id": pl.Int64,
    "to_collector_id": pl.Int64, "assignment_id": pl.Int64, "from_index": pl.Float64, "to_index": pl.Float64,
    "to_level": pl.String,
}  # fmt: skip


@dataclass(frozen=True)
class Suggestion:
    """The proposed moves (one row per case, in the order chosen) and what was considered."""

    moves: pl.DataFrame
    constraints: Constraints
    as_of: date | None
    movable: int  # cases the constraints allowed to move
    unplaced: int  # cases of inactive collectors or without owner that no participant could take
    seconds: float = field(default=0.0, compare=False)


def movable_cases(cases: pl.DataFrame, collectors: pl.DataFrame, constraints: Constraints) -> pl.DataFrame:
    """The cases the constraints allow to move, with owner role: a case in a region in scope, not
    protected (when protection is on), at least ``min_days`` with its owner, owned by a participant or
    by an inactive collector in scope, or by nobody. Without cross-region moves, a case held outside its
    own region by a participant stays (moving it would change two pools)."""
    role = roles(collectors, constraints).select(
        "collector_id", pl.col("participant").alias("owner_participant"), pl.col("source").alias("owner_source"),
        pl.col("region_id").alias("owner_region"))  # fmt: skip
    joined = cases.join(role, on="collector_id", how="left")
    unowned = pl.col("collector_id").is_null()
    allowed = (
        constraints.in_scope(pl.col("region_id"))
        & (unowned | (pl.col("tenure_days") >= constraints.min_days))
        & (~pl.col("protected") if constraints.protect else pl.lit(True))
        & (unowned | pl.col("owner_participant") | pl.col("owner_source"))
        & (pl.lit(constraints.cross_region) | unowned | pl.col("owner_source")
           | (pl.col("owner_region") == pl.col("region_id")))
    )  # fmt: skip
    return joined.filter(allowed.fill_null(False))


class _Search:
    """The state of one suggestion: loads, which cases each collector can still give, and the moves."""

    def __init__(self, cases: pl.DataFrame, collectors: pl.DataFrame, constraints: Constraints) -> None:
        role = roles(collectors, constraints).sort("collector_id")
        self.constraints = constraints
        self.ids = role["collector_id"].to_numpy()
        self.position = {int(c): i for i, c in enumerate(self.ids)}
        self.participant = role["participant"].to_numpy()
        self.level = role["level_code"].to_numpy().astype(np.int64)
        self.capacity = role["capacity"].to_numpy().astype(np.float64)
        self.pool = role["pool"].to_numpy()
        owned = cases.filter(pl.col("collector_id").is_not_null()).group_by("collector_id").agg(
            pl.col("weight_milli").sum())  # fmt: skip
        self.load = np.zeros(self.ids.size, dtype=np.float64)
        for collector, weight in owned.iter_rows():
            if collector in self.position:
                self.load[self.position[collector]] = weight
        self.pools = {int(p): np.flatnonzero(self.participant & (self.pool == p)) for p in np.unique(self.pool)}
        self.moves: list[dict] = []

    def index(self, i: int) -> float | None:
        return None if i < 0 or self.capacity[i] <= 0 else self.load[i] / self.capacity[i] / 1000

    def record(self, case: dict, source: int, target: int, kind: str, pair: int | None = None) -> None:
        weight = case["weight_milli"]
        self.moves.append({
            "step": len(self.moves) + 1, "pair": pair, "kind": kind, "debtor_id": case["debtor_id"],
            "from_collector_id": None if source < 0 else int(self.ids[source]),
            "to_collector_id": int(self.ids[target]), "assignment_id": case["assignment_id"],
            "from_index": self.index(source), "to_index": self.index(target),
            "to_level": LEVEL_NAMES[self.level[target]],
        })  # fmt: skip
        if source >= 0:
            self.load[source] -= weight
        self.load[target] += weight

    @property
    def budget(self) -> int:
        return self.constraints.max_moves - len(self.moves)


def suggest(cases: pl.DataFrame, collectors: pl.DataFrame, constraints: Constraints,
            as_of: date | None = None) -> Suggestion:  # fmt: skip
    """Moves for ``cases`` (``workload.open_cases``) among ``collectors`` (``workload.collector_load``)."""
    started = time.perf_counter()
    constraints.check(collectors)
    movable = movable_cases(cases, collectors, constraints)
    search = _Search(cases, collectors, constraints)
    pool_of_case = (pl.lit(0) if constraints.cross_region else pl.col("region_id")).alias("target_pool")
    movable = movable.with_columns(pool_of_case)
    stranded = movable.filter(pl.col("collector_id").is_null() | pl.col("owner_source")).sort(
        "weight_milli", "debtor_id", descending=[True, False])  # fmt: skip
    unplaced = _place(search, stranded)
    given = movable.filter(pl.col("owner_participant").fill_null(False))
    classes = _Classes(search, given)
    _balance(search, classes)
    _fit(search, classes)
    moves = pl.DataFrame(search.moves, schema=MOVE_SCHEMA, orient="row")
    return Suggestion(moves=describe(moves, cases, collectors), constraints=constraints, as_of=as_of,
                      movable=movable.height, unplaced=unplaced, seconds=time.perf_counter() - started)  # fmt: skip


def _place(search: _Search, stranded: pl.DataFrame) -> int:
    """Phase 0: each case of an inactive collector or without owner to the participant of its pool that
    it burdens least (smallest ΔV), the heaviest case first. Returns how many found no one."""
    unplaced = 0
    for case in stranded.iter_rows(named=True):
        if search.budget <= 0:
            break
        members = search.pools.get(int(case["target_pool"]), np.empty(0, dtype=np.int64))
        if case["hard"]:
            members = members[search.level[members] != JUNIOR]
        if members.size == 0:
            unplaced += 1
            continue
        w = float(case["weight_milli"])
        delta = w * (2 * search.load[members] + w) / search.capacity[members]
        target = int(members[np.argmin(delta)])
        source = -1 if case["collector_id"] is None else search.position[case["collector_id"]]
        search.record(case, source, target, NO_OWNER if source < 0 else INACTIVE_OWNER)
    return unplaced


class _Classes:
    """Movable cases of participants grouped by (weight, hard): counts per collector and class, and per
    (collector, class) a stack whose top is the case to give first (longest with its owner: rotation)."""

    def __init__(self, search: _Search, given: pl.DataFrame) -> None:
        keys = given.select("weight_milli", "hard").unique().sort("weight_milli", "hard")
        self.weight = keys["weight_milli"].to_numpy().astype(np.float64)
        self.hard = keys["hard"].to_numpy().astype(bool)
        self.count = np.zeros((search.ids.size, max(keys.height, 1)), dtype=np.int64)
        ordered = (
            given.sort("collector_id", "tenure_days", "debtor_id", descending=[False, False, True])
            .join(keys.with_row_index("k"), on=["weight_milli", "hard"], how="left", maintain_order="left")
            .with_columns(pl.col("collector_id").replace_strict(search.position, return_dtype=pl.Int64).alias("owner"))
        )  # fmt: skip
        self.debtor = ordered["debtor_id"].to_list()
        self.assignment = ordered["assignment_id"].to_list()
        self.weights = ordered["weight_milli"].to_list()
        stacks = ordered.with_row_index("row").group_by("owner", "k", maintain_order=True).agg(pl.col("row"))
        self.stacks: dict[tuple[int, int], list[int]] = {}
        for owner, k, rows in stacks.iter_rows():
            self.stacks[(owner, k)] = rows
            self.count[owner, k] = len(rows)
        self.total = self.count.sum(axis=1)  # movable cases left per collector

    def take(self, owner: int, k: int) -> dict:
        self.count[owner, k] -= 1
        self.total[owner] -= 1
        row = self.stacks[(owner, k)].pop()
        return {"debtor_id": self.debtor[row], "assignment_id": self.assignment[row], "weight_milli": self.weights[row]}


def _best_balance(search: _Search, classes: _Classes, members: np.ndarray) -> tuple[float, int, int, int] | None:
    """The best balancing move in one pool: (score, donor, receiver, class), or None."""
    if members.size < 2 or classes.weight.size == 0:
        return None
    load, capacity = search.load[members], search.capacity[members]
    x = load / capacity
    mean = load.sum() / capacity.sum()
    tolerance = search.constraints.tolerance * 1000
    givers = members[classes.total[members] > 0]
    if givers.size == 0:
        return None
    donors = givers[_smallest(-search.load[givers] / search.capacity[givers], TOP)]
    receivers = list(members[_smallest(x, TOP)])
    levels = search.level[members]
    for level in (1, 2):  # the least loaded mid and senior, so hard cases always have somewhere to go
        if (levels == level).any():
            receivers.append(members[int(np.argmin(np.where(levels == level, x, np.inf)))])
    receivers = np.unique(np.array(receivers, dtype=np.int64))
    w = classes.weight[None, None, :]
    load_d, cap_d = search.load[donors][:, None, None], search.capacity[donors][:, None, None]
    load_r, cap_r = search.load[receivers][None, :, None], search.capacity[receivers][None, :, None]
    delta = w * (w - 2 * load_d) / cap_d + w * (2 * load_r + w) / cap_r
    level_d, level_r = search.level[donors][:, None, None], search.level[receivers][None, :, None]
    hard = classes.hard[None, None, :]
    fit = np.array(FIT)
    fit_change = fit[level_r, hard.astype(int)] - fit[level_d, hard.astype(int)]
    outside = ((load_d / cap_d) > mean + tolerance) | ((load_r / cap_r) < mean - tolerance)
    valid = ((classes.count[donors][:, None, :] > 0) & (donors[:, None, None] != receivers[None, :, None])
             & ~(hard & (level_r == JUNIOR)) & outside & (delta < -EPS * w * w))  # fmt: skip
    if not valid.any():
        return None
    # In index points: −ΔV / (2w) is the gap the move closes (×1000); the fit bonus is FIT_GAP per step.
    score = np.where(valid, -delta / (2 * w * 1000) - FIT_GAP * fit_change, -np.inf)
    d, r, k = np.unravel_index(int(np.argmax(score)), score.shape)
    return float(score[d, r, k]), int(donors[d]), int(receivers[r]), int(k)


def _smallest(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k smallest values (all when fewer), in no particular order: O(n), not a sort."""
    if values.size <= k:
        return np.arange(values.size)
    return np.argpartition(values, k)[:k]


def _balance(search: _Search, classes: _Classes) -> None:
    """Phase 1: the best balancing move of any pool, until every pool is within tolerance or none helps."""
    best = {p: _best_balance(search, classes, m) for p, m in search.pools.items()}
    while search.budget > 0:
        candidates = [(b[0], p) for p, b in best.items() if b is not None]
        if not candidates:
            return
        _score, p = max(candidates)
        _s, donor, receiver, k = best[p]  # type: ignore[misc]
        search.record(classes.take(donor, k), donor, receiver, BALANCE)
        best[p] = _best_balance(search, classes, search.pools[p])


def _best_fit(search: _Search, classes: _Classes, members: np.ndarray, swaps: bool) -> tuple | None:
    """The best experience fix in one pool: a hard case from a junior to a mid or senior alone, or (with
    ``swaps``) in exchange for one of their simple cases, never raising the imbalance (ΔV ≤ 0).
    Returns (fit gain, −ΔV, junior, partner, hard class, simple class or -1) or None."""
    if classes.weight.size == 0:
        return None
    hard_k = np.flatnonzero(classes.hard)
    simple_k = np.flatnonzero(~classes.hard)
    juniors = members[search.level[members] == JUNIOR]
    juniors = juniors[classes.count[juniors][:, hard_k].sum(axis=1) > 0] if hard_k.size else juniors[:0]
    partners = members[search.level[members] != JUNIOR]
    if juniors.size == 0 or partners.size == 0:
        return None
    # The most loaded juniors holding hard cases and the least loaded mids and seniors: where a fix can
    # keep the imbalance from rising (the others get their turn in later steps).
    juniors = juniors[_smallest(-search.load[juniors] / search.capacity[juniors], 2 * TOP)]
    partners = partners[_smallest(search.load[partners] / search.capacity[partners], 2 * TOP)]
    fit = np.array(FIT)
    load_j, cap_j = search.load[juniors][:, None, None], search.capacity[juniors][:, None, None]
    load_s, cap_s = search.load[partners][None, :, None], search.capacity[partners][None, :, None]
    level_s = search.level[partners][None, :, None]
    w_h = classes.weight[hard_k][None, None, :]
    have_h = classes.count[juniors][:, hard_k][:, None, :] > 0
    if not swaps:
        delta = w_h * (w_h - 2 * load_j) / cap_j + w_h * (2 * load_s + w_h) / cap_s
        gain = np.broadcast_to(fit[JUNIOR, 1] - fit[level_s, 1], delta.shape)
        valid = have_h & (delta <= 0)
        if not valid.any():
            return None
        order = np.lexsort((np.where(valid, delta, np.inf).ravel(), -np.where(valid, gain, -1).ravel()))
        j, s, h = np.unravel_index(int(order[0]), delta.shape)
        return int(gain[j, s, h]), -float(delta[j, s, h]), int(juniors[j]), int(partners[s]), int(hard_k[h]), -1
    if simple_k.size == 0:
        return None
    w_h4, w_e = w_h[..., None], classes.weight[simple_k][None, None, None, :]
    change = w_e - w_h4  # the junior's load change; the partner's is its opposite
    load_j4, cap_j4, load_s4, cap_s4 = load_j[..., None], cap_j[..., None], load_s[..., None], cap_s[..., None]
    delta = (change * change + 2 * load_j4 * change) / cap_j4 + (change * change - 2 * load_s4 * change) / cap_s4
    level_s4 = level_s[..., None]
    gain = np.broadcast_to((fit[JUNIOR, 1] - fit[level_s4, 1]) + (fit[level_s4, 0] - fit[JUNIOR, 0]), delta.shape)
    have_e = classes.count[partners][:, simple_k][None, :, None, :] > 0
    valid = have_h[..., None] & have_e & (delta <= 0) & (gain > 0)
    if not valid.any():
        return None
    order = np.lexsort((np.where(valid, delta, np.inf).ravel(), -np.where(valid, gain, -1).ravel()))
    j, s, h, e = np.unravel_index(int(order[0]), delta.shape)
    return (int(gain[j, s, h, e]), -float(delta[j, s, h, e]), int(juniors[j]), int(partners[s]), int(hard_k[h]),
            int(simple_k[e]))  # fmt: skip


def _fit(search: _Search, classes: _Classes) -> None:
    """Phase 2: experience fixes while moves remain, single moves before swaps (fewer moves). The best fix
    of each pool is kept and only the pool a fix changed is searched again."""
    singles = {p: _best_fit(search, classes, m, swaps=False) for p, m in search.pools.items()}
    swaps: dict[int, tuple | None] = {}
    while search.budget > 0:
        options = [(b, p) for p, b in singles.items() if b]
        if not options and search.budget >= 2:
            for p, m in search.pools.items():
                if p not in swaps:
                    swaps[p] = _best_fit(search, classes, m, swaps=True)
            options = [(b, p) for p, b in swaps.items() if b]
        if not options:
            return
        (_gain, _dv, junior, partner, hard, simple), pool = max(options, key=lambda o: (o[0][0], o[0][1]))
        search.record(classes.take(junior, hard), junior, partner, FIT_KIND,
                      pair=len(search.moves) + 2 if simple >= 0 else None)  # fmt: skip
        if simple >= 0:
            search.record(classes.take(partner, simple), partner, junior, FIT_KIND, pair=len(search.moves))
        singles[pool] = _best_fit(search, classes, search.pools[pool], swaps=False)
        swaps.pop(pool, None)


def describe(moves: pl.DataFrame, cases: pl.DataFrame, collectors: pl.DataFrame) -> pl.DataFrame:
    """Moves with what a person needs to judge them: the case (debtor, region, bucket, grade, weight,
    overdue), the collectors' names and levels, and the reason in words (stored with the assignment)."""
    names = collectors.select("collector_id", pl.col("collector").alias("name"), "level")
    case_columns = ["debtor_id", "debtor", "region_id", "region", "bucket", "grade", "hard", "weight_milli", "weight",
                    "overdue_cents"]  # fmt: skip
    described = (
        moves.join(cases.select(case_columns), on="debtor_id", how="left")
        .join(names.rename({"collector_id": "from_collector_id", "name": "from_collector", "level": "from_level"}),
              on="from_collector_id", how="left")
        .join(names.rename({"collector_id": "to_collector_id", "name": "to_collector", "level": "_to_level"}),
              on="to_collector_id", how="left")
        .drop("_to_level")
        .with_columns(pl.col("bucket").cast(pl.String))
        .sort("step")
    )  # fmt: skip
    return described.with_columns(reason_text(described).alias("reason"))


def reason_text(moves: pl.DataFrame) -> pl.Series:
    """Why each move is made, in the words stored with the new assignment (the record, in English;
    the page shows the same facts in the reader's language)."""
    texts = []
    for m in moves.iter_rows(named=True):
        case = f"{m['bucket']} days, {m['grade'] or 'unrated'} → {m['to_level']}"
        if m["kind"] == BALANCE:
            texts.append(f"Balance: load index {m['from_index']:.2f} → {m['to_index']:.2f}; {case}")
        elif m["kind"] == FIT_KIND:
            texts.append(f"Experience: {'hard' if m['hard'] else 'simple'} case, {case}")
        elif m["kind"] == INACTIVE_OWNER:
            texts.append(f"Owner inactive (on leave): {case}")
        else:
            texts.append(f"No owner: {case}")
    return pl.Series("reason", texts, dtype=pl.String)
