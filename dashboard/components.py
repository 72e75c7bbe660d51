"""Reusable page parts: KPI rows, money tables with downloads, empty states."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import polars as pl
import streamlit as st

from dashboard import export
from dashboard.formatting import cents_to_units, money_format, table_number_format
from dashboard.columns import COLUMN_KEYS, header  # noqa: F401 - re-exported for pages
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
    """KPI cards side by side; on a projector at most ``projector.KPIS_PER_ROW`` a row, so 48-px values fit."""
    from dashboard import projector

    per_row = len(kpis)
    if projector.is_on() and kpis:  # rows of even length: 4 cards as 2 + 2, 5 as 3 + 2
        rows = -(-len(kpis) // projector.KPIS_PER_ROW)
        per_row = -(-len(kpis) // rows)
    for start in range(0, len(kpis), max(per_row, 1)):
        with st.container(horizontal=True):
            for kpi in kpis[start:start + per_row]:
                st.metric(kpi.label, kpi.value, kpi.delta, delta_color=kpi.delta_color, help=kpi.help, border=True,
                          delta_arrow="auto" if kpi.delta_color != "off" else "off")


def money_columns(frame: pl.DataFrame, extra: tuple[str, ...] = ()) -> list[str]:
    return [c for c in frame.columns if c.endswith("_cents") or c in extra]


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
    cut = projector_cut(shown, selectable)
    selection = st.dataframe(
        cut, column_config=config, hide_index=True, key=key, height="auto" if cut is not shown else height,
        placeholder="—", on_select="rerun" if selectable is not False else "ignore", selection_mode="single-row",
        selection_default=_first_selection(selectable),
    )  # fmt: skip
    if cut is not shown:
        with st.expander(t("projector.show_all", n=f"{shown.height:,}"), icon=":material/table_rows:"):
            st.dataframe(shown, column_config=config, hide_index=True, key=f"{key}_all", height=height, placeholder="—")
    return selection


def projector_cut(frame: pl.DataFrame, selectable: bool | list[int] = False) -> pl.DataFrame:
    """On a projector, a long table's rows that matter (its first rows: every table is sorted by what matters
    most, largest amount or highest risk first); the same frame otherwise, or when a picked row lies below."""
    from dashboard import projector

    rows = projector.TABLE_ROWS
    if not projector.is_on() or frame.height <= rows + 2:
        return frame
    if isinstance(selectable, list) and any(i >= rows for i in selectable):
        return frame
    return frame.head(rows)


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
MET_MARK, MISSED_MARK = "✓", "✗"
# Above this many rows a target table keeps its marks without colours. The browser looks each drawn cell's
# colour up in the whole style sheet (Streamlit's frontend searches its text), so its cost grows with the
# coloured cells: colouring the league of 4,000 collectors took 0.85 s of every redraw in Chromium, 500
# rows (every collector at 1M invoices; at 10M a region and a level) about a tenth of that.
COLOURED_ROWS = 500


def marked(data, pairs: list[tuple[str, str]], scaled: tuple[str, ...], hidden: tuple[str, ...] = (),  # noqa: ANN001, ANN201 - pandas
           coloured: bool = True):  # fmt: skip
    """``data`` styled: each (value, target) pair's value green and "✓ 92.3 %" where it meets its target, red and
    "✗ 61.0 %" where it misses (colour is never the only sign; ``coloured=False`` keeps the marks only),
    untouched where either is missing; the ``hidden`` columns (targets named in the headers, ids) are
    compared, then left out of what is shown.

    One mask per column (styled.column_styler): a league of 4,000 collectors styled cell by cell by pandas
    took 1.4 s of every rerun."""
    from dashboard.styled import column_styler, mask

    met = {value: mask(data[value] >= data[target]) for value, target in pairs}  # missing either: neither
    missed = {value: mask(data[value] < data[target]) for value, target in pairs}
    data = data.drop(columns=[name for name in hidden if name in data.columns and name not in met])
    texts = {}
    for value, _target in pairs:
        fmt = table_number_format(value, percent=value in scaled) or "%.2f"
        texts[value] = [(rows, lambda v, mark=mark, fmt=fmt: f"{mark} {fmt % v}".replace("%%", "%"))
                        for mark, rows in ((MET_MARK, met[value]), (MISSED_MARK, missed[value]))]  # fmt: skip
    colours = {value: [(met[value], MET), (missed[value], MISSED)] for value in met} if coloured else {}
    return column_styler(data, colours=colours, texts=texts)


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
    for value, _target in pairs:
        config[value] = st.column_config.Column(header(value, labels))
    coloured = shown.height <= COLOURED_ROWS
    styled = marked(shown.to_pandas(), pairs, scaled, hidden, coloured)  # the hidden columns are dropped from it
    config = {name: column for name, column in config.items() if name not in hidden}
    selection = st.dataframe(styled, column_config=config, hide_index=True, key=key,
                             height=height, placeholder="—", on_select="rerun" if selectable is not False else "ignore",
                             selection_mode="single-row", selection_default=_first_selection(selectable))  # fmt: skip
    if not coloured:
        st.caption(t("table.marks_only", n=f"{COLOURED_ROWS:,}"))
    return selection
