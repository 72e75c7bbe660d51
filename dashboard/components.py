"""Reusable page parts: KPI rows, money tables with downloads, empty states."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from dashboard import export
from dashboard.formatting import cents_to_units, money_format, table_number_format
from dashboard.i18n import label, t

if TYPE_CHECKING:
    from dashboard.shell import Cockpit


@dataclass(frozen=True)
class Kpi:
    label: str
    value: str
    help: str
    delta: str | None = None
    delta_color: str = "off"


def kpi_row(kpis: list[Kpi]) -> None:
    with st.container(horizontal=True):
        for kpi in kpis:
            st.metric(kpi.label, kpi.value, kpi.delta, delta_color=kpi.delta_color, help=kpi.help, border=True,
                      delta_arrow="auto" if kpi.delta_color != "off" else "off")


# Column id -> i18n key of its header. Money columns end in _cents (integer cents in data_access).
COLUMN_KEYS = {
    "bucket": "col.bucket", "invoices": "col.invoices", "share": "col.share", "total": "col.total",
    "overdue_share": "col.overdue_share", "debtor": "col.debtor", "region": "col.region", "industry": "col.industry",
    "grade": "col.grade", "collector": "col.collector", "client": "col.client", "max_dpd": "col.max_dpd",
    "weighted_dpd": "col.weighted_dpd", "invoice_number": "col.invoice_number", "issue_date": "col.issue_date",
    "due_date": "col.due_date", "dpd": "col.dpd", "amount_cents": "col.amount", "outstanding_cents": "col.outstanding",
    "overdue_cents": "col.overdue", "paid_cents": "col.paid", "credited_cents": "col.credited",
    "written_off_cents": "col.written_off", "month_end": "col.month_end", "tier": "col.tier",
    "receivables": "col.receivables", "entry_cents": "col.entry", "collected_cents": "col.collected",
    "rate": "col.rate", "target": "col.target", "met": "col.met", "stay_rate": "col.stay_rate",
    "roll_rate": "col.roll_rate", "chain_to_write_off": "col.chain_to_write_off", "post_write_off_recovery": "col.post_write_off_recovery",
    "scalar": "col.scalar", "loss_rate": "col.loss_rate", "ecl_cents": "col.ecl", "stage": "col.stage",
    "cases": "col.cases", "claimed_cents": "col.claimed", "recovered_cents": "col.recovered",
    "recovered_share": "col.recovered_share", "median_age_days": "col.median_age_days",
    "last_payment": "col.last_payment", "events": "col.events", "latest_event": "col.latest_event",
    "latest_event_date": "col.latest_event_date", "sales_cents": "col.sales", "credits_cents": "col.credits",
    "dilution": "col.dilution", "share_of_client": "col.share_of_client", "credit_limit_cents": "col.credit_limit",
    "utilisation": "col.utilisation", "over_flag": "col.over_flag", "age_days": "col.age_days",
    "recourse": "col.recourse", "rank": "col.rank", "rank_change": "col.rank_change", "level": "col.level",
    "cases_closed": "col.cases_closed", "recovery_rate": "col.recovery_rate",
    "recovery_target": "col.recovery_target", "adjusted": "col.adjusted", "cycle_days": "col.cycle_days",
    "cycle_improvement": "col.cycle_improvement", "agreement_rate": "col.agreement_rate", "kept_rate": "col.kept_rate",
    "satisfaction": "col.satisfaction", "escalation_timely": "col.escalation_timely", "incidents": "col.incidents",
    "incident_kinds": "col.incident_kinds", "score": "col.score", "status": "col.status",
    "hard_share": "col.hard_share", "low_grade_share": "col.low_grade_share", "period": "col.period",
    "selection": "col.selection", "channel": "col.channel", "outcome": "col.outcome", "reported_on": "col.reported_on",
    "kind": "col.kind", "confirmed": "col.confirmed", "confirmed_on": "col.confirmed_on", "filed_on": "col.filed_on",
    "reason": "col.reason", "description": "col.description", "decided_on": "col.decided_on",
    "period_start": "col.period_start", "period_end": "col.period_end",
}  # fmt: skip


def money_columns(frame: pl.DataFrame, extra: tuple[str, ...] = ()) -> list[str]:
    return [c for c in frame.columns if c.endswith("_cents") or c in extra]


def header(name: str, labels: dict[str, str]) -> str:
    """A column's header on screen and in exports: the page's label, else the i18n one, else its name."""
    return labels.get(name) or (t(COLUMN_KEYS[name]) if name in COLUMN_KEYS else name)


def column_config(frame: pl.DataFrame, labels: dict[str, str], money: list[str], currency: str,
                  percent: tuple[str, ...] = (), rates: tuple[str, ...] = ()) -> dict:  # fmt: skip
    """Column headers from i18n labels; money as currency with separators; shares and rates as percent
    (values already × 100, see ``for_screen``); days, scores and ids by formatting.table_number_format."""
    config: dict = {}
    for name in frame.columns:
        label = header(name, labels)
        if name in money:
            config[name] = st.column_config.NumberColumn(label, format=money_format(currency))
        elif frame.schema[name] == pl.Date:
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif frame.schema[name].is_numeric() and (fmt := table_number_format(
                name, percent=name in percent or name in rates, two_decimals=name in rates)):  # fmt: skip
            config[name] = st.column_config.NumberColumn(label, format=fmt)
        else:
            config[name] = st.column_config.Column(label)
    return config


# Columns whose values are codes with a text in the locale files (prefix of the key): a bucket "Current",
# a legal stage, a channel... Values without a text (a bucket "1-30", a name) are shown as they are.
VALUE_WORDS = {"industry": "industry", "bucket": "bucket", "origin": "bucket", "destination": "flow", "tier": "bucket", "stage": "stage",
               "channel": "channel", "outcome": "outcome", "latest_event": "event", "status": "status"}  # fmt: skip


def in_words(frame: pl.DataFrame) -> pl.DataFrame:
    """Code values of ``VALUE_WORDS`` columns in the reader's language, for the screen and the files alike."""
    words = []
    for column, prefix in VALUE_WORDS.items():
        if column not in frame.columns or frame.schema[column] not in (pl.String, pl.Categorical) and \
                not isinstance(frame.schema[column], pl.Enum):  # fmt: skip
            continue
        mapping = {v: label(prefix, v) for v in frame[column].cast(pl.String).unique().drop_nulls().to_list()}
        if any(code != word for code, word in mapping.items()):
            words.append(pl.col(column).cast(pl.String).replace(mapping))
    return frame.with_columns(words) if words else frame


def for_screen(frame: pl.DataFrame, money: list[str], percent: tuple[str, ...]) -> pl.DataFrame:
    """Money from cents to units, percent columns × 100 and codes in words, for display (exports build their own)."""
    scaled = [pl.col(c) * 100 for c in percent if c in frame.columns and frame.schema[c].is_numeric()]
    return in_words(cents_to_units(frame, money).with_columns(scaled))


def money_table(
    frame: pl.DataFrame, *, currency: str, key: str, labels: dict[str, str] | None = None,
    money: tuple[str, ...] = (), percent: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
    selectable: bool | list[int] = False, height: int | str = "auto", rates: tuple[str, ...] = (),
):  # fmt: skip
    """A sortable table; ``*_cents`` and ``money`` columns show as currency, ``percent`` columns as shares
    (one decimal) and ``rates`` as rates (two decimals). Returns the selection. ``selectable``: a list
    of rows makes the table selectable with those rows selected when it first appears (selection.pick_row)."""
    labels = labels or {}
    money = money_columns(frame, money)
    shown = for_screen(frame, money, (*percent, *rates))
    config = column_config(shown, labels, money, currency, percent, rates)
    for name in hidden:
        config[name] = None
    return st.dataframe(
        shown, column_config=config, hide_index=True, key=key, height=height, placeholder="—",
        on_select="rerun" if selectable is not False else "ignore", selection_mode="single-row",
        selection_default=_first_selection(selectable),
    )  # fmt: skip


def _first_selection(selectable: bool | list[int]) -> dict | None:
    """st.dataframe's ``selection_default`` for the rows selected when a table first appears."""
    return {"selection": {"rows": list(selectable)}} if isinstance(selectable, list) and selectable else None


def downloads(
    frame: pl.DataFrame, cockpit: Cockpit, *, name: str, title: str, key: str, money: tuple[str, ...] = (),
    percent: tuple[str, ...] = (), labels: dict[str, str] | None = None, notes: tuple[tuple[str, str], ...] = (),
) -> None:  # fmt: skip
    """CSV and Excel buttons for a table; each file is built only when its button is clicked.

    Building both files for every table on every rerun took seconds on a large book, so ``data`` is a
    callable that Streamlit runs on click, and ``on_click="ignore"`` keeps the click from rerunning the
    page. Everything the files say (headers, the view's description) is resolved here, during the run;
    the callables only turn the frame into bytes. ``name`` is the page and table in ASCII
    (``aging-by-region``), ``title`` what people read; ``money``, ``percent`` and ``labels`` are as given
    to ``money_table``, so the file's headers are the screen's.
    """
    frame = in_words(frame)
    sheet = export_sheet(frame, cockpit, title=title, money=money, percent=percent, labels=labels, notes=notes)
    stem = export.file_stem(name, cockpit.view.as_of, filters_slug(cockpit))
    with st.container(horizontal=True):
        st.download_button(t("download.csv"), partial(export.csv_bytes, frame, sheet), f"{stem}.csv", "text/csv",
                           key=f"{key}_csv", on_click="ignore", icon=":material/download:")  # fmt: skip
        st.download_button(
            t("download.excel"), partial(export.xlsx_bytes, frame, sheet), f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}_xlsx",
            on_click="ignore", icon=":material/download:",
        )  # fmt: skip


def export_sheet(
    frame: pl.DataFrame, cockpit: Cockpit, *, title: str, money: tuple[str, ...] = (), percent: tuple[str, ...] = (),
    labels: dict[str, str] | None = None, notes: tuple[tuple[str, str], ...] = (),
) -> export.Sheet:  # fmt: skip
    """Headers with units and the lines that say what the file holds, in the reader's language."""
    labels = labels or {}
    currency = cockpit.currency
    return export.Sheet(
        columns=export.columns(frame, {name: header(name, labels) for name in frame.columns}, currency=currency,
                               money=money, percent=percent),  # fmt: skip
        about=(
            (t("download.about.table"), title), (t("download.about.selection"), cockpit.full_description),
            (t("download.about.as_of"), cockpit.view.as_of.isoformat()),
            (t("download.about.units"), t("download.units", currency=currency)), *notes,
        ),  # fmt: skip
        data_name=t("download.sheet_data"), about_name=t("download.sheet_about"),
    )


def filters_slug(cockpit: Cockpit) -> str:
    """The view's filters for a file name, as in the page's link (ids for regions, clients, collectors)."""
    from dashboard.filters import to_url

    return export.filters_slug({k: v for k, v in to_url(cockpit.view, cockpit.options).items() if k != "as_of"})


def empty_state(message: str) -> None:
    st.info(message, icon=":material/filter_alt_off:")


def link_to(url_path: str, label: str, params: dict[str, str] | None = None, icon: str | None = None) -> None:
    """A link to another page with its filters (and the session's language) in the URL.

    ``st.page_link`` needs the page registered by ``st.navigation``; a page script run on its own
    (AppTest) has none, and gets the same link as plain Markdown.
    """
    from urllib.parse import urlencode

    from dashboard.language import url_params
    from dashboard.navigation import script_of

    params = {**(params or {}), **url_params()}  # the session's language goes along, like the filters
    try:
        st.page_link(script_of(url_path), label=label, icon=icon, query_params=params or None)
    except Exception:  # StreamlitPageNotFoundError; its module path differs between Streamlit versions
        query = f"?{urlencode(params)}" if params else ""
        st.markdown(f"[{label}](/{url_path}{query})")


MET, MISSED = "background-color: #dcefe3", "background-color: #f7dcdc"


def target_table(frame: pl.DataFrame, *, pairs: list[tuple[str, str]], currency: str, key: str,
                 labels: dict[str, str] | None = None, percent: tuple[str, ...] = (), hidden: tuple[str, ...] = (),
                 selectable: bool | list[int] = False, height: int | str = "auto"):  # fmt: skip
    """A money table whose (value, target) column pairs are coloured met (green) or missed (red).

    A target is scaled with its value, so a percent value is compared with a percent target."""
    labels = labels or {}
    money = money_columns(frame)
    scaled = (*percent, *(target for value, target in pairs if value in percent and target not in percent))
    shown = for_screen(frame, money, scaled)
    config = column_config(shown, labels, money, currency, scaled)
    for name in hidden:
        config[name] = None
    data = shown.to_pandas()

    def colour(row):  # noqa: ANN001, ANN202 - a pandas row
        styles = {name: "" for name in data.columns}
        for value, target in pairs:
            if row[value] == row[value] and row[target] == row[target]:  # both present (NaN != NaN)
                styles[value] = MET if row[value] >= row[target] else MISSED
        return [styles[name] for name in data.columns]

    return st.dataframe(data.style.apply(colour, axis=1), column_config=config, hide_index=True, key=key,
                        height=height, placeholder="—", on_select="rerun" if selectable is not False else "ignore",
                        selection_mode="single-row", selection_default=_first_selection(selectable))  # fmt: skip
