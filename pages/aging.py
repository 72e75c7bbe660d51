"""Aging: the open book at the as-of date by bucket and dimension, its trend and roll rates.

Everything on the page derives from one cached as-of state and one cached set of month-end
snapshots; widgets here only filter and regroup them.
"""

import polars as pl
import streamlit as st

from dashboard import charts, data, figures
from dashboard.components import Kpi, downloads, empty_state, kpi_row, money_table
from dashboard.filters import mapped, one_of, set_page_param, url_widget, url_write
from dashboard.formatting import days, money, share
from dashboard.i18n import label, t
from dashboard.selection import forget, pick_row, unlisted
from dashboard.shell import Cockpit, freshness, open_page
from data_access.metrics import aging, snapshots
from data_access.metrics.buckets import CURRENT, DUE_DATE, INVOICE_DATE, Buckets

TREND_MONTHS = 24
ALL_BUCKETS = "all"  # the drill-down's bucket choice for every bucket (no ``bucket=`` in the URL)


def unapplied(cockpit: Cockpit) -> pl.DataFrame:
    """Unapplied cash, credit on account and unapplied credit notes open at the as-of date, filtered."""
    return aging.unapplied_at(cockpit.table("unapplied_credits"), cockpit.view.as_of)


def kpi_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets, credits: pl.DataFrame) -> None:
    """The headline figures, in the page's basis: past due by due date, or age by invoice date."""
    currency = cockpit.currency
    k = aging.kpis(state, buckets, credits)
    share_of_total = t("aging.kpi.share_of_total", share=share(k.overdue_share))
    if buckets.labels[0] == CURRENT:
        cards = [
            Kpi(t("aging.kpi.overdue"), money(k.overdue_cents, currency), t("aging.kpi.overdue_help"), share_of_total),
            Kpi(t("aging.kpi.severe"), share(k.severe_share), t("aging.kpi.severe_help")),
            Kpi(t("aging.kpi.add"), days(k.weighted_days_delinquent), t("aging.kpi.add_help")),
            Kpi(t("aging.kpi.debtors"), f"{k.debtors_overdue:,}", t("aging.kpi.debtors_help")),
        ]
    else:
        first = buckets.edges[0]
        cards = [
            Kpi(t("aging.kpi.older", days=first), money(k.overdue_cents, currency),
                t("aging.kpi.older_help", days=first), share_of_total),
            Kpi(t("aging.kpi.aged_severe"), share(k.severe_share), t("aging.kpi.aged_severe_help")),
            Kpi(t("aging.kpi.weighted_age"), days(k.weighted_days_delinquent), t("aging.kpi.weighted_age_help")),
            Kpi(t("aging.kpi.debtors_older", days=first), f"{k.debtors_overdue:,}",
                t("aging.kpi.debtors_older_help", days=first)),
        ]  # fmt: skip
    kpi_row([Kpi(t("aging.kpi.total"), money(k.total_cents, currency), t("aging.kpi.total_help")), *cards])
    if k.overpaid_cents:
        st.caption(t("aging.overpaid", amount=money(k.overpaid_cents, currency, decimals=2)))
    if k.unapplied_cents:
        st.caption(t("aging.net_exposure", total=money(k.total_cents, currency, decimals=2),
                     unapplied=money(k.unapplied_cents, currency, decimals=2),
                     net=money(k.net_exposure_cents, currency, decimals=2)))  # fmt: skip


def unapplied_section(cockpit: Cockpit, credits: pl.DataFrame) -> None:
    """Money on debtors' accounts not tied to one invoice: its own line, as ERP aging reports show it,
    never inside a bucket (docs/metrics.md). Shown only when there is some at the as-of date."""
    if credits.is_empty():
        return
    st.subheader(t("aging.unapplied"))
    st.caption(t("aging.unapplied_help"))
    line = aging.unapplied_line(credits).with_columns(
        pl.col("kind").replace_strict({k: t(f"unapplied.{k}") for k in aging.UNAPPLIED_KINDS}))
    labels = {"kind": t("col.kind"), "amount_cents": t("col.amount"), "items": t("aging.unapplied_items")}
    money_table(line, currency=cockpit.currency, key="unapplied_table", labels=labels)
    downloads(line, cockpit, name="aging-unapplied", title=f"{t('aging.title')} · {t('aging.unapplied')}",
              key="dl_unapplied", labels=labels)  # fmt: skip


def buckets_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets, basis: str) -> None:
    currency = cockpit.currency
    st.subheader(t("aging.buckets"))
    if cockpit.in_database(basis):  # the same figures, computed as SQL in the database
        found = data.database_buckets(cockpit.context.book_key(), cockpit.view.as_of, cockpit.settings.bucket_edges)
        totals = aging.bucket_totals_of(found)
    else:
        totals = aging.bucket_totals(state, buckets)
    left, right = st.columns([3, 2])
    left.plotly_chart(figures.aging_buckets(totals, buckets, currency))
    with right:
        money_table(totals, currency=currency, key="bucket_table", percent=("share",))
        downloads(totals, cockpit, name="aging-buckets", title=f"{t('aging.title')} · {t('aging.buckets')}", key="dl_buckets",
                  percent=("share",))  # fmt: skip


def by_dimension_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets) -> tuple[str, dict | None]:
    """Aging by a dimension; returns the dimension and its picked row (``row=`` in the URL), for the drill-down."""
    currency = cockpit.currency
    bucket_money = ("total", *buckets.labels)  # bucket columns of the aging-by table hold cents
    bucket_labels = {b: label("bucket", b) for b in buckets.labels}
    st.subheader(t("aging.by"))
    dimension_names = list(aging.DIMENSIONS)
    url_widget("aging_dim", "dim", default="region", parse=one_of(dimension_names), label=t("aging.by"))
    url_dimension = st.query_params.get("dim", "region")
    dimension = st.segmented_control(
        t("aging.by"), dimension_names, key="aging_dim", required=True,
        format_func=lambda d: t(f"dim.{d}"), label_visibility="collapsed",
    ) or "region"  # fmt: skip
    url_write("aging_dim", "dim", dimension, default="region")
    if dimension != url_dimension and url_dimension in dimension_names:  # the user changed the dimension
        forget("row")  # the picked row was a row of the other one
    key_column, label_column = aging.DIMENSIONS[dimension]
    by = aging.aging_by(state, dimension, buckets)
    st.plotly_chart(figures.aging_by(by, label_column, buckets, currency, dimension=dimension))
    if by.height > figures.TOP_ROWS:
        st.caption(t("aging.top_n", n=figures.TOP_ROWS, total=by.height))
    st.caption(t("aging.by_help"))
    hidden = (key_column,) if key_column != label_column else ()
    picked = pick_row(
        by, id_column=key_column, param="row", key=f"by_{dimension}", what=t("param.row", dim=t(f"dim.{dimension}")),
        name_of=dimension_row_name(cockpit, dimension),
        draw=lambda key, rows: money_table(by, labels=bucket_labels | {label_column: t(f"dim.{dimension}")},
                                           money=bucket_money, currency=currency, key=key, percent=("overdue_share",),
                                           hidden=hidden, selectable=rows),
    )  # fmt: skip
    downloads(by, cockpit, name=f"aging-by-{dimension}", title=f"{t('aging.title')} · {t('aging.by')} {t(f'dim.{dimension}')}",
              key="dl_by", money=bucket_money, percent=("overdue_share",),
              labels=bucket_labels | {label_column: t(f"dim.{dimension}")})  # fmt: skip
    return dimension, picked


def dimension_row_name(cockpit: Cockpit, dimension: str):  # noqa: ANN201 - id text -> name, for selection notes
    """``Region East China`` for ``row=1`` under ``dim=region``; None for an id the data does not know."""
    options = cockpit.options
    known = {"region": options.regions, "client": options.clients, "industry": options.industries,
             "collector": options.collectors, "grade": options.grades}[dimension]  # fmt: skip
    by_text = {str(k): v for k, v in known.items()}
    return lambda raw: f"{t(f'dim.{dimension}')} {by_text[raw]}" if raw in by_text else None


def debtor_name(cockpit: Cockpit):  # noqa: ANN201 - id text -> name, for selection notes
    names = dict(cockpit.book.debtors.select(pl.col("debtor_id").cast(pl.String), "name").iter_rows())
    return names.get


def drill_section(cockpit: Cockpit, state: pl.DataFrame, buckets: Buckets, dimension: str,
                  picked: dict | None, credits: pl.DataFrame) -> None:  # fmt: skip
    """Bucket and dimension row -> debtors -> invoices; the bucket (``bucket=``), the row (``row=``) and the
    debtor (``debtor=``) are in the URL, and a picked debtor stays picked while it is in the table."""
    currency = cockpit.currency
    key_column, label_column = aging.DIMENSIONS[dimension]
    bucket_labels = {b: label("bucket", b) for b in buckets.labels}
    st.subheader(t("aging.drill"))
    bucket_key = "drill_bucket." + "|".join(buckets.labels)  # another basis has other buckets: another widget
    url_widget(bucket_key, "bucket", default=ALL_BUCKETS, parse=one_of(buckets.labels), label=t("aging.drill_bucket"))
    bucket_pick = st.segmented_control(
        t("aging.drill_bucket"), [ALL_BUCKETS, *buckets.labels], key=bucket_key, required=True,
        format_func=lambda b: t("aging.drill_all_buckets") if b == ALL_BUCKETS else label("bucket", b),
    ) or ALL_BUCKETS  # fmt: skip
    url_write(bucket_key, "bucket", bucket_pick, default=ALL_BUCKETS)
    drill = state
    scope_parts = [t("aging.drill_all_buckets") if bucket_pick == ALL_BUCKETS else label("bucket", bucket_pick)]
    if bucket_pick != ALL_BUCKETS:
        drill = drill.filter(pl.col("bucket") == bucket_pick)
    if picked is not None:
        value = picked[key_column]
        drill = drill.filter(pl.col(key_column).is_null() if value is None else pl.col(key_column) == value)
        scope_parts.append(f"{t(f'dim.{dimension}')} {picked[label_column] or '—'}")
    else:
        scope_parts.append(cockpit.description)
    st.caption(" · ".join(scope_parts))
    debtors = aging.debtors_of(drill)
    if not credits.is_empty():  # a debtor's unapplied money lowers its net exposure
        net = aging.net_exposure_by_debtor(drill, credits).select("debtor_id", "unapplied_cents", "net_exposure_cents")
        debtors = debtors.join(net, on="debtor_id", how="left")
    if debtors.is_empty():
        empty_state(t("shell.empty_selection", filters=" · ".join(scope_parts)))
        unlisted("debtor", name_of=debtor_name(cockpit), what=t("col.debtor"))
    else:
        st.caption(t("aging.drill_pick"))
        debtor = pick_row(
            debtors, id_column="debtor_id", param="debtor", key="debtor_table", what=t("col.debtor"),
            name_of=debtor_name(cockpit),
            draw=lambda key, rows: money_table(debtors, currency=currency, key=key, hidden=("debtor_id",),
                                               selectable=rows, height=320, labels=net_labels()),
        )  # fmt: skip
        downloads(debtors, cockpit, name="aging-debtors", key="dl_debtors", labels=net_labels(),
                  title=" · ".join([t("aging.title"), t("aging.drill"),
                                    *(part for part in scope_parts if part != cockpit.description)]))  # fmt: skip
        if debtor is not None:
            st.markdown(f"**{t('aging.invoices_of', debtor=debtor['debtor'])}**")
            invoices = aging.invoices_of(state, debtor["debtor_id"])
            money_table(invoices, currency=currency, key="invoice_table", labels=bucket_labels)
            downloads(invoices, cockpit, name=f"aging-invoices-debtor-{debtor['debtor_id']}", key="dl_invoices",
                      title=f"{t('aging.title')} · {t('aging.invoices_of', debtor=debtor['debtor'])}", labels=bucket_labels)  # fmt: skip


def net_labels() -> dict[str, str]:  # noqa: N802 - a constant, translated when asked
    return {"unapplied_cents": t("aging.col.unapplied"), "net_exposure_cents": t("aging.col.net_exposure")}


def trend_section(cockpit: Cockpit, basis: str, buckets: Buckets) -> pl.DataFrame:
    """The month-end trend by bucket; returns the roll flows for the roll-rate section."""
    st.subheader(t("aging.trend"))
    ends, snaps, flows = cockpit.history(basis)
    if cockpit.in_database(basis):  # the same figures, computed as SQL in the database
        trend = data.database_trend(cockpit.context.book_key(), tuple(ends[-TREND_MONTHS:]), cockpit.settings.bucket_edges)
    else:
        trend = cockpit.figure("aging_trend", lambda: snapshots.aging_trend(
            snaps.filter(pl.col("month_end") > ends[-TREND_MONTHS - 1]), buckets), basis, TREND_MONTHS)  # fmt: skip
    if trend.is_empty():
        empty_state(t("aging.trend_empty"))
    else:
        st.caption(t("aging.trend_caption", months=TREND_MONTHS))
        st.plotly_chart(figures.aging_trend(trend, buckets, cockpit.currency))
    return flows


def roll_matrices(cockpit: Cockpit, basis: str, flows: pl.DataFrame) -> dict[int, tuple]:
    """The latest month's and the 12-month average roll matrix, computed once per view."""
    return cockpit.figure("roll_matrices", lambda: {
        months_back: snapshots.as_numpy_matrix(snapshots.roll_matrix(flows, months_back)) for months_back in (1, 12)
    }, basis)  # fmt: skip


def destination_name(destination: str) -> str:
    is_flow = destination in (snapshots.PAID, snapshots.WRITTEN_OFF)
    return label("flow", destination) if is_flow else label("bucket", destination)


def roll_section(cockpit: Cockpit, basis: str, flows: pl.DataFrame) -> None:
    st.subheader(t("aging.roll"))
    if flows.is_empty():
        empty_state(t("aging.roll_empty"))
    else:
        st.caption(t("aging.roll_caption"))
        latest_month = flows["month_end"].max()
        tabs = st.tabs([t("aging.roll_latest", month=latest_month), t("aging.roll_average")])
        for tab, months_back in zip(tabs, (1, 12), strict=True):
            origins, destinations, grid = roll_matrices(cockpit, basis, flows)[months_back]
            tab.plotly_chart(charts.rate_heatmap(
                [label("bucket", o) for o in origins], [destination_name(d) for d in destinations],
                grid.tolist(), t("col.origin"), t("col.destination")), key=f"roll_{months_back}")  # fmt: skip


def main() -> None:
    cockpit = open_page(t("aging.title"))
    url_widget("aging_basis", "basis", default=False, parse=mapped({DUE_DATE: False, INVOICE_DATE: True}),
               label=t("param.basis"))  # the toggle holds "by invoice date"
    url_basis = st.query_params.get("basis", DUE_DATE)
    by_invoice_date = st.toggle(t("aging.basis"), key="aging_basis", help=t("aging.basis_help"))
    basis = INVOICE_DATE if by_invoice_date else DUE_DATE
    url_write("aging_basis", "basis", basis, default=DUE_DATE)
    if basis != url_basis and url_basis in (DUE_DATE, INVOICE_DATE):  # the user changed the basis: its other
        set_page_param("bucket", "", "")  # buckets have other names, so the drill-down starts from all of them
    buckets = cockpit.buckets(basis)
    state = cockpit.open_state_or_stop(basis)
    credits = unapplied(cockpit)
    kpi_section(cockpit, state, buckets, credits)
    buckets_section(cockpit, state, buckets, basis)
    unapplied_section(cockpit, credits)
    dimension, picked = by_dimension_section(cockpit, state, buckets)
    drill_section(cockpit, state, buckets, dimension, picked, credits)
    roll_section(cockpit, basis, trend_section(cockpit, basis, buckets))
    freshness(cockpit)


main()
