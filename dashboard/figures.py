"""The figures a page and the meeting pack both show, built one way from the page's frames.

A page draws these with ``st.plotly_chart``; ``dashboard.pack`` puts the same figures in the meeting
pack's HTML report. The chart types live in ``dashboard.charts`` (and ``load_charts``); here the frames
become their series, with names and colours, so a figure in the pack is the page's figure.
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, load_charts
from dashboard.i18n import label, t
from data_access.metrics.buckets import Buckets

TOP_ROWS = 15  # aging by a dimension charts its largest rows


def aging_buckets(totals: pl.DataFrame, buckets: Buckets, currency: str) -> go.Figure:
    """Amount per bucket (``aging.bucket_totals``)."""
    return charts.bucket_bars([label("bucket", b) for b in buckets.labels], (totals["amount_cents"] / 100).to_list(),
                              totals["invoices"].to_list(), currency, colours=charts.bucket_colours(list(buckets.labels)))  # fmt: skip


def aging_by(by: pl.DataFrame, label_column: str, buckets: Buckets, currency: str,
             dimension: str | None = None) -> go.Figure:
    """The largest rows of ``aging.aging_by``, stacked by bucket; names of ``dimension`` in the reader's language."""
    top = by.head(TOP_ROWS)
    names = [str(v) for v in top[label_column].fill_null("—").to_list()]
    return charts.stacked_by_bucket([label(dimension, n) for n in names] if dimension else names,
                                    {label("bucket", b): (top[b] / 100).to_list() for b in buckets.labels}, currency,
                                    colours=charts.bucket_colours(list(buckets.labels)))  # fmt: skip


def aging_trend(trend: pl.DataFrame, buckets: Buckets, currency: str) -> go.Figure:
    """Month-end balances by bucket (``snapshots.aging_trend``)."""
    months = trend["month_end"].unique().sort().to_list()
    series = {label("bucket", b): (trend.filter(pl.col("bucket") == b)["balance_cents"] / 100).to_list()
              for b in buckets.labels}  # fmt: skip
    return charts.trend_by_bucket(months, series, currency, colours=charts.bucket_colours(list(buckets.labels)))


def bad_debt_trend(recent: pl.DataFrame, target: float, currency: str) -> go.Figure:
    """The trailing-12-month bad-debt rate against its target, over the month's write-offs (``monthly`` rows)."""
    return charts.rate_with_target(recent["month_end"].to_list(), recent["bad_debt_rate"].to_list(),
                                   (recent["write_offs_cents"] / 100).to_list(), target,
                                   rate_name=t("overview.bad_debt_rate"), bar_name=t("overview.write_offs"),
                                   target_name=t("overview.target"), currency=currency)  # fmt: skip


def dso_trend(recent: pl.DataFrame) -> go.Figure:
    return charts.lines(recent["month_end"].to_list(), {t("overview.kpi.dso"): recent["dso"].to_list(),
                                                        t("overview.kpi.best_dso"): recent["best_dso"].to_list(),
                                                        t("overview.kpi.add"): recent["add"].to_list()}, suffix=f" {t('unit.days')}")  # fmt: skip


def cei_trend(recent: pl.DataFrame) -> go.Figure:
    return charts.lines(recent["month_end"].to_list(), {t("overview.kpi.cei"): recent["cei"].to_list()})


def write_offs_monthly(ends: list[date], monthly: pl.DataFrame, currency: str) -> go.Figure:
    """Write-offs and post-write-off recoveries per month (``bad_debt.write_offs_by_month``)."""
    return charts.monthly_bars(ends, {t("bad_debt.write_offs"): (monthly["written_off_cents"] / 100).to_list(),
                                      t("bad_debt.recovered"): (monthly["recovered_cents"] / 100).to_list()}, currency)  # fmt: skip


def region_load(regions: pl.DataFrame, under: float, over: float) -> go.Figure:
    """Each region's load index against the under-load and over-capacity marks."""
    values = regions["load_index"].to_list()
    return load_charts.index_bars(regions["region"].to_list(), values,
                                  [load_charts.index_colour(v, under, over) for v in values], under=under, over=over)  # fmt: skip


def top_debtors(top: pl.DataFrame) -> go.Figure:
    """The ten largest debtors' shares of the outstanding (``factoring.top_debtor_share``)."""
    return charts.share_bars(top["debtor"].to_list(), top["share"].to_list(), t("col.share"), title=t("factoring.top10_chart"))


def dilution(shown: list[date], by_month: pl.DataFrame) -> go.Figure:
    """Credit notes ÷ sales per month and rolling (``factoring.dilution_by_month``), over the ``shown`` month ends."""
    by_month = by_month.filter(pl.col("month_end").is_in(shown))
    return charts.lines(shown, {t("factoring.dilution_month"): by_month["dilution"].to_list(),
                                t("factoring.dilution_rolling"): by_month["rolling"].to_list()}, percent=True)  # fmt: skip
