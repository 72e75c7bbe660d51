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

import polars as pl

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
