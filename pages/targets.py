"""Targets: set a period's targets (company, region, collector), track them with pace and status, and
decide appeals. Definitions: docs/targets.md. Every figure comes from data_access.metrics (targets,
target_tracking); every write goes through data_access.services via dashboard.data."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import charts, data
from dashboard import targets_view as work
from dashboard.components import empty_state, money_table
from dashboard.filters import one_of, url_widget, url_write
from dashboard.formatting import money, period_label, share
from dashboard.i18n import label, localized, t
from dashboard.shell import Cockpit, freshness, open_page
from data_access.metrics import appraisal
from data_access.metrics.recovery import Period
from data_access.metrics.target_tracking import AT_RISK_MARGIN, track
from data_access.metrics.targets import (
    AMOUNT, COLLECTOR, COMPANY, METRICS, PERIOD_KINDS, REGION, SHARE, SUGGESTION_QUARTERS, in_period,
    period_of, scheme_defaults, suggestions, window_closes,
)  # fmt: skip

FLASH = "targets_flash"
STATUS_ORDER = {"off track": 0, "missed": 0, "at risk": 1, "on track": 2, "met": 2}


def names(cockpit: Cockpit) -> work.Names:
    collectors = cockpit.book.collectors
    return work.Names(regions=dict(cockpit.options.regions),
                      collectors=dict(collectors.select("collector_id", "name").iter_rows()),
                      collector_regions=dict(collectors.select("collector_id", "region_id").iter_rows()))  # fmt: skip


def period_controls(cockpit: Cockpit) -> Period:
    """The period kind and which period (``tperiod=`` and ``tstart=`` in the URL): from four back to two ahead.
    The year first: the scheme's annual targets (bad debt below 2 %) are what executives ask about."""
    as_of = cockpit.view.as_of
    left, right = st.columns([2, 3])
    with left:
        url_widget("targets_kind", "tperiod", default="year", parse=one_of(PERIOD_KINDS),
                   label=t("league.period_kind"))  # fmt: skip
        kind = st.segmented_control(t("league.period_kind"), list(PERIOD_KINDS), key="targets_kind", required=True,
                                    format_func=lambda k: t(f"league.kind.{k}")) or "year"  # fmt: skip
        url_write("targets_kind", "tperiod", kind, default="year")
    current = period_of(kind, as_of)
    periods = [current]
    while len(periods) < 5:
        periods.insert(0, period_of(kind, periods[0].start - timedelta(days=1)))
    for _ in range(2):
        periods.append(period_of(kind, periods[-1].end + timedelta(days=1)))
    starts = [p.start.isoformat() for p in periods]
    with right:
        url_widget(f"targets_start_{kind}", "tstart", default=current.start.isoformat(), parse=one_of(starts),
                   label=t("targets.period"))  # fmt: skip
        chosen = st.selectbox(t("targets.period"), starts, key=f"targets_start_{kind}",
                              format_func=lambda s: period_label(*_bounds(periods, s)))  # fmt: skip
        url_write(f"targets_start_{kind}", "tstart", chosen, default=current.start.isoformat())
    return next(p for p in periods if p.start.isoformat() == chosen)


def _bounds(periods: list[Period], start: str) -> tuple[date, date]:
    found = next(p for p in periods if p.start.isoformat() == start)
    return found.start, found.end


def edit_section(cockpit: Cockpit, period: Period, table: pl.DataFrame, who: work.Names) -> None:
    """The period's targets in an editor: defaults, suggestions, copy, validation beside each row, save."""
    st.subheader(t("targets.edit"))
    st.caption(t("targets.edit_caption"))
    key = f"{period.start}:{period.end}"
    state = work.work(key)
    current = in_period(table, period)
    if state is None:
        rows = [{**{c: r.get(c) for c in work.EDIT_COLUMNS}, "basis": None} for r in current.iter_rows(named=True)]
        state = work.start(key, rows, cockpit.context.version_of("targets"), who)
    buttons = st.container(horizontal=True)
    if buttons.button(t("targets.defaults"), icon=":material/rule:", disabled=bool(state["rows"]),
                      help=t("targets.defaults_help"), key="targets_defaults"):  # fmt: skip
        s = cockpit.settings
        offered = [{**r, "owner": localized(r["owner"]), "rationale": localized(r["rationale"]),
                    "basis": t("targets.basis.scheme")} for r in scheme_defaults(
            period, s.recovery_targets, s.cycle_improvement_target, s.bad_debt_target)]  # fmt: skip
        work.start(key, offered, state["version"], who)
        st.rerun()
    if buttons.button(t("targets.suggest"), icon=":material/auto_fix_high:", help=t("targets.suggest_help"),
                      key="targets_suggest"):  # fmt: skip
        work.start(key, work.merge(state["rows"], suggested_rows(cockpit, who)), state["version"], who)
        st.rerun()
    if buttons.button(t("targets.copy"), icon=":material/content_copy:", disabled=current.is_empty(),
                      help=t("targets.copy_help"), key="targets_copy"):  # fmt: skip
        try:
            target, count = data.copy_targets(cockpit.context, period, cockpit.context.version_of("targets"))
        except ValueError as refused:
            st.error(localized(refused), icon=":material/block:")
        else:
            done(t("targets.copied", count=count, period=period_label(target.start, target.end)))
    editor_key = f"targets_editor_{state['generation']}"
    if work.pending(editor_key):  # edits not yet folded in (the editor's on_change normally does it)
        work.apply_edits(editor_key, who)
        editor_key = f"targets_editor_{state['generation']}"
    st.data_editor(work.for_people(state["rows"], state["problems"], who), key=editor_key, num_rows="dynamic",
                   placeholder="—",  # an empty scope cell reads as a dash, not "None"
                   hide_index=True, column_config=work.editor_columns(who), on_change=work.apply_edits,
                   args=(editor_key, who), width="stretch")  # fmt: skip
    problems = state["problems"]
    if problems:
        st.warning(t("targets.invalid", count=len(problems), rows=", ".join(str(r) for r in
                                                                             sorted({p.row + 1 for p in problems}))),
                   icon=":material/error:")  # fmt: skip
    changed = _changed(state["rows"], current)
    save, reset = st.columns([1, 5])
    if save.button(t("targets.save"), type="primary", icon=":material/save:", disabled=bool(problems) or not changed,
                   key="targets_save"):  # fmt: skip
        try:
            saved = data.save_targets(cockpit.context, state["rows"], period, state["version"])
        except ValueError as refused:  # InvalidTargets / WriteRefused: nothing was written
            st.error(localized(refused), icon=":material/block:")
        else:
            done(t("targets.saved", inserted=saved.inserted, updated=saved.updated, deleted=saved.deleted))
    if reset.button(t("targets.discard"), disabled=not changed, key="targets_discard"):
        work.drop()
        st.rerun()


def _changed(rows: list[dict], current: pl.DataFrame) -> bool:
    stored = [{c: r.get(c) for c in work.EDIT_COLUMNS if c != "level"} for r in rows]
    saved = [{c: r.get(c) for c in work.EDIT_COLUMNS if c != "level"} for r in current.iter_rows(named=True)]
    return stored != saved


def done(message: str) -> None:
    st.session_state[FLASH] = message
    work.drop()
    st.rerun()


def suggested_rows(cockpit: Cockpit, who: work.Names) -> list[dict]:
    """Suggestions for every collector from their last whole quarters, each with its basis in words."""
    quarter = period_of("quarter", cockpit.view.as_of)
    quarters = []
    while len(quarters) < SUGGESTION_QUARTERS:
        quarter = period_of("quarter", (quarters[0].start if quarters else quarter.start) - timedelta(days=1))
        quarters.insert(0, quarter)
    with st.spinner(t("shell.loading")):
        found = suggestions(data.league_history(cockpit.context, quarters))
    rows = []
    for r in found.iter_rows(named=True):
        if r["target_type"] == "recovery_overall":
            basis = t("targets.basis.overall", index=f"{r['index']:.2f}", expected=share(r["expected"]),
                      quarters=r["quarters"], value=share(r["value"]))  # fmt: skip
        else:
            basis = t("targets.basis.tier", quarters=r["quarters"], value=share(r["value"]))
        rows.append({"target_id": None, "target_type": r["target_type"], "tier": r["tier"], "region_id": None,
                     "collector_id": r["collector_id"], "value": round(r["value"], 4), "value_cents": None,
                     "owner": who.collectors.get(r["collector_id"]), "rationale": "", "basis": basis})  # fmt: skip
    return rows


def definitions() -> None:
    """Every metric's definition, where the targets are read (docs/targets.md has the full text)."""
    with st.expander(t("targets.definitions"), icon=":material/menu_book:"):
        for code in METRICS:
            st.markdown(t(f"targets.def.{code}"))
        st.caption(t("targets.def.rollup"))


def figure(value: float | None, unit: str, currency: str) -> str:
    if value is None:
        return "—"
    if unit == AMOUNT:
        return money(int(round(value)), currency)
    if unit == SHARE:
        return share(value)
    return f"{value:.2f}"


def tracking_section(cockpit: Cockpit, period: Period, table: pl.DataFrame, who: work.Names) -> pl.DataFrame | None:
    """Actual against target with pace and status, company first, then each region with its collectors."""
    st.subheader(t("targets.tracking"))
    as_of = cockpit.view.as_of
    st.caption(t("targets.status_rule", margin=share(AT_RISK_MARGIN, 0)))
    definitions()
    set_here = in_period(table, period)
    if set_here.is_empty():
        empty_state(t("targets.none", period=period_label(period.start, period.end)))
        return None
    if as_of < period.start:
        empty_state(t("targets.not_started", start=period.start))
        return None
    with st.spinner(t("shell.loading")):
        actual = data.target_values(cockpit.context, period)
    tracked = track(set_here.drop("level"), actual, period, as_of)
    tracked = tracked.with_columns(pl.col("region_id").fill_null(
        pl.col("collector_id").replace_strict(who.collector_regions, default=None)).alias("region_of"))
    tracked = _in_view(cockpit, tracked)
    if tracked.is_empty():
        empty_state(t("league.empty", filters=cockpit.description))
        return None
    closed = as_of >= period.end
    st.markdown(t("targets.progress_closed" if closed else "targets.progress",
                  elapsed=(min(as_of, period.end) - period.start).days + 1,
                  days=(period.end - period.start).days + 1, as_of=as_of))  # fmt: skip
    ordered = tracked.with_columns(
        pl.col("level").replace_strict({COMPANY: 0, REGION: 1, COLLECTOR: 2}, default=3).alias("_level"),
    ).sort(pl.col("region_of").is_not_null(), "region_of", "_level", "collector_id", "target_type", "tier",
           nulls_last=False)  # fmt: skip
    currency = cockpit.currency
    shown = []
    for r in ordered.iter_rows(named=True):
        unit = METRICS[r["target_type"]].unit
        scope = t("targets.company") if r["level"] == COMPANY else (
            who.regions.get(r["region_id"], "") if r["level"] == REGION
            else f"   └ {who.collectors.get(r['collector_id'], '')}")  # fmt: skip
        metric = t(f"targets.metric.{r['target_type']}") + (f" · {r['tier']}" if r["tier"] else "")
        shown.append({"scope": scope, "level": t(f"targets.level.{r['level']}"), "metric": metric,
                      "target": figure(r["target"], unit, currency), "actual": figure(r["actual"], unit, currency),
                      "pace": figure(r["pace"], unit, currency),
                      "needed": "—" if r["needed"] is None else share(r["needed"]),
                      "status": t(f"targets.status.{r['status']}") if r["status"] else "—",
                      "owner": r["owner"] or "—"})  # fmt: skip
    labels = {c: t(f"targets.col.{c}") for c in ("scope", "level", "metric", "actual", "pace", "needed", "owner")}
    money_table(pl.DataFrame(shown), currency=currency, key="targets_tracking",
                labels={**labels, "target": t("col.target"), "status": t("col.status")})  # fmt: skip
    return tracked


def _in_view(cockpit: Cockpit, tracked: pl.DataFrame) -> pl.DataFrame:
    """The sidebar's region and collector filters: their collectors and regions, and the company's targets."""
    filters = cockpit.view.filters
    if filters.region_ids:
        tracked = tracked.filter((pl.col("level") == COMPANY) | pl.col("region_of").is_in(list(filters.region_ids)))
    if filters.collector_ids:
        regions = {cockpit.book.collectors.filter(pl.col("collector_id") == c)["region_id"].item()
                   for c in filters.collector_ids}  # fmt: skip
        tracked = tracked.filter((pl.col("level") == COMPANY) | pl.col("collector_id").is_in(list(filters.collector_ids))
                                 | ((pl.col("level") == REGION) & pl.col("region_of").is_in(list(regions))))  # fmt: skip
    return tracked


@st.fragment
def charts_section(cockpit: Cockpit, period: Period, tracked: pl.DataFrame, who: work.Names) -> None:
    """One chart per metric of the chosen scope: its path so far against the path to its target."""
    st.subheader(t("targets.paths"))
    st.caption(t("targets.paths_caption"))
    scopes = tracked.select("level", "region_id", "collector_id").unique(maintain_order=True)

    def scope_name(index: int) -> str:
        level, region_id, collector_id = scopes.row(index)
        return t("targets.company") if level == COMPANY else who.regions.get(region_id, "") if level == REGION \
            else who.collectors.get(collector_id, "")  # fmt: skip

    picked = st.selectbox(t("targets.scope"), list(range(scopes.height)), format_func=scope_name, key="targets_scope")
    level, region_id, collector_id = scopes.row(picked or 0)
    mine = tracked.filter((pl.col("level") == level) & (pl.col("region_id").eq_missing(region_id))
                          & (pl.col("collector_id").eq_missing(collector_id)))  # fmt: skip
    columns = st.columns(2)
    for i, r in enumerate(mine.iter_rows(named=True)):
        unit = METRICS[r["target_type"]].unit
        line = data.target_path(cockpit.context, period, r["target"], target_type=r["target_type"], tier=r["tier"],
                                region_id=region_id if level == REGION else None,
                                collector_id=collector_id if level == COLLECTOR else None)  # fmt: skip
        scale = 0.01 if unit == AMOUNT else 1.0
        title = t(f"targets.metric.{r['target_type']}") + (f" · {r['tier']}" if r["tier"] else "")
        if r["status"]:
            title += " — " + t(f"targets.status.{r['status']}")
        columns[i % 2].plotly_chart(charts.path_to_target(
            line["date"].to_numpy(), (line["actual"] * scale).to_numpy(), (line["to_target"] * scale).to_numpy(),
            actual_name=t("targets.path_actual"),
            target_name=t("targets.path_target"), percent=unit == SHARE,
            currency=cockpit.currency if unit == AMOUNT else None, title=title), key=f"targets_path_{i}")  # fmt: skip


def appeals_section(cockpit: Cockpit, who: work.Names) -> None:
    """Appeals: the list, filing one (within the window after a period closes) and deciding an open one."""
    st.subheader(t("targets.appeals"))
    window = cockpit.settings.appeal_window_days
    st.caption(t("targets.appeals_caption", days=window))
    appeals = data.table(cockpit.context.table_key("appeals"))
    if appeals.is_empty():
        st.caption(t("scorecard.none"))
    else:
        newest = appeals.sort("filed_on", "appeal_id", descending=True)
        listed = newest.with_columns(
            pl.col("collector_id").replace_strict(who.collectors, default="").alias("collector"),
            pl.col("status").replace({s: label("appeal", s) for s in ("open", "upheld", "rejected")}),
            pl.format("{} – {}", "period_start", "period_end").alias("period"),
            *(pl.Series(name, [measure_names(m) for m in newest[name]], dtype=pl.String)
              for name in ("metrics", "corrected_metric")),
            pl.Series("corrected_value", [corrected_shown(m, v) for m, v in
                                          zip(newest["corrected_metric"], newest["corrected_value"], strict=True)],
                      dtype=pl.String),  # as the form takes it: a rate in percent
        ).select("appeal_id", "collector", "period", "filed_on", "status", "metrics", "reason", "evidence",
                 "decided_on", "decision_note", "corrected_metric", "corrected_value", "filed_by", "decided_by")  # fmt: skip
        labels = {c: t(f"targets.col.{c}") for c in ("appeal_id", "metrics", "evidence", "decision_note",
                                                      "corrected_metric", "corrected_value", "filed_by", "decided_by")}
        money_table(listed, currency=cockpit.currency, key="targets_appeals", labels=labels,
                    height="auto" if listed.height <= 8 else 320)  # fmt: skip
    left, right = st.columns(2)
    with left:
        file_form(cockpit, who, window)
    with right:
        decide_form(cockpit, appeals, who)


def corrected_shown(measure: str | None, value: float | None) -> str | None:
    """A corrected figure as the decision form takes it: rates in percent, the score and satisfaction as numbers."""
    if value is None:
        return None
    return f"{value:.2f}" if measure in ("score", "satisfaction") else share(value)


def measure_names(codes: str | None) -> str | None:
    """Contested or corrected measures (codes, comma-separated, as stored) by their names on the page."""
    return None if not codes else ", ".join(t(f"col.{m}") for m in codes.split(","))


def file_form(cockpit: Cockpit, who: work.Names, window: int) -> None:
    with st.form("targets_file_appeal"):
        st.markdown(f"**{t('targets.file')}**")
        collector = st.selectbox(t("col.collector"), list(who.collectors), format_func=who.collectors.get,
                                 key="appeal_collector")  # fmt: skip
        kind = st.selectbox(t("league.period_kind"), list(PERIOD_KINDS), index=1, key="appeal_kind",
                            format_func=lambda k: t(f"league.kind.{k}"))  # fmt: skip
        day = st.date_input(t("targets.appeal_period_day"), value=cockpit.view.as_of, key="appeal_day",
                            help=t("targets.appeal_period_help"))  # fmt: skip
        measures = st.multiselect(t("targets.col.metrics"), list(appraisal.APPEAL_MEASURES), key="appeal_measures",
                                  format_func=lambda m: t(f"col.{m}"))  # fmt: skip
        reason = st.text_area(t("col.reason"), key="appeal_reason", height=80)
        evidence = st.text_input(t("targets.col.evidence"), key="appeal_evidence")
        filed_on = st.date_input(t("col.filed_on"), value=date.today(), max_value=date.today(), key="appeal_filed_on")
        if st.form_submit_button(t("targets.file_button"), icon=":material/gavel:"):
            period = period_of(kind, day)
            try:
                appeal_id = data.file_appeal(cockpit.context, collector_id=collector, period=period,
                                             measures=measures, reason=reason, evidence=evidence, filed_on=filed_on)
            except ValueError as refused:
                st.error(localized(refused), icon=":material/block:")
            else:
                done(t("targets.filed", id=appeal_id, name=who.collectors.get(collector),
                       period=period_label(period.start, period.end),
                       closes=window_closes(period, window)))  # fmt: skip


def decide_form(cockpit: Cockpit, appeals: pl.DataFrame, who: work.Names) -> None:
    waiting = appeals.filter(pl.col("status") == "open").sort("filed_on")
    with st.form("targets_decide_appeal"):
        st.markdown(f"**{t('targets.decide')}**")
        if waiting.is_empty():
            st.caption(t("targets.none_open"))
        options = {r["appeal_id"]: t("targets.appeal_option", id=r["appeal_id"],
                                     name=who.collectors.get(r["collector_id"], ""),
                                     period=period_label(r["period_start"], r["period_end"]),
                                     metrics=", ".join(t(f"col.{m}") for m in (r["metrics"] or "score").split(",")))
                   for r in waiting.iter_rows(named=True)}  # fmt: skip
        appeal_id = st.selectbox(t("targets.appeal"), list(options), format_func=options.get, key="decide_appeal")
        decision = st.radio(t("targets.decision"), ["upheld", "rejected"], horizontal=True, key="decide_decision",
                            format_func=lambda d: label("appeal", d))  # fmt: skip
        measure = st.selectbox(t("targets.corrected_measure"), [None, *appraisal.APPEAL_MEASURES],
                               format_func=lambda m: "—" if m is None else t(f"col.{m}"), key="decide_measure",
                               help=t("targets.corrected_help"))  # fmt: skip
        value = st.number_input(t("targets.corrected_value"), value=None, step=0.01, key="decide_value",
                                help=t("targets.corrected_value_help"))  # fmt: skip
        note = st.text_area(t("targets.decision_note"), key="decide_note", height=80)
        decided_on = st.date_input(t("col.decided_on"), value=date.today(), max_value=date.today(), key="decide_on")
        if st.form_submit_button(t("targets.decide_button"), icon=":material/balance:", disabled=waiting.is_empty()):
            if measure is not None and value is not None and measure not in ("score", "satisfaction"):
                value = value / 100  # rates are entered in percent, as shown
            try:
                data.decide_appeal(cockpit.context, int(appeal_id), decision=decision, note=note, decided_on=decided_on,
                                   corrected_measure=measure, corrected_value=value)  # fmt: skip
            except ValueError as refused:
                st.error(localized(refused), icon=":material/block:")
            else:
                done(t("targets.decided", id=appeal_id, decision=label("appeal", decision)))


def main() -> None:
    cockpit = open_page(t("targets.title"), rows="collectors")
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/task_alt:")
    who = names(cockpit)
    period = period_controls(cockpit)
    table = data.table(cockpit.context.table_key("targets"))
    tracked = tracking_section(cockpit, period, table, who)
    if tracked is not None:
        charts_section(cockpit, period, tracked, who)
    edit_section(cockpit, period, table, who)
    appeals_section(cockpit, who)
    freshness(cockpit)


main()
