"""The meeting pack: the agenda's views at one as-of date and slice, as an offline HTML report, an Excel
workbook and a PDF, for a risk meeting's minutes or a scheduled job.

``build_pack`` computes each view with the functions the pages use (``dashboard.computations`` and the
``data_access`` metrics) and draws the figures the pages draw (``dashboard.figures``, ``dashboard.charts``),
so a figure or number in the pack is the page's. Writers turn the sections into files:

- ``html_report``: one self-contained file (Plotly's JavaScript inlined once, no external URL), every
  section headed by the view's filter description, page breaks between sections when printed;
- ``workbook``: one sheet per table (numbers as numbers with formats, header frozen, autofilter), an
  About sheet and a Definitions sheet (``dashboard.export``);
- ``pdf_of``: the HTML printed by headless Chromium, when it is installed.

All text comes from ``dashboard.i18n.t`` inside ``in_language(lang)``; files are named
``meeting-pack_<as-of>_<lang>_<filters>.{html,xlsx,pdf}``. No Streamlit on this module's import path:
``python -m dashboard.pack`` (what ``rdash pack`` runs) loads the book itself. In the app,
``dashboard.pack_button`` hands it the cached book.
"""

from __future__ import annotations

import argparse
import html
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import plotly.graph_objects as go
import polars as pl

from dashboard import computations, export, figures, palette
from dashboard.columns import header
from dashboard.formatting import days, money, rate, share
from dashboard.i18n import STRINGS, in_language, label, t
from dashboard.viewspec import Options, View, describe, options_of, parse_url, to_url
from data_access.book.filters import Selection
from data_access.book.portfolio import Portfolio
from data_access.metrics import aging, bad_debt, monthly, snapshots, workload
from data_access.metrics.buckets import DUE_DATE, Buckets
from data_access.metrics.recovery import Period, overall_recovery, recovery_by_tier, recovery_pool
from data_access.metrics.snapshots import HISTORY_MONTHS
from data_access.settings import Settings

DEFAULT_AGENDA = ("overview", "aging", "early_warning", "regional_load", "bad_debt", "league")  # agenda.DEFAULT
TABLE_ROWS = 25  # an HTML section shows a table's first rows; the workbook holds every row
SHOWN_MONTHS = 24
LEVEL_SHAPES = {"red": "▲", "amber": "◆", "green": "●"}  # risk_view.LEVEL_SHAPES: a level is never colour alone
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


# --- the pack's view of the book ------------------------------------------------------------------------


class PackData:
    """What a page's Cockpit gives, without Streamlit: the book cut by the view's filters at the as-of date."""

    def __init__(self, settings: Settings, book: Portfolio, read: Callable[[str], pl.DataFrame], view: View,
                 options: Options) -> None:  # fmt: skip
        self.settings, self.book, self.read, self.view, self.options = settings, book, read, view, options
        self._memo: dict = {}

    @property
    def currency(self) -> str:
        return self.book.currency

    @property
    def as_of(self) -> date:
        return self.view.as_of

    @property
    def description(self) -> str:
        """The view's filters in words, every value named (as files say it)."""
        return describe(self.view, self.options, limit=None)

    def _once(self, key: tuple, make: Callable[[], object]):  # noqa: ANN202
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def state_and_dims(self, at: date | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
        at = at or self.as_of
        return self._once(("state", at), lambda: computations.state_with_dimensions(
            self.book, at, DUE_DATE, self.settings.bucket_edges))  # fmt: skip

    def selection(self, at: date | None = None) -> Selection:
        at = at or self.as_of
        return self._once(("selection", at), lambda: self.view.filters.resolve(self.book, self.state_and_dims(at)[1]))

    def apply(self, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        return self.selection().apply(table, frame)

    def state(self) -> pl.DataFrame:
        return self.apply("invoices", self.state_and_dims()[0])

    def state_at(self, at: date) -> pl.DataFrame:
        return self.selection(at).apply("invoices", self.state_and_dims(at)[0])

    def dimensions(self) -> pl.DataFrame:
        return self.state_and_dims()[1]

    def table(self, name: str) -> pl.DataFrame:
        return self.apply(name, self.unfiltered(name))

    def unfiltered(self, name: str) -> pl.DataFrame:
        return self._once(("table", name), lambda: self.read(name))

    def filtered_book(self) -> Portfolio:
        return self._once(("book",), lambda: self.selection().book(self.book))

    def history(self) -> tuple[list[date], pl.DataFrame, pl.DataFrame]:
        ends, snaps, flows = self._once(("history",), lambda: computations.month_end_history(
            self.book, self.as_of, DUE_DATE, self.settings.bucket_edges, HISTORY_MONTHS))  # fmt: skip
        return ends, self.apply("invoices", snaps), self.apply("invoices", flows)

    def buckets(self) -> Buckets:
        return Buckets.from_edges(self.settings.bucket_edges, DUE_DATE)


# --- sections --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A table of the pack: the frame (cents, fractions), its headers and kinds, as the page's download."""

    name: str  # ASCII, for the sheet and file
    title: str
    frame: pl.DataFrame
    money: tuple[str, ...] = ()
    percent: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    page: str
    title: str
    description: str
    kpis: tuple[tuple[str, str], ...] = ()
    figures: tuple[tuple[str, go.Figure], ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()


def _overview(d: PackData) -> Section:
    state, book = d.state(), d.filtered_book()
    ends, snaps, _flows = d.history()
    series = monthly.with_ratios(monthly.month_series(book, snaps, ends))
    month = series.row(-1, named=True)
    period = Period.month_to_date(d.as_of)
    targets = computations.recovery_targets(d.unfiltered("targets"), period, d.settings)
    recovery, target = overall_recovery(recovery_by_tier(recovery_pool(book, period), targets.values))
    k = aging.kpis(state)

    def shown(value, formatter) -> str:  # noqa: ANN001
        return "—" if value is None else formatter(value)

    kpis = (
        (t("overview.kpi.total"), money(k.total_cents, d.currency)), (t("overview.kpi.overdue_share"), share(k.overdue_share)),
        (t("overview.kpi.recovery"), shown(recovery, share) + ("" if target is None else f" ({t('overview.delta.target', target=share(target))})")),
        (t("overview.kpi.bad_debt"), shown(month["bad_debt_rate"], lambda v: share(v, 2))),
        (t("overview.kpi.dso"), shown(month["dso"], days)), (t("overview.kpi.best_dso"), shown(month["best_dso"], days)),
        (t("overview.kpi.add"), shown(month["add"], days)), (t("overview.kpi.cei"), shown(month["cei"], lambda v: f"{v:.1f}")),
    )  # fmt: skip
    recent = series.tail(SHOWN_MONTHS)
    trend = recent.select("month_end", "bad_debt_rate", "write_offs_cents", "dso", "best_dso", "add", "cei")
    return Section("overview", t("overview.title"), d.description, kpis,
                   ((t("overview.bad_debt_trend"), figures.bad_debt_trend(recent, d.settings.bad_debt_target, d.currency)),
                    (t("overview.dso_trend"), figures.dso_trend(recent))),
                   (Table("overview-trend", t("overview.bad_debt_trend"), trend, percent=("bad_debt_rate",),
                          labels={"bad_debt_rate": t("overview.bad_debt_rate"), "write_offs_cents": t("overview.write_offs"),
                                  "dso": t("overview.kpi.dso"), "best_dso": t("overview.kpi.best_dso"),
                                  "add": t("overview.kpi.add"), "cei": t("overview.kpi.cei")}),))  # fmt: skip


def _aging(d: PackData) -> Section:
    state, buckets = d.state(), d.buckets()
    k = aging.kpis(state, buckets)
    totals = aging.bucket_totals(state, buckets)
    by = aging.aging_by(state, "region", buckets)
    key_column, label_column = aging.DIMENSIONS["region"]
    ends, snaps, _flows = d.history()
    trend = snapshots.aging_trend(snaps.filter(pl.col("month_end") > ends[-SHOWN_MONTHS - 1]), buckets)
    bucket_labels = {b: label("bucket", b) for b in buckets.labels}
    kpis = ((t("aging.kpi.total"), money(k.total_cents, d.currency)), (t("aging.kpi.overdue"), money(k.overdue_cents, d.currency)),
            (t("aging.kpi.severe"), share(k.severe_share)), (t("aging.kpi.add"), days(k.weighted_days_delinquent)),
            (t("aging.kpi.debtors"), f"{k.debtors_overdue:,}"))  # fmt: skip
    shown_figures = [(t("aging.buckets"), figures.aging_buckets(totals, buckets, d.currency)),
                     (f"{t('aging.by')} {t('dim.region')}", figures.aging_by(by, label_column, buckets, d.currency))]
    if not trend.is_empty():
        shown_figures.append((t("aging.trend"), figures.aging_trend(trend, buckets, d.currency)))
    return Section("aging", t("aging.title"), d.description, kpis, tuple(shown_figures), (
        Table("aging-buckets", t("aging.buckets"), totals.with_columns(pl.col("bucket").replace(bucket_labels)),
              percent=("share",)),
        Table("aging-by-region", f"{t('aging.by')} {t('dim.region')}", by.drop(key_column) if key_column != label_column else by,
              money=("total", *buckets.labels), percent=("overdue_share",),
              labels={**bucket_labels, label_column: t("dim.region")}),
    ))  # fmt: skip


def _early_warning(d: PackData) -> Section:
    from data_access.metrics import early_warning as ew
    from data_access.metrics.signals import debtor_signals
    from data_access.models.risk import train_risk_model

    rules = computations.signal_rules(d.settings)
    promises, events = d.unfiltered("promises"), d.unfiltered("credit_events")
    model = train_risk_model(d.book, promises, events, computations.risk_trained_at(d.book, d.as_of), rules)
    signals = d.apply("debtors", debtor_signals(d.book, promises, events, [d.as_of], rules))
    now = ew.watch_list(signals, model, computations.early_warning_levels(d.settings), d.dimensions())
    listed = now.filter(pl.col("level").is_in(ew.ON_THE_LIST))
    words = {lv: f"{LEVEL_SHAPES[lv]} {t(f'ew.level.{lv}')}" for lv in ew.LEVELS}
    kpis = [(t("ew.kpi.listed"), f"{listed.height:,}"),
            (t("ew.level.red"), f"{LEVEL_SHAPES['red']} {now.filter(pl.col('level') == ew.RED).height:,}")]
    fitted = ["probability", "expected_loss_cents"] if model.fitted else []
    if model.fitted:
        kpis.append((t("ew.kpi.expected_loss"), money(int(listed["expected_loss_cents"].sum()), d.currency)))
    frame = listed.select(
        pl.col("level").replace_strict(words), "debtor", "region", "collector", *fitted, "outstanding_cents",
        "overdue_cents", pl.col("worst_dpd").clip(lower_bound=0), "grade",
        pl.col("action").replace_strict({a: t(f"ew.action.{a}") for _r, a, _c in ew.ACTION_RULES}),
    )  # fmt: skip
    labels = {"level": t("ew.col.level"), "worst_dpd": t("ew.col.worst_dpd"), "grade": t("ew.col.grade"),
              "probability": t("ew.col.probability"), "expected_loss_cents": t("ew.col.expected_loss"),
              "action": t("ew.col.action")}  # fmt: skip
    notes = () if model.fitted else (t("pack.rules_only"),)
    return Section("early_warning", t("ew.title"), d.description, tuple(kpis), (),
                   (Table("early-warning-list", t("ew.title"), frame, percent=("probability",), labels=labels),), notes)


def _regional_load(d: PackData) -> Section:
    rules = workload.LoadRules.from_settings(d.settings)
    state, dims = d.state_and_dims()
    frames = computations.load(d.book, state, dims, d.unfiltered("promises"), d.unfiltered("legal_cases"),
                               d.unfiltered("legal_case_stages"), d.as_of, rules, d.settings.promise_grace_days)  # fmt: skip
    regions = frames["regions"]
    if d.view.filters.region_ids:
        regions = regions.filter(pl.col("region_id").is_in(d.view.filters.region_ids))
    shown = regions.select("region", "cases", "overdue_cents", "long_overdue_share", "high_risk_share", "load", "capacity",
                           "load_index")  # fmt: skip
    figures_ = ((t("load.regions"), figures.region_load(regions, rules.under, rules.over)),) if regions.height else ()
    notes = (t("load.marks", under=rules.under, over=rules.over), t("pack.load_scope"))
    return Section("regional_load", t("load.title"), d.description, (), figures_,
                   (Table("regional-load", t("load.regions"), shown, percent=("long_overdue_share", "high_risk_share"),
                          labels={"region": t("col.region"), "load": t("pack.col.load"), "capacity": t("pack.col.capacity"),
                                  "load_index": t("load.kpi.index")}),), notes)  # fmt: skip


def _bad_debt(d: PackData) -> Section:
    from data_access.metrics.provisions import coverage, provision_matrix, window_recovery_rate

    s, buckets = d.settings, d.buckets()
    state, book = d.state(), d.filtered_book()
    ends, _snaps, flows = d.history()
    written = bad_debt.write_offs(book, d.as_of)
    recoveries = d.table("recoveries")
    lookback = s.provision_lookback_months
    window_start = ends[-min(lookback, len(ends))].replace(day=1)
    recovery_rate = window_recovery_rate(written, recoveries, window_start, d.as_of)
    matrix = provision_matrix(flows, aging.bucket_totals(state, buckets), buckets.labels, lookback_months=lookback,
                              recovery_rate=recovery_rate, scalar=s.forward_scalar)  # fmt: skip
    ecl, _total, ratio = coverage(matrix)
    shown_ends = ends[-SHOWN_MONTHS:]
    by_month = bad_debt.write_offs_by_month(written, recoveries, shown_ends)
    rates = ("stay_rate", "roll_rate", "chain_to_write_off", "post_write_off_recovery", "loss_rate")
    return Section("bad_debt", t("bad_debt.title"), d.description,
                   ((t("bad_debt.kpi.ecl"), money(ecl, d.currency)),
                    (t("bad_debt.kpi.coverage"), "—" if ratio is None else rate(ratio)),
                    (t("bad_debt.kpi.recovery"), share(recovery_rate))),
                   ((t("bad_debt.write_offs"), figures.write_offs_monthly(shown_ends, by_month, d.currency)),),
                   (Table("provision-matrix", t("bad_debt.provision"),
                          matrix.with_columns(pl.col("bucket").replace({b: label("bucket", b) for b in buckets.labels})),
                          percent=rates, labels={"bucket": t("col.bucket")}),),
                   (t("pack.provision_scenario", lookback=lookback, scalar=f"{s.forward_scalar:.2f}"),))  # fmt: skip


def _factoring(d: PackData) -> Section:
    from data_access.metrics import factoring, snapshots

    s = d.settings
    state = d.state().filter(pl.col("outstanding_cents") > 0)
    c = computations.concentration(state, d.filtered_book().debtors, s)
    ends = snapshots.month_ends(d.as_of, HISTORY_MONTHS)
    flag = share(s.limit_utilisation_flag, 0)
    charge_backs = factoring.charge_back_candidates(state, s.charge_back_days)
    figures_ = ((t("factoring.dilution"), figures.dilution(ends[-computations.DILUTION_MONTHS:],
                                                           factoring.dilution_by_month(d.filtered_book(), ends))),)
    if c.top.height:
        figures_ += ((t("factoring.top10_chart"), figures.top_debtors(c.top)),)
    return Section("factoring", t("factoring.title"), d.description,
                   ((t("factoring.top10"), share(c.top_share)),
                    (t("factoring.over_share", share="10 %"), f"{c.over_10.height:,}"),
                    (t("factoring.over_share", share="20 %"), f"{c.over_20.height:,}"),
                    (t("factoring.over_limit", flag=flag), f"{c.over_limit:,}")),
                   figures_,
                   (Table("concentration", t("factoring.over_share", share="10 %"),
                          c.over_10.drop("client_id", "debtor_id"), percent=("share_of_client",)),
                    Table("credit-limit-use", t("factoring.utilisation"), c.utilisation.drop("debtor_id"),
                          percent=("utilisation",)),
                    Table("charge-back-candidates", t("factoring.charge_back"), charge_backs)),
                   (t("factoring.utilisation_caption", flag=flag),
                    t("factoring.charge_back_caption", days=s.charge_back_days)))  # fmt: skip


def _league(d: PackData) -> Section:
    from data_access.metrics import appraisal
    from data_access.metrics.appraisal import settlements

    period = appraisal.period_containing("quarter", d.as_of)
    tables = {name: d.unfiltered(name) for name in computations.APPRAISAL_TABLES}
    table = computations.league(d.book, tables, period.start, period.end, d.as_of, d.settings, settlements(d.book))
    table = d.apply("collectors", table).sort("rank")
    shown = table.select("rank", "collector", "score", pl.col("status").replace(
        {"veto": t("status.veto"), "under appeal": t("status.under appeal")}), "region", "cases", "recovered_cents",
        "recovery_rate", "adjusted", "cycle_days", "kept_rate", "incidents")  # fmt: skip
    return Section("league", t("league.title"), d.description, (), (),
                   (Table("collectors-league", t("league.title"), shown, percent=("recovery_rate", "kept_rate")),),
                   (t("league.period", period=f"{period.start} – {period.end}",
                      previous=f"{appraisal.previous_period('quarter', period).start} – "
                               f"{appraisal.previous_period('quarter', period).end}"),))  # fmt: skip


def _not_in_pack(page: str) -> Callable[[PackData], Section]:
    def section(d: PackData) -> Section:
        from dashboard.navigation import PAGES

        title = t(next(p.title_key for p in PAGES if p.url_path == page))
        return Section(page, title, d.description, notes=(t("pack.not_in_pack", page=title),))

    return section


SECTIONS: dict[str, Callable[[PackData], Section]] = {
    "overview": _overview, "aging": _aging, "early_warning": _early_warning, "regional_load": _regional_load,
    "bad_debt": _bad_debt, "league": _league, "factoring": _factoring,
}  # fmt: skip


def build_pack(d: PackData, pages: tuple[str, ...] = DEFAULT_AGENDA) -> list[Section]:
    """The agenda's views as sections, in the active language, with the projector-free light palette."""
    with palette.use(palette.NORMAL):
        return [SECTIONS.get(page, _not_in_pack(page))(d) for page in pages]


# --- writers ---------------------------------------------------------------------------------------------


def _cell(value: object, column: str, table: Table, currency: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if column.endswith("_cents") or column in table.money:
        return money(int(round(value)), currency, decimals=2)
    if column in table.percent and isinstance(value, (int, float)):
        return share(float(value), 2 if column in ("loss_rate", "chain_to_write_off", "roll_rate", "stay_rate",
                                                   "post_write_off_recovery", "bad_debt_rate") else 1)  # fmt: skip
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not column.endswith("_id"):
        return f"{value:,}"
    return str(value)


def _html_table(table: Table, currency: str) -> str:
    shown = table.frame.head(TABLE_ROWS)
    heads = "".join(f"<th>{html.escape(header(c, table.labels))}</th>" for c in shown.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td class='{'num' if shown.schema[c].is_numeric() else ''}'>{html.escape(_cell(v, c, table, currency))}</td>"
                         for c, v in zip(shown.columns, row, strict=True)) + "</tr>"
        for row in shown.iter_rows()
    )  # fmt: skip
    more = (f"<p class='more'>{html.escape(t('pack.more_rows', shown=shown.height, total=table.frame.height))}</p>"
            if table.frame.height > shown.height else "")  # fmt: skip
    return f"<h3>{html.escape(table.title)}</h3><table><thead><tr>{heads}</tr></thead><tbody>{rows}</tbody></table>{more}"


_STYLE = """
body { font-family: Inter, 'Noto Sans SC', 'Microsoft YaHei', sans-serif; color: #1f2933; margin: 24px 40px; }
h1 { font-size: 28px; margin-bottom: 4px; } h2 { font-size: 22px; margin: 0 0 4px 0; } h3 { font-size: 16px; }
.filters { color: #52606d; margin: 0 0 12px 0; } .meta { color: #52606d; }
section { page-break-before: always; break-before: page; padding-top: 8px; }
section:first-of-type { page-break-before: auto; break-before: auto; }
.kpis { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0 12px 0; }
.kpi { border: 1px solid #cbd2d9; border-radius: 8px; padding: 8px 14px; min-width: 150px; }
.kpi .label { color: #52606d; font-size: 13px; } .kpi .value { font-size: 24px; font-weight: 700; }
table { border-collapse: collapse; font-size: 12px; margin-bottom: 6px; }
th, td { border: 1px solid #e4e7eb; padding: 3px 8px; } th { background: #f5f7fa; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } .more, .note { color: #52606d; font-size: 12px; }
.figure { page-break-inside: avoid; break-inside: avoid; }
"""


def html_report(sections: list[Section], d: PackData, lang: str) -> str:
    """One self-contained HTML file: Plotly's JavaScript inlined once, every section with its filter line."""
    from plotly.offline import get_plotlyjs

    parts = []
    for section in sections:
        kpis = "".join(f"<div class='kpi'><div class='label'>{html.escape(k)}</div><div class='value'>{html.escape(v)}</div></div>"
                       for k, v in section.kpis)  # fmt: skip
        body = [f"<h2>{html.escape(section.title)}</h2>",
                f"<p class='filters'>{html.escape(t('pack.filters', filters=section.description))}</p>"]
        if kpis:
            body.append(f"<div class='kpis'>{kpis}</div>")
        body += [f"<p class='note'>{html.escape(note)}</p>" for note in section.notes]
        for title, figure in section.figures:
            figure = go.Figure(figure).update_layout(width=1000)
            body.append(f"<div class='figure'><h3>{html.escape(title)}</h3>"
                        f"{figure.to_html(full_html=False, include_plotlyjs=False, config={'displaylogo': False})}</div>")  # fmt: skip
        body += [_html_table(table, d.currency) for table in section.tables]
        parts.append(f"<section id='{section.page}'>{''.join(body)}</section>")
    title = t("pack.title", as_of=d.as_of.isoformat())
    generated = t("pack.generated", at=datetime.now().strftime("%Y-%m-%d %H:%M"), currency=d.currency)
    return (f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else lang}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{_STYLE}</style>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
            f"<h1>{html.escape(title)}</h1><p class='meta'>{html.escape(generated)}</p>{''.join(parts)}</body></html>")  # fmt: skip


def definitions(s: Settings) -> tuple[tuple[str, str], ...]:
    """The Definitions sheet: each metric of the pack and its definition (the pages' help texts)."""
    red, amber = s.early_warning_rule_levels
    return (
        (t("overview.kpi.total"), t("aging.kpi.total_help")), (t("overview.kpi.overdue_share"), t("aging.kpi.overdue_help")),
        (t("overview.kpi.recovery"), t("overview.kpi.recovery_help")), (t("overview.kpi.dso"), t("overview.kpi.dso_help")),
        (t("overview.kpi.best_dso"), t("overview.kpi.best_dso_help")), (t("overview.kpi.add"), t("overview.kpi.add_help")),
        (t("overview.kpi.cei"), t("overview.kpi.cei_help")), (t("aging.kpi.severe"), t("aging.kpi.severe_help")),
        (t("bad_debt.kpi.ecl"), t("bad_debt.method")), (t("bad_debt.kpi.coverage"), t("bad_debt.kpi.coverage_help")),
        (t("ew.kpi.listed"), t("ew.kpi.listed_help", red=share(s.early_warning_levels[0], 0), amber=share(s.early_warning_levels[1], 0))),
        (t("ew.kpi.listed"), t("ew.kpi.listed_help_rules", red=red, amber=amber)),
        (t("load.kpi.index"), t("pack.load_index_definition")),
    )  # fmt: skip


def workbook(sections: list[Section], d: PackData) -> bytes:
    """One sheet per table of the pack, the About sheet and the Definitions sheet."""
    about = ((t("download.about.selection"), d.description), (t("download.about.as_of"), d.as_of.isoformat()),
             (t("download.about.units"), t("download.units", currency=d.currency)))  # fmt: skip
    tables = []
    for section in sections:
        for table in section.tables:
            sheet = export.Sheet(columns=_columns(table, d.currency), about=about)
            tables.append((table.title if len(table.title) <= 31 else table.name, table.frame, sheet))
    return export.workbook_bytes(tables, about=about, about_name=t("download.sheet_about"),
                                 definitions=definitions(d.settings), definitions_name=t("pack.sheet_definitions"))  # fmt: skip


def _columns(table: Table, currency: str) -> tuple[export.Column, ...]:
    return export.columns(table.frame, {c: header(c, table.labels) for c in table.frame.columns}, currency=currency,
                          money=table.money, percent=table.percent)  # fmt: skip


def chromium(configured: str = "") -> str | None:
    """The Chromium to print with: RDASH_CHROMIUM (``configured``), else one on the PATH, else Debian's."""
    for candidate in (configured, *CHROMIUM_CANDIDATES, "/usr/bin/chromium"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def pdf_of(html_path: Path, pdf_path: Path, timeout: int = 180, configured: str = "") -> bool:
    """Print the HTML report to PDF with headless Chromium (sections start on new pages); False without one."""
    browser = chromium(configured)
    if browser is None:
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
             f"--user-data-dir={profile}", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
             "--virtual-time-budget=15000", f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()],
            check=False, capture_output=True, timeout=timeout,
        )  # fmt: skip
    return pdf_path.exists() and pdf_path.stat().st_size > 0


def file_stem(d: PackData, lang: str) -> str:
    filters = export.filters_slug({k: v for k, v in to_url(d.view, d.options).items() if k != "as_of"})
    return f"meeting-pack_{d.as_of.isoformat()}_{lang}_{filters}"


def write_pack(d: PackData, out: Path, *, lang: str = "en", pages: tuple[str, ...] = DEFAULT_AGENDA,
               pdf: bool = True) -> list[Path]:  # fmt: skip
    """Write the HTML report, the workbook and (with Chromium) the PDF into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    with in_language(lang):
        sections = build_pack(d, pages)
        stem = file_stem(d, lang)
        report = out / f"{stem}.html"
        report.write_text(html_report(sections, d, lang), encoding="utf-8")
        book = out / f"{stem}.xlsx"
        book.write_bytes(workbook(sections, d))
    written = [report, book]
    if pdf and pdf_of(report, out / f"{stem}.pdf", configured=d.settings.chromium):
        written.append(out / f"{stem}.pdf")
    return written


def zip_pack(d: PackData, *, lang: str, pages: tuple[str, ...]) -> bytes:
    """The pack's files in one ZIP (the app's download)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = write_pack(d, Path(folder), lang=lang, pages=pages)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    return buffer.getvalue()


# --- command line (``rdash pack``) -------------------------------------------------------------------------


FILTER_OPTIONS = ("region", "client", "industry", "collector", "grade")


def pack_data(url: str, as_of: str | None, filters: dict[str, str], settings: Settings | None = None) -> PackData:
    """The pack's data read from the database at ``url`` (every region: a scheduled job is not a reader)."""
    from data_access.book.portfolio import load_portfolio
    from data_access.db.store import Scope, Store
    from data_access.settings import load_settings

    settings = settings or load_settings()
    store, scope = Store(url), Scope.everything()
    book = load_portfolio(store, scope)
    _state, dims = computations.state_with_dimensions(book, book.latest_date, DUE_DATE, settings.bucket_edges)
    options = options_of(book, dims, date.today())
    view = parse_url({**filters, **({"as_of": as_of} if as_of else {})}, options)
    if view.ignored:
        raise SystemExit("rdash pack: " + "; ".join(view.ignored).replace("`", ""))
    return PackData(settings, book, lambda name: store.read(name, scope), view, options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rdash pack", description=(
        "Write a risk meeting's pack for an as-of date and filters: an offline HTML report, an Excel workbook "
        "and, where Chromium is installed, a PDF, named meeting-pack_<as-of>_<lang>_<filters>.*"))  # fmt: skip
    parser.add_argument("--as-of", required=True, help="the as-of date, YYYY-MM-DD (within the data's dates)")
    parser.add_argument("--out", required=True, type=Path, help="the folder to write the files into (created)")
    parser.add_argument("--lang", default="en", choices=sorted(STRINGS), help="the pack's language (default en)")
    parser.add_argument("--agenda", default=None, help="a saved agenda's name (default: the standard risk meeting)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF even when Chromium is installed")
    parser.add_argument("--database-url", default=None, help="default: RDASH_DATABASE_URL (docs/configuration.md)")
    for name in FILTER_OPTIONS:
        parser.add_argument(f"--{name}", default=None, help=f"{name} filter as in a page's link, e.g. --{name} 1,2")
    args = parser.parse_args(argv)
    from data_access.settings import load_settings

    settings = load_settings()
    try:
        date.fromisoformat(args.as_of)
    except ValueError:
        parser.error(f"--as-of {args.as_of!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-10-31")
    url = args.database_url or settings.database_url
    d = pack_data(url, args.as_of, {n: getattr(args, n) for n in FILTER_OPTIONS if getattr(args, n)}, settings)
    pages = DEFAULT_AGENDA
    if args.agenda:
        from data_access.services.agendas import agendas_of

        saved = agendas_of(d.read("agendas"))
        if args.agenda not in saved:
            parser.error(f"no saved agenda named {args.agenda!r}; saved: {', '.join(saved) or 'none'}")
        pages = saved[args.agenda].pages
    for path in write_pack(d, args.out, lang=args.lang, pages=pages, pdf=not args.no_pdf):
        print(path)
    if not args.no_pdf and chromium(settings.chromium) is None:
        print("no PDF: Chromium was not found (set RDASH_CHROMIUM to its path)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
