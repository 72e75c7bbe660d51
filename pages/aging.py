"""Aging: the open book at the as-of date by bucket and dimension, its trend and roll rates.

Everything on the page derives from one cached as-of state and one cached set of month-end
snapshots; widgets here only filter and regroup them.
"""

import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.components import Kpi, downloads, empty_state, kpi_row, money_table
from dashboard.filters import page_param, set_page_param
from dashboard.formatting import days, money, share
from dashboard.i18n import label, t
from dashboard.shell import Cockpit, freshness, open_page
from data_access.metrics import aging, snapshots
from data_access.metrics.buckets import DUE_DATE, INVOICE_DATE, Buckets

TREND_MONTHS = 24


def kpi_section(cockpit: Cockpit, state: pl.DataFrame) -> None:
    currency = cockpit.currency
    k = aging.kpis(state)
    kpi_row(
        [
            Kpi(t("aging.kpi.total"), money(k.total_cents, currency), t("aging.kpi.total_help")),
            Kpi(t("aging.kpi.overdue"), money(k.overdue_cents, currency), t("aging.kpi.overdue_help"),
                t("aging.kpi.share_of_total", share=share(k.overdue_share))),  # fmt: skip
            Kpi(t("aging.kpi.severe"), share(k.severe_share), t("aging.kpi.severe_help")),
            Kpi(t("aging.kpi.add"), days(k.weighted_days_delinquent), t("aging.kpi.add_help")),
            Kpi(t("aging.kpi.debtors"), f"{k.debtors_overdue:,}", t("aging.kpi.debtors_help")),
        ]
    )
    if k.overpaid_cents:
        st.caption(t("aging.overpaid", amount=money(k.overpaid_cents, currency, decimals=2)))


def buckets_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets) -> None:
    currency = cockpit.currency
    st.subheader(t("aging.buckets"))
    totals = aging.bucket_totals(state, buckets)
    left, right = st.columns([3, 2])
    bucket_names = [label("bucket", b) for b in buckets.labels]
    left.plotly_chart(charts.bucket_bars(bucket_names, (totals["amount_cents"] / 100).to_list(),
                                         totals["invoices"].to_list(), currency))  # fmt: skip
    with right:
        money_table(totals, currency=currency, key="bucket_table", percent=("share",))
        downloads(totals, cockpit, name="aging-buckets", title=f"{t('aging.title')} · {t('aging.buckets')}", key="dl_buckets",
                  percent=("share",))  # fmt: skip


def by_dimension_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets):  # noqa: ANN201 - the table's selection
    """Aging by a dimension; returns the table, the dimension and the selection, for the drill-down."""
    currency = cockpit.currency
    bucket_money = ("total", *buckets.labels)  # bucket columns of the aging-by table hold cents
    bucket_labels = {b: label("bucket", b) for b in buckets.labels}
    st.subheader(t("aging.by"))
    dimension_names = list(aging.DIMENSIONS)
    dimension = st.segmented_control(
        t("aging.by"), dimension_names, default=page_param("dim", tuple(dimension_names), "region"),
        format_func=lambda d: t(f"dim.{d}"), label_visibility="collapsed",
    ) or "region"  # fmt: skip
    set_page_param("dim", dimension, "region")
    key_column, label_column = aging.DIMENSIONS[dimension]
    by = aging.aging_by(state, dimension, buckets)
    top = by.head(15)
    st.plotly_chart(charts.stacked_by_bucket(
        [str(v) for v in top[label_column].fill_null("—").to_list()],
        {label("bucket", b): (top[b] / 100).to_list() for b in buckets.labels}, currency))  # fmt: skip
    if by.height > top.height:
        st.caption(t("aging.top_n", n=top.height, total=by.height))
    st.caption(t("aging.by_help"))
    hidden = (key_column,) if key_column != label_column else ()
    picked = money_table(by, labels=bucket_labels | {label_column: t(f"dim.{dimension}")}, money=bucket_money,
                         currency=currency, key=f"by_{dimension}", percent=("overdue_share",), hidden=hidden,
                         selectable=True)  # fmt: skip
    downloads(by, cockpit, name=f"aging-by-{dimension}", title=f"{t('aging.title')} · {t('aging.by')} {t(f'dim.{dimension}')}",
              key="dl_by", money=bucket_money, percent=("overdue_share",),
              labels=bucket_labels | {label_column: t(f"dim.{dimension}")})  # fmt: skip
    return by, dimension, picked


def drill_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets, by: pl.DataFrame, dimension: str,
                  picked) -> None:  # noqa: ANN001 - a dataframe selection  # fmt: skip
    """Bucket and dimension row -> debtors -> invoices."""
    currency = cockpit.currency
    key_column, label_column = aging.DIMENSIONS[dimension]
    bucket_labels = {b: label("bucket", b) for b in buckets.labels}
    st.subheader(t("aging.drill"))
    all_buckets = t("aging.drill_all_buckets")
    bucket_pick = st.segmented_control(t("aging.drill_bucket"), [all_buckets, *buckets.labels], default=all_buckets,
                                       format_func=lambda b: label("bucket", b), key="drill_bucket")  # fmt: skip
    drill = state
    scope_parts = [all_buckets if bucket_pick in (None, all_buckets) else label("bucket", bucket_pick)]
    if bucket_pick not in (None, all_buckets):
        drill = drill.filter(pl.col("bucket") == bucket_pick)
    if picked.selection.rows:
        row = by.row(picked.selection.rows[0], named=True)
        drill = drill.filter(pl.col(key_column) == row[key_column])
        scope_parts.append(f"{t(f'dim.{dimension}')} {row[label_column]}")
    else:
        scope_parts.append(cockpit.description)
    st.caption(" · ".join(scope_parts))
    debtors = aging.debtors_of(drill)
    if debtors.is_empty():
        empty_state(t("shell.empty_selection", filters=" · ".join(scope_parts)))
    else:
        st.caption(t("aging.drill_pick"))
        chosen = money_table(debtors, currency=currency, key="debtor_table", hidden=("debtor_id",), selectable=True,
                             height=320)  # fmt: skip
        downloads(debtors, cockpit, name="aging-debtors", key="dl_debtors",
                  title=" · ".join([t("aging.title"), t("aging.drill"),
                                    *(part for part in scope_parts if part != cockpit.description)]))  # fmt: skip
        if chosen.selection.rows:
            debtor = debtors.row(chosen.selection.rows[0], named=True)
            st.markdown(f"**{t('aging.invoices_of', debtor=debtor['debtor'])}**")
            invoices = aging.invoices_of(state, debtor["debtor_id"])
            money_table(invoices, currency=currency, key="invoice_table", labels=bucket_labels)
            downloads(invoices, cockpit, name=f"aging-invoices-debtor-{debtor['debtor_id']}", key="dl_invoices",
                      title=f"{t('aging.title')} · {t('aging.invoices_of', debtor=debtor['debtor'])}", labels=bucket_labels)  # fmt: skip


def trend_section(cockpit: Cockpit, basis: str, buckets: Buckets) -> pl.DataFrame:
    """The month-end trend by bucket; returns the roll flows for the roll-rate section."""
    st.subheader(t("aging.trend"))
    ends, snaps, flows = cockpit.history(basis)
    trend = snapshots.aging_trend(snaps.filter(pl.col("month_end") > ends[-TREND_MONTHS - 1]), buckets)
    if trend.is_empty():
        empty_state(t("aging.trend_empty"))
    else:
        st.caption(t("aging.trend_caption", months=TREND_MONTHS))
        months = trend["month_end"].unique().sort().to_list()
        series = {label("bucket", b): (trend.filter(pl.col("bucket") == b)["balance_cents"] / 100).to_list()
                  for b in buckets.labels}  # fmt: skip
        st.plotly_chart(charts.trend_by_bucket(months, series, cockpit.currency))
    return flows


def destination_name(destination: str) -> str:
    is_flow = destination in (snapshots.PAID, snapshots.WRITTEN_OFF)
    return label("flow", destination) if is_flow else label("bucket", destination)


def roll_section(flows: pl.DataFrame) -> None:
    st.subheader(t("aging.roll"))
    if flows.is_empty():
        empty_state(t("aging.roll_empty"))
    else:
        st.caption(t("aging.roll_caption"))
        latest_month = flows["month_end"].max()
        tabs = st.tabs([t("aging.roll_latest", month=latest_month), t("aging.roll_average")])
        for tab, months_back in zip(tabs, (1, 12), strict=True):
            origins, destinations, grid = snapshots.as_numpy_matrix(snapshots.roll_matrix(flows, months_back))
            tab.plotly_chart(charts.rate_heatmap(
                [label("bucket", o) for o in origins], [destination_name(d) for d in destinations],
                grid.tolist(), t("col.origin"), t("col.destination")), key=f"roll_{months_back}")  # fmt: skip


def main() -> None:
    cockpit = open_page(t("aging.title"))
    by_invoice_date = st.toggle(t("aging.basis"), value=page_param("basis", (DUE_DATE, INVOICE_DATE), DUE_DATE)
                                == INVOICE_DATE, help=t("aging.basis_help"))  # fmt: skip
    basis = INVOICE_DATE if by_invoice_date else DUE_DATE
    set_page_param("basis", basis, DUE_DATE)
    buckets = cockpit.buckets(basis)
    state = cockpit.open_state_or_stop(basis)
    kpi_section(cockpit, state)
    buckets_section(cockpit, state, buckets)
    by, dimension, picked = by_dimension_section(cockpit, state, buckets)
    drill_section(cockpit, state, buckets, by, dimension, picked)
    roll_section(trend_section(cockpit, basis, buckets))
    freshness(cockpit)


main()
