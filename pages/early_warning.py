"""Early warning: the debtors about to go bad, why, what to do about each and what changed in a week,
with the risk model's validation on the page. Every figure comes from data_access.metrics.signals,
data_access.metrics.early_warning and data_access.models.risk; this page arranges and words them."""

from datetime import timedelta
from itertools import combinations

import polars as pl
import streamlit as st

from dashboard import data, risk_view
from dashboard.components import Kpi, downloads, empty_state, kpi_row, money_table
from dashboard.filters import page_param, set_page_param
from dashboard.selection import pick_row
from dashboard.formatting import money, period_label, share
from dashboard.i18n import STRINGS, t
from dashboard.shell import Cockpit, freshness, open_page
from data_access.metrics import aging
from data_access.metrics import early_warning as ew
from data_access.metrics.signals import SIGNALS
from data_access.models.risk import DPD_ONLY, LOGISTIC, RULES, TREES, RiskModel

WEEK = data.EARLY_WARNING_WEEK
LEVEL_CHOICES = tuple(",".join(c) for n in (1, 2, 3) for c in combinations(ew.LEVELS, n))  # the URL's level=
LIST_COLUMNS = {
    "level": "ew.col.level", "debtor": "col.debtor", "region": "col.region", "collector": "col.collector",
    "outstanding_cents": "col.outstanding", "overdue_cents": "col.overdue", "worst_dpd": "ew.col.worst_dpd",
    "grade": "ew.col.grade", "signals": "ew.col.signals", "probability": "ew.col.probability",
    "score": "ew.col.signal_count", "expected_loss_cents": "ew.col.expected_loss", "action": "ew.col.action",
    "rule": "ew.col.rule",
}  # fmt: skip


def fitted_height(rows: int, most: int = 300) -> int:
    """A table's height in pixels: its rows (35 px each, plus the header), at most ``most``."""
    return min(most, 38 + 35 * rows)


def level_word(level: str) -> str:
    return f"{risk_view.LEVEL_SHAPES[level]} {t(f'ew.level.{level}')}"


def signals_in_words() -> pl.Expr:
    """The signals that are on, in words, comma-separated."""
    words = {s: t(f"ew.signal.{s}") for s in SIGNALS}
    return pl.col("signal_list").list.eval(pl.element().replace_strict(words)).list.join(", ").alias("signals")


def worded(frame: pl.DataFrame, fitted: bool) -> pl.DataFrame:
    """The list as people read it: levels, signals, actions and rules in words; days past due from 0."""
    grade_change = pl.when(pl.col("grade_before").is_not_null() & (pl.col("grade_before") != pl.col("grade")))
    columns = [
        "debtor_id", pl.col("level").replace_strict({lv: level_word(lv) for lv in ew.LEVELS}), "debtor",
        *(["probability", "expected_loss_cents"] if fitted else [pl.col("signals").alias("score")]),
        pl.col("action").replace_strict({a: t(f"ew.action.{a}") for _r, a, _c in ew.ACTION_RULES}),
        pl.col("rule").replace_strict({r: t(f"ew.rule.{r}") for r in ew.RULES}),
        "outstanding_cents", "overdue_cents", pl.col("worst_dpd").clip(lower_bound=0),
        grade_change.then(pl.format("{} → {}", "grade_before", "grade")).otherwise(pl.col("grade")).alias("grade"),
        signals_in_words(), "collector", "region",
    ]  # fmt: skip
    return frame.select(columns)


def labels_for(frame: pl.DataFrame) -> dict[str, str]:
    return {c: t(LIST_COLUMNS[c]) for c in frame.columns if c in LIST_COLUMNS}


def model_section(cockpit: Cockpit) -> RiskModel:
    """Train (or reuse) the risk model; say when the database is too small and the list is rules-only."""
    with st.spinner(t("ew.training")):
        model = data.risk_model(cockpit.context)
    if not model.fitted:
        levels = cockpit.settings.early_warning_rule_levels
        st.warning(t(f"ew.rules_only.{model.reason}", dates=len(model.dates), events=model.events, red=levels[0],
                     amber=levels[1]), icon=":material/rule:")  # fmt: skip
    return model


def lists(cockpit: Cockpit, model: RiskModel) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The list now and a week earlier (same model, same slice), every exposed debtor now, and those past 90 days.

    Scored once for every debtor in scope, then filtered: each row is one debtor's, so filtering after
    scoring equals filtering before, and a filter change no longer scores 190,000 debtors twice (0.6 s
    each at 10M invoices)."""
    as_of = cockpit.view.as_of

    def every_debtor() -> tuple[pl.DataFrame, ...]:
        signals = data.early_warning_signals(cockpit.context, data.early_warning_dates(as_of))
        dims, levels = cockpit.dimensions(), data.early_warning_levels()
        now_signals = signals.filter(pl.col("as_of") == as_of)
        now = ew.watch_list(now_signals, model, levels, dims)
        before = ew.watch_list(signals.filter(pl.col("as_of") == as_of - WEEK), model, levels, dims)
        return now, before, now_signals, ew.in_default(now_signals, dims)

    with st.spinner(t("shell.loading")):
        scored = cockpit.every_row("early_warning_lists", every_debtor, *data.early_warning_model_key(cockpit.context),
                                   data.early_warning_levels())  # fmt: skip
    return tuple(cockpit.apply("debtors", frame) for frame in scored)  # type: ignore[return-value]


def kpi_section(cockpit: Cockpit, model: RiskModel, now: pl.DataFrame, new: pl.DataFrame, left: pl.DataFrame) -> None:
    """Four cards, so that they fit one row on a 1280-pixel projector."""
    currency = cockpit.currency
    listed = now.filter(pl.col("level").is_in(ew.ON_THE_LIST))
    red = now.filter(pl.col("level") == ew.RED)
    thresholds = data.early_warning_levels()
    kpis = [
        Kpi(t("ew.kpi.listed"), f"{listed.height:,}",
            t("ew.kpi.listed_help", red=share(thresholds.red, 0), amber=share(thresholds.amber, 0)) if model.fitted
            else t("ew.kpi.listed_help_rules", red=thresholds.rules_red, amber=thresholds.rules_amber),
            t("ew.kpi.red", n=red.height, amount=money(int(listed["outstanding_cents"].sum()), currency))),
        Kpi(t("ew.kpi.new"), f"{new.height:,}", t("ew.kpi.new_help"), t("ew.kpi.left", n=left.height)),
    ]  # fmt: skip
    if model.fitted:
        v = model.validation
        assert v is not None
        kpis.insert(1, Kpi(t("ew.kpi.expected_loss"), money(int(listed["expected_loss_cents"].sum()), currency),
                           t("ew.kpi.expected_loss_help")))  # fmt: skip
        kpis.append(Kpi(t("ew.kpi.auc"), f"{v.model.auc:.2f}", t("ew.kpi.auc_help"),
                        t("ew.kpi.rules_auc", auc=f"{v.scores[RULES].auc:.2f}")))  # fmt: skip
    kpi_row(kpis)


def list_section(cockpit: Cockpit, model: RiskModel, now: pl.DataFrame) -> int | None:
    """The list, filtered by level and signal (and the sidebar); returns the debtor picked for the drill-down."""
    st.subheader(t("ew.list"))
    st.caption(t("ew.list_caption") if model.fitted else t("ew.list_caption_rules"))
    left, right = st.columns([2, 3])
    with left:
        chosen_levels = st.multiselect(
            t("ew.filter.level"), list(ew.LEVELS), format_func=level_word,
            default=page_param("level", LEVEL_CHOICES, "red,amber").split(","), placeholder=t("filters.placeholder"),
        )  # fmt: skip
        set_page_param("level", ",".join(v for v in ew.LEVELS if v in chosen_levels), "red,amber")
    with right:
        chosen_signals = st.multiselect(t("ew.filter.signal"), list(SIGNALS), format_func=lambda s: t(f"ew.signal.{s}"),
                                        help=t("ew.filter.signal_help"), placeholder=t("filters.placeholder"))  # fmt: skip
    shown = now.filter(pl.col("level").is_in(chosen_levels or list(ew.LEVELS)))
    if chosen_signals:
        shown = shown.filter(pl.any_horizontal(pl.col(s) for s in chosen_signals))
    if shown.is_empty():
        empty_state(t("ew.none", filters=cockpit.description))
        return None
    table = worded(shown, model.fitted)
    st.caption(t("ew.pick", shown=f"{table.height:,}", total=f"{now.height:,}"))
    # The picked debtor is kept by its id (in the URL), not by its row: a filter change keeps it or says it left.
    names = dict(now.select(pl.col("debtor_id").cast(pl.String), "debtor").iter_rows())
    picked = pick_row(
        table, id_column="debtor_id", param="debtor", key="ew_list", what=t("col.debtor"), name_of=names.get,
        draw=lambda key, rows: risk_view.level_table(
            table, levels=shown["level"].to_list(), currency=cockpit.currency, key=key, labels=labels_for(table),
            percent=("probability",), hidden=("debtor_id",), height=fitted_height(table.height, 480), selectable=rows),
    )  # fmt: skip
    downloads(table, cockpit, name="early-warning-list", key="dl_ew_list", percent=("probability",),
              labels=labels_for(table), title=f"{t('ew.title')} · {t('ew.list')}",
              notes=((t("ew.col.level"), ", ".join(level_word(v) for v in chosen_levels)),
                     (t("ew.filter.signal"), ", ".join(t(f"ew.signal.{s}") for s in chosen_signals) or "—"),
                     (t("ew.model"), t(f"ew.kind.{model.kind}"))))  # fmt: skip
    rules_legend()
    return None if picked is None else int(picked["debtor_id"])


def rules_legend() -> None:
    """The action rules in order, with the condition of each, so a recommendation can be checked by hand."""
    with st.expander(t("ew.rules")):
        st.caption(t("ew.rules_caption"))
        legend = pl.DataFrame({
            "rule": [t(f"ew.rule.{r}") for r, _a, _c in ew.ACTION_RULES],
            "action": [t(f"ew.action.{a}") for _r, a, _c in ew.ACTION_RULES],
            "when": [t(f"ew.rule_when.{r}") for r, _a, _c in ew.ACTION_RULES],
        })  # fmt: skip
        st.dataframe(legend, hide_index=True, key="ew_rules", placeholder="—", column_config={
            "rule": st.column_config.Column(t("ew.col.rule")), "action": st.column_config.Column(t("ew.col.action")),
            "when": st.column_config.Column(t("ew.col.when"), width="large")})  # fmt: skip


def explanation_words(feature: str, kind: str, value, currency: str) -> str:  # noqa: ANN001
    """One factor in words, e.g. "3 broken promises in 90 days" (and "1 broken promise in 90 days")."""
    if value is None:
        return t(f"ew.factor.{feature}", value="—")
    if kind == "flag":
        return t(f"ew.factor.{feature}_{'yes' if value else 'no'}")
    if feature == "worst_dpd" and value <= 0:
        return t("ew.factor.worst_dpd_none")
    if kind in ("count", "days") and feature != "weighted_dpd_change" and round(value) == 1 \
            and f"ew.factor.{feature}.one" in STRINGS["en"]:  # fmt: skip
        return t(f"ew.factor.{feature}.one")
    if kind == "money":
        text = money(int(value), currency)
    elif kind == "share":
        text = share(float(value), 0)
    elif kind in ("notches",) or feature == "weighted_dpd_change":
        text = f"{value:+,.0f}"
    elif kind in ("count", "days"):
        text = f"{value:,.0f}"
    else:
        text = str(value)
    return t(f"ew.factor.{feature}", value=text)


def drill_section(cockpit: Cockpit, model: RiskModel, now: pl.DataFrame, now_signals: pl.DataFrame,
                  debtor_id: int) -> None:  # fmt: skip
    """One debtor: its history on one chart, the factors behind its score, its open invoices."""
    row = now.filter(pl.col("debtor_id") == debtor_id).row(0, named=True)
    currency, as_of = cockpit.currency, cockpit.view.as_of
    st.subheader(t("ew.drill", debtor=row["debtor"]))
    what = (t("ew.drill_line", level=level_word(row["level"]), probability=share(row["probability"], 0),
              loss=money(row["expected_loss_cents"], currency)) if model.fitted
            else t("ew.drill_line_rules", level=level_word(row["level"]), signals=row["signals"]))  # fmt: skip
    st.markdown(f"**{what}**")
    st.caption(t("ew.drill_meta", region=row["region"] or "—", collector=row["collector"] or "—",
                 outstanding=money(row["outstanding_cents"], currency),
                 overdue=money(row["overdue_cents"], currency)))  # fmt: skip
    since = as_of - timedelta(days=ew.TIMELINE_DAYS - 1)
    keys = [cockpit.context.table_key(name) for name in ("promises", "collection_actions", "credit_events")]
    tables = data.tables_for_period(keys, since, as_of, as_of)
    history = ew.timeline(cockpit.book, tables, debtor_id, as_of, grace_days=cockpit.settings.promise_grace_days)
    st.markdown(f"**{t('ew.timeline')}**")
    st.caption(t("ew.timeline_caption"))
    lanes = {lane: t(f"ew.lane.{lane}") for lane in ew.TIMELINE_LANES}
    whats = {w: t(f"ew.what.{w}") for w in ("issued", "payment", "credit", "write_off", "kept", "partial", "broken",
                                             "pending")} | {e: t(f"ew.signal.{e}") for e in SIGNALS}  # fmt: skip
    st.plotly_chart(risk_view.timeline(history.to_dicts(), lanes, whats, currency, as_of), key="ew_timeline")
    left, right = st.columns([3, 2])
    with left:
        st.markdown(f"**{t('ew.factors')}**")
        if model.fitted:
            one = now_signals.filter(pl.col("debtor_id") == debtor_id)
            factors = ew.explanation(model, one)
            words = [explanation_words(f, k, v, currency) for f, k, v in
                     zip(factors["feature"], factors["kind"], factors["shown"], strict=True)]  # fmt: skip
            st.plotly_chart(risk_view.contributions(words, factors["contribution"].to_list()), key="ew_factors",
                            config={"displayModeBar": False})  # fmt: skip
            st.caption(t(f"ew.factors_caption.{model.kind}", typical=share(ew.baseline_probability(model) or 0, 1)))
        else:
            st.caption(t("ew.factors_rules"))
    with right:
        action, rule, when = (t(f"ew.action.{row['action']}"), t(f"ew.rule.{row['rule']}"),
                              t(f"ew.rule_when.{row['rule']}"))  # fmt: skip
        st.markdown(f"**{t('ew.recommended')}**")
        st.info(f"**{action}**\n\n{t('ew.because', rule=rule, when=when)}", icon=":material/gavel:")
        st.markdown(f"**{t('ew.signals_on')}**")
        st.markdown("\n".join(f"- {t(f'ew.signal.{s}')}" for s in row["signal_list"]) or t("ew.no_signal"))
    st.markdown(f"**{t('ew.open_invoices')}**")
    invoices = aging.invoices_of(cockpit.state(), debtor_id)
    money_table(invoices, currency=currency, key="ew_invoices", height=fitted_height(invoices.height))


def week_section(cockpit: Cockpit, model: RiskModel, new: pl.DataFrame, left: pl.DataFrame) -> None:
    as_of = cockpit.view.as_of
    st.subheader(t("ew.week", before=as_of - WEEK, now=as_of))
    st.caption(t("ew.week_caption"))
    tab_new, tab_left = st.tabs([t("ew.week_new", n=new.height), t("ew.week_left", n=left.height)])
    with tab_new:
        if new.is_empty():
            empty_state(t("ew.week_none"))
        else:
            table = worded(new, model.fitted).with_columns(
                new["level_before"].replace_strict({lv: level_word(lv) for lv in ew.LEVELS}, default=t("ew.not_listed"))
                .alias("level_before"))  # fmt: skip
            labels = labels_for(table) | {"level_before": t("ew.col.level_before")}
            risk_view.level_table(table, levels=new["level"].to_list(), currency=cockpit.currency, key="ew_new",
                                  labels=labels, percent=("probability",), hidden=("debtor_id",),
                                  height=fitted_height(table.height))  # fmt: skip
            downloads(table, cockpit, name="early-warning-new-this-week", key="dl_ew_new", labels=labels,
                      percent=("probability",), title=f"{t('ew.title')} · {t('ew.week_new', n=new.height)}")  # fmt: skip
    with tab_left:
        if left.is_empty():
            empty_state(t("ew.week_none"))
        else:
            table = left.select(
                "debtor_id", pl.col("level_before").replace_strict({lv: level_word(lv) for lv in ew.LEVELS}),
                "debtor", "region", "collector", "outstanding_before_cents",
                pl.col("level").replace_strict({lv: level_word(lv) for lv in ew.LEVELS}, default="—").alias("level"),
                pl.col("outstanding_cents").fill_null(0),
                pl.col("why").replace_strict({w: t(f"ew.why.{w}") for w in ("now_green", "now_default", "no_exposure")}),
            )  # fmt: skip
            labels = labels_for(table) | {"level_before": t("ew.col.level_before"), "why": t("ew.col.why"),
                                          "outstanding_before_cents": t("ew.col.outstanding_before")}  # fmt: skip
            money_table(table, currency=cockpit.currency, key="ew_left", labels=labels, hidden=("debtor_id",),
                        height=fitted_height(table.height))  # fmt: skip
            downloads(table, cockpit, name="early-warning-left-the-list", key="dl_ew_left", labels=labels,
                      title=f"{t('ew.title')} · {t('ew.week_left', n=left.height)}")  # fmt: skip


def default_section(cockpit: Cockpit, defaulted: pl.DataFrame) -> None:
    """Debtors already past 90 days: the model's outcome has happened; they belong to legal and write-off review."""
    amount = money(int(defaulted["outstanding_cents"].sum()), cockpit.currency)
    with st.expander(t("ew.defaulted", n=defaulted.height, amount=amount)):
        st.caption(t("ew.defaulted_caption"))
        if defaulted.is_empty():
            empty_state(t("ew.week_none"))
            return
        table = defaulted.select("debtor_id", "debtor", "region", "collector", "outstanding_cents", "overdue_cents",
                                 "worst_dpd", signals_in_words())  # fmt: skip
        money_table(table, currency=cockpit.currency, key="ew_defaulted", labels=labels_for(table),
                    hidden=("debtor_id",), height=fitted_height(table.height))  # fmt: skip


def validation_section(model: RiskModel) -> None:
    """How the model did on dates it had not seen: AUC, precision in the top 50, calibration, against rules."""
    st.subheader(t("ew.validation"))
    if model.sample:
        st.caption(t("ew.validation_sample", sample=f"{model.sample[0]:,}", debtors=f"{model.sample[1]:,}"))
    if not model.fitted:
        st.caption(t("ew.validation_none"))
        return
    v = model.validation
    assert v is not None
    st.caption(t("ew.validation_caption", kind=t(f"ew.kind.{model.kind}"),
                 train=period_label(v.train_dates[0], v.train_dates[-1]), train_dates=len(v.train_dates),
                 train_rows=f"{v.train_rows:,}", train_events=f"{v.train_events:,}",
                 valid=period_label(v.validation_dates[0], v.validation_dates[-1]), valid_dates=len(v.validation_dates),
                 valid_rows=f"{v.validation_rows:,}", valid_events=f"{v.validation_events:,}",
                 known=model.known_until))  # fmt: skip
    rows = []
    for kind in (LOGISTIC, TREES, RULES, DPD_ONLY):
        s = v.scores[kind]
        rows.append({"scorer": t(f"ew.kind.{kind}") + (f"  ✓ {t('ew.kept')}" if kind == v.chosen else ""),
                     "auc": s.auc, "auc_overdue": s.auc_overdue, "precision_top": s.precision_top, "brier": s.brier})
    table = pl.DataFrame(rows, schema={"scorer": pl.String, "auc": pl.Float64, "auc_overdue": pl.Float64,
                                       "precision_top": pl.Float64, "brier": pl.Float64})  # fmt: skip
    table = table.with_columns(pl.col("precision_top") * 100)
    st.dataframe(table, hide_index=True, key="ew_validation", placeholder="—", column_config={
        "scorer": st.column_config.Column(t("ew.col.scorer"), width="large"),
        "auc": st.column_config.NumberColumn(t("ew.col.auc"), format="%.3f"),
        "auc_overdue": st.column_config.NumberColumn(t("ew.col.auc_overdue"), format="%.3f"),
        "precision_top": st.column_config.NumberColumn(t("ew.col.precision_top"), format="%.0f %%"),
        "brier": st.column_config.NumberColumn(t("ew.col.brier"), format="%.3f"),
    })  # fmt: skip
    left, right = st.columns(2)
    with left:
        st.caption(t("ew.validation_reading"))
    with right:
        curve = v.model.calibration
        assert curve is not None
        st.plotly_chart(risk_view.calibration(curve["predicted"].to_list(), curve["observed"].to_list(),
                                              curve["debtors"].to_list(), x_title=t("ew.predicted"),
                                              y_title=t("ew.observed"), name=t(f"ew.kind.{model.kind}"),
                                              ideal=t("ew.ideal")), key="ew_calibration")  # fmt: skip
        st.caption(t("ew.calibration_caption"))


def main() -> None:
    cockpit = open_page(t("ew.title"))
    model = model_section(cockpit)
    now, before, now_signals, defaulted = lists(cockpit, model)
    if now.is_empty() and defaulted.is_empty():
        empty_state(t("shell.empty_selection", filters=cockpit.description))
        validation_section(model)
        freshness(cockpit)
        st.stop()
    new, left = ew.week_changes(now, before, now_signals)
    kpi_section(cockpit, model, now, new, left)
    debtor_id = list_section(cockpit, model, now)
    if debtor_id is not None:
        drill_section(cockpit, model, now, now_signals, debtor_id)
    week_section(cockpit, model, new, left)
    default_section(cockpit, defaulted)
    validation_section(model)
    freshness(cockpit)


main()
