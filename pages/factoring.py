"""Factoring portfolio: dilution, debtor concentration and credit-limit use, recourse exposure and
the invoices that can be charged back to clients."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard import figures
from dashboard.components import Kpi, downloads, empty_state, kpi_row, money_table
from dashboard.formatting import money, share
from dashboard.i18n import t
from dashboard.computations import DILUTION_MONTHS, concentration
from dashboard.shell import Cockpit, freshness, open_page
from data_access.book.portfolio import Portfolio
from data_access.metrics import factoring, snapshots
from data_access.metrics.snapshots import HISTORY_MONTHS


def dilution_section(cockpit: Cockpit, book: Portfolio, ends: list[date]) -> None:
    st.subheader(t("factoring.dilution"))
    st.caption(t("factoring.dilution_caption"))
    st.plotly_chart(figures.dilution(ends[-DILUTION_MONTHS:], factoring.dilution_by_month(book, ends)))
    st.markdown(f"**{t('factoring.dilution_by_client')}**")
    by_client = factoring.dilution_by_client(book, ends[-3].replace(day=1), cockpit.view.as_of)
    money_table(by_client, currency=cockpit.currency, key="dilution_clients", percent=("dilution",),
                hidden=("client_id",), height=300)  # fmt: skip
    downloads(by_client, cockpit, name="factoring-dilution-by-client", key="dl_dilution", percent=("dilution",),
              title=f"{t('factoring.title')} · {t('factoring.dilution')} · {t('factoring.dilution_by_client')}")  # fmt: skip


def concentration_section(cockpit: Cockpit, state: pl.DataFrame, book: Portfolio) -> None:
    settings, currency = cockpit.settings, cockpit.currency
    st.subheader(t("factoring.concentration"))
    c = concentration(state, book.debtors, settings)
    over_10, utilisation = c.over_10, c.utilisation
    flag = share(settings.limit_utilisation_flag, 0)
    kpi_row([
        Kpi(t("factoring.top10"), share(c.top_share), t("factoring.top10_help")),
        Kpi(t("factoring.over_share", share="10 %"), f"{over_10.height:,}", t("factoring.over_share_help", share="10 %")),
        Kpi(t("factoring.over_share", share="20 %"), f"{c.over_20.height:,}", t("factoring.over_share_help", share="20 %")),
        Kpi(t("factoring.over_limit", flag=flag), f"{c.over_limit:,}", t("factoring.over_limit_help", flag=flag)),
    ])  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.plotly_chart(figures.top_debtors(c.top))
    with right:
        st.markdown(f"**{t('factoring.over_share', share='10 %')}**")
        if over_10.is_empty():
            empty_state(t("factoring.none"))
        else:
            money_table(over_10, currency=currency, key="over_10", percent=("share_of_client",),
                        hidden=("client_id", "debtor_id"), height=320)  # fmt: skip
    st.markdown(f"**{t('factoring.utilisation')}**")
    st.caption(t("factoring.utilisation_caption", flag=share(settings.limit_utilisation_flag, 0)))
    money_table(utilisation.head(200), currency=currency, key="utilisation", percent=("utilisation",),
                hidden=("debtor_id",), height=300)  # fmt: skip
    downloads(utilisation, cockpit, name="factoring-credit-limit-utilisation", key="dl_utilisation",
              percent=("utilisation",), title=f"{t('factoring.title')} · {t('factoring.utilisation')}")  # fmt: skip


def recourse_section(cockpit: Cockpit, state: pl.DataFrame) -> None:
    settings, currency = cockpit.settings, cockpit.currency
    st.subheader(t("factoring.recourse"))
    exposure = factoring.recourse_exposure(state).with_columns(
        pl.when(pl.col("recourse")).then(pl.lit(t("factoring.recourse_yes"))).otherwise(pl.lit(t("factoring.recourse_no")))
        .alias("recourse")
    )  # fmt: skip
    kpi_row([Kpi(row["recourse"], money(row["outstanding_cents"], currency),
                 f"{t('col.overdue')}: {money(row['overdue_cents'], currency)}") for row in exposure.iter_rows(named=True)])  # fmt: skip
    st.markdown(f"**{t('factoring.charge_back')}**")
    st.caption(t("factoring.charge_back_caption", days=settings.charge_back_days))
    charge_backs = factoring.charge_back_candidates(state, settings.charge_back_days)
    if charge_backs.is_empty():
        empty_state(t("factoring.none"))
        return
    money_table(charge_backs, currency=currency, key="charge_backs", height=320)
    downloads(charge_backs, cockpit, name="factoring-charge-back-candidates", key="dl_charge_backs",
              title=f"{t('factoring.title')} · {t('factoring.charge_back')}")  # fmt: skip


def main() -> None:
    cockpit = open_page(t("factoring.title"))
    state = cockpit.open_state_or_stop().filter(pl.col("outstanding_cents") > 0)
    book = cockpit.filtered_book()
    ends = snapshots.month_ends(cockpit.view.as_of, HISTORY_MONTHS)  # the month ends only: no snapshots needed
    dilution_section(cockpit, book, ends)
    concentration_section(cockpit, state, book)
    recourse_section(cockpit, state)
    freshness(cockpit)


main()
