"""Tier recovery targets: one place that says which target is in force, and where it came from.

The Overview ("tier below target") and the Collectors league table judge recovery against the same
targets, read here: the ``targets`` table first, the setting ``RDASH_RECOVERY_TARGETS`` for whatever
the table does not set. A row of the table is in force for a period when the period's end lies in
[period_start, period_end]. Company-wide rows have neither collector nor region; a row with a region
overrides the company target for the collectors of that region, and a row with a collector overrides
both for that collector. When several rows of one kind are in force for a tier, the narrowest wins (a
target set for the quarter beats the one set for the year), then the one starting latest, then the
highest ``target_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from data_access.messages import Message
from data_access.metrics.recovery import TIERS, Period

RECOVERY_RATE = "recovery_rate"  # target_type of the tier recovery targets
TABLE, SETTINGS = "table", "settings"  # where a target came from
COMPANY, REGION, COLLECTOR = "company", "region", "collector"  # whom a target applies to


@dataclass(frozen=True)
class RecoveryTargets:
    """The tier recovery targets in force for one period."""

    company: dict[str, float]  # tier -> company-wide target
    sources: dict[str, str]  # tier -> TABLE or SETTINGS, for the company-wide target
    by_region: dict[tuple[int, str], float] = field(default_factory=dict)  # (region_id, tier) -> target
    by_collector: dict[tuple[int, str], float] = field(default_factory=dict)  # (collector_id, tier) -> target

    @classmethod
    def from_settings(cls, defaults: tuple[float, ...]) -> RecoveryTargets:
        """The targets when the table sets none: ``RDASH_RECOVERY_TARGETS``, tiers in order."""
        return cls(dict(zip(TIERS, defaults, strict=True)), dict.fromkeys(TIERS, SETTINGS))

    @property
    def values(self) -> tuple[float, ...]:
        """Company-wide targets in tier order, as ``recovery.recovery_by_tier`` takes them."""
        return tuple(self.company[tier] for tier in TIERS)

    def frame(self) -> pl.DataFrame:
        """Company-wide targets: tier, target, source (table or settings)."""
        return pl.DataFrame({"tier": list(TIERS), "target": list(self.values),
                             "source": [self.sources[tier] for tier in TIERS]})  # fmt: skip

    def per_collector(self, collectors: pl.DataFrame) -> pl.DataFrame:
        """Per collector (``collector_id``, ``region_id``) and tier: the target that applies, its
        source (table or settings) and its scope (collector, region or company override)."""
        rows = []
        for collector_id, region_id in collectors.select("collector_id", "region_id").iter_rows():
            for tier in TIERS:
                if (collector_id, tier) in self.by_collector:
                    rows.append((collector_id, tier, self.by_collector[(collector_id, tier)], TABLE, COLLECTOR))
                elif (region_id, tier) in self.by_region:
                    rows.append((collector_id, tier, self.by_region[(region_id, tier)], TABLE, REGION))
                else:
                    rows.append((collector_id, tier, self.company[tier], self.sources[tier], COMPANY))
        return pl.DataFrame(rows, orient="row", schema={"collector_id": collectors.schema["collector_id"],
                                                         "tier": pl.String, "target": pl.Float64,
                                                         "source": pl.String, "scope": pl.String})  # fmt: skip


def recovery_targets(table: pl.DataFrame, period: Period, defaults: tuple[float, ...]) -> RecoveryTargets:
    """Tier targets in force at the period's end: the targets table where it sets them (company-wide,
    per region, per collector), ``defaults`` (the settings) for the tiers it leaves unset."""
    targets = RecoveryTargets.from_settings(defaults)
    company, sources = dict(targets.company), dict(targets.sources)
    by_region: dict[tuple[int, str], float] = {}
    by_collector: dict[tuple[int, str], float] = {}
    span = (pl.col("period_end") - pl.col("period_start")).alias("span")
    order = [span, "period_start", *(["target_id"] if "target_id" in table.columns else [])]
    rows = table.filter(
        (pl.col("target_type") == RECOVERY_RATE) & (pl.col("period_start") <= period.end)
        & (pl.col("period_end") >= period.end) & pl.col("tier").is_in(list(TIERS))
    ).sort(order, descending=[True, False, False][: len(order)])  # fmt: skip
    for row in rows.iter_rows(named=True):  # a later row overwrites an earlier one: narrowest, then latest
        collector_id, region_id = row.get("collector_id"), row.get("region_id")
        if collector_id is not None:
            by_collector[(collector_id, row["tier"])] = row["value"]
        elif region_id is not None:
            by_region[(region_id, row["tier"])] = row["value"]
        else:
            company[row["tier"]], sources[row["tier"]] = row["value"], TABLE
    return RecoveryTargets(company, sources, by_region, by_collector)


# --- Targets as the manager sets them (docs/targets.md) ------------------------------------------------------------
#
# A target is SMART by construction: a metric with its definition (METRICS, linked from the page to
# docs/metrics.md), a number (``value``: a share 0-1 or a score; ``value_cents``: an amount), a scope
# (company, a region or a collector), an owner and a calendar period (a month, a quarter or a year).

HIGHER, LOWER = "higher", "lower"  # which way is better
SHARE, AMOUNT, SCORE = "share", "amount", "score"  # how the number is given


@dataclass(frozen=True)
class Metric:
    code: str  # targets.target_type
    unit: str  # SHARE (0-1, shown 0-100 %), AMOUNT (cents) or SCORE (1-5)
    better: str  # HIGHER or LOWER
    levels: tuple[str, ...] = (COMPANY, REGION, COLLECTOR)  # where the metric can be set


METRICS: dict[str, Metric] = {m.code: m for m in (
    Metric(RECOVERY_RATE, SHARE, HIGHER),  # per tier (``tier``)
    Metric("recovery_overall", SHARE, HIGHER),
    Metric("amount_recovered", AMOUNT, HIGHER),
    Metric("cycle_reduction", SHARE, HIGHER),
    Metric("bad_debt_rate", SHARE, LOWER, (COMPANY, REGION)),
    Metric("agreement_rate", SHARE, HIGHER),
    Metric("kept_rate", SHARE, HIGHER),
    Metric("satisfaction", SCORE, HIGHER),
)}  # fmt: skip
PERIOD_KINDS = ("month", "quarter", "year")
EDIT_COLUMNS = ("target_id", "level", "region_id", "collector_id", "target_type", "tier", "value", "value_cents",
                "owner", "rationale")  # fmt: skip


def period_of(kind: str, day: date) -> Period:
    """The whole calendar month, quarter or year containing ``day``."""
    if kind == "month":
        start, months = day.replace(day=1), 1
    elif kind == "quarter":
        start, months = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1), 3
    elif kind == "year":
        start, months = date(day.year, 1, 1), 12
    else:
        raise ValueError(f"Unknown period kind {kind!r}; use one of {PERIOD_KINDS}")
    year, month = divmod(start.month - 1 + months, 12)
    return Period(start, date(start.year + year, month + 1, 1) - timedelta(days=1))


def kind_of(period: Period) -> str | None:
    """'month', 'quarter' or 'year' when ``period`` is exactly one of them, else None."""
    return next((k for k in PERIOD_KINDS if period_of(k, period.start) == period), None)


def next_period(period: Period) -> Period:
    """The calendar period of the same kind right after ``period``."""
    kind = kind_of(period)
    if kind is None:
        raise ValueError(f"{period.start} to {period.end} is not a calendar month, quarter or year")
    return period_of(kind, period.end + timedelta(days=1))


def window_closes(period: Period, window_days: int) -> date:
    """The last day an appeal against ``period`` can be filed (RDASH_APPEAL_WINDOW_DAYS after its end)."""
    return period.end + timedelta(days=window_days)


def level_of(region_id: int | None, collector_id: int | None) -> str:
    return COLLECTOR if collector_id is not None else REGION if region_id is not None else COMPANY


def in_period(table: pl.DataFrame, period: Period) -> pl.DataFrame:
    """The targets set for exactly ``period``, with their level, in a stable order."""
    return table.filter((pl.col("period_start") == period.start) & (pl.col("period_end") == period.end)).with_columns(
        pl.when(pl.col("collector_id").is_not_null()).then(pl.lit(COLLECTOR))
        .when(pl.col("region_id").is_not_null()).then(pl.lit(REGION)).otherwise(pl.lit(COMPANY)).alias("level")
    ).sort("target_type", "tier", "region_id", "collector_id", "target_id", nulls_last=False)  # fmt: skip


def scheme_defaults(period: Period, tiers: tuple[float, ...], cycle: float, bad_debt: float) -> list[dict]:
    """The appraisal scheme's company-wide targets for a period that has none (DOMAIN.md §2.1-2.2):
    tiered recovery (``tiers``, RDASH_RECOVERY_TARGETS: 90/80/70/50 %), the collection cycle ``cycle``
    shorter per quarter (quarters only: the scheme sets it per quarter) and the annual bad-debt rate below
    ``bad_debt`` (a rate per year, so it applies to any period, annualised). Owner and rationale are
    ``Message``s (English as a str) for the page to offer in the reader's language; the rationale states
    the figures given, not the scheme's usual ones."""
    owner, kind = Message("targets.default.owner", "Collections manager"), kind_of(period)
    rows = [_row(RECOVERY_RATE, tier, value, owner, Message("targets.default.tiered", "Appraisal scheme: tiered "
                                                            "recovery target of {rate} for {tier} days past due",
                                                            rate=_percent(value), tier=tier))
            for tier, value in zip(TIERS, tiers, strict=True)]  # fmt: skip
    if kind == "quarter":
        rows.append(_row("cycle_reduction", None, cycle, owner, Message(
            "targets.default.cycle", "Appraisal scheme: collection cycle {rate} shorter each quarter",
            rate=_percent(cycle))))  # fmt: skip
    rows.append(_row("bad_debt_rate", None, bad_debt, owner, Message(
        "targets.default.bad_debt", "Appraisal scheme: annual bad-debt rate below {rate}", rate=_percent(bad_debt))))
    return rows


def _percent(value: float) -> str:
    return f"{round(value * 100, 4):g} %"


def _row(metric: str, tier: str | None, value: float, owner: Message, rationale: Message) -> dict:
    return {"target_id": None, "level": COMPANY, "region_id": None, "collector_id": None, "target_type": metric,
            "tier": tier, "value": value, "value_cents": None, "owner": owner, "rationale": rationale}  # fmt: skip


def copied_rows(source: pl.DataFrame, existing: pl.DataFrame) -> list[dict]:
    """The rows of ``source`` (a period's targets) that the next period does not set yet (``existing``:
    its targets), as new rows; the copy keeps value, owner and rationale."""
    taken = {identity(r) for r in existing.iter_rows(named=True)}
    return [{**{c: r.get(c) for c in EDIT_COLUMNS}, "target_id": None}
            for r in source.iter_rows(named=True) if identity(r) not in taken]  # fmt: skip


def identity(row: dict) -> tuple:
    """What a target is a target of: metric, tier and scope. A collector's target is the collector's whether
    or not the row also names the collector's region (the region is implied), so both forms are one target."""
    collector_id = row.get("collector_id")
    region_id = None if collector_id is not None else row.get("region_id")
    return (row["target_type"], row.get("tier"), region_id, collector_id)


@dataclass(frozen=True)
class Problem:
    row: int  # position of the row in the edited table
    message: Message  # English as a str; the page says it in the reader's language (dashboard.i18n.localized)


def validate(rows: list[dict], collector_regions: dict[int, int], regions: set[int]) -> list[Problem]:
    """Every rule a set of one period's targets must meet, one message per broken rule and row.

    - the metric is known; a tier recovery target names its tier, other metrics none;
    - the scope is one of: company (no region, no collector), a region, or a collector (whose region
      is then implied); regions and collectors must exist; the bad-debt rate is set for the company
      or a region only (a collector's write-offs are not a rate of its own book);
    - rates (shares) are between 0 and 100 %, satisfaction between 1 and 5, amounts 0 or more, whole cents;
    - an owner is named;
    - no two rows for the same scope, metric (and tier);
    - a collector's target is not looser than its region's (lower for a higher-is-better metric, higher
      for the bad-debt rate) unless the rationale says why.
    """
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}
    region_values: dict[tuple, float] = {}
    for i, row in enumerate(rows):
        metric = METRICS.get(row.get("target_type") or "")
        if metric is None:
            problems.append(Problem(i, Message("targets.problem.unknown_metric", "Unknown metric {metric}; pick one "
                                               "of {metrics}.", metric=repr(row.get("target_type")),
                                               metrics=", ".join(METRICS))))  # fmt: skip
            continue
        problems += [Problem(i, m) for m in _row_problems(row, metric, collector_regions, regions)]
        key = identity(row)
        if key in seen:
            problems.append(Problem(i, Message("targets.problem.duplicate", "Row {row} already sets this metric for "
                                               "this scope and period; keep one of the two.", row=seen[key] + 1)))  # fmt: skip
        else:
            seen[key] = i
        if level_of(row.get("region_id"), row.get("collector_id")) == REGION and row.get("value") is not None:
            region_values[(row["target_type"], row.get("tier"), row["region_id"])] = float(row["value"])
    for i, row in enumerate(rows):
        metric = METRICS.get(row.get("target_type") or "")
        if metric is None or row.get("collector_id") is None or row.get("value") is None:
            continue
        region = collector_regions.get(row["collector_id"])
        bar = region_values.get((row["target_type"], row.get("tier"), region))
        if bar is None or (row.get("rationale") or "").strip():
            continue
        value = float(row["value"])
        if (metric.better == HIGHER and value < bar) or (metric.better == LOWER and value > bar):
            problems.append(Problem(i, Message("targets.problem.looser", "Looser than the region's target ({bar}); "
                                               "raise it to {bar} or write the reason in the rationale.",
                                               bar=_shown(bar, metric))))  # fmt: skip
    return problems


def _shown(value: float, metric: Metric) -> str:
    return f"{value:.1%}" if metric.unit == SHARE else f"{value:g}"


def _row_problems(row: dict, metric: Metric, collector_regions: dict[int, int], regions: set[int]) -> list[Message]:
    out = []
    tier, region_id, collector_id = row.get("tier"), row.get("region_id"), row.get("collector_id")
    if metric.code == RECOVERY_RATE and tier not in TIERS:
        out.append(Message("targets.problem.needs_tier", "A tier recovery target needs its tier: one of {tiers}.",
                           tiers=", ".join(TIERS)))  # fmt: skip
    if metric.code != RECOVERY_RATE and tier:
        out.append(Message("targets.problem.no_tier", "Only the tier recovery rate has a tier; clear the tier ({tier}).",
                           tier=tier))  # fmt: skip
    if collector_id is not None and collector_id not in collector_regions:
        out.append(Message("targets.problem.no_collector", "There is no collector #{id}; pick one from the list.",
                           id=collector_id))  # fmt: skip
    elif collector_id is not None and region_id is not None and collector_regions[collector_id] != region_id:
        out.append(Message("targets.problem.other_region", "Collector #{collector} is not in region #{region}; clear "
                           "the region (a collector's region is implied).", collector=collector_id,
                           region=region_id))  # fmt: skip
    if region_id is not None and region_id not in regions:
        out.append(Message("targets.problem.no_region", "There is no region #{id}; pick one from the list.",
                           id=region_id))  # fmt: skip
    level = level_of(region_id, collector_id)
    if level not in metric.levels:
        out.append(Message("targets.problem.not_for_collector", "The {metric} target is set for the company or a "
                           "region, not for a collector.", metric=Message(f"targets.metric.{metric.code}",
                                                                          metric.code)))  # fmt: skip
    value, cents = row.get("value"), row.get("value_cents")
    if metric.unit == AMOUNT:
        if cents is None or cents < 0 or cents != int(cents):
            out.append(Message("targets.problem.amount", "An amount target needs an amount of 0 or more, in whole "
                               "cents."))  # fmt: skip
        if value is not None:
            out.append(Message("targets.problem.amount_rate", "An amount target has no rate; clear the rate."))
    else:
        if cents is not None:
            out.append(Message("targets.problem.not_amount", "Only the amount recovered has an amount; clear the "
                               "amount."))  # fmt: skip
        if value is None:
            out.append(Message("targets.problem.no_value", "Enter the target value."))
        elif metric.unit == SHARE and not 0 <= value <= 1:
            out.append(Message("targets.problem.rate", "A rate must be between 0 and 100 %; got {value} %.",
                               value=f"{value * 100:g}"))  # fmt: skip
        elif metric.unit == SCORE and not 1 <= value <= 5:
            out.append(Message("targets.problem.score", "Satisfaction is a survey score from 1 to 5; got {value}.",
                               value=f"{value:g}"))  # fmt: skip
    if not (row.get("owner") or "").strip():
        out.append(Message("targets.problem.owner", "Name the owner: who answers for this target."))
    return out


SUGGESTION_QUARTERS = 4


def suggestions(history: list[pl.DataFrame]) -> pl.DataFrame:
    """Achievable recovery targets per collector from their last quarters (``history``: the league tables
    of the last SUGGESTION_QUARTERS whole quarters, oldest first) and their book's difficulty.

    - overall recovery rate = the collector's median difficulty-adjusted index over those quarters (their
      skill: 1.0 collects what the company's averages predict) × the rate the company's averages predict
      for their book in the latest quarter (its difficulty: ``recovery_rate ÷ adjusted``), capped at 100 %;
    - each tier's rate = the median of the collector's rate in that tier over those quarters.

    Quarters in which the collector had no base (no rate) are left out; ``quarters`` says how many counted.
    One row per collector and metric: collector_id, target_type, tier, value and the basis (``quarters``,
    ``index``, ``expected`` for the overall rate, ``median`` for a tier)."""
    frames = [h.with_columns(pl.lit(i).alias("quarter")) for i, h in enumerate(history)]
    if not frames:
        return pl.DataFrame(schema=_SUGGESTION_SCHEMA)
    tiers = [f"rate_{t}" for t in TIERS]
    every = pl.concat([f.select("collector_id", "quarter", "recovery_rate", "adjusted", *tiers) for f in frames],
                      how="vertical_relaxed")  # fmt: skip
    latest = len(frames) - 1
    overall = every.filter(pl.col("adjusted").is_not_null() & pl.col("recovery_rate").is_not_null()).group_by(
        "collector_id").agg(
        pl.col("adjusted").median().alias("index"), pl.len().alias("quarters"),
        (pl.col("recovery_rate") / pl.col("adjusted")).filter(
            (pl.col("quarter") == pl.col("quarter").max()) & (pl.col("adjusted") > 0)).first().alias("expected"),
        (pl.col("quarter").max() == latest).alias("recent"),
    ).filter(pl.col("expected").is_not_null())  # fmt: skip
    rows = overall.select(
        "collector_id", pl.lit("recovery_overall").alias("target_type"), pl.lit(None, pl.String).alias("tier"),
        (pl.col("index") * pl.col("expected")).clip(0, 1).alias("value"), pl.col("quarters").cast(pl.Int64),
        "index", "expected", pl.lit(None, pl.Float64).alias("median"),
    )  # fmt: skip
    by_tier = [
        every.filter(pl.col(column).is_not_null()).group_by("collector_id").agg(
            pl.col(column).median().alias("median"), pl.len().cast(pl.Int64).alias("quarters"))
        .select("collector_id", pl.lit(RECOVERY_RATE).alias("target_type"), pl.lit(tier).alias("tier"),
                pl.col("median").alias("value"), "quarters", pl.lit(None, pl.Float64).alias("index"),
                pl.lit(None, pl.Float64).alias("expected"), "median")
        for tier, column in zip(TIERS, tiers, strict=True)
    ]  # fmt: skip
    return pl.concat([rows.cast(_SUGGESTION_SCHEMA), *(t.cast(_SUGGESTION_SCHEMA) for t in by_tier)]).sort(
        "collector_id", "target_type", "tier", nulls_last=False)


_SUGGESTION_SCHEMA = {"collector_id": pl.Int64, "target_type": pl.String, "tier": pl.String, "value": pl.Float64,
                      "quarters": pl.Int64, "index": pl.Float64, "expected": pl.Float64, "median": pl.Float64}  # fmt: skip


def company_target(table: pl.DataFrame, metric: str, day: date) -> float | None:
    """The company-wide target of ``metric`` in force on ``day`` (the narrowest period covering it, then the
    latest set), or None when the table sets none."""
    rows = table.filter((pl.col("target_type") == metric) & pl.col("region_id").is_null()
                        & pl.col("collector_id").is_null() & (pl.col("period_start") <= day)
                        & (pl.col("period_end") >= day))  # fmt: skip
    if rows.is_empty():
        return None
    span = (pl.col("period_end") - pl.col("period_start"))
    return float(rows.sort(span, pl.col("target_id"), descending=[False, True])["value"][0])
