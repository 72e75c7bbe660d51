"""Streamlit side of the Regional load page: cached load figures, and the rebalancing writes.

The load frames are cached per book version and as-of date (``ViewContext.book_key``), so a batch of
moves, which changes the assignments' version, reloads them on the next run. Writes go through
``data_access.services.assignments`` (one audited transaction each), then ``data.after_write`` so the
next run reads the new versions at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import streamlit as st

from dashboard import computations, data
from data_access.book.context import BookKey, TableKey, ViewContext
from data_access.metrics import workload
from data_access.metrics.buckets import DUE_DATE
from data_access.metrics.snapshots import HISTORY_MONTHS
from data_access.services import assignments as service

TREND_MONTHS = 12
RECENT_DAYS = 90  # "recent recovery": the last 90 days up to the as-of date


@dataclass(frozen=True)
class Load:
    """Everything the page shows about load at one as-of date, for every region in the reader's scope."""

    as_of: date
    rules: workload.LoadRules
    cases: pl.DataFrame
    collectors: pl.DataFrame
    regions: pl.DataFrame
    staffing: pl.DataFrame
    heat: pl.DataFrame


def rules() -> workload.LoadRules:
    return workload.LoadRules.from_settings(data.settings())


def load(context: ViewContext) -> Load:
    keys = tuple(context.table_key(name) for name in ("promises", "legal_cases", "legal_case_stages"))
    return _load(context.book_key(), context.as_of, rules(), data.settings().promise_grace_days, keys)


@st.cache_resource(max_entries=4, show_spinner=False)
def _load(key: BookKey, as_of: date, load_rules: workload.LoadRules, grace_days: int,
          protection: tuple[TableKey, ...]) -> Load:  # fmt: skip
    state, dims = data.state_with_dimensions(key, as_of, DUE_DATE, load_rules.edges)
    frames = computations.load(data.portfolio(key), state, dims, *(data.table(k) for k in protection), as_of, load_rules,
                               grace_days)  # fmt: skip
    return Load(as_of=as_of, rules=load_rules, **frames)


def trend(context: ViewContext) -> pl.DataFrame:
    return _trend(context.book_key(), context.as_of, rules())


@st.cache_resource(max_entries=4, show_spinner=False)
def _trend(key: BookKey, as_of: date, load_rules: workload.LoadRules) -> pl.DataFrame:
    """Load index per region at the last 12 month ends: from the month-end snapshots of the other pages when
    they are held, else from snapshots at these 12 month ends alone (a third of the work and memory)."""
    held = data.held_month_end_snapshots(key, as_of, DUE_DATE, load_rules.edges, HISTORY_MONTHS)
    ends, snaps = held or computations.month_end_snapshots(data.portfolio(key), as_of, DUE_DATE, load_rules.edges,
                                                           TREND_MONTHS)  # fmt: skip
    return workload.load_trend(data.portfolio(key), snaps, ends[-TREND_MONTHS:], load_rules)


def recent_recovery(context: ViewContext, collectors: pl.DataFrame) -> pl.DataFrame:
    """Each collector's recovery rate and target over the last 90 days (the league table's measure)."""
    start = context.as_of - timedelta(days=RECENT_DAYS - 1)
    return workload.with_recovery(collectors, data.league(context, start, context.as_of))


def move_date(as_of: date) -> date:
    """The day moves take effect: today, or the as-of date when it is later (a book dated ahead)."""
    return max(date.today(), as_of)


def apply(context: ViewContext, moves: pl.DataFrame, *, kind: str, details: dict | None = None) -> service.Applied:
    """Apply moves as one audited batch; raises WriteRefused (StaleMoves) with the reason, writing nothing."""
    applied = service.apply_moves(data.store(context.url).engine, service.handovers(moves), actor=context.actor,
                                  effective=move_date(context.as_of), kind=kind, details=details)  # fmt: skip
    data.after_write()
    return applied


def undo(context: ViewContext, batch_id: str) -> service.Applied:
    applied = service.undo_batch(data.store(context.url).engine, batch_id, actor=context.actor,
                                 effective=move_date(context.as_of))  # fmt: skip
    data.after_write()
    return applied


INDEX_COLUMNS = ("load_index", "index_before", "index_after")
OVER_STYLE, UNDER_STYLE = "background-color: #f7dcdc", "background-color: #fbecc8"


def load_table(frame: pl.DataFrame, *, currency: str, key: str, rules: workload.LoadRules | None,
               labels: dict[str, str] | None = None, percent: tuple[str, ...] = (), decimals: dict[str, int] | None = None,
               targets: tuple[tuple[str, str], ...] = (), height: int | str = "auto") -> None:  # fmt: skip
    """A table of load figures: money in currency, shares in percent, indexes to two decimals; a load
    index over capacity on red, under the room mark on amber; (value, target) pairs green or red."""
    from dashboard.components import MET, MISSED, column_config, header, money_columns
    from dashboard.formatting import cents_to_units
    from dashboard.i18n import STRINGS, t
    from dashboard.styled import column_styler, mask

    known = {c: t(f"load.col.{c}") for c in frame.columns if f"load.col.{c}" in STRINGS["en"]}
    labels = {**known, **(labels or {})}
    money = money_columns(frame)
    # Shares as percent with one decimal (the house rule for shares), scaled here for the screen.
    shown = cents_to_units(frame, money).with_columns(pl.col(c) * 100 for c in percent if c in frame.columns)
    config = column_config(shown, labels, money, currency)
    for name in percent:
        config[name] = st.column_config.NumberColumn(header(name, labels), format="%.1f %%")
    for name, places in (decimals or {}).items():
        config[name] = st.column_config.NumberColumn(header(name, labels), format=f"%.{places}f")
    table = shown.to_pandas()
    colours = {}
    for name in INDEX_COLUMNS:
        if rules is not None and name in table.columns:
            values = table[name]
            colours[name] = [(mask(values > rules.over), OVER_STYLE), (mask(values < rules.under), UNDER_STYLE)]
    for value, target in targets:  # a missing value or target compares false both ways: plain
        colours[value] = [(mask(table[value] >= table[target]), MET), (mask(table[value] < table[target]), MISSED)]
    st.dataframe(column_styler(table, colours=colours, texts={}), column_config=config, hide_index=True, key=key,
                 height=height, placeholder="—")  # fmt: skip


def ticked(edited: object) -> list[int]:
    """The steps whose Apply box is ticked in the moves editor (a pandas or Polars frame)."""
    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)  # type: ignore[arg-type]
    return frame.filter(pl.col("apply"))["step"].to_list()
