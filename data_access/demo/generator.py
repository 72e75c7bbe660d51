"""A deterministic demo portfolio of a Chinese factoring company, generated without row loops.

``generate(n_invoices, seed, end)`` returns one Polars frame per table (``generate_tables`` yields them
one at a time, so a loader never holds them all); ``seed_demo`` writes them in one audited transaction.
The same (n_invoices, seed, end) always gives the same data.

The portfolio carries the relationships the product's pages are meant to find:
- lower ratings pay later and default more; ratings drift, and defaulters are downgraded first;
- credit events precede most defaults by 30-120 days, and also strike healthy debtors (false alarms);
- seniors collect faster and recover more of defaulted debt, yet are handed the low-rated debtors;
- regions differ in volume more than in staffing, so some are overloaded;
- payments slow down around Chinese New Year; Construction deteriorates during the middle year;
- promises kept, partly kept and broken; ladders climbed in order; rare compliance incidents;
  surveys; write-offs after long delinquency; legal cases with partial recoveries, stage by stage.

``generate_tables`` runs one named step per table or group of tables, all drawing from one numpy Generator.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

EPOCH = date(1970, 1, 1)

REGIONS = (  # name, Chinese name, share of business volume, share of collectors
    ("East China", "华东", 0.22, 0.16),
    ("South China", "华南", 0.17, 0.13),
    ("North China", "华北", 0.14, 0.13),
    ("Central China", "华中", 0.10, 0.10),
    ("Southwest China", "西南", 0.08, 0.10),
    ("Yangtze River Delta", "长三角", 0.09, 0.07),
    ("Pearl River Delta", "珠三角", 0.07, 0.08),
    ("Northeast China", "东北", 0.05, 0.09),
    ("Northwest China", "西北", 0.04, 0.09),
    ("Bohai Rim", "环渤海", 0.04, 0.05),
)
INDUSTRIES = (
    "Manufacturing", "Construction", "Wholesale", "Retail", "Logistics",
    "Electronics", "Textiles", "Food & Beverage", "Chemicals", "Healthcare",
)  # fmt: skip
DETERIORATING_INDUSTRY = "Construction"
GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC")
GRADE_SHARE = np.array([0.05, 0.12, 0.23, 0.25, 0.18, 0.12, 0.05])
DEFAULT_PROB_3Y = np.array([0.001, 0.003, 0.009, 0.020, 0.042, 0.08, 0.16])  # by grade, over 3 years
ON_TIME_PROB = np.array([0.80, 0.72, 0.64, 0.55, 0.45, 0.36, 0.28])
MEAN_DAYS_LATE = np.array([6.0, 9.0, 13.0, 19.0, 28.0, 40.0, 58.0])
LEVELS = ("junior", "mid", "senior")
LEVEL_SHARE = np.array([0.40, 0.35, 0.25])
LATENESS_FACTOR = np.array([1.15, 0.95, 0.75])  # seniors shorten delays
DEFAULT_RECOVERY = np.array([0.12, 0.22, 0.34])  # mean share of defaulted debt recovered, by level
CAPACITY = np.array([60, 80, 100])
# Chinese New Year (Spring Festival) dates; payments slow in the weeks after.
CNY = [date(y, m, d) for y, m, d in (
    (2019, 2, 5), (2020, 1, 25), (2021, 2, 12), (2022, 2, 1), (2023, 1, 22), (2024, 2, 10),
    (2025, 1, 29), (2026, 2, 17), (2027, 2, 6), (2028, 1, 26), (2029, 2, 13), (2030, 2, 3),
)]  # fmt: skip
LADDER = (  # days past due at which the step is taken, channel, escalation level
    (1, "reminder", 1), (7, "email", 1), (12, "sms", 1), (20, "phone", 2),
    (35, "letter", 3), (60, "visit", 4), (100, "legal", 5),
)  # fmt: skip


def _days(d: date) -> int:
    return (d - EPOCH).days


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


def _labels(names: list[str], codes: np.ndarray) -> pl.Series:
    """``names[code]`` for every code, as a Polars string column."""
    return pl.Series(names, dtype=pl.String).gather(codes)


def _share(column: int) -> np.ndarray:
    share = np.array([r[column] for r in REGIONS])
    return share / share.sum()


VOLUME_SHARE = _share(2)
STAFF_SHARE = _share(3)
NEVER = np.iinfo(np.int32).max  # the day of an event that does not happen
LEGAL_STAGES = ("filed", "hearing", "judgment", "enforcement", "closed")
DAYS_PER_LEGAL_STAGE = 120
ENFORCEMENT = LEGAL_STAGES.index("enforcement")


@dataclass(frozen=True)
class DemoShape:
    n_invoices: int
    n_debtors: int
    n_clients: int
    n_collectors: int

    @classmethod
    def for_invoices(cls, n_invoices: int) -> DemoShape:
        if n_invoices < 100:
            raise ValueError(f"--invoices {n_invoices}: a demo portfolio needs at least 100 invoices")
        return cls(
            n_invoices=n_invoices,
            n_debtors=max(30, n_invoices // 33),
            n_clients=max(10, n_invoices // 500),
            n_collectors=max(len(REGIONS), n_invoices // 2500),
        )


@dataclass(frozen=True)
class Window:
    """The three years the demo covers, as day numbers since 1970-01-01 (``end_day`` included)."""

    start_day: int
    end_day: int

    @classmethod
    def ending(cls, end: date) -> Window:
        end_day = _days(end)
        return cls(start_day=end_day - 3 * 365, end_day=end_day)

    @property
    def bad_year(self) -> tuple[int, int]:
        """The deteriorating industry's bad year: the middle one, so both sides of it are visible."""
        return self.start_day + 365, self.start_day + 730


# The steps below pass numpy arrays indexed by position (debtor 0 is debtor_id 1). The dataclasses
# are frozen so that no step can rebind what an earlier one decided; eq=False because arrays do not
# compare to a single truth value.


@dataclass(frozen=True, eq=False)
class Staff:
    region: np.ndarray  # region index of each collector
    level: np.ndarray  # index into LEVELS


@dataclass(frozen=True, eq=False)
class Clients:
    recourse: np.ndarray
    advance: np.ndarray  # advance rate


@dataclass(frozen=True, eq=False)
class Debtors:
    region: np.ndarray
    industry: np.ndarray
    grade0: np.ndarray  # latent grade (index into GRADES) at the start
    activity: np.ndarray  # relative purchase volume
    defaults: np.ndarray  # bool: defaults within the window
    default_day: np.ndarray  # NEVER for debtors that do not default

    @property
    def n(self) -> int:
        return self.region.size

    @property
    def bad_industry(self) -> np.ndarray:
        return self.industry == INDUSTRIES.index(DETERIORATING_INDUSTRY)

    @property
    def defaulters(self) -> np.ndarray:
        return np.flatnonzero(self.defaults)


@dataclass(frozen=True, eq=False)
class Book:
    """Who owns each debtor: ``first`` until ``reassign_day``, ``second`` from it on."""

    first: np.ndarray
    second: np.ndarray
    reassign_day: np.ndarray  # NEVER for debtors that keep their collector

    def collector_at(self, debtor: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.where(day >= self.reassign_day[debtor], self.second[debtor], self.first[debtor])


@dataclass(frozen=True, eq=False)
class Invoices:
    debtor: np.ndarray
    client: np.ndarray
    issue: np.ndarray
    due: np.ndarray
    amount: np.ndarray  # cents
    disputed: np.ndarray

    @property
    def n(self) -> int:
        return self.debtor.size

    @property
    def id(self) -> np.ndarray:
        return np.arange(1, self.n + 1)


@dataclass(frozen=True, eq=False)
class Settlement:
    """How each invoice ends: diluted, then settled on ``settle`` or defaulted and written off."""

    has_credit: np.ndarray
    credit: np.ndarray  # cents of credit note (0 without one)
    credit_day: np.ndarray
    settle: np.ndarray  # day a healthy invoice is paid in full
    defaulted: np.ndarray
    recovered: np.ndarray  # cents recovered from a defaulted invoice
    recover_day: np.ndarray
    writeoff_day: np.ndarray
    writeoff_amount: np.ndarray
    net: np.ndarray  # cents owed after the credit note

    @property
    def healthy(self) -> np.ndarray:
        return ~self.defaulted


@dataclass(frozen=True, eq=False)
class Actions:
    """Collection actions in draw order, and ``order``: the chronological order they are stored in."""

    invoice: np.ndarray
    day: np.ndarray
    debtor: np.ndarray
    collector: np.ndarray
    promise: np.ndarray
    order: np.ndarray


def generate(n_invoices: int = 200_000, seed: int = 7, end: date | None = None) -> dict[str, pl.DataFrame]:
    """All tables of a demo portfolio covering the three years up to ``end`` (default today)."""
    return dict(generate_tables(n_invoices, seed, end))


def generate_tables(
    n_invoices: int = 200_000, seed: int = 7, end: date | None = None
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The tables of ``generate``, one at a time as each is made, parents before children (a valid load order).

    A loader writes each table and lets it go, so only the step arrays stay in memory, never every table
    at once (at 10M invoices the tables alone are gigabytes). The data is the same as ``generate``'s.

    Every step draws from the one generator in turn, so the steps must run in this order: moving a
    step, or adding a draw to one, changes every table generated after it.
    """
    end = end or date.today()
    shape = DemoShape.for_invoices(n_invoices)
    window = Window.ending(end)
    rng = np.random.default_rng(seed)

    yield "regions", _regions()
    staff, table = _collectors(rng, shape, window)
    yield "collectors", table
    clients, table = _clients(rng, shape)
    yield "clients", table
    debtors, table = _debtors(rng, shape, window)
    yield "debtors", table
    grade, table = _ratings(rng, debtors, window)
    yield "debtor_ratings", table
    book, table = _assignments(rng, staff, debtors, grade, window)
    yield "assignments", table
    inv, table = _invoices(rng, shape, window, debtors, clients)
    yield "invoices", table
    del table  # the loader has written it: drop it before the biggest steps
    s = _settle(rng, window, staff, debtors, grade, book, inv)
    split, table = _payments(rng, window, inv, s)
    yield "payments", table
    del table
    yield "credit_notes", _credit_notes(rng, window, inv, s)
    yield "write_offs", _write_offs(window, inv, s)
    yield "recoveries", _recoveries(rng, window, inv, s)
    actions, table = _collection_actions(rng, window, inv, s, book)
    yield "collection_actions", table
    del table
    yield "promises", _promises(rng, actions, inv, s, split)
    del actions, split
    yield "credit_events", _credit_events(rng, window, debtors, grade)
    yield "escalations", _escalations(rng, window, staff, debtors, book)
    legal_cases = _legal_cases(rng, window, debtors, inv, s)
    yield "legal_cases", legal_cases
    yield "legal_case_stages", _legal_case_stages(legal_cases)
    yield "satisfaction_surveys", _surveys(rng, window, staff, book, inv, s)
    del inv, s
    yield "compliance_incidents", _compliance_incidents(rng, window, shape.n_collectors)
    yield "targets", _default_targets(date.fromordinal(EPOCH.toordinal() + window.start_day), end)
    yield "appeals", _appeals(rng, shape.n_collectors, window.start_day, window.end_day)


def _regions() -> pl.DataFrame:
    """The fixed list of sales regions: every other table refers to them, and none is random."""
    return pl.DataFrame(
        {
            "region_id": np.arange(1, len(REGIONS) + 1),
            "name": [r[0] for r in REGIONS],
            "name_zh": [r[1] for r in REGIONS],
        }
    )


def _collectors(rng: np.random.Generator, shape: DemoShape, window: Window) -> tuple[Staff, pl.DataFrame]:
    """Collectors spread over regions by staffing share, not by volume, so some regions are overloaded.

    Every region gets at least one collector and one senior, because juniors need a mentor in their
    own region and every debtor needs someone to be assigned to.
    """
    n_regions, nc = len(REGIONS), shape.n_collectors
    col_region = np.sort(rng.choice(n_regions, size=nc, p=STAFF_SHARE))
    col_region[:n_regions] = np.arange(n_regions)  # every region has at least one collector
    col_level = rng.choice(3, size=nc, p=LEVEL_SHARE)
    for r in range(n_regions):  # and at least one senior to mentor its juniors
        members = np.flatnonzero(col_region == r)
        if not (col_level[members] == 2).any():
            col_level[members[0]] = 2
    seniority_years = np.array([1.5, 4.0, 9.0])[col_level] * rng.uniform(0.5, 1.5, nc)
    hire_day = (window.start_day - seniority_years * 365).astype(np.int64)
    mentor = np.full(nc, -1)
    for r in range(n_regions):
        members = np.flatnonzero(col_region == r)
        seniors = members[col_level[members] == 2]
        juniors = members[col_level[members] == 0]
        mentor[juniors] = seniors[np.arange(len(juniors)) % len(seniors)]
    surnames = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"))
    given = np.array(["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英"])
    table = pl.DataFrame(
        {
            "collector_id": np.arange(1, nc + 1),
            "name": [f"{s}{g} (C{i + 1:03d})" for i, (s, g) in enumerate(
                zip(rng.choice(surnames, nc), rng.choice(given, nc), strict=True))],  # fmt: skip
            "region_id": col_region + 1,
            "level": np.array(LEVELS)[col_level],
            "hire_date": _dates(hire_day),
            "capacity": CAPACITY[col_level],
            "mentor_id": pl.Series(np.where(mentor >= 0, mentor + 1, 0)).replace(0, None),
            "active": np.ones(nc, dtype=bool),
        }
    )
    return Staff(region=col_region, level=col_level), table


def _clients(rng: np.random.Generator, shape: DemoShape) -> tuple[Clients, pl.DataFrame]:
    """The sellers whose invoices the factor buys; their recourse and advance rate price every invoice."""
    ncl = shape.n_clients
    cl_industry = rng.integers(0, len(INDUSTRIES), ncl)
    cl_recourse = rng.random(ncl) < 0.6
    cl_advance = np.round(rng.uniform(0.70, 0.90, ncl), 2)
    table = pl.DataFrame(
        {
            "client_id": np.arange(1, ncl + 1),
            "name": [f"Client {i + 1:04d} {INDUSTRIES[k]} Co." for i, k in enumerate(cl_industry)],
            "industry": np.array(INDUSTRIES)[cl_industry],
            "region_id": rng.choice(len(REGIONS), size=ncl, p=VOLUME_SHARE) + 1,
            "recourse": cl_recourse,
            "advance_rate": cl_advance,
        }
    )
    return Clients(recourse=cl_recourse, advance=cl_advance), table


def _debtors(rng: np.random.Generator, shape: DemoShape, window: Window) -> tuple[Debtors, pl.DataFrame]:
    """The buyers: a latent grade that sets how likely they default, and a skewed activity weight.

    Activity is lognormal so a few debtors carry much of the book (concentration). The deteriorating
    industry defaults 2.5 times as often, three times in four during its bad year. Credit limits follow
    each debtor's expected exposure (two months of its purchases, with room), tighter for low grades:
    most debtors use 20-80 % of their limit, a few run over it.
    """
    nd = shape.n_debtors
    d_region = rng.choice(len(REGIONS), size=nd, p=VOLUME_SHARE)
    d_industry = rng.integers(0, len(INDUSTRIES), nd)
    d_grade0 = rng.choice(len(GRADES), size=nd, p=GRADE_SHARE)
    d_activity = rng.lognormal(0.0, 1.0, nd)
    bad_industry = d_industry == INDUSTRIES.index(DETERIORATING_INDUSTRY)
    pd3 = DEFAULT_PROB_3Y[d_grade0] * np.where(bad_industry, 2.5, 1.0)
    d_defaults = rng.random(nd) < pd3
    default_day = rng.integers(window.start_day + 60, window.end_day - 20, nd)
    in_bad_year = rng.integers(window.bad_year[0], window.bad_year[1], nd)
    default_day = np.where(bad_industry & (rng.random(nd) < 0.75), in_bad_year, default_day)
    default_day = np.where(d_defaults, default_day, NEVER)
    monthly_sales = shape.n_invoices / 36 * 40_000 * np.exp(0.5)
    exposure = d_activity / d_activity.sum() * monthly_sales * 2
    limit = np.maximum(np.round(exposure * 3.0 * rng.lognormal(0.0, 0.35, nd) * np.linspace(1.3, 0.7, 7)[d_grade0],
                                -4), 300_000)  # fmt: skip
    table = pl.DataFrame(
        {
            "debtor_id": np.arange(1, nd + 1),
            "name": [f"Debtor {i + 1:05d} {INDUSTRIES[k]}" for i, k in enumerate(d_industry)],
            "industry": np.array(INDUSTRIES)[d_industry],
            "region_id": d_region + 1,
            "credit_limit_cents": (limit * 100).astype(np.int64),
        }
    )
    debtors = Debtors(
        region=d_region, industry=d_industry, grade0=d_grade0, activity=d_activity,
        defaults=d_defaults, default_day=default_day,
    )  # fmt: skip
    return debtors, table


def _ratings(rng: np.random.Generator, debtors: Debtors, window: Window) -> tuple[np.ndarray, pl.DataFrame]:
    """Rating history: an initial rating, random reviews, and a downgrade 20-90 days ahead of each default.

    Returns the grade that drives behaviour from here on, the worse of the latent and the current
    one, so that a downgraded debtor pays later and gets a senior collector.
    """
    nd = debtors.n
    review_n = rng.poisson(1.2, nd)
    rv_debtor = np.repeat(np.arange(nd), review_n)
    rv_day = rng.integers(window.start_day, window.end_day, rv_debtor.size)
    rv_delta = rng.choice([-1, 0, 1], size=rv_debtor.size, p=[0.25, 0.45, 0.30])  # +1 = worse
    dg = debtors.defaulters
    dg_day = debtors.default_day[dg] - rng.integers(20, 90, dg.size)
    ratings = pl.DataFrame(
        {
            "debtor": np.concatenate([np.arange(nd), rv_debtor, dg]),
            "day": np.concatenate([np.full(nd, window.start_day - 400), rv_day, dg_day]),
            "delta": np.concatenate([debtors.grade0, rv_delta, rng.integers(1, 3, dg.size)]),
        }
    )
    ratings = (
        ratings.sort("debtor", "day")
        .unique(["debtor", "day"], keep="first", maintain_order=True)
        .with_columns(pl.col("delta").cum_sum().over("debtor").clip(0, len(GRADES) - 1).alias("g"))
    )
    table = pl.DataFrame(
        {
            "rating_id": np.arange(1, ratings.height + 1),
            "debtor_id": ratings["debtor"].to_numpy() + 1,
            "rated_on": _dates(ratings["day"].to_numpy()),
            "grade": np.array(GRADES)[ratings["g"].to_numpy()],
        }
    )
    grade_now = ratings.group_by("debtor").agg(pl.col("g").last()).sort("debtor")["g"].to_numpy()
    return np.maximum(debtors.grade0, grade_now), table


def _assignments(
    rng: np.random.Generator, staff: Staff, debtors: Debtors, grade: np.ndarray, window: Window
) -> tuple[Book, pl.DataFrame]:
    """Each debtor is owned by a collector of its region; low-rated (BB and worse) go mostly to seniors.

    About one debtor in seven is reassigned once, to any collector of the region, so the pages have
    hand-overs to attribute. A draw that lands on the same collector is no reassignment.
    """
    n_regions, nd = len(REGIONS), debtors.n
    hard = grade >= GRADES.index("BB")
    d_collector0 = np.zeros(nd, dtype=np.int64)
    for r in range(n_regions):
        members = np.flatnonzero(staff.region == r)
        for is_hard, weights in ((True, (0.5, 1.5, 4.0)), (False, (1.6, 1.0, 0.5))):
            who = np.flatnonzero((debtors.region == r) & (hard == is_hard))
            w = np.array(weights)[staff.level[members]]
            d_collector0[who] = rng.choice(members, size=who.size, p=w / w.sum())
    reassigned = rng.random(nd) < 0.15
    reassign_day = np.where(reassigned, rng.integers(window.start_day + 60, window.end_day - 30, nd), NEVER)
    region_pick = rng.random(nd)
    d_collector1 = d_collector0.copy()
    for r in range(n_regions):
        members = np.flatnonzero(staff.region == r)
        who = np.flatnonzero(debtors.region == r)
        d_collector1[who] = members[(region_pick[who] * len(members)).astype(int)]
    reassigned &= d_collector1 != d_collector0
    reassign_day = np.where(reassigned, reassign_day, NEVER)
    first_day = np.full(nd, window.start_day - 400)
    rr = np.flatnonzero(reassigned)
    table = pl.DataFrame(
        {
            "debtor_id": np.concatenate([np.arange(nd), rr]) + 1,
            "collector_id": np.concatenate([d_collector0, d_collector1[rr]]) + 1,
            "start_date": _dates(np.concatenate([first_day, reassign_day[rr]])),
            "end_date": pl.concat(
                [_dates(np.where(reassigned, reassign_day, 0)).replace(EPOCH, None), _dates(np.zeros(rr.size))]
            ).replace(EPOCH, None),
        }
    ).with_columns(pl.Series("assignment_id", np.arange(1, nd + rr.size + 1)))
    return Book(first=d_collector0, second=d_collector1, reassign_day=reassign_day), table


def _invoices(
    rng: np.random.Generator, shape: DemoShape, window: Window, debtors: Debtors, clients: Clients
) -> tuple[Invoices, pl.DataFrame]:
    """Invoices on business-weighted days (fewer around Chinese New Year), in debtors' activity shares.

    The factor stops buying a debtor's invoices once it has defaulted: those are redrawn among healthy
    debtors. Each debtor mostly sells through one client, sometimes a second. Stored by issue date.
    """
    n, nd, ncl = shape.n_invoices, debtors.n, shape.n_clients
    day_range = np.arange(window.start_day, window.end_day + 1)
    day_weight = np.ones(day_range.size)
    for cny in CNY:
        c = _days(cny)
        day_weight[(day_range >= c - 7) & (day_range < c + 14)] = 0.35
    day_weight /= day_weight.sum()
    inv_debtor = rng.choice(nd, size=n, p=debtors.activity / debtors.activity.sum())
    issue = rng.choice(day_range, size=n, p=day_weight)
    after_default = issue > debtors.default_day[inv_debtor] - 5
    healthy_weight = np.where(debtors.defaults, 0.0, debtors.activity)
    redrawn = rng.choice(nd, size=n, p=healthy_weight / healthy_weight.sum())
    inv_debtor = np.where(after_default, redrawn, inv_debtor)
    terms = rng.choice([30, 45, 60, 90], size=n, p=[0.35, 0.30, 0.25, 0.10])
    due = issue + terms
    amount = np.maximum(np.round(rng.lognormal(np.log(40_000), 1.0, n) * 100), 10_000).astype(np.int64)
    d_client = rng.integers(0, ncl, nd)
    d_client2 = rng.integers(0, ncl, nd)
    inv_client = np.where(rng.random(n) < 0.7, d_client[inv_debtor], d_client2[inv_debtor])
    disputed = rng.random(n) < 0.025
    order = np.lexsort((inv_debtor, issue))
    inv_debtor, issue, due, amount, inv_client, disputed = (
        a[order] for a in (inv_debtor, issue, due, amount, inv_client, disputed)
    )
    inv = Invoices(debtor=inv_debtor, client=inv_client, issue=issue, due=due, amount=amount, disputed=disputed)
    table = pl.DataFrame(
        {
            "invoice_id": inv.id,
            "client_id": inv_client + 1,
            "debtor_id": inv_debtor + 1,
            "issue_date": _dates(issue),
            "due_date": _dates(due),
            "amount_cents": amount,
            "advance_cents": np.floor(amount * clients.advance[inv_client]).astype(np.int64),
            "recourse": clients.recourse[inv_client],
            "disputed": disputed,
        }
    ).with_columns(
        ("INV-" + pl.col("issue_date").dt.year().cast(pl.String) + "-"
         + pl.col("invoice_id").cast(pl.String).str.zfill(8)).alias("invoice_number")  # fmt: skip
    )
    return inv, table


def _settle(
    rng: np.random.Generator, window: Window, staff: Staff, debtors: Debtors, grade: np.ndarray, book: Book,
    inv: Invoices,
) -> Settlement:
    """How every invoice ends, before anything is cut at ``end``: the relationships the pages look for.

    Dilution first: credit notes on about 4 % of invoices. Healthy invoices are paid on time or late,
    later for low grades, in the deteriorating industry's bad year, after Chinese New Year and when
    disputed; a senior owner shortens the delay. Invoices falling due later than 60 days before their
    debtor defaults are defaulted instead: a share is recovered (more by seniors), the rest written off.
    """
    n = inv.n
    has_credit = rng.random(n) < 0.04
    credit = np.where(has_credit, np.round(inv.amount * rng.uniform(0.01, 0.10, n)), 0).astype(np.int64)
    credit_day = inv.issue + rng.integers(5, 40, n)
    net = inv.amount - credit

    due = inv.due
    g = grade[inv.debtor]
    level = staff.level[book.collector_at(inv.debtor, due)]
    on_time = rng.random(n) < ON_TIME_PROB[g]
    late = rng.exponential(MEAN_DAYS_LATE[g]) * LATENESS_FACTOR[level]
    bad_time = debtors.bad_industry[inv.debtor] & (due >= window.bad_year[0]) & (due < window.bad_year[1])
    late *= np.where(bad_time, 1.8, 1.0)
    after_cny = np.zeros(n, dtype=bool)
    for cny in CNY:
        c = _days(cny)
        after_cny |= (due >= c - 10) & (due < c + 21)
    late += np.where(after_cny, rng.uniform(5, 20, n), 0)
    late += np.where(inv.disputed, rng.uniform(20, 60, n), 0)
    early = rng.integers(0, 8, n)
    settle = np.where(on_time & ~after_cny & ~inv.disputed, due - early, due + np.ceil(late).astype(np.int64))
    settle = np.maximum(settle, inv.issue + 1)

    default_day = debtors.default_day[inv.debtor]
    defaulted = due >= default_day - 60
    recovered_share = np.clip(rng.beta(2, 5, n) * DEFAULT_RECOVERY[level] / (2 / 7), 0, 0.9)
    recovered = np.where(defaulted, np.round(net * recovered_share), 0).astype(np.int64)
    recover_day = np.maximum(due, default_day) + rng.integers(30, 200, n)
    writeoff_day = np.maximum(due, default_day) + rng.integers(180, 420, n)
    return Settlement(
        has_credit=has_credit, credit=credit, credit_day=credit_day, settle=settle,
        defaulted=defaulted, recovered=recovered, recover_day=recover_day, writeoff_day=writeoff_day,
        writeoff_amount=np.where(defaulted, net - recovered, 0), net=net,
    )  # fmt: skip


def _payments(
    rng: np.random.Generator, window: Window, inv: Invoices, s: Settlement
) -> tuple[np.ndarray, pl.DataFrame]:
    """Cash in: healthy invoices pay in full, a quarter of them in two instalments; defaulted ones pay
    what is recovered. Nothing is dated after ``end``: a payment due later has not been received.

    Returns which invoices were split, since a promise on them covers the rest of the invoice.
    """
    n, net, settle, issue, healthy = inv.n, s.net, s.settle, inv.issue, s.healthy
    split = healthy & (rng.random(n) < 0.25) & (settle - issue > 15)
    first_share = rng.uniform(0.3, 0.7, n)
    first_amt = np.where(split, np.round(net * first_share), 0).astype(np.int64)
    first_day = np.maximum(issue + 1, settle - rng.integers(10, 40, n))
    got_back = s.recovered > 0
    pay_inv = np.concatenate([np.flatnonzero(split), np.flatnonzero(healthy), np.flatnonzero(got_back)])
    pay_day = np.concatenate([first_day[split], settle[healthy], s.recover_day[got_back]])
    pay_amt = np.concatenate([first_amt[split], (net - first_amt)[healthy], s.recovered[got_back]])
    keep = (pay_day <= window.end_day) & (pay_amt > 0)
    pay_inv, pay_day, pay_amt = pay_inv[keep], pay_day[keep], pay_amt[keep]
    porder = np.lexsort((pay_inv, pay_day))
    table = pl.DataFrame(
        {
            "payment_id": np.arange(1, porder.size + 1),
            "invoice_id": inv.id[pay_inv[porder]],
            "payment_date": _dates(pay_day[porder]),
            "amount_cents": pay_amt[porder],
        }
    )
    return split, table


def _credit_notes(rng: np.random.Generator, window: Window, inv: Invoices, s: Settlement) -> pl.DataFrame:
    """The credit notes issued by ``end``, each with a reason, so dilution shows up by cause."""
    cn = np.flatnonzero(s.has_credit & (s.credit > 0) & (s.credit_day <= window.end_day))
    reasons = np.array(["discount", "return", "short_pay", "price_adjustment"])
    return pl.DataFrame(
        {
            "credit_note_id": np.arange(1, cn.size + 1),
            "invoice_id": inv.id[cn],
            "credit_note_date": _dates(s.credit_day[cn]),
            "amount_cents": s.credit[cn],
            "reason": reasons[rng.integers(0, reasons.size, cn.size)],
        }
    )


def _written_off(window: Window, s: Settlement) -> np.ndarray:
    """Invoices written off by ``end``: a defaulted invoice is written off 6-14 months after default."""
    return np.flatnonzero(s.defaulted & (s.writeoff_amount > 0) & (s.writeoff_day <= window.end_day))


def _write_offs(window: Window, inv: Invoices, s: Settlement) -> pl.DataFrame:
    """What was not recovered of a defaulted invoice, written off in one amount."""
    wo = _written_off(window, s)
    return pl.DataFrame(
        {
            "write_off_id": np.arange(1, wo.size + 1),
            "invoice_id": inv.id[wo],
            "write_off_date": _dates(s.writeoff_day[wo]),
            "amount_cents": s.writeoff_amount[wo],
        }
    )


def _recoveries(rng: np.random.Generator, window: Window, inv: Invoices, s: Settlement) -> pl.DataFrame:
    """Late money on written-off invoices: about one in six brings back 5-35 % within a year."""
    wo = _written_off(window, s)
    rec_day = s.writeoff_day[wo] + rng.integers(30, 300, wo.size)
    rec = (rng.random(wo.size) < 0.18) & (rec_day <= window.end_day)
    rec_amt = np.round(s.writeoff_amount[wo] * rng.uniform(0.05, 0.35, wo.size)).astype(np.int64)
    rec &= rec_amt > 0
    return pl.DataFrame(
        {
            "recovery_id": np.arange(1, int(rec.sum()) + 1),
            "invoice_id": inv.id[wo[rec]],
            "recovery_date": _dates(rec_day[rec]),
            "amount_cents": rec_amt[rec],
        }
    )


def _collection_actions(
    rng: np.random.Generator, window: Window, inv: Invoices, s: Settlement, book: Book
) -> tuple[Actions, pl.DataFrame]:
    """The ladder, climbed in order while the invoice stays unpaid; legal steps only against defaulters.

    Each action is credited to whoever owned the debtor that day. A promise is likelier when payment
    is near, so later payment makes it a broken promise rather than a random one.
    """
    end_day, due = window.end_day, inv.due
    closed_day = np.where(s.defaulted, np.minimum(s.writeoff_day, end_day), np.minimum(s.settle, end_day + 1))
    act_inv, act_day, act_step = [], [], []
    for step, (dpd, channel, _level) in enumerate(LADDER):
        if channel == "legal":
            mask = s.defaulted & (due + dpd < closed_day)
        else:
            mask = due + dpd < closed_day
        idx = np.flatnonzero(mask)
        act_inv.append(idx)
        act_day.append(due[idx] + dpd + rng.integers(0, 3, idx.size))
        act_step.append(np.full(idx.size, step))
    a_inv, a_day, a_step = (np.concatenate(x) for x in (act_inv, act_day, act_step))
    keep = a_day <= end_day
    a_inv, a_day, a_step = a_inv[keep], a_day[keep], a_step[keep]
    a_debtor = inv.debtor[a_inv]
    a_collector = book.collector_at(a_debtor, a_day)
    days_to_pay = s.settle[a_inv] - a_day
    promise = (a_step >= 2) & (rng.random(a_inv.size) < np.where(days_to_pay <= 14, 0.55, 0.12))
    # Outcomes and channels stay codes until the frame is built: numpy strings cost 52 bytes an action.
    outcome = np.where(promise, 0, 1 + rng.choice(4, size=a_inv.size, p=[0.40, 0.42, 0.13, 0.05]))
    aorder = np.lexsort((a_inv, a_day))
    esc_levels = np.array([lv for _, _, lv in LADDER])
    table = pl.DataFrame(
        {
            "action_id": np.arange(1, aorder.size + 1),
            "debtor_id": a_debtor[aorder] + 1,
            "invoice_id": inv.id[a_inv[aorder]],
            "collector_id": a_collector[aorder] + 1,
            "action_date": _dates(a_day[aorder]),
            "channel": _labels([c for _, c, _ in LADDER], a_step[aorder]),
            "outcome": _labels(["promise", "no_answer", "contacted", "refused", "wrong_contact"], outcome[aorder]),
            "escalation_level": esc_levels[a_step[aorder]],
        }
    )
    actions = Actions(invoice=a_inv, day=a_day, debtor=a_debtor, collector=a_collector, promise=promise, order=aorder)
    return actions, table


def _promises(
    rng: np.random.Generator, actions: Actions, inv: Invoices, s: Settlement, split: np.ndarray
) -> pl.DataFrame:
    """One promise per action whose outcome was a promise, to pay within 3-11 days.

    The promised amount is the rest of the invoice when it is paid in instalments (a little more than
    the first instalment covers, so some promises come out partly kept), else half to all of it.
    """
    pm = actions.order[actions.promise[actions.order]]
    pm_inv = actions.invoice[pm]
    net = s.net
    pm_amount = np.where(split[pm_inv], net[pm_inv], np.round(net[pm_inv] * rng.uniform(0.5, 1.0, pm.size)))
    return pl.DataFrame(
        {
            "promise_id": np.arange(1, pm.size + 1),
            "debtor_id": actions.debtor[pm] + 1,
            "invoice_id": inv.id[pm_inv],
            "collector_id": actions.collector[pm] + 1,
            "made_on": _dates(actions.day[pm]),
            "promised_date": _dates(actions.day[pm] + rng.integers(3, 12, pm.size)),
            "amount_cents": pm_amount.astype(np.int64),
            "is_plan": rng.random(pm.size) < 0.15,
        }
    )


def _credit_events(rng: np.random.Generator, window: Window, debtors: Debtors, grade: np.ndarray) -> pl.DataFrame:
    """Early-warning signals: 30-120 days before four defaults in five, bankruptcy after one in five,
    and false alarms on healthy debtors (more on low grades), so a warning is informative but not proof.
    """
    start_day, end_day, default_day = window.start_day, window.end_day, debtors.default_day
    dg = debtors.defaulters
    warned = dg[rng.random(dg.size) < 0.8]
    n_warn = rng.integers(1, 3, warned.size)
    w_debtor = np.repeat(warned, n_warn)
    w_day = default_day[w_debtor] - rng.integers(30, 121, w_debtor.size)
    w_type = rng.choice(["litigation", "business_anomaly", "negative_news", "rating_downgrade"], w_debtor.size)
    bk = dg[rng.random(dg.size) < 0.2]
    healthy_debtors = np.flatnonzero(~debtors.defaults)
    fa = healthy_debtors[rng.random(healthy_debtors.size) < 0.06 + 0.02 * grade[healthy_debtors]]
    fa_type = rng.choice(
        ["litigation", "business_anomaly", "negative_news", "executive_change", "rating_downgrade"], fa.size
    )
    events = pl.DataFrame(
        {
            "debtor": np.concatenate([w_debtor, bk, fa]),
            "day": np.concatenate([w_day, default_day[bk] + rng.integers(30, 200, bk.size),
                                   rng.integers(start_day, end_day, fa.size)]),  # fmt: skip
            "event_type": np.concatenate([w_type, np.full(bk.size, "bankruptcy"), fa_type]),
            "severity": np.concatenate([rng.integers(2, 4, w_debtor.size), np.full(bk.size, 3),
                                        rng.integers(1, 3, fa.size)]),  # fmt: skip
        }
    ).filter((pl.col("day") <= end_day) & (pl.col("day") >= start_day)).sort("day", "debtor")
    return pl.DataFrame(
        {
            "event_id": np.arange(1, events.height + 1),
            "debtor_id": events["debtor"].to_numpy() + 1,
            "event_date": _dates(events["day"].to_numpy()),
            "event_type": events["event_type"],
            "severity": events["severity"],
        }
    )


def _escalations(rng: np.random.Generator, window: Window, staff: Staff, debtors: Debtors, book: Book) -> pl.DataFrame:
    """Every defaulter at least 30 days past default is flagged within a month by its collector and
    escalated 1-11 days later, seniors about three days sooner (the appraisal's timely-escalation
    measure); one in twenty is never escalated, and none is escalated after ``end``.
    """
    end_day, default_day = window.end_day, debtors.default_day
    dg = debtors.defaulters
    dd = dg[default_day[dg] + 30 <= end_day]
    flagged = default_day[dd] + rng.integers(0, 30, dd.size)
    esc_collector = book.collector_at(dd, flagged)
    delay = rng.integers(1, 12, dd.size) - np.where(staff.level[esc_collector] == 2, 3, 0)
    escalated = np.where(rng.random(dd.size) < 0.05, -1, flagged + np.maximum(delay, 1))
    return pl.DataFrame(
        {
            "escalation_id": np.arange(1, dd.size + 1),
            "debtor_id": dd + 1,
            "collector_id": esc_collector + 1,
            "flagged_on": _dates(flagged),
            "escalated_on": _dates(np.where(escalated <= end_day, escalated, -1)).replace(date(1969, 12, 31), None),
            "reason": rng.choice(["default", "evasion", "dispute", "broken_promises"], dd.size, p=[0.6, 0.2, 0.1, 0.1]),
        }
    )


def _legal_cases(
    rng: np.random.Generator, window: Window, debtors: Debtors, inv: Invoices, s: Settlement
) -> pl.DataFrame:
    """About a third of defaulters are sued 90-199 days after default for all they owed.

    A case moves one stage every DAYS_PER_LEGAL_STAGE days and closes after the last; money comes back
    only from enforcement on, and then only part of the claim.
    """
    end_day, defaulted = window.end_day, s.defaulted
    exposure = (
        pl.DataFrame({"debtor": inv.debtor[defaulted], "amt": s.writeoff_amount[defaulted] + s.recovered[defaulted]})
        .group_by("debtor")
        .agg(pl.col("amt").sum())
        .sort("debtor")
    )
    legal = exposure.filter(pl.Series(rng.random(exposure.height) < 0.35))
    lg_debtor = legal["debtor"].to_numpy()
    opened = debtors.default_day[lg_debtor] + rng.integers(90, 200, lg_debtor.size)
    keep = opened <= end_day
    lg_debtor, opened, claimed = lg_debtor[keep], opened[keep], legal["amt"].to_numpy()[keep]
    last = len(LEGAL_STAGES) - 1
    stage_idx = np.minimum((end_day - opened) // DAYS_PER_LEGAL_STAGE, last)
    recovered = np.where(stage_idx >= ENFORCEMENT, np.round(claimed * rng.uniform(0.0, 0.4, claimed.size)), 0)
    closed = np.where(stage_idx == last, opened + DAYS_PER_LEGAL_STAGE * last, -1)
    return pl.DataFrame(
        {
            "case_id": np.arange(1, lg_debtor.size + 1),
            "debtor_id": lg_debtor + 1,
            "opened_on": _dates(opened),
            "stage": np.array(LEGAL_STAGES)[stage_idx],
            "closed_on": _dates(closed).replace(date(1969, 12, 31), None),
            "claimed_cents": claimed.astype(np.int64),
            "recovered_cents": recovered.astype(np.int64),
        }
    )


def _legal_case_stages(legal_cases: pl.DataFrame) -> pl.DataFrame:
    """Each stage every case has entered, so a page can show a case as it stood on any date.

    Derived from the cases alone, with no random draw, so it cannot disagree with them and adding it
    left every other table unchanged: stage k is entered DAYS_PER_LEGAL_STAGE * k days after opening
    (so 'closed' on closed_on), and the case's recovery counts from 'enforcement' on, 0 before.
    """
    cases = legal_cases.sort("case_id")
    reached = np.array([LEGAL_STAGES.index(stage) for stage in cases["stage"]], dtype=np.int64)
    case = np.repeat(np.arange(cases.height), reached + 1)
    k = np.arange(case.size) - np.repeat(np.cumsum(reached + 1) - (reached + 1), reached + 1)
    opened = cases["opened_on"].to_physical().to_numpy().astype(np.int64)
    recovered = cases["recovered_cents"].to_numpy()
    return pl.DataFrame(
        {
            "stage_id": np.arange(1, case.size + 1),
            "case_id": cases["case_id"].to_numpy()[case],
            "stage": np.array(LEGAL_STAGES)[k],
            "entered_on": _dates(opened[case] + DAYS_PER_LEGAL_STAGE * k),
            "recovered_cents": np.where(k >= ENFORCEMENT, recovered[case], 0).astype(np.int64),
        }
    )


def _surveys(
    rng: np.random.Generator, window: Window, staff: Staff, book: Book, inv: Invoices, s: Settlement
) -> pl.DataFrame:
    """One late-paid invoice in twenty brings a satisfaction survey within 20 days of settlement,
    scored higher for senior collectors, so satisfaction ranks collectors the way recovery does.
    """
    end_day, settle = window.end_day, s.settle
    sv = np.flatnonzero(s.healthy & (settle > inv.due) & (rng.random(inv.n) < 0.05))
    sv_day = settle[sv] + rng.integers(1, 20, sv.size)
    sv = sv[sv_day <= end_day]
    sv_day = sv_day[sv_day <= end_day]
    sv_collector = book.collector_at(inv.debtor[sv], settle[sv])
    score = np.clip(np.round(rng.normal(3.6 + 0.3 * (staff.level[sv_collector] - 1), 0.9)), 1, 5)
    return pl.DataFrame(
        {
            "survey_id": np.arange(1, sv.size + 1),
            "debtor_id": inv.debtor[sv] + 1,
            "collector_id": sv_collector + 1,
            "survey_date": _dates(sv_day),
            "score": score.astype(np.int64),
        }
    )


def _compliance_incidents(rng: np.random.Generator, window: Window, nc: int) -> pl.DataFrame:
    """Rare incidents (one per two collectors over three years), about a third confirmed 5-29 days
    after the report: a confirmed one zeroes the collector's appraisal, so they must stay rare.
    One whose confirmation would fall after ``end`` is reported but not (yet) confirmed.
    """
    ni = rng.poisson(0.5, nc)
    inc_col = np.repeat(np.arange(nc), ni)
    reported = rng.integers(window.start_day, window.end_day - 10, inc_col.size)
    confirmed = rng.random(inc_col.size) < 0.35
    kinds = np.array(["abusive_language", "privacy_breach", "contact_hours", "unauthorised_visit"])
    kind = kinds[rng.integers(0, 4, inc_col.size)]
    confirm_day = reported + rng.integers(5, 30, inc_col.size)
    confirmed &= confirm_day <= window.end_day  # a confirmation due after ``end`` has not happened yet
    return pl.DataFrame(
        {
            "incident_id": np.arange(1, inc_col.size + 1),
            "collector_id": inc_col + 1,
            "debtor_id": pl.Series(np.zeros(inc_col.size, dtype=np.int64)).replace(0, None),
            "reported_on": _dates(reported),
            "kind": kind,
            "confirmed": confirmed,
            "confirmed_on": _dates(np.where(confirmed, confirm_day, -1)).replace(date(1969, 12, 31), None),
            "description": [f"Reported {k.replace('_', ' ')}" for k in kind],
        }
    )


def _default_targets(start: date, end: date) -> pl.DataFrame:
    """The appraisal scheme's targets for every calendar year of the demo."""
    rows = []
    for year in range(start.year, end.year + 1):
        first, last = date(year, 1, 1), date(year, 12, 31)
        for tier, value in (("1-30", 0.90), ("31-60", 0.80), ("61-90", 0.70), ("90+", 0.50)):
            rows.append(("recovery_rate", tier, first, last, value, "Appraisal scheme: tiered recovery"))
        rows.append(("bad_debt_rate", None, first, last, 0.02, "Annual bad-debt rate below 2 %"))
        rows.append(("cycle_reduction", None, first, last, 0.10, "Collection cycle 10 % shorter each quarter"))
    return pl.DataFrame(
        rows,
        schema=["target_type", "tier", "period_start", "period_end", "value", "rationale"],
        orient="row",
    ).with_columns(
        pl.Series("target_id", range(1, len(rows) + 1)),
        pl.lit(None, pl.Int64).alias("collector_id"),
        pl.lit(None, pl.Int64).alias("region_id"),
        pl.lit("Collections manager").alias("owner"),  # who answers for the company's targets
    )


def _appeals(rng: np.random.Generator, nc: int, start_day: int, end_day: int) -> pl.DataFrame:
    """One collector in ten appeals a quarter's appraisal 5-24 days after it ends; decided 20 days
    after filing, so the appeals page has open, upheld and rejected cases side by side. An appeal
    that would be decided after ``end`` is still open on ``end``.
    """
    k = max(1, nc // 10)
    who = rng.choice(nc, size=k, replace=False)
    quarter_start = [date.fromordinal(EPOCH.toordinal() + int(d)) for d in rng.integers(start_day, end_day - 120, k)]
    quarter_start = [date(d.year, 3 * ((d.month - 1) // 3) + 1, 1) for d in quarter_start]
    quarter_end = [(date(d.year + (d.month == 10), (d.month + 2) % 12 + 1, 1) - timedelta(days=1)) for d in quarter_start]
    filed = [e + timedelta(days=int(x)) for e, x in zip(quarter_end, rng.integers(5, 25, k), strict=True)]
    status = rng.choice(["open", "upheld", "rejected"], size=k, p=[0.3, 0.3, 0.4])
    decided = [f + timedelta(days=20) for f in filed]
    end = date.fromordinal(EPOCH.toordinal() + end_day)
    status = np.where([d > end for d in decided], "open", status)  # not decided by ``end``: still open
    return pl.DataFrame(
        {
            "appeal_id": range(1, k + 1),
            "collector_id": who + 1,
            "period_start": quarter_start,
            "period_end": quarter_end,
            "filed_on": filed,
            "status": status,
            "reason": ["Disputes the attribution of a reassigned case"] * k,
            "decided_on": [None if s == "open" else d for s, d in zip(status, decided, strict=True)],
        }
    )
