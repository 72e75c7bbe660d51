"""The Overview's "needs attention" list: findings from the data, each pointing at the page and
filters where it can be examined. Items for pages that do not exist yet are not produced."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from data_access.metrics.bad_debt import Driver


@dataclass(frozen=True)
class Attention:
    kind: str  # what was found; the dashboard words it
    values: dict = field(default_factory=dict)  # figures for the wording
    page: str = "aging"  # url path of the page to open
    params: dict[str, str] = field(default_factory=dict)  # its filters, for the link


def attention_items(
    *, driver: Driver | None, regions: pl.DataFrame, severe_share: float, candidates: pl.DataFrame,
    charge_backs: pl.DataFrame, over_limit: int, region_ids: dict[str, int], tiers: pl.DataFrame | None = None,
) -> list[Attention]:  # fmt: skip
    """Findings, most serious first. ``regions`` is aging by region with a severe (90+) share column."""
    items: list[Attention] = []
    if driver is not None:
        params = {"industry": driver.name} if driver.dimension == "industry" else {"region": str(region_ids[driver.name])}
        items.append(Attention(f"driver_{driver.dimension}", {"name": driver.name, "wo": driver.share_of_write_offs,
                                                               "book": driver.share_of_book}, "aging", params))  # fmt: skip
    worst = regions.filter(pl.col("severe_share") > 1.5 * severe_share).sort("severe_share", descending=True).head(2)
    for row in worst.iter_rows(named=True):
        items.append(Attention("severe_region", {"name": row["region"], "share": row["severe_share"],
                                                 "overall": severe_share}, "aging",
                               {"region": str(row["region_id"])}))  # fmt: skip
    if tiers is not None:  # recovery tiers below target this period: the league table shows who
        for row in tiers.filter(pl.col("met") == False).iter_rows(named=True):  # noqa: E712 - null is not missed
            items.append(Attention("tier_below_target", {"tier": row["tier"], "share": row["rate"],
                                                         "overall": row["target"]}, "league", {"period": "month"}))  # fmt: skip
    if candidates.height:
        items.append(Attention("write_off_candidates", {"count": candidates.height,
                                                        "cents": int(candidates["outstanding_cents"].sum())},
                               "bad_debt"))  # fmt: skip
    if charge_backs.height:
        items.append(Attention("charge_backs", {"count": charge_backs.height,
                                                "cents": int(charge_backs["outstanding_cents"].sum())}, "factoring"))  # fmt: skip
    if over_limit:
        items.append(Attention("over_limit", {"count": over_limit}, "factoring"))
    return items
