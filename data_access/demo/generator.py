"""A deterministic demo portfolio of a Chinese factoring company, generated without row loops.

``generate(n_invoices, seed, end)`` returns one Polars frame per table; ``seed_database`` writes
them in one audited transaction. The same (n_invoices, seed, end) always gives the same data.

The portfolio carries the relationships the product's pages are meant to find:
- lower ratings pay later and default more; ratings drift, and defaulters are downgraded first;
- credit events precede most defaults by 30-120 days, and also strike healthy debtors (false alarms);
- seniors collect faster and recover more of defaulted debt, yet are handed the low-rated debtors;
- regions differ in volume more than in staffing, so some are overloaded;
- payments slow down around Chinese New Year; Construction deteriorates during the middle year;
- promises kept, partly kept and broken; ladders climbed in order; rare compliance incidents;
  surveys; write-offs after long delinquency; legal cases with partial recoveries.
"""

from __future__ import annotations

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


def generate(n_invoices: int = 200_000, seed: int = 7, end: date | None = None) -> dict[str, pl.DataFrame]:
    """All tables of a demo portfolio covering the three years up to ``end`` (default today)."""
    end = end or date.today()
    shape = DemoShape.for_invoices(n_invoices)
    rng = np.random.default_rng(seed)
    end_day = _days(end)
    start_day = end_day - 3 * 365
    bad_year = (start_day + 365, start_day + 730)  # the deteriorating industry's bad year

    tables: dict[str, pl.DataFrame] = {}
    n_regions = len(REGIONS)
    tables["regions"] = pl.DataFrame(
        {
            "region_id": np.arange(1, n_regions + 1),
            "name": [r[0] for r in REGIONS],
            "name_zh": [r[1] for r in REGIONS],
        }
    )
    volume_share = np.array([r[2] for r in REGIONS])
    volume_share = volume_share / volume_share.sum()
    staff_share = np.array([r[3] for r in REGIONS])
    staff_share = staff_share / staff_share.sum()

    # Collectors: staffing does not follow volume, so East and South China are overloaded.
    nc = shape.n_collectors
    col_region = np.sort(rng.choice(n_regions, size=nc, p=staff_share))
    col_region[:n_regions] = np.arange(n_regions)  # every region has at least one collector
    col_level = rng.choice(3, size=nc, p=LEVEL_SHARE)
    for r in range(n_regions):  # and at least one senior to mentor its juniors
        members = np.flatnonzero(col_region == r)
        if not (col_level[members] == 2).any():
            col_level[members[0]] = 2
    seniority_years = np.array([1.5, 4.0, 9.0])[col_level] * rng.uniform(0.5, 1.5, nc)
    hire_day = (start_day - seniority_years * 365).astype(np.int64)
    mentor = np.full(nc, -1)
    for r in range(n_regions):
        members = np.flatnonzero(col_region == r)
        seniors = members[col_level[members] == 2]
        juniors = members[col_level[members] == 0]
        mentor[juniors] = seniors[np.arange(len(juniors)) % len(seniors)]
    surnames = np.array(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"))
    given = np.array(["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英"])
    tables["collectors"] = pl.DataFrame(
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

    # Clients (sellers).
    ncl = shape.n_clients
    cl_industry = rng.integers(0, len(INDUSTRIES), ncl)
    cl_recourse = rng.random(ncl) < 0.6
    cl_advance = np.round(rng.uniform(0.70, 0.90, ncl), 2)
    tables["clients"] = pl.DataFrame(
        {
            "client_id": np.arange(1, ncl + 1),
            "name": [f"Client {i + 1:04d} {INDUSTRIES[k]} Co." for i, k in enumerate(cl_industry)],
            "industry": np.array(INDUSTRIES)[cl_industry],
            "region_id": rng.choice(n_regions, size=ncl, p=volume_share) + 1,
            "recourse": cl_recourse,
            "advance_rate": cl_advance,
        }
    )

    # Debtors (buyers): a latent grade, an activity weight (concentration), maybe a default date.
    nd = shape.n_debtors
    d_region = rng.choice(n_regions, size=nd, p=volume_share)
    d_industry = rng.integers(0, len(INDUSTRIES), nd)
    d_grade0 = rng.choice(len(GRADES), size=nd, p=GRADE_SHARE)
    d_activity = rng.lognormal(0.0, 1.0, nd)
    bad_industry = d_industry == INDUSTRIES.index(DETERIORATING_INDUSTRY)
    pd3 = DEFAULT_PROB_3Y[d_grade0] * np.where(bad_industry, 2.5, 1.0)
    d_defaults = rng.random(nd) < pd3
    default_day = rng.integers(start_day + 60, end_day - 20, nd)
    in_bad_year = rng.integers(bad_year[0], bad_year[1], nd)
    default_day = np.where(bad_industry & (rng.random(nd) < 0.75), in_bad_year, default_day)
    default_day = np.where(d_defaults, default_day, np.iinfo(np.int32).max)
    # Credit limits follow each debtor's expected exposure (two months of its purchases, with room),
    # tighter for low grades: most debtors use 20-80 % of their limit, a few run over it.
    monthly_sales = n_invoices / 36 * 40_000 * np.exp(0.5)
    exposure = d_activity / d_activity.sum() * monthly_sales * 2
    limit = np.maximum(np.round(exposure * 3.0 * rng.lognormal(0.0, 0.35, nd) * np.linspace(1.3, 0.7, 7)[d_grade0],
                                -4), 300_000)  # fmt: skip
    tables["debtors"] = pl.DataFrame(
        {
            "debtor_id": np.arange(1, nd + 1),
            "name": [f"Debtor {i + 1:05d} {INDUSTRIES[k]}" for i, k in enumerate(d_industry)],
            "industry": np.array(INDUSTRIES)[d_industry],
            "region_id": d_region + 1,
            "credit_limit_cents": (limit * 100).astype(np.int64),
        }
    )

    # Rating history: an initial rating, random reviews, and a downgrade ahead of each default.
    review_n = rng.poisson(1.2, nd)
    rv_debtor = np.repeat(np.arange(nd), review_n)
    rv_day = rng.integers(start_day, end_day, rv_debtor.size)
    rv_delta = rng.choice([-1, 0, 1], size=rv_debtor.size, p=[0.25, 0.45, 0.30])  # +1 = worse
    dg = np.flatnonzero(d_defaults)
    dg_day = default_day[dg] - rng.integers(20, 90, dg.size)
    ratings = pl.DataFrame(
        {
            "debtor": np.concatenate([np.arange(nd), rv_debtor, dg]),
            "day": np.concatenate([np.full(nd, start_day - 400), rv_day, dg_day]),
            "delta": np.concatenate([d_grade0, rv_delta, rng.integers(1, 3, dg.size)]),
        }
    )
    ratings = (
        ratings.sort("debtor", "day")
        .unique(["debtor", "day"], keep="first", maintain_order=True)
        .with_columns(pl.col("delta").cum_sum().over("debtor").clip(0, len(GRADES) - 1).alias("g"))
    )
    tables["debtor_ratings"] = pl.DataFrame(
        {
            "rating_id": np.arange(1, ratings.height + 1),
            "debtor_id": ratings["debtor"].to_numpy() + 1,
            "rated_on": _dates(ratings["day"].to_numpy()),
            "grade": np.array(GRADES)[ratings["g"].to_numpy()],
        }
    )
    grade_now = ratings.group_by("debtor").agg(pl.col("g").last()).sort("debtor")["g"].to_numpy()
    d_grade = np.maximum(d_grade0, grade_now)  # behaviour follows the worse of the two

    # Assignments: low-rated debtors go to seniors; some cases are reassigned once.
    hard = d_grade >= GRADES.index("BB")
    d_collector0 = np.zeros(nd, dtype=np.int64)
    for r in range(n_regions):
        members = np.flatnonzero(col_region == r)
        for is_hard, weights in ((True, (0.5, 1.5, 4.0)), (False, (1.6, 1.0, 0.5))):
            who = np.flatnonzero((d_region == r) & (hard == is_hard))
            w = np.array(weights)[col_level[members]]
            d_collector0[who] = rng.choice(members, size=who.size, p=w / w.sum())
    reassigned = rng.random(nd) < 0.15
    reassign_day = np.where(reassigned, rng.integers(start_day + 60, end_day - 30, nd), np.iinfo(np.int32).max)
    region_pick = rng.random(nd)
    d_collector1 = d_collector0.copy()
    for r in range(n_regions):
        members = np.flatnonzero(col_region == r)
        who = np.flatnonzero(d_region == r)
        d_collector1[who] = members[(region_pick[who] * len(members)).astype(int)]
    reassigned &= d_collector1 != d_collector0
    reassign_day = np.where(reassigned, reassign_day, np.iinfo(np.int32).max)
    first_day = np.full(nd, start_day - 400)
    rr = np.flatnonzero(reassigned)
    tables["assignments"] = pl.DataFrame(
        {
            "debtor_id": np.concatenate([np.arange(nd), rr]) + 1,
            "collector_id": np.concatenate([d_collector0, d_collector1[rr]]) + 1,
            "start_date": _dates(np.concatenate([first_day, reassign_day[rr]])),
            "end_date": pl.concat(
                [_dates(np.where(reassigned, reassign_day, 0)).replace(EPOCH, None), _dates(np.zeros(rr.size))]
            ).replace(EPOCH, None),
        }
    ).with_columns(pl.Series("assignment_id", np.arange(1, nd + rr.size + 1)))

    def collector_at(debtor: np.ndarray, day: np.ndarray) -> np.ndarray:
        return np.where(day >= reassign_day[debtor], d_collector1[debtor], d_collector0[debtor])

    # Invoices: issued on business-weighted days (fewer around Chinese New Year).
    n = shape.n_invoices
    day_range = np.arange(start_day, end_day + 1)
    day_weight = np.ones(day_range.size)
    for cny in CNY:
        c = _days(cny)
        day_weight[(day_range >= c - 7) & (day_range < c + 14)] = 0.35
    day_weight /= day_weight.sum()
    inv_debtor = rng.choice(nd, size=n, p=d_activity / d_activity.sum())
    issue = rng.choice(day_range, size=n, p=day_weight)
    # The factor stops buying a debtor's invoices once it has defaulted: those go to healthy debtors.
    after_default = issue > default_day[inv_debtor] - 5
    healthy_weight = np.where(d_defaults, 0.0, d_activity)
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
    inv_debtor, issue, due, amount, inv_client, disputed, terms = (
        a[order] for a in (inv_debtor, issue, due, amount, inv_client, disputed, terms)
    )
    inv_id = np.arange(1, n + 1)
    tables["invoices"] = pl.DataFrame(
        {
            "invoice_id": inv_id,
            "client_id": inv_client + 1,
            "debtor_id": inv_debtor + 1,
            "issue_date": _dates(issue),
            "due_date": _dates(due),
            "amount_cents": amount,
            "advance_cents": np.floor(amount * cl_advance[inv_client]).astype(np.int64),
            "recourse": cl_recourse[inv_client],
            "disputed": disputed,
        }
    ).with_columns(
        ("INV-" + pl.col("issue_date").dt.year().cast(pl.String) + "-"
         + pl.col("invoice_id").cast(pl.String).str.zfill(8)).alias("invoice_number")  # fmt: skip
    )

    # Dilution: credit notes on a few invoices.
    has_credit = rng.random(n) < 0.04
    credit = np.where(has_credit, np.round(amount * rng.uniform(0.01, 0.10, n)), 0).astype(np.int64)
    credit_day = issue + rng.integers(5, 40, n)
    net = amount - credit

    # Payment behaviour of healthy invoices.
    grade = d_grade[inv_debtor]
    collector_due = collector_at(inv_debtor, due)
    level = col_level[collector_due]
    on_time = rng.random(n) < ON_TIME_PROB[grade]
    late = rng.exponential(MEAN_DAYS_LATE[grade]) * LATENESS_FACTOR[level]
    bad_time = bad_industry[inv_debtor] & (due >= bad_year[0]) & (due < bad_year[1])
    late *= np.where(bad_time, 1.8, 1.0)
    after_cny = np.zeros(n, dtype=bool)
    for cny in CNY:
        c = _days(cny)
        after_cny |= (due >= c - 10) & (due < c + 21)
    late += np.where(after_cny, rng.uniform(5, 20, n), 0)
    late += np.where(disputed, rng.uniform(20, 60, n), 0)
    early = rng.integers(0, 8, n)
    settle = np.where(on_time & ~after_cny & ~disputed, due - early, due + np.ceil(late).astype(np.int64))
    settle = np.maximum(settle, issue + 1)

    # Defaulted invoices: still open when the debtor defaulted.
    defaulted = due >= default_day[inv_debtor] - 60
    recovered_share = np.clip(rng.beta(2, 5, n) * DEFAULT_RECOVERY[level] / (2 / 7), 0, 0.9)
    recovered = np.where(defaulted, np.round(net * recovered_share), 0).astype(np.int64)
    recover_day = np.maximum(due, default_day[inv_debtor]) + rng.integers(30, 200, n)
    writeoff_day = np.maximum(due, default_day[inv_debtor]) + rng.integers(180, 420, n)
    writeoff_amt = np.where(defaulted, net - recovered, 0)

    # Payments: healthy invoices pay in full (a quarter in two instalments); defaulted ones pay
    # what is recovered. Nothing is dated after ``end``.
    healthy = ~defaulted
    split = healthy & (rng.random(n) < 0.25) & (settle - issue > 15)
    first_share = rng.uniform(0.3, 0.7, n)
    first_amt = np.where(split, np.round(net * first_share), 0).astype(np.int64)
    first_day = np.maximum(issue + 1, settle - rng.integers(10, 40, n))
    pay_inv = np.concatenate([np.flatnonzero(split), np.flatnonzero(healthy), np.flatnonzero(recovered > 0)])
    pay_day = np.concatenate([first_day[split], settle[healthy], recover_day[recovered > 0]])
    pay_amt = np.concatenate([first_amt[split], (net - first_amt)[healthy], recovered[recovered > 0]])
    keep = (pay_day <= end_day) & (pay_amt > 0)
    pay_inv, pay_day, pay_amt = pay_inv[keep], pay_day[keep], pay_amt[keep]
    porder = np.lexsort((pay_inv, pay_day))
    tables["payments"] = pl.DataFrame(
        {
            "payment_id": np.arange(1, porder.size + 1),
            "invoice_id": inv_id[pay_inv[porder]],
            "payment_date": _dates(pay_day[porder]),
            "amount_cents": pay_amt[porder],
        }
    )
    cn = np.flatnonzero(has_credit & (credit > 0) & (credit_day <= end_day))
    reasons = np.array(["discount", "return", "short_pay", "price_adjustment"])
    tables["credit_notes"] = pl.DataFrame(
        {
            "credit_note_id": np.arange(1, cn.size + 1),
            "invoice_id": inv_id[cn],
            "credit_note_date": _dates(credit_day[cn]),
            "amount_cents": credit[cn],
            "reason": reasons[rng.integers(0, reasons.size, cn.size)],
        }
    )
    wo = np.flatnonzero(defaulted & (writeoff_amt > 0) & (writeoff_day <= end_day))
    tables["write_offs"] = pl.DataFrame(
        {
            "write_off_id": np.arange(1, wo.size + 1),
            "invoice_id": inv_id[wo],
            "write_off_date": _dates(writeoff_day[wo]),
            "amount_cents": writeoff_amt[wo],
        }
    )
    rec_day = writeoff_day[wo] + rng.integers(30, 300, wo.size)
    rec = (rng.random(wo.size) < 0.18) & (rec_day <= end_day)
    rec_amt = np.round(writeoff_amt[wo] * rng.uniform(0.05, 0.35, wo.size)).astype(np.int64)
    rec &= rec_amt > 0
    tables["recoveries"] = pl.DataFrame(
        {
            "recovery_id": np.arange(1, int(rec.sum()) + 1),
            "invoice_id": inv_id[wo[rec]],
            "recovery_date": _dates(rec_day[rec]),
            "amount_cents": rec_amt[rec],
        }
    )

    # Collection actions: the ladder, climbed in order while the invoice stays unpaid.
    closed_day = np.where(defaulted, np.minimum(writeoff_day, end_day), np.minimum(settle, end_day + 1))
    act_inv, act_day, act_step = [], [], []
    for step, (dpd, _channel, _level) in enumerate(LADDER):
        if _channel == "legal":
            mask = defaulted & (due + dpd < closed_day)
        else:
            mask = due + dpd < closed_day
        idx = np.flatnonzero(mask)
        act_inv.append(idx)
        act_day.append(due[idx] + dpd + rng.integers(0, 3, idx.size))
        act_step.append(np.full(idx.size, step))
    a_inv, a_day, a_step = (np.concatenate(x) for x in (act_inv, act_day, act_step))
    keep = a_day <= end_day
    a_inv, a_day, a_step = a_inv[keep], a_day[keep], a_step[keep]
    a_debtor = inv_debtor[a_inv]
    a_collector = collector_at(a_debtor, a_day)
    days_to_pay = settle[a_inv] - a_day
    # A promise is likelier when payment is near; later payment makes it a broken promise.
    promise = (a_step >= 2) & (rng.random(a_inv.size) < np.where(days_to_pay <= 14, 0.55, 0.12))
    outcome = np.where(
        promise,
        "promise",
        np.array(["no_answer", "contacted", "refused", "wrong_contact"])[
            rng.choice(4, size=a_inv.size, p=[0.40, 0.42, 0.13, 0.05])
        ],
    )
    aorder = np.lexsort((a_inv, a_day))
    channels = np.array([c for _, c, _ in LADDER])
    esc_levels = np.array([lv for _, _, lv in LADDER])
    tables["collection_actions"] = pl.DataFrame(
        {
            "action_id": np.arange(1, aorder.size + 1),
            "debtor_id": a_debtor[aorder] + 1,
            "invoice_id": inv_id[a_inv[aorder]],
            "collector_id": a_collector[aorder] + 1,
            "action_date": _dates(a_day[aorder]),
            "channel": channels[a_step[aorder]],
            "outcome": outcome[aorder],
            "escalation_level": esc_levels[a_step[aorder]],
        }
    )
    pm = aorder[promise[aorder]]
    pm_inv = a_inv[pm]
    # Promised amount: the rest of the invoice, a little more than a first instalment would cover.
    pm_amount = np.where(split[pm_inv], net[pm_inv], np.round(net[pm_inv] * rng.uniform(0.5, 1.0, pm.size)))
    tables["promises"] = pl.DataFrame(
        {
            "promise_id": np.arange(1, pm.size + 1),
            "debtor_id": a_debtor[pm] + 1,
            "invoice_id": inv_id[pm_inv],
            "collector_id": a_collector[pm] + 1,
            "made_on": _dates(a_day[pm]),
            "promised_date": _dates(a_day[pm] + rng.integers(3, 12, pm.size)),
            "amount_cents": pm_amount.astype(np.int64),
            "is_plan": rng.random(pm.size) < 0.15,
        }
    )

    # Credit events: warnings before most defaults, and false alarms on healthy debtors.
    warned = dg[rng.random(dg.size) < 0.8]
    n_warn = rng.integers(1, 3, warned.size)
    w_debtor = np.repeat(warned, n_warn)
    w_day = default_day[w_debtor] - rng.integers(30, 121, w_debtor.size)
    w_type = rng.choice(["litigation", "business_anomaly", "negative_news", "rating_downgrade"], w_debtor.size)
    bk = dg[rng.random(dg.size) < 0.2]
    healthy_debtors = np.flatnonzero(~d_defaults)
    fa = healthy_debtors[rng.random(healthy_debtors.size) < 0.06 + 0.02 * d_grade[healthy_debtors]]
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
    tables["credit_events"] = pl.DataFrame(
        {
            "event_id": np.arange(1, events.height + 1),
            "debtor_id": events["debtor"].to_numpy() + 1,
            "event_date": _dates(events["day"].to_numpy()),
            "event_type": events["event_type"],
            "severity": events["severity"],
        }
    )

    # Escalations of hard cases (defaulters) and legal cases with partial recoveries.
    dd = dg[default_day[dg] + 30 <= end_day]
    flagged = default_day[dd] + rng.integers(0, 30, dd.size)
    esc_collector = collector_at(dd, flagged)
    delay = rng.integers(1, 12, dd.size) - np.where(col_level[esc_collector] == 2, 3, 0)
    escalated = np.where(rng.random(dd.size) < 0.05, -1, flagged + np.maximum(delay, 1))
    tables["escalations"] = pl.DataFrame(
        {
            "escalation_id": np.arange(1, dd.size + 1),
            "debtor_id": dd + 1,
            "collector_id": esc_collector + 1,
            "flagged_on": _dates(flagged),
            "escalated_on": _dates(np.where(escalated <= end_day, escalated, -1)).replace(date(1969, 12, 31), None),
            "reason": rng.choice(["default", "evasion", "dispute", "broken_promises"], dd.size, p=[0.6, 0.2, 0.1, 0.1]),
        }
    )
    exposure = (
        pl.DataFrame({"debtor": inv_debtor[defaulted], "amt": writeoff_amt[defaulted] + recovered[defaulted]})
        .group_by("debtor")
        .agg(pl.col("amt").sum())
        .sort("debtor")
    )
    legal = exposure.filter(pl.Series(rng.random(exposure.height) < 0.35))
    lg_debtor = legal["debtor"].to_numpy()
    opened = default_day[lg_debtor] + rng.integers(90, 200, lg_debtor.size)
    keep = opened <= end_day
    lg_debtor, opened, claimed = lg_debtor[keep], opened[keep], legal["amt"].to_numpy()[keep]
    age = end_day - opened
    stage_idx = np.minimum(age // 120, 4)
    stages = np.array(["filed", "hearing", "judgment", "enforcement", "closed"])[stage_idx]
    recovered_legal = np.where(stage_idx >= 3, np.round(claimed * rng.uniform(0.0, 0.4, claimed.size)), 0)
    tables["legal_cases"] = pl.DataFrame(
        {
            "case_id": np.arange(1, lg_debtor.size + 1),
            "debtor_id": lg_debtor + 1,
            "opened_on": _dates(opened),
            "stage": stages,
            "closed_on": _dates(np.where(stage_idx == 4, opened + 480, -1)).replace(date(1969, 12, 31), None),
            "claimed_cents": claimed.astype(np.int64),
            "recovered_cents": recovered_legal.astype(np.int64),
        }
    )

    # Satisfaction surveys after a late invoice is settled.
    sv = np.flatnonzero(healthy & (settle > due) & (rng.random(n) < 0.05))
    sv_day = settle[sv] + rng.integers(1, 20, sv.size)
    sv = sv[sv_day <= end_day]
    sv_day = sv_day[sv_day <= end_day]
    sv_collector = collector_at(inv_debtor[sv], settle[sv])
    score = np.clip(np.round(rng.normal(3.6 + 0.3 * (col_level[sv_collector] - 1), 0.9)), 1, 5)
    tables["satisfaction_surveys"] = pl.DataFrame(
        {
            "survey_id": np.arange(1, sv.size + 1),
            "debtor_id": inv_debtor[sv] + 1,
            "collector_id": sv_collector + 1,
            "survey_date": _dates(sv_day),
            "score": score.astype(np.int64),
        }
    )

    # Compliance incidents: rare, about a third confirmed.
    ni = rng.poisson(0.5, nc)
    inc_col = np.repeat(np.arange(nc), ni)
    reported = rng.integers(start_day, end_day - 10, inc_col.size)
    confirmed = rng.random(inc_col.size) < 0.35
    kinds = np.array(["abusive_language", "privacy_breach", "contact_hours", "unauthorised_visit"])
    kind = kinds[rng.integers(0, 4, inc_col.size)]
    tables["compliance_incidents"] = pl.DataFrame(
        {
            "incident_id": np.arange(1, inc_col.size + 1),
            "collector_id": inc_col + 1,
            "debtor_id": pl.Series(np.zeros(inc_col.size, dtype=np.int64)).replace(0, None),
            "reported_on": _dates(reported),
            "kind": kind,
            "confirmed": confirmed,
            "confirmed_on": _dates(np.where(confirmed, reported + rng.integers(5, 30, inc_col.size), -1)).replace(
                date(1969, 12, 31), None
            ),
            "description": [f"Reported {k.replace('_', ' ')}" for k in kind],
        }
    )

    tables["targets"] = _default_targets(date.fromordinal(EPOCH.toordinal() + start_day), end)
    tables["appeals"] = _appeals(rng, nc, start_day, end_day)
    return tables


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
    )


def _appeals(rng: np.random.Generator, nc: int, start_day: int, end_day: int) -> pl.DataFrame:
    k = max(1, nc // 10)
    who = rng.choice(nc, size=k, replace=False)
    quarter_start = [date.fromordinal(EPOCH.toordinal() + int(d)) for d in rng.integers(start_day, end_day - 120, k)]
    quarter_start = [date(d.year, 3 * ((d.month - 1) // 3) + 1, 1) for d in quarter_start]
    quarter_end = [(date(d.year + (d.month == 10), (d.month + 2) % 12 + 1, 1) - timedelta(days=1)) for d in quarter_start]
    filed = [e + timedelta(days=int(x)) for e, x in zip(quarter_end, rng.integers(5, 25, k), strict=True)]
    status = rng.choice(["open", "upheld", "rejected"], size=k, p=[0.3, 0.3, 0.4])
    return pl.DataFrame(
        {
            "appeal_id": range(1, k + 1),
            "collector_id": who + 1,
            "period_start": quarter_start,
            "period_end": quarter_end,
            "filed_on": filed,
            "status": status,
            "reason": ["Disputes the attribution of a reassigned case"] * k,
            "decided_on": [None if s == "open" else f + timedelta(days=20) for s, f in zip(status, filed, strict=True)],
        }
    )
