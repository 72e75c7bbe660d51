"""Regional load: who carries how much, where staffing falls short of volume, and rebalancing.

Per region and per collector: open cases (debtors with an overdue balance), overdue amount,
difficulty-weighted load against capacity (load index), staffing by level, a region × bucket heat map
and the load index over the last 12 month ends. Rebalancing suggests case moves, compares before and
after as moves are unticked, applies them as one audited batch, undoes a batch, and takes manual moves
the same way. Every figure comes from data_access (metrics.workload, rebalance); definitions and the
method are in docs/workload.md.
"""

import uuid
from datetime import date

import polars as pl
import streamlit as st

from dashboard import figures, load_charts, workload
from dashboard.components import Kpi, empty_state, kpi_row
from dashboard.formatting import money, money_format
from dashboard.i18n import localized, t
from dashboard.shell import Cockpit, freshness, open_page
from dashboard.workload import Load, load_table
from data_access.metrics.workload import LEVELS, company_figures
from data_access.rebalance import batches as applied_batches
from data_access.rebalance import compare
from data_access.rebalance.model import Constraints
from data_access.rebalance.suggest import suggest

SUGGESTION, FLASH = "load_suggestion", "load_flash"


def index_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def level_label(level: str) -> str:
    return t(f"league.level.{level}")


def headline(cockpit: Cockpit, load: Load, collectors: pl.DataFrame, cases: pl.DataFrame, regions: tuple) -> None:
    """KPI row for the selection, and a warning naming collectors on leave who still own cases."""
    rules = load.rules
    figures = company_figures(collectors, cases)
    now = compare.figures(load.cases, load.collectors, Constraints(regions=regions), rules)
    kpi_row([
        Kpi(t("load.kpi.cases"), f"{figures['cases']:,}", t("load.kpi.cases_help")),
        Kpi(t("load.kpi.overdue"), money(figures["overdue_cents"], cockpit.currency), t("load.kpi.overdue_help")),
        Kpi(t("load.kpi.index"), index_text(figures["load_index"]),
            t("load.kpi.index_help", load=f"{figures['load']:,.1f}", capacity=f"{figures['capacity']:,}")),
    ])  # fmt: skip
    kpi_row([
        Kpi(t("load.kpi.over"), f"{figures['over']:,}", t("load.kpi.over_help", over=rules.over)),
        Kpi(t("load.kpi.under"), f"{figures['under']:,}", t("load.kpi.under_help", under=rules.under)),
        Kpi(t("load.kpi.imbalance"), index_text(now.imbalance), t("load.kpi.imbalance_help")),
    ])  # fmt: skip
    idle = collectors.filter(pl.col("status") == "inactive")
    if idle.height:
        names = ", ".join(f"{n} ({c})" for n, c in idle.select("collector", "cases").iter_rows())
        st.warning(t("load.inactive_with_cases", count=idle.height, names=names), icon=":material/event_busy:")


def regions_section(cockpit: Cockpit, load: Load, regions: pl.DataFrame) -> None:
    st.subheader(t("load.regions"))
    st.plotly_chart(figures.region_load(regions, load.rules.under, load.rules.over), key="load_region_bars")
    st.caption(t("load.marks", under=load.rules.under, over=load.rules.over))
    shown = regions.with_columns(pl.format("{} · {} · {}", "juniors", "mids", "seniors").alias("staff")).select(
        "region", "staff", "inactive", "cases", "overdue_cents",
        "cases_per_collector", "overdue_per_collector_cents", "long_overdue_share", "high_risk_share", "unassigned",
        "load", "capacity", "load_index")  # fmt: skip
    load_table(shown, currency=cockpit.currency, key="load_regions", rules=load.rules,
               percent=("long_overdue_share", "high_risk_share"),
               decimals={"cases_per_collector": 1, "load": 1, "load_index": 2})  # fmt: skip
    st.caption(t("load.regions_caption", weights=", ".join(
        f"{b} {w:g}" for b, w in zip(load.rules.overdue_buckets, load.rules.bucket_weights, strict=True))))  # fmt: skip


def heat_and_staffing(cockpit: Cockpit, load: Load, region_ids: list[int]) -> None:
    names = load.regions.filter(pl.col("region_id").is_in(region_ids))["region"].to_list()
    st.subheader(t("load.heat"))
    heat = load.heat.filter(pl.col("region_id").is_in(region_ids))
    buckets = list(load.rules.overdue_buckets)
    cells = {(r, str(b)): c for r, b, c in heat.select("region", "bucket", "overdue_cents").iter_rows()}
    st.plotly_chart(load_charts.money_heatmap(names, buckets, [[cells.get((r, b), 0) for b in buckets] for r in names],
                                              cockpit.currency), key="load_heat")  # fmt: skip
    st.caption(t("load.heat_caption"))
    st.subheader(t("load.staffing"))
    staffing = load.staffing.filter(pl.col("region_id").is_in(region_ids))
    levels = {(r, str(lv)): i for r, lv, i in staffing.select("region", "level", "load_index").iter_rows()}
    st.plotly_chart(load_charts.level_bars(names, {lv: [levels.get((r, lv)) for r in names] for lv in LEVELS},
                                           {lv: level_label(lv) for lv in LEVELS}, under=load.rules.under,
                                           over=load.rules.over), key="load_levels")  # fmt: skip
    st.caption(t("load.staffing_caption"))
    with st.expander(t("load.staffing_table")):
        table = staffing.with_columns(pl.col("level").cast(pl.String).replace({lv: level_label(lv) for lv in LEVELS}))
        load_table(table.select("region", "level", "collectors", "capacity", "cases", "load", "load_index"),
                   currency=cockpit.currency, key="load_staffing", rules=load.rules,
                   decimals={"load": 1, "load_index": 2})  # fmt: skip


def trend_section(cockpit: Cockpit, load: Load, region_ids: list[int]) -> None:
    st.subheader(t("load.trend"))
    trend = workload.trend(cockpit.context).filter(pl.col("region_id").is_in(region_ids))
    months = sorted(trend["month_end"].unique().to_list())
    series = {name: group.sort("month_end")["load_index"].to_list()
              for (name,), group in trend.group_by("region", maintain_order=True)}  # fmt: skip
    st.plotly_chart(load_charts.index_lines(months, series, under=load.rules.under, over=load.rules.over),
                    key="load_trend")  # fmt: skip
    st.caption(t("load.trend_caption"))


def collectors_section(cockpit: Cockpit, load: Load, collectors: pl.DataFrame) -> None:
    st.subheader(t("load.collectors"))
    regions = collectors.group_by("region_id", "region").agg(pl.col("load_milli").sum()).sort("load_milli",
                                                                                                  descending=True)  # fmt: skip
    options = dict(regions.select("region_id", "region").iter_rows())
    region_id = st.selectbox(t("load.pick_region"), list(options), format_func=options.__getitem__,
                             key="load_region")  # fmt: skip
    chosen = workload.recent_recovery(cockpit.context, collectors.filter(pl.col("region_id") == region_id))
    chosen = chosen.sort("load_index", descending=True, nulls_last=True)
    rules = load.rules
    colours = [load_charts.index_colour(v, rules.under, rules.over, active)
               for v, active in chosen.select("load_index", "active").iter_rows()]
    st.plotly_chart(load_charts.index_bars(
        [f"{n} · {level_label(lv)}" for n, lv in chosen.select("collector", "level").iter_rows()],
        chosen["load_index"].to_list(), colours, under=rules.under, over=rules.over), key="load_collector_bars")  # fmt: skip
    bucket_columns = [f"bucket:{b}" for b in rules.overdue_buckets]
    grade_columns = [c for c in chosen.columns if c.startswith("grade:")]
    table = chosen.with_columns(
        pl.col("level").replace({lv: level_label(lv) for lv in LEVELS}),
        pl.col("status").replace_strict({s: t(f"load.status.{s}") for s in ("over", "under", "ok", "inactive")},
                                        default=None),  # fmt: skip
    ).select("collector", "level", "status", "capacity", "cases", "load", "load_index", *bucket_columns,
             *grade_columns, "recovery_rate", "recovery_target")  # fmt: skip
    labels = {c: c.split(":", 1)[1] for c in (*bucket_columns, *grade_columns)}
    load_table(table, currency=cockpit.currency, key="load_collectors", rules=rules, labels=labels,
               percent=("recovery_rate", "recovery_target"), decimals={"load": 1, "load_index": 2},
               targets=(("recovery_rate", "recovery_target"),))  # fmt: skip
    st.caption(t("load.collectors_caption", days=workload.RECENT_DAYS))


def constraints_form(cockpit: Cockpit, load: Load, region_ids: list[int]) -> Constraints | None:
    """The manager's constraints; returns them when Suggest was pressed."""
    settings = cockpit.settings
    names = dict(load.regions.select("region_id", "region").iter_rows())
    people = dict(load.collectors.filter(pl.col("region_id").is_in(region_ids)).select("collector_id", "collector")
                  .iter_rows())  # fmt: skip
    with st.form("load_constraints"):
        left, right = st.columns(2)
        scope = left.multiselect(t("load.scope"), list(names), default=region_ids if len(region_ids) < len(names)
                                 else [], format_func=names.__getitem__, placeholder=t("load.scope_all"))  # fmt: skip
        excluded = right.multiselect(t("load.excluded"), list(people), format_func=people.__getitem__,
                                     help=t("load.excluded_help"), placeholder=t("load.excluded_none"))  # fmt: skip
        first, second, third = st.columns(3)
        moves = first.number_input(t("load.max_moves"), min_value=1, max_value=10_000,
                                   value=settings.rebalance_max_moves, step=5)  # fmt: skip
        days = second.number_input(t("load.min_days"), min_value=0, max_value=3650, value=settings.rebalance_min_days,
                                   help=t("load.min_days_help"))  # fmt: skip
        tolerance = third.number_input(t("load.tolerance"), min_value=0.0, max_value=2.0, value=0.10, step=0.05,
                                       format="%.2f", help=t("load.tolerance_help"))  # fmt: skip
        cross = st.toggle(t("load.cross_region"), help=t("load.cross_region_help"))
        protect = st.toggle(t("load.protect"), value=True, help=t("load.protect_help"))
        if st.form_submit_button(t("load.suggest"), icon=":material/auto_fix_high:", type="primary"):
            return Constraints(max_moves=int(moves), regions=tuple(scope), cross_region=cross,
                               excluded=tuple(excluded), min_days=int(days), protect=protect,
                               tolerance=float(tolerance))  # fmt: skip
    return None


def after_write(cockpit: Cockpit, message: str, effective: date) -> None:
    """Say what was written, drop the suggestion, and show the book from the move date (the new owners)."""
    st.session_state[FLASH] = message
    st.session_state.pop(SUGGESTION, None)
    if cockpit.view.as_of < effective:
        st.query_params["as_of"] = effective.isoformat()  # the view's URL: every page follows it
    st.rerun()


def reason(move: dict) -> str:
    grade = move["grade"] or t("load.unrated")
    words = {"bucket": move["bucket"], "grade": grade, "level": level_label(move["to_level"])}
    if move["kind"] == "balance":
        return t("load.reason.balance", **words, before=index_text(move["from_index"]),
                 after=index_text(move["to_index"]))
    if move["kind"] == "fit":
        return t("load.reason.fit", **words, case=t("load.hard" if move["hard"] else "load.simple"))
    return t(f"load.reason.{move['kind']}", **words)


def compare_and_apply(cockpit: Cockpit, proposal: dict) -> None:
    """The moves with a tick each; the figures before and after follow the ticks; apply the ticked ones."""
    suggestion, load = proposal["suggestion"], proposal["load"]
    moves = suggestion.moves
    if moves.is_empty():
        st.info(t("load.no_moves", movable=f"{suggestion.movable:,}"), icon=":material/check_circle:")
        return
    table = moves.with_columns(pl.Series("why", [reason(m) for m in moves.iter_rows(named=True)]),
                               pl.lit(True).alias("apply"))  # fmt: skip
    shown = table.select("apply", "step", "debtor", "region", "overdue_cents", "weight", "from_collector", "from_index",
                         "to_collector", "to_index", "why").with_columns(pl.col("overdue_cents") / 100)  # fmt: skip
    edited = st.data_editor(shown, key=f"load_moves_{proposal['id']}", hide_index=True, placeholder="—",
                            height=min(420, 38 + 35 * moves.height), disabled=[c for c in shown.columns if c != "apply"], column_config={
                                "apply": st.column_config.CheckboxColumn(t("load.col.apply")),
                                "step": st.column_config.NumberColumn("#"),
                                "debtor": t("col.debtor"), "region": t("col.region"),
                                "overdue_cents": st.column_config.NumberColumn(t("col.overdue"),
                                                                              format=money_format(cockpit.currency)),
                                "weight": st.column_config.NumberColumn(t("load.col.weight"), format="%.1f"),
                                "from_collector": t("load.col.from"),
                                "from_index": st.column_config.NumberColumn(t("load.col.index_from"), format="%.2f"),
                                "to_collector": t("load.col.to"),
                                "to_index": st.column_config.NumberColumn(t("load.col.index_to"), format="%.2f"),
                                "why": t("col.reason")})  # fmt: skip
    kept = moves.filter(pl.col("step").is_in(workload.ticked(edited)))
    result = compare.evaluate(load.cases, load.collectors, suggestion.constraints, kept, load.rules)
    before, after = result.before, result.after
    kpi_row([
        Kpi(t("load.cmp.moves"), f"{kept.height:,} / {moves.height:,}", t("load.cmp.moves_help")),
        Kpi(t("load.kpi.imbalance"), index_text(after.imbalance), t("load.kpi.imbalance_help"),
            delta=t("load.cmp.was", value=index_text(before.imbalance)), delta_color="off"),
        Kpi(t("load.cmp.spread"), index_text(after.spread), t("load.cmp.spread_help"),
            delta=t("load.cmp.was", value=index_text(before.spread))),
        Kpi(t("load.kpi.over"), f"{after.over:,}", t("load.kpi.over_help", over=load.rules.over),
            delta=t("load.cmp.was", value=f"{before.over:,}")),
        Kpi(t("load.cmp.misfits"), f"{after.misfits:,}", t("load.cmp.misfits_help"),
            delta=t("load.cmp.was", value=f"{before.misfits:,}")),
        Kpi(t("load.cmp.stranded"), f"{after.stranded:,}", t("load.cmp.stranded_help"),
            delta=t("load.cmp.was", value=f"{before.stranded:,}")),
    ])  # fmt: skip
    touched = result.collectors.filter((pl.col("moved_in") + pl.col("moved_out")) > 0)
    if touched.height:
        st.plotly_chart(load_charts.before_after(
            [f"{n} · {level_label(lv)}" for n, lv in touched.select("collector", "level").iter_rows()],
            touched["index_before"].to_list(), touched["index_after"].to_list(),
            labels=(t("load.cmp.before"), t("load.cmp.after")), under=load.rules.under, over=load.rules.over),
            key="load_before_after")  # fmt: skip
    with st.expander(t("load.cmp.per_collector")):
        per = result.collectors.with_columns(pl.col("level").replace({lv: level_label(lv) for lv in LEVELS}))
        load_table(per.select("collector", "region", "level", "capacity", "cases_before", "cases_after", "moved_out",
                              "moved_in", "load_before", "load_after", "index_before", "index_after", "index_change"),
                   currency=cockpit.currency, key="load_compare", rules=load.rules,
                   decimals={"load_before": 1, "load_after": 1, "index_before": 2, "index_after": 2,
                             "index_change": 2})  # fmt: skip
    st.caption(t("load.apply_note", date=workload.move_date(cockpit.view.as_of).isoformat()))
    if st.button(t("load.apply", count=kept.height), type="primary", icon=":material/check:", disabled=kept.is_empty(),
                 key="load_apply"):  # fmt: skip
        details = {"imbalance_before": before.imbalance, "imbalance_after": after.imbalance,
                   "suggested_as_of": str(suggestion.as_of), "constraints": repr(suggestion.constraints)}  # fmt: skip
        try:
            applied = workload.apply(cockpit.context, kept, kind="rebalance", details=details)
        except ValueError as refused:  # WriteRefused / StaleMoves: what, which cases, how to fix
            st.error(localized(refused), icon=":material/sync_problem:")
        else:
            after_write(cockpit, t("load.applied", count=applied.moves, batch=applied.batch_id,
                                   date=applied.effective.isoformat()), applied.effective)  # fmt: skip


@st.fragment
def rebalance_section(cockpit: Cockpit, load: Load, region_ids: list[int]) -> None:
    st.subheader(t("load.rebalance"))
    st.caption(t("load.rebalance_caption"))
    if cockpit.view.as_of < (cockpit.options.newest or cockpit.view.as_of):
        st.info(t("load.rebalance_past", newest=cockpit.options.newest), icon=":material/history:")
        return
    constraints = constraints_form(cockpit, load, region_ids)
    if constraints is not None:
        try:
            with st.spinner(t("load.suggesting")):
                found = suggest(load.cases, load.collectors, constraints, as_of=load.as_of)
        except ValueError as problem:
            st.error(localized(problem))
        else:
            st.session_state[SUGGESTION] = {"suggestion": found, "load": load, "id": uuid.uuid4().hex[:8]}
    proposal = st.session_state.get(SUGGESTION)
    if proposal:
        found = proposal["suggestion"]
        st.caption(t("load.suggested", moves=found.moves.height, movable=f"{found.movable:,}",
                     seconds=f"{found.seconds:.2f}", as_of=found.as_of,
                     unplaced=t("load.unplaced", count=found.unplaced) if found.unplaced else ""))  # fmt: skip
        compare_and_apply(cockpit, proposal)


def batches_section(cockpit: Cockpit) -> None:
    st.subheader(t("load.batches"))
    listed = applied_batches.batches(cockpit.book.assignments)
    if listed.is_empty():
        st.caption(t("load.batches_none"))
        return
    shown = listed.head(20).with_columns(pl.col("kind").replace({k: t(f"load.kind.{k}") for k in ("rebalance", "manual",
                                                                                                 "undo")}))  # fmt: skip
    load_table(shown, currency=cockpit.currency, key="load_batches", rules=None)
    undoable = listed.filter(pl.col("undone_by").is_null() & (pl.col("still_open") > 0))["batch_id"].to_list()
    if not undoable:
        return
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    batch = left.selectbox(t("load.undo_pick"), undoable, key="load_undo_pick")
    if right.button(t("load.undo"), icon=":material/undo:", key="load_undo"):
        try:
            applied = workload.undo(cockpit.context, batch)
        except ValueError as refused:
            st.error(localized(refused), icon=":material/sync_problem:")
        else:
            after_write(cockpit, t("load.undone", batch=batch, undo=applied.batch_id, count=applied.moves),
                        applied.effective)  # fmt: skip


def manual_section(cockpit: Cockpit, load: Load, cases: pl.DataFrame) -> None:
    # Built only while open: its case list offers every open case (18,000 at 1M invoices), which the browser
    # would otherwise receive and lay out on every filter change, closed or not.
    manual = st.expander(t("load.manual"), icon=":material/swap_horiz:", key="load_manual", on_change="rerun")
    if not manual.open:
        return
    with manual:
        st.caption(t("load.manual_caption"))
        names = dict(load.collectors.select("collector_id", "collector").iter_rows())
        no_owner, unrated = t("load.no_owner"), t("load.unrated")  # once, not per case: thousands of cases at 1M
        described = {d: f"{n} · {names.get(c, no_owner)} · {b} · {g or unrated}"
                     for d, n, c, b, g in cases.select("debtor_id", "debtor", "collector_id", pl.col("bucket").cast(
                         pl.String), "grade").iter_rows()}  # fmt: skip
        picked = st.multiselect(t("load.manual_cases"), list(described), format_func=described.__getitem__,
                                key="load_manual_cases", placeholder=t("load.manual_cases_placeholder"))  # fmt: skip
        active = load.collectors.filter(pl.col("active")).sort("region_id", "collector")
        people = {c: f"{n} · {r} · {level_label(lv)} · {index_text(i)}" for c, n, r, lv, i in
                  active.select("collector_id", "collector", "region", "level", "load_index").iter_rows()}  # fmt: skip
        target = st.selectbox(t("load.manual_to"), list(people), format_func=people.__getitem__, index=None,
                              key="load_manual_to", placeholder=t("load.manual_to_placeholder"))  # fmt: skip
        why = st.text_input(t("load.manual_reason"), placeholder=t("load.manual_reason_placeholder"),
                            key="load_manual_reason")  # fmt: skip
        if st.button(t("load.manual_move"), icon=":material/swap_horiz:", key="load_manual_move"):
            chosen = cases.filter(pl.col("debtor_id").is_in(picked))
            moves = chosen.select("debtor_id", pl.col("collector_id").alias("from_collector_id"), "assignment_id",
                                  pl.lit(target, pl.Int64).alias("to_collector_id"),
                                  pl.lit(f"Manual: {why.strip()}" if why.strip() else "").alias("reason"))  # fmt: skip
            try:
                applied = workload.apply(cockpit.context, moves, kind="manual")
            except ValueError as refused:
                st.error(localized(refused), icon=":material/sync_problem:")
            else:
                after_write(cockpit, t("load.applied", count=applied.moves, batch=applied.batch_id,
                                       date=applied.effective.isoformat()), applied.effective)  # fmt: skip


cockpit = open_page(t("load.title"), rows="collectors")
with st.spinner(t("shell.loading")):
    current = workload.load(cockpit.context)
shown_collectors = cockpit.apply("collectors", current.collectors)
region_ids = sorted(set(shown_collectors["region_id"].to_list()))
shown_regions = current.regions.filter(pl.col("region_id").is_in(region_ids))
shown_cases = current.cases.filter(pl.col("region_id").is_in(region_ids))
if shown_collectors.is_empty():
    empty_state(t("load.empty", filters=cockpit.description))
    freshness(cockpit)
    st.stop()
if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon=":material/task_alt:")
scope = tuple(region_ids) if len(region_ids) < current.regions.height else ()
headline(cockpit, current, shown_collectors, shown_cases, scope)
regions_section(cockpit, current, shown_regions)
heat_and_staffing(cockpit, current, region_ids)
trend_section(cockpit, current, region_ids)
collectors_section(cockpit, current, shown_collectors)
rebalance_section(cockpit, current, region_ids)
batches_section(cockpit)
manual_section(cockpit, current, shown_cases)
freshness(cockpit)
