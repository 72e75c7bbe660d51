"""Bad debt & provisions: the IFRS 9 provision matrix with its derivation, write-offs and recoveries,
the legal pipeline and the write-off candidates for the risk committee."""

from datetime import date

import polars as pl
import streamlit as st

from dashboard import figures
from dashboard.components import Kpi, downloads, empty_state, kpi_row, money_table
from dashboard.filters import number_between, one_of, url_widget, url_write
from dashboard.formatting import money, rate, share
from dashboard.i18n import label, t
from dashboard.shell import Cockpit, freshness, open_page, write_off_candidates
from data_access.metrics import aging, bad_debt
from data_access.metrics.provisions import coverage, provision_by_segment, provision_matrix, window_recovery_rate

RATES = ("stay_rate", "roll_rate", "chain_to_write_off", "post_write_off_recovery", "loss_rate")
LOOKBACKS = (3, 6, 12, 18, 24)
SEGMENTS = ("industry", "grade")


def provision_section(cockpit: Cockpit, state: pl.DataFrame, flows: pl.DataFrame, ends: list[date],
                      written: pl.DataFrame, recoveries: pl.DataFrame) -> None:  # fmt: skip
    settings, currency, buckets = cockpit.settings, cockpit.currency, cockpit.buckets()
    st.subheader(t("bad_debt.provision"))
    controls = st.columns(3)
    # The configured values are always offered, even outside the usual choices. The scenario is in the URL
    # (lookback=, scalar=, segment=), so a shared link opens the same matrix.
    lookbacks = sorted({*LOOKBACKS, settings.provision_lookback_months})
    low, high = min(0.5, settings.forward_scalar), max(3.0, settings.forward_scalar)
    url_widget("provision_lookback", "lookback", default=settings.provision_lookback_months,
               parse=one_of(lookbacks, int), label=t("bad_debt.lookback"))
    url_widget("provision_scalar", "scalar", default=settings.forward_scalar, parse=number_between(low, high),
               label=t("bad_debt.scalar"))
    url_widget("provision_segment", "segment", default=None, parse=one_of(SEGMENTS), label=t("bad_debt.segment"))
    lookback = controls[0].select_slider(t("bad_debt.lookback"), lookbacks, key="provision_lookback")
    scalar = controls[1].number_input(t("bad_debt.scalar"), low, high, step=0.05, key="provision_scalar",
                                      help=t("bad_debt.scalar_help"))  # fmt: skip
    segment = controls[2].selectbox(t("bad_debt.segment"), [None, *SEGMENTS], key="provision_segment",
                                    format_func=lambda s: t("bad_debt.segment_none") if s is None else t(f"dim.{s}"),
                                    placeholder=t("bad_debt.segment_none"))  # fmt: skip
    url_write("provision_lookback", "lookback", lookback, default=settings.provision_lookback_months)
    url_write("provision_scalar", "scalar", scalar, default=settings.forward_scalar, format=lambda v: f"{v:g}")
    url_write("provision_segment", "segment", segment, default=None)
    window_start = ends[-min(lookback, len(ends))].replace(day=1)  # first day of the look-back's first month
    recovery_rate = window_recovery_rate(written, recoveries, window_start, cockpit.view.as_of)
    matrix = provision_matrix(flows, aging.bucket_totals(state, buckets), buckets.labels, lookback_months=lookback,
                              recovery_rate=recovery_rate, scalar=scalar)  # fmt: skip
    ecl, _total, ratio = coverage(matrix)
    kpi_row([
        Kpi(t("bad_debt.kpi.ecl"), money(ecl, currency), t("bad_debt.method")),
        Kpi(t("bad_debt.kpi.coverage"), "—" if ratio is None else rate(ratio), t("bad_debt.kpi.coverage_help")),
        Kpi(t("bad_debt.kpi.recovery"), share(recovery_rate), t("bad_debt.kpi.recovery_help")),
    ])  # fmt: skip
    money_table(matrix, currency=currency, key="provision_matrix", percent=RATES, labels={"bucket": t("col.bucket")})
    downloads(matrix, cockpit, name="bad-debt-provision-matrix", title=f"{t('bad_debt.title')} · {t('bad_debt.provision')}",
              key="dl_matrix", percent=RATES, labels={"bucket": t("col.bucket")},
              notes=((t("bad_debt.lookback"), str(lookback)), (t("bad_debt.scalar"), f"{scalar:.2f}")))  # fmt: skip
    with st.expander(t("bad_debt.derivation")):
        st.caption(t("bad_debt.method"))
        rows = matrix.to_dicts()
        for i, row in enumerate(rows):
            chain = " × ".join(share(r["roll_rate"]) for r in rows[i:])
            st.markdown("- " + t("bad_debt.derivation_row", bucket=label("bucket", row["bucket"]), chain=chain,
                                 product=share(row["chain_to_write_off"], 2), recovery=share(recovery_rate),
                                 scalar=f"{scalar:.2f}", loss=share(row["loss_rate"], 2)))  # fmt: skip
    if segment:
        st.markdown(f"**{t('bad_debt.by_segment', segment=t(f'dim.{segment}').lower())}**")
        by_segment = provision_by_segment(flows, state, cockpit.dimensions(), buckets, segment, lookback_months=lookback,
                                          recovery_rate=recovery_rate, scalar=scalar)  # fmt: skip
        money_table(by_segment, currency=currency, key="provision_by_segment", rates=(*buckets.labels, "coverage"),
                    labels={segment: t(f"dim.{segment}"), "coverage": t("bad_debt.kpi.coverage")})  # fmt: skip


def write_offs_section(cockpit: Cockpit, ends: list[date], written: pl.DataFrame, recoveries: pl.DataFrame) -> None:
    st.subheader(t("bad_debt.write_offs"))
    if written.is_empty():
        empty_state(t("bad_debt.no_write_offs"))
        return
    shown = ends[-24:]
    monthly = bad_debt.write_offs_by_month(written, recoveries, shown)
    st.plotly_chart(figures.write_offs_monthly(shown, monthly, cockpit.currency))
    dimension = st.segmented_control(t("bad_debt.write_offs_by"), ["industry", "region", "client", "grade"],
                                     default="industry", format_func=lambda d: t(f"dim.{d}"), key="wo_dim") or "industry"  # fmt: skip
    key, name = aging.DIMENSIONS[dimension]
    with_client = written.join(cockpit.book.clients.select("client_id", pl.col("name").alias("client")), on="client_id",
                               how="left")  # fmt: skip
    year = bad_debt.write_offs_by(with_client, cockpit.dimensions(), key, name, since=ends[-12].replace(day=1))
    money_table(year, currency=cockpit.currency, key="wo_by", labels={name: t(f"dim.{dimension}")},
                hidden=(key,) if key != name else (), height=300)  # fmt: skip
    downloads(year, cockpit, name=f"bad-debt-write-offs-by-{dimension}", key="dl_wo", labels={name: t(f"dim.{dimension}")},
              title=f"{t('bad_debt.title')} · {t('bad_debt.write_offs_by')} {t(f'dim.{dimension}')}")  # fmt: skip


def legal_section(cockpit: Cockpit) -> None:
    st.subheader(t("bad_debt.legal"))
    pipeline = bad_debt.legal_pipeline(cockpit.table("legal_cases"), cockpit.unfiltered("legal_case_stages"),
                                       cockpit.view.as_of)  # fmt: skip
    if pipeline.is_empty():
        empty_state(t("bad_debt.legal_empty"))
        return
    st.caption(t("bad_debt.legal_note"))
    money_table(pipeline.with_columns(pl.col("stage").cast(pl.String).replace_strict(
                    {s: label("stage", s) for s in pipeline["stage"].cast(pl.String)})),
                currency=cockpit.currency, key="legal", percent=("recovered_share",))  # fmt: skip


def candidates_section(cockpit: Cockpit, state: pl.DataFrame, book) -> None:  # noqa: ANN001 - a Portfolio
    settings = cockpit.settings
    st.subheader(t("bad_debt.candidates"))
    candidates = write_off_candidates(cockpit, state, book)
    rule = {"dpd": settings.write_off_candidate_dpd, "days": settings.write_off_quiet_days}
    if candidates.is_empty():
        empty_state(t("bad_debt.candidates_none", **rule))
        return
    st.caption(t("bad_debt.candidates_caption", **rule))
    candidates = candidates.with_columns(pl.col("latest_event").replace({e: label("event", e) for e in
                                                                          candidates["latest_event"].drop_nulls()}))
    money_table(candidates, currency=cockpit.currency, key="candidates", height=360)
    downloads(candidates, cockpit, name="bad-debt-write-off-candidates", key="dl_candidates",
              title=f"{t('bad_debt.title')} · {t('bad_debt.candidates')}")  # fmt: skip


def main() -> None:
    cockpit = open_page(t("bad_debt.title"))
    state = cockpit.open_state_or_stop()
    book = cockpit.filtered_book()
    ends, _snaps, flows = cockpit.history()
    written = bad_debt.write_offs(book, cockpit.view.as_of)
    recoveries = cockpit.table("recoveries")
    provision_section(cockpit, state, flows, ends, written, recoveries)
    write_offs_section(cockpit, ends, written, recoveries)
    legal_section(cockpit)
    candidates_section(cockpit, state, book)
    freshness(cockpit)


main()
