"""Collectors: the league table of a month, quarter or year, the fairness view and one collector's
scorecard. Every figure comes from data_access.metrics (appraisal, scorecard); this page arranges and
colours them. Its rows are collectors: the Region and Collector filters select them, the others do not
apply (a collector is appraised on the whole book)."""

import polars as pl
import streamlit as st

from dashboard import charts, data
from dashboard.components import downloads, empty_state, money_table, target_table
from dashboard.filters import one_of, page_params, url_widget, url_write
from dashboard.formatting import period_label, share
from dashboard.i18n import label, t
from dashboard.selection import pick_row, unlisted
from dashboard.shell import Cockpit, freshness, open_page
from data_access.metrics import aging, appraisal, scorecard
from data_access.metrics.asof import appeals_as_of, incidents_as_of
from data_access.metrics.recovery import TIERS, Period, promise_results

HISTORY_PERIODS = 12
LEVELS = ("junior", "mid", "senior")
TIER_LABELS = {f"rate_{tier}": tier for tier in TIERS}
PAIRS = [(f"rate_{tier}", f"target_{tier}") for tier in TIERS] + [
    ("recovery_rate", "recovery_target"), ("cycle_improvement", "cycle_target"), ("kept_rate", "kept_target"),
    ("satisfaction", "satisfaction_target"), ("escalation_timely", "escalation_target")]  # fmt: skip
PERCENTS = (*TIER_LABELS, "recovery_rate", "recovery_target", "cycle_improvement", "agreement_rate", "kept_rate",
            "escalation_timely")  # fmt: skip


def period_controls() -> tuple[str, list[str]]:
    """The period kind (``period=``) and the levels shown (``level=``), kept in the URL."""
    left, right = st.columns([2, 3])
    with left:
        url_widget("league_period", "period", default="quarter", parse=one_of(appraisal.KINDS),
                   label=t("league.period_kind"))  # fmt: skip
        kind = st.segmented_control(t("league.period_kind"), list(appraisal.KINDS), key="league_period",
                                    required=True, format_func=lambda k: t(f"league.kind.{k}")) or "quarter"  # fmt: skip
        url_write("league_period", "period", kind, default="quarter")
    with right:
        url_widget("league_level", "level", default=[], label=t("league.level"),
                   parse=lambda _raw: page_params("level", LEVELS, label=t("league.level")))  # unknown levels named
        levels = st.multiselect(t("league.level"), list(LEVELS), format_func=lambda v: t(f"league.level.{v}"),
                                key="league_level", select_all=False, placeholder=t("filters.placeholder"))  # fmt: skip
        url_write("league_level", "level", levels, default=[], format=",".join)
    return kind, levels


def which_period(kind: str, cockpit: Cockpit) -> Period:
    """The period shown (``lstart=`` in the URL): the one containing the as-of date (to date) or one of the four
    before it, whole. A past period is judged as of the as-of date, so an appeal decided since shows."""
    periods = appraisal.periods_back(kind, cockpit.view.as_of, 5)[::-1]
    starts = [p.start.isoformat() for p in periods]
    key = f"league_start_{kind}"
    url_widget(key, "lstart", default=starts[0], parse=one_of(starts), label=t("targets.period"))
    chosen = st.selectbox(t("targets.period"), starts, key=key,
                          format_func=lambda s: period_label(*next((p.start, p.end) for p in periods
                                                                   if p.start.isoformat() == s)))  # fmt: skip
    url_write(key, "lstart", chosen, default=starts[0])
    return next(p for p in periods if p.start.isoformat() == chosen)


def for_people(table: pl.DataFrame, cockpit: Cockpit) -> pl.DataFrame:
    """The league table as shown: targets beside each measure, translated status and level, signed rank change."""
    settings = cockpit.settings
    tier_columns = [c for tier in TIERS for c in (f"rate_{tier}", f"target_{tier}")]
    return table.with_columns(
        pl.lit(settings.cycle_improvement_target).alias("cycle_target"),
        pl.lit(settings.satisfaction_target).alias("satisfaction_target"),
        pl.lit(settings.escalation_target).alias("escalation_target"), pl.lit(settings.kept_target).alias("kept_target"),
        pl.col("status").replace({s: t(f"status.{s}") for s in ("veto", "under appeal", "appeal upheld",
                                                                 "appeal rejected")}),
        # An upheld correction keeps the original beside it; where nothing was corrected the cells stay empty.
        pl.when(pl.col("original_score") != pl.col("score")).then(pl.col("original_score")).alias("original_score"),
        pl.when(pl.col("original_score") != pl.col("score")).then(pl.col("original_rank")).alias("original_rank"),
        pl.col("level").replace({v: t(f"league.level.{v}") for v in LEVELS}),
        # Places gained or lost, signed so a glance tells up from down.
        pl.when(pl.col("rank_change") > 0).then(pl.format("▲ {}", pl.col("rank_change")))
        .when(pl.col("rank_change") < 0).then(pl.format("▼ {}", -pl.col("rank_change")))
        .when(pl.col("rank_change") == 0).then(pl.lit("="))
        .alias("rank_change"),
        pl.col("incident_kinds").map_elements(lambda kinds: ", ".join(label("incident", k) for k in kinds.split(", ")),
                                              return_dtype=pl.String),
    ).select(
        # What the rank rests on comes first: score and status (a veto says so), then the measures.
        "rank", "rank_change", "collector_id", "collector", "score", "status", "original_score", "original_rank",
        "region", "level", "cases",
        "cases_closed", "recovered_cents", *tier_columns, "recovery_rate", "recovery_target", "adjusted", "cycle_days",
        "cycle_improvement", "cycle_target", "agreement_rate", "kept_rate", "kept_target", "satisfaction",
        "satisfaction_target", "escalation_timely", "escalation_target", "incidents", "incident_kinds",
    )  # fmt: skip


def headers(shown: pl.DataFrame) -> tuple[dict[str, str], tuple[str, ...]]:
    """Column headers that carry the targets as numbers, and the columns to hide.

    Where every collector shares a target, the header says it ("1-30 · target 90.0 %") and the target
    column stays hidden; where targets differ (per-collector overrides), the target column is shown.
    """
    labels: dict[str, str] = {}
    hidden = ["collector_id"]
    for value, target in PAIRS:
        name = TIER_LABELS.get(value) or t(f"col.{value}")
        targets = shown[target].drop_nulls().unique()
        labels[target] = t("league.target_of", measure=name)
        if targets.len() == 1:
            number = targets.item()
            shown_target = share(number) if value in PERCENTS else f"{number:.2f}"
            labels[value] = t("league.with_target", measure=name, target=shown_target)
            hidden.append(target)
        else:
            labels[value] = name
    return labels, tuple(hidden)


def collector_name(cockpit: Cockpit):  # noqa: ANN201 - id text -> name, for selection notes
    names = dict(cockpit.book.collectors.select(pl.col("collector_id").cast(pl.String), "name").iter_rows())
    return names.get


def league_section(cockpit: Cockpit, shown: pl.DataFrame, kind: str, period: Period) -> dict | None:
    """The league table; returns the row of the collector whose scorecard is open (``card=`` in the URL)."""
    settings = cockpit.settings
    st.caption(t("league.legend", weights=" + ".join(f"{w:.0%} {n}" for w, n in zip(
        settings.score_weights, (t("league.weight.quantity"), t("league.weight.quality"), t("league.weight.behaviour")),
        strict=True))))  # fmt: skip
    st.caption(t("league.pick"))
    labels, hidden = headers(shown)
    picked = pick_row(
        shown, id_column="collector_id", param="card", key=f"league_{kind}", what=t("param.card"),
        name_of=collector_name(cockpit),
        draw=lambda key, rows: target_table(shown, pairs=PAIRS, currency=cockpit.currency, key=key, labels=labels,
                                            percent=PERCENTS, hidden=hidden, selectable=rows, height=460),
    )  # fmt: skip
    # The file keeps every target as its own column, beside the measure it judges.
    targets = tuple(target for value, target in PAIRS if value in PERCENTS)
    downloads(shown.drop("collector_id"), cockpit, name=f"collectors-league-{kind}", key="dl_league",
              percent=(*PERCENTS, *targets), labels={**labels, **{v: TIER_LABELS.get(v) or t(f"col.{v}") for v, _ in PAIRS}},
              title=f"{t('league.title')} · {period_label(period.start, period.end)}")  # fmt: skip
    return picked


@st.fragment
def fairness_section(cockpit: Cockpit, table: pl.DataFrame) -> None:
    """Raw against difficulty-adjusted recovery, by book difficulty and by level. Only the open tab is drawn
    (a tab switch reruns this section alone): at 10M invoices each scatter has 4,000 collectors, which
    Chromium took 0.3 s to lay out on every filter change, shown or not."""
    st.subheader(t("league.fairness"))
    st.caption(t("league.fairness_caption"))
    tab_raw, tab_adjusted, tab_levels = st.tabs([t("league.raw_vs_difficulty"), t("league.adjusted_vs_difficulty"),
                                                 t("league.by_level")], key="league_fairness", on_change="rerun")  # fmt: skip
    scatter = table.filter(pl.col("low_grade_share").is_not_null())
    for tab, measure in ((tab_raw, "recovery_rate"), (tab_adjusted, "adjusted")):
        if tab.open:
            tab.plotly_chart(charts.scatter_by_group(
                scatter["low_grade_share"].to_list(), scatter[measure].to_list(),
                [t(f"league.level.{v}") for v in scatter["level"].to_list()], scatter["collector"].to_list(),
                x_title=t("league.difficulty"), y_title=t(f"col.{measure}"), y_percent=measure == "recovery_rate"),
                key=f"fair_{measure}")  # fmt: skip
    if tab_levels.open:
        with tab_levels:
            by_level = scorecard.by_level(table).with_columns(pl.col("level").replace({v: t(f"league.level.{v}") for v in LEVELS}))
            money_table(by_level, currency=cockpit.currency, key="by_level",
                        percent=("recovery_rate", "low_grade_share", "hard_share"))  # fmt: skip


def scorecard_section(cockpit: Cockpit, collector_id: int, kind: str, period: Period) -> None:
    """One collector: 12 periods against target, portfolio aging, promises, actions, incidents and appeals."""
    settings, currency, as_of, context = cockpit.settings, cockpit.currency, cockpit.view.as_of, cockpit.context
    person = cockpit.book.collectors.filter(pl.col("collector_id") == collector_id).row(0, named=True)
    mentor = [] if person["mentor_id"] is None else \
        cockpit.book.collectors.filter(pl.col("collector_id") == person["mentor_id"])["name"].to_list()  # fmt: skip
    st.subheader(t("scorecard.title", name=person["name"]))
    st.caption(t("scorecard.meta", region=cockpit.options.regions.get(person["region_id"], ""),
                 level=t(f"league.level.{person['level']}"), hired=person["hire_date"], capacity=person["capacity"],
                 mentor=t("scorecard.mentor", mentor=mentor[0]) if mentor else ""))  # fmt: skip
    history = []
    with st.spinner(t("shell.loading")):  # first opening computes each period's league once
        for p in appraisal.periods_back(kind, as_of, HISTORY_PERIODS):
            one = data.league(context, p.start, p.end).filter(pl.col("collector_id") == collector_id)
            history.append(one.with_columns(pl.lit(p.end).alias("period_end")))
    history = pl.concat(history, how="diagonal_relaxed")
    st.markdown(f"**{t('scorecard.history', n=HISTORY_PERIODS)}**")
    ends = history["period_end"].to_list()
    st.plotly_chart(charts.lines(ends, {t("col.recovery_rate"): history["recovery_rate"].to_list(),
                                        t("col.recovery_target"): history["recovery_target"].to_list(),
                                        t("col.kept_rate"): history["kept_rate"].to_list()}, percent=True,
                                 period=kind),
                    key="card_rates")  # fmt: skip
    st.plotly_chart(charts.lines(ends, {t("col.score"): history["score"].to_list(),
                                        t("scorecard.satisfaction_scaled"):
                                            scorecard.satisfaction_on_score_axis(history["satisfaction"]).to_list()},
                                 period=kind),
                    key="card_scores")  # fmt: skip
    tables = data.appraisal_tables(context, period)
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**{t('scorecard.portfolio')}**")
        book = cockpit.state().filter(pl.col("collector_id") == collector_id)
        if book.filter(pl.col("outstanding_cents") > 0).is_empty():
            empty_state(t("scorecard.portfolio_empty"))
        else:
            money_table(aging.bucket_totals(book, cockpit.buckets()), currency=currency, key="card_aging",
                        percent=("share",))  # fmt: skip
    with c2:
        st.markdown(f"**{t('scorecard.promises')}**")
        mine = tables["promises"].filter(pl.col("collector_id") == collector_id)
        counts = scorecard.promise_counts(promise_results(mine, cockpit.book, settings.promise_grace_days, as_of), period)
        st.dataframe(pl.DataFrame({t(f"col.{s}"): [n] for s, n in counts.items()}), hide_index=True, placeholder="—")
    st.markdown(f"**{t('scorecard.actions')}**")
    by_channel = scorecard.actions_by_channel(tables["collection_actions"], collector_id, period, as_of)
    if by_channel.is_empty():
        empty_state(t("scorecard.actions_empty"))
    else:
        by_channel = by_channel.with_columns(
            pl.col("channel").replace({c: label("channel", c) for c in by_channel["channel"]}))
        st.dataframe(by_channel.rename({c: label("outcome", c) for c in by_channel.columns if c != "channel"}
                                       | {"channel": t("col.channel")}), hide_index=True, placeholder="—")  # fmt: skip
    # Incidents and appeals as they stood at the as-of date: a later confirmation or decision is not shown.
    known = {"compliance_incidents": incidents_as_of(tables["compliance_incidents"], as_of),
             "appeals": appeals_as_of(tables["appeals"], as_of)}  # fmt: skip
    for column, name in zip(st.columns(2), known, strict=True):
        with column:
            st.markdown(f"**{t('scorecard.incidents' if name == 'compliance_incidents' else 'scorecard.appeals')}**")
            rows = known[name].filter(pl.col("collector_id") == collector_id)
            code, prefix = ("kind", "incident") if name == "compliance_incidents" else ("status", "appeal")
            rows = rows.with_columns(pl.col(code).replace({c: label(prefix, c) for c in rows[code].unique()}))
            if rows.is_empty():
                st.caption(t("scorecard.none"))
            else:
                money_table(rows.drop([c for c in rows.columns if c.endswith("_id")]), currency=currency,
                            key=f"card_{name}")  # fmt: skip


def main() -> None:
    cockpit = open_page(t("league.title"), rows="collectors")
    kind, levels = period_controls()
    period = which_period(kind, cockpit)
    previous = appraisal.previous_period(kind, period)
    st.caption(t("league.period", period=period_label(period.start, period.end),
                 previous=period_label(previous.start, previous.end)))  # fmt: skip
    with st.spinner(t("shell.loading")):
        current = data.league(cockpit.context, period.start, period.end)
        before = data.league(cockpit.context, previous.start, previous.end)
    chosen = cockpit.apply("collectors", current)
    if levels:
        chosen = chosen.filter(pl.col("level").is_in(levels))
    if chosen.is_empty():
        empty_state(t("league.empty", filters=cockpit.description))
        unlisted("card", name_of=collector_name(cockpit), what=t("param.card"))
        freshness(cockpit)
        st.stop()
    table = scorecard.ranked_within(chosen, before)  # ranks within the selection, now and in the previous period
    shown = for_people(table, cockpit)
    picked = league_section(cockpit, shown, kind, period)
    fairness_section(cockpit, table)
    if picked is not None:
        scorecard_section(cockpit, int(picked["collector_id"]), kind, period)
    freshness(cockpit)


main()
