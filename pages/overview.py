"""Overview: is collection on track, and where is the bad-debt trend heading? The landing page.

KPIs compare the period (the as-of date's month to date) with the same days of the previous month;
month-end figures (DSO, CEI, bad-debt rate) are at the latest month end on or before the as-of date.
"""


import polars as pl
import streamlit as st

from dashboard import data, figures
from dashboard.components import Kpi, kpi_row, link_to
from dashboard.formatting import days, money, period_label, share, signed_days, signed_money, signed_points
from dashboard.i18n import label, t
from dashboard.shell import Cockpit, freshness, open_page, write_off_candidates
from data_access.book.portfolio import Portfolio
from data_access.metrics import aging, bad_debt, factoring, monthly
from data_access.metrics.attention import attention_items
from data_access.metrics.bad_debt import Driver
from data_access.metrics.buckets import DUE_DATE
from data_access.metrics.snapshots import HISTORY_MONTHS
from data_access.metrics.targets import company_target
from data_access.metrics.recovery import Period, kept_rate, overall_recovery, promise_results, recovery_by_tier, recovery_pool

SHOWN_MONTHS = 24


def change(value, earlier, formatter, since: str) -> str | None:  # noqa: ANN001 - numbers of one kind
    if value is None or earlier is None:
        return None
    return t("overview.delta.vs", change=formatter(value - earlier), previous=since)


def shown(value, formatter) -> str:  # noqa: ANN001
    return "—" if value is None else formatter(value)


def kpi_section(cockpit: Cockpit, state: pl.DataFrame, book: Portfolio, month: dict, before: dict,
                tiers_now: pl.DataFrame) -> None:  # fmt: skip
    settings, currency, as_of = cockpit.settings, cockpit.currency, cockpit.view.as_of
    period = Period.month_to_date(as_of)
    previous = period.previous_month_like_for_like()
    then_label, month_before = previous.end.isoformat(), before["month_end"].isoformat()
    # A comparison with a date before the data began compares with nothing: leave it out.
    comparable = previous.end >= cockpit.options.first_date
    now = aging.kpis(state)
    then = aging.kpis(cockpit.state_at(previous.end)) if comparable else None
    rate, target = overall_recovery(tiers_now)
    promises = cockpit.figure("promise_results", lambda: promise_results(
        cockpit.table("promises"), book, settings.promise_grace_days, as_of),
        cockpit.context.table_key("promises"), settings.promise_grace_days)  # fmt: skip
    kept, kept_before = kept_rate(promises, period), kept_rate(promises, previous)
    kpi_row([
        Kpi(t("overview.kpi.total"), money(now.total_cents, currency), t("aging.kpi.total_help"),
            change(now.total_cents, then and then.total_cents, lambda d: signed_money(d, currency), then_label)),
        Kpi(t("overview.kpi.overdue_share"), share(now.overdue_share), t("aging.kpi.overdue_help"),
            change(now.overdue_share, then and then.overdue_share, signed_points, then_label), "inverse"),
        Kpi(t("overview.kpi.recovery"), shown(rate, share), t("overview.kpi.recovery_help"),
            None if rate is None else f"{signed_points(rate - target)} · {t('overview.delta.target', target=share(target))}",
            "normal"),
        Kpi(t("overview.kpi.bad_debt"), shown(month["bad_debt_rate"], lambda v: share(v, 2)),
            t("overview.kpi.bad_debt_help", target=share(settings.bad_debt_target)),
            None if month["bad_debt_rate"] is None else
            f"{signed_points(month['bad_debt_rate'] - settings.bad_debt_target)} · "
            f"{t('overview.delta.target', target=share(settings.bad_debt_target))}", "inverse"),
    ])  # fmt: skip
    kpi_row([
        Kpi(t("overview.kpi.dso"), shown(month["dso"], days), t("overview.kpi.dso_help"),
            change(month["dso"], before["dso"], signed_days, month_before), "inverse"),
        Kpi(t("overview.kpi.best_dso"), shown(month["best_dso"], days), t("overview.kpi.best_dso_help"),
            change(month["best_dso"], before["best_dso"], signed_days, month_before), "off"),
        Kpi(t("overview.kpi.add"), shown(month["add"], days), t("overview.kpi.add_help"),
            change(month["add"], before["add"], signed_days, month_before), "inverse"),
        Kpi(t("overview.kpi.cei"), shown(month["cei"], lambda v: f"{v:.1f}"), t("overview.kpi.cei_help"),
            change(month["cei"], before["cei"], lambda d: f"{d:+.1f}", month_before), "normal"),
        Kpi(t("overview.kpi.kept"), shown(kept, share), t("overview.kpi.kept_help", grace=settings.promise_grace_days),
            change(kept, kept_before if comparable else None, signed_points, then_label), "normal"),
    ])  # fmt: skip
    if not comparable or any(month[name] is None for name in ("dso", "cei", "bad_debt_rate")):
        st.caption(t("overview.too_early", first=cockpit.options.first_date))


def year_section(cockpit: Cockpit, book: Portfolio, snaps: pl.DataFrame) -> None:
    """The executives' question: will the year end under the bad-debt target? Year to date, the year-end
    projection with its basis, and the target, beside the trailing-12-month rate above."""
    as_of = cockpit.view.as_of
    year = cockpit.figure("bad_debt_year", lambda: bad_debt.year_to_date(bad_debt.write_offs(book, as_of), snaps, as_of),
                          DUE_DATE, HISTORY_MONTHS)  # fmt: skip
    target = company_target(cockpit.unfiltered("targets"), "bad_debt_rate", as_of)
    target = cockpit.settings.bad_debt_target if target is None else target
    kpi_row([
        Kpi(t("overview.kpi.bad_debt_ytd"), shown(year.rate, lambda v: share(v, 2)), t("overview.kpi.bad_debt_ytd_help")),
        Kpi(t("overview.kpi.bad_debt_projected"), shown(year.projected, lambda v: share(v, 2)),
            t("overview.kpi.bad_debt_projected_help", year_days=year.year_days, days=year.days),
            None if year.projected is None else
            f"{signed_points(year.projected - target)} · {t('overview.delta.target', target=share(target))}", "inverse"),
        Kpi(t("overview.kpi.bad_debt_year_target"), share(target, 2), t("overview.kpi.bad_debt_year_target_help")),
    ])  # fmt: skip
    if year.projected is not None:
        st.caption(t("overview.year_question", target=share(target, 2), projected=share(year.projected, 2),
                     days=year.days, written=money(year.written_off_cents, cockpit.currency),
                     average=money(int(year.average_cents or 0), cockpit.currency),
                     verdict=t("overview.year_yes" if year.projected < target else "overview.year_no")))  # fmt: skip


def trend_section(cockpit: Cockpit, series: pl.DataFrame, month: dict, driver: Driver | None) -> None:
    """The bad-debt trend with the sentence that explains it, then DSO and CEI."""
    settings = cockpit.settings
    st.subheader(t("overview.bad_debt_trend"))
    recent = series.tail(SHOWN_MONTHS)
    rates = recent["bad_debt_rate"].to_list()
    if month["bad_debt_rate"] is None:
        st.markdown(t("overview.sentence.no_history"))
    else:
        above = bad_debt.months_above(rates, settings.bad_debt_target)
        sentence = t("overview.sentence.above" if above else "overview.sentence.below",
                     rate=share(month["bad_debt_rate"], 2), target=share(settings.bad_debt_target, 0), months=above)  # fmt: skip
        if driver:
            sentence += t(f"overview.sentence.driver_{driver.dimension}", name=label(driver.dimension, driver.name),
                          wo=share(driver.share_of_write_offs, 0), book=share(driver.share_of_book, 0))  # fmt: skip
        st.markdown(f"**{sentence}{t('sentence.end')}**")
    # ``recent`` is the view's month series (``figure("month_series")``): the charts depend on nothing else.
    depends = (DUE_DATE, HISTORY_MONTHS, SHOWN_MONTHS)
    st.plotly_chart(cockpit.chart("bad_debt_trend", lambda: figures.bad_debt_trend(
        recent, settings.bad_debt_target, cockpit.currency), settings.bad_debt_target, *depends))  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.dso_trend"))
        st.plotly_chart(cockpit.chart("dso_trend", lambda: figures.dso_trend(recent), *depends))
    with right:
        st.subheader(t("overview.cei_trend"))
        st.plotly_chart(cockpit.chart("cei_trend", lambda: figures.cei_trend(recent), *depends))


def attention_section(cockpit: Cockpit, state: pl.DataFrame, book: Portfolio, driver: Driver | None,
                      tiers_now: pl.DataFrame) -> None:  # fmt: skip
    """Findings that link to the page and filters where they can be examined."""
    settings = cockpit.settings
    st.subheader(t("overview.attention"))
    candidates = write_off_candidates(cockpit, state, book)

    def findings() -> list:
        utilisation = factoring.limit_utilisation(state, book.debtors, settings.limit_utilisation_flag)
        return attention_items(
            driver=driver, regions=aging.severe_share_by(state, "region"), severe_share=aging.kpis(state).severe_share,
            candidates=candidates, charge_backs=factoring.charge_back_candidates(state, settings.charge_back_days),
            over_limit=factoring.over_limit_count(utilisation),
            region_ids={v: k for k, v in cockpit.options.regions.items()}, tiers=tiers_now,
        )  # fmt: skip

    # Once per view, like the page's other figures: twenty people opening the same view share one computation.
    items = cockpit.figure("overview_attention", findings, settings.limit_utilisation_flag, settings.charge_back_days,
                           cockpit.context.table_key("credit_events"), cockpit.context.table_key("targets"),
                           tuple(tiers_now.rows()), tuple(sorted(cockpit.options.regions.items())))  # fmt: skip
    if not items:
        st.caption(t("overview.attention_none"))
    for item in items:
        values = dict(item.values)
        for name in ("wo", "book", "share", "overall"):
            if name in values:
                values[name] = share(values[name])
        if "cents" in values:
            values["amount"] = money(values.pop("cents"), cockpit.currency)
        if item.kind == "driver_industry":
            values["name"] = label("industry", values["name"])
        link_to(item.page, t(f"attention.{item.kind}", flag=share(settings.limit_utilisation_flag, 0), **values),
                cockpit.link_params(item.params), icon=":material/arrow_forward:")


def main() -> None:
    cockpit = open_page(t("overview.title"))
    as_of = cockpit.view.as_of
    state = cockpit.open_state_or_stop()
    book = cockpit.filtered_book()
    ends, snaps = cockpit.snapshots()
    series = cockpit.figure("month_series", lambda: monthly.with_ratios(monthly.month_series(book, snaps, ends)),
                            DUE_DATE, HISTORY_MONTHS)  # fmt: skip
    month, before = series.row(-1, named=True), series.row(-2, named=True)
    period = Period.month_to_date(as_of)
    previous = period.previous_month_like_for_like()
    st.caption(t("overview.period", period=period_label(period.start, period.end),
                 previous=period_label(previous.start, previous.end), month_end=month["month_end"]))  # fmt: skip
    pool = cockpit.figure("recovery_pool", lambda: recovery_pool(book, period), period.start, period.end)
    tiers_now = recovery_by_tier(pool, data.recovery_targets(cockpit.context, period).values)
    since = ends[-12].replace(day=1)
    driver = cockpit.figure("bad_debt_driver", lambda: bad_debt.bad_debt_driver(
        bad_debt.write_offs(book, as_of), snaps, cockpit.dimensions(), since=since), since)  # fmt: skip
    kpi_section(cockpit, state, book, month, before, tiers_now)
    year_section(cockpit, book, snaps)
    trend_section(cockpit, series, month, driver)
    attention_section(cockpit, state, book, driver, tiers_now)
    freshness(cockpit)


main()
