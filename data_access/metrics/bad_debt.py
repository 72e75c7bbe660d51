"""Write-offs, post-write-off recoveries, the legal pipeline, write-off candidates and the
driver behind the bad-debt trend. Pure functions of frames and an as-of date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from data_access.book.portfolio import PAYMENT, WRITE_OFF, Portfolio
from data_access.metrics.asof import legal_cases_as_of


def write_offs(book: Portfolio, as_of: date) -> pl.DataFrame:
    """Write-offs dated on or before ``as_of`` with the invoice's debtor and client."""
    return (
        book.reductions.filter((pl.col("kind") == WRITE_OFF) & (pl.col("date") <= as_of))
        .join(book.invoices.select("invoice_id", "invoice_number", "debtor_id", "client_id"), on="invoice_id")
        .select("invoice_id", "invoice_number", "debtor_id", "client_id", "date", "amount_cents")
    )


def write_offs_by_month(written: pl.DataFrame, recoveries: pl.DataFrame, months: list[date]) -> pl.DataFrame:
    """Per month end: written off and recovered after write-off (recoveries dated in the month)."""
    grid = pl.DataFrame({"month_end": months}, schema={"month_end": pl.Date})
    wo = written.group_by(pl.col("date").dt.month_end().alias("month_end")).agg(
        pl.col("amount_cents").sum().alias("written_off_cents")
    )
    rec = recoveries.group_by(pl.col("recovery_date").dt.month_end().alias("month_end")).agg(
        pl.col("amount_cents").sum().alias("recovered_cents")
    )
    return grid.join(wo, on="month_end", how="left").join(rec, on="month_end", how="left").fill_null(0)


def write_offs_by(written: pl.DataFrame, dims: pl.DataFrame, key: str, label: str, since: date) -> pl.DataFrame:
    """Write-offs since ``since`` grouped by a debtor dimension (or client), largest first."""
    frame = written.filter(pl.col("date") >= since).join(dims, on="debtor_id", how="left")
    keys = [key] if key == label else [key, label]
    return (
        frame.group_by(keys)
        .agg(pl.col("amount_cents").sum().alias("written_off_cents"), pl.len().alias("invoices"))
        .sort("written_off_cents", descending=True)
    )


@dataclass(frozen=True)
class Driver:
    """The segment that explains most of the write-offs beyond its share of the book."""

    dimension: str
    name: str
    share_of_write_offs: float
    share_of_book: float


def bad_debt_driver(written: pl.DataFrame, snaps: pl.DataFrame, dims: pl.DataFrame, since: date,
                    dimensions: tuple[str, ...] = ("industry", "region")) -> Driver | None:  # fmt: skip
    """The industry or region whose write-offs since ``since`` most exceed its share of the average
    month-end book over the same months (excess = its write-offs - book share x all write-offs)."""
    recent = written.filter(pl.col("date") >= since).join(dims, on="debtor_id", how="left")
    total = recent["amount_cents"].sum()
    if not total:
        return None
    book = snaps.filter(pl.col("month_end") >= since).join(dims, on="debtor_id", how="left")
    book_total = book["balance_cents"].sum()
    best: tuple[float, Driver] | None = None
    for dimension in dimensions:
        wo = recent.group_by(dimension).agg(pl.col("amount_cents").sum().alias("wo"))
        bk = book.group_by(dimension).agg(pl.col("balance_cents").sum().alias("bk"))
        for name, wo_cents, bk_cents in wo.join(bk, on=dimension, how="left").fill_null(0).iter_rows():
            share_wo, share_bk = wo_cents / total, (bk_cents / book_total if book_total else 0.0)
            excess = share_wo - share_bk
            if name is not None and (best is None or excess > best[0]):
                best = (excess, Driver(dimension, str(name), share_wo, share_bk))
    return best[1] if best and best[0] > 0 else None


def months_above(rates: list[float | None], target: float) -> int:
    """How many of the latest months in a row the rate has been above the target."""
    count = 0
    for rate in reversed(rates):
        if rate is None or rate <= target:
            break
        count += 1
    return count


def legal_pipeline(cases: pl.DataFrame, stages: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Cases opened by ``as_of`` per stage at that date: count, claimed, recovered, recovery share and
    median age (days since opened).

    Each case's stage and recovered amount come from its stage history (``legal_case_stages``): the
    latest row entered on or before ``as_of`` (``asof.legal_cases_as_of``). The case row holds only
    today's stage, which a past as-of date must not show.
    """
    open_then = legal_cases_as_of(cases, stages, as_of).with_columns(
        (pl.lit(as_of) - pl.col("opened_on")).dt.total_days().alias("age_days")
    )
    return (
        open_then.group_by("stage")
        .agg(pl.len().alias("cases"), pl.col("claimed_cents").sum(), pl.col("recovered_cents").sum(),
             pl.col("age_days").median().alias("median_age_days"))  # fmt: skip
        .with_columns((pl.col("recovered_cents") / pl.col("claimed_cents")).alias("recovered_share"))
        .sort("stage")
    )


def write_off_candidates(state: pl.DataFrame, book: Portfolio, events: pl.DataFrame, as_of: date, *,
                         min_dpd: int, quiet_days: int) -> pl.DataFrame:  # fmt: skip
    """Open invoices more than ``min_dpd`` days past due with no payment in the last ``quiet_days``,
    with the debtor's grade and its credit events (count and latest) known by ``as_of``."""
    overdue = state.filter((pl.col("outstanding_cents") > 0) & (pl.col("dpd") > min_dpd))
    # Only the overdue invoices' payments are grouped (a few thousand), not every payment in the book.
    last_payment = (
        book.reductions.lazy()
        .filter((pl.col("kind") == PAYMENT) & (pl.col("date") <= as_of)
                & pl.col("invoice_id").is_in(overdue["invoice_id"].implode()))
        .group_by("invoice_id")
        .agg(pl.col("date").max().alias("last_payment"))
        .collect()
    )  # fmt: skip
    known = events.filter(pl.col("event_date") <= as_of).sort("event_date")
    debtor_events = known.group_by("debtor_id").agg(
        pl.len().alias("events"), pl.col("event_type").last().alias("latest_event"),
        pl.col("event_date").last().alias("latest_event_date"),
    )  # fmt: skip
    return (
        overdue.join(last_payment, on="invoice_id", how="left")
        .filter(pl.col("last_payment").is_null() | (pl.col("last_payment") < as_of - timedelta(days=quiet_days)))
        .join(debtor_events, on="debtor_id", how="left")
        .with_columns(pl.col("events").fill_null(0))
        .select("invoice_number", "debtor", "client", "region", "industry", "grade", "collector", "due_date", "dpd",
                "outstanding_cents", "last_payment", "events", "latest_event", "latest_event_date")  # fmt: skip
        .sort("outstanding_cents", descending=True)
    )


@dataclass(frozen=True)
class YearToDate:
    """The bad-debt rate of the year so far, and where it is heading (docs/targets.md, "Year-end bad debt").

    rate = write-offs dated 1 January to D ÷ the average outstanding at the month ends from the end of the
    previous year to the last one on or before D (not annualised). projected = the same write-offs at their
    run rate to 31 December (× days in the year ÷ days elapsed) over the same average: the annual rate the
    year ends with if write-offs continue at this pace."""

    written_off_cents: int
    average_cents: float | None
    days: int
    year_days: int

    @property
    def rate(self) -> float | None:
        return self.written_off_cents / self.average_cents if self.average_cents else None

    @property
    def projected(self) -> float | None:
        rate = self.rate
        return None if rate is None else rate * self.year_days / self.days


def year_to_date(written: pl.DataFrame, snaps: pl.DataFrame, as_of: date) -> YearToDate:
    """``written``: write-offs (``write_offs``); ``snaps``: month-end snapshots covering the end of last year
    and every month end of this year up to ``as_of`` (``snapshots.snapshots``; a month end without a row has
    nothing outstanding)."""
    start = date(as_of.year, 1, 1)
    ends = [start - timedelta(days=1)]
    for month in range(1, as_of.month + 1):
        last = date(as_of.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        if last <= as_of:
            ends.append(last)
    total = dict(snaps.filter(pl.col("month_end").is_in(ends)).group_by("month_end")
                 .agg(pl.col("balance_cents").sum()).iter_rows())  # fmt: skip
    average = sum(total.get(end, 0) for end in ends) / len(ends)
    in_year = written.filter(pl.col("date").is_between(start, as_of))
    year_days = (date(as_of.year, 12, 31) - start).days + 1
    return YearToDate(int(in_year["amount_cents"].sum()), average or None, (as_of - start).days + 1, year_days)
