"""The early-warning page's charts and its level-coloured table, in the one rdash theme.

The charts use the theme ``dashboard.charts`` registers on import; they are kept apart from ``charts.py``
only so that two people could change both at once, and can move into it whole.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import charts
from dashboard.components import _first_selection, column_config, for_screen, money_columns
from dashboard.formatting import symbol

LEVEL_COLOURS = {"red": "#c0392b", "amber": "#e0a030", "green": "#4f9d69"}
LEVEL_SHAPES = {"red": "▲", "amber": "◆", "green": "●"}  # a level is told by its word and shape, not colour alone
LEVEL_CELLS = {"red": "#f6d0cb", "amber": "#fbe6bd", "green": "#d9eedd"}  # a level's label in a table
LANE_COLOURS = {
    "invoice": "#3b6ea8", "payment": "#4f9d69", "credit": "#8172b2", "write_off": "#444444", "promise": "#e07b39",
    "action": "#7f8c99", "event": "#c0392b", "rating": "#937860",
}  # fmt: skip
PROMISE_SYMBOLS = {"kept": "circle", "partial": "diamond", "broken": "x", "pending": "circle-open"}
UP, DOWN = "#c0392b", "#4f9d69"  # a factor raising the risk, lowering it


def timeline(rows: list[dict], lane_names: dict[str, str], what_names: dict[str, str], currency: str,
             as_of) -> go.Figure:  # noqa: ANN001 - a date
    """One debtor's history on one chart: a lane per kind of fact, a marker per fact (sized by amount
    where it has one), the as-of date as a line. ``rows``: date, lane, what, amount_cents, invoice_number."""
    figure = go.Figure()
    lanes = [lane for lane in lane_names if any(r["lane"] == lane for r in rows)]
    for lane in lanes:
        mine = [r for r in rows if r["lane"] == lane]
        amounts = [r["amount_cents"] / 100 if r["amount_cents"] is not None else None for r in mine]
        largest = max([a for a in amounts if a] or [1])
        sizes = [9 if a is None else 7 + 17 * (a / largest) ** 0.5 for a in amounts]
        texts = [
            " · ".join(part for part in (what_names.get(r["what"], r["what"]),
                                         f"{symbol(currency)}{r['amount_cents'] / 100:,.2f}" if r["amount_cents"] else "",
                                         r["invoice_number"] or "") if part)
            for r in mine
        ]  # fmt: skip
        symbols = [PROMISE_SYMBOLS.get(r["what"], "circle") for r in mine] if lane == "promise" else "circle"
        figure.add_scatter(
            x=[r["date"] for r in mine], y=[lane_names[lane]] * len(mine), mode="markers", name=lane_names[lane],
            marker=dict(size=sizes, color=LANE_COLOURS.get(lane, "#3b6ea8"), symbol=symbols, opacity=0.75,
                        line=dict(width=1, color="#ffffff")),
            text=texts, hovertemplate="%{x|%Y-%m-%d}<br>%{text}<extra>" + lane_names[lane] + "</extra>",
        )  # fmt: skip
    figure.add_vline(x=as_of, line=dict(color="#1f2933", dash="dash", width=1.5))
    figure.update_layout(
        height=90 + 46 * max(len(lanes), 1), showlegend=False,
        yaxis=dict(categoryorder="array", categoryarray=[lane_names[lane] for lane in reversed(lanes)], title=None,
                   tickfont=dict(size=15, color="#1f2933")),
        xaxis=dict(title=None, tickfont=dict(size=14, color="#1f2933"), **charts.date_ticks()), margin=dict(l=10, r=10, t=20, b=10),
    )  # fmt: skip
    return charts.finish(figure)


def contributions(labels: list[str], values: list[float]) -> go.Figure:
    """A debtor's strongest factors as horizontal bars, largest on top; the sign is written on each bar,
    so the direction does not rest on colour alone."""
    figure = go.Figure(go.Bar(
        y=labels, x=values, orientation="h", marker_color=[UP if v > 0 else DOWN for v in values],
        text=[f"{v:+.2f}" for v in values], textposition="outside", cliponaxis=False,
        textfont=dict(size=15, color="#1f2933"),
        hovertemplate="%{y}: %{x:+.2f}<extra></extra>",
    ))  # fmt: skip
    span = max([abs(v) for v in values] or [1]) * 1.4
    figure.update_layout(
        xaxis=dict(title=None, zeroline=True, zerolinecolor="#1f2933", range=[-span if min(values or [0]) < 0 else 0,
                                                                               span]),  # fmt: skip
        yaxis=dict(autorange="reversed", title=None, tickfont=dict(size=15, color="#1f2933")),
        height=70 + 44 * len(labels), showlegend=False, margin=dict(l=10, r=30, t=10, b=10),
    )  # fmt: skip
    return charts.finish(figure)


def calibration(predicted: list[float], observed: list[float], counts: list[int], *, x_title: str, y_title: str,
                name: str, ideal: str) -> go.Figure:  # fmt: skip
    """Predicted probability against the observed rate per probability bin; the diagonal is perfect."""
    figure = go.Figure()
    figure.add_scatter(x=[0, 1], y=[0, 1], mode="lines", name=ideal, line=dict(color="#9aa5b1", dash="dash"),
                       hoverinfo="skip")  # fmt: skip
    figure.add_scatter(
        x=predicted, y=observed, mode="lines+markers", name=name, customdata=counts,
        marker=dict(size=[8 + 14 * (c / max(counts or [1])) ** 0.5 for c in counts], color=charts.BUCKET_COLOURS[4]),
        line=dict(color=charts.BUCKET_COLOURS[4], width=2),
        hovertemplate="%{x:.0%} → %{y:.0%}<br>%{customdata:,}<extra></extra>",
    )  # fmt: skip
    figure.update_layout(
        xaxis=dict(title=x_title, tickformat=".0%", range=[0, 1]), yaxis=dict(title=y_title, tickformat=".0%",
                                                                               range=[0, 1]),  # fmt: skip
        height=380, font=dict(size=14),
    )
    return charts.finish(figure)


def level_table(frame: pl.DataFrame, *, levels: list[str], currency: str, key: str, labels: dict[str, str],
                percent: tuple[str, ...] = (), hidden: tuple[str, ...] = (), height: int | str = "auto",
                selectable: bool | list[int] = False):  # fmt: skip
    """A money table whose ``level`` column (already worded, e.g. "▲ Red") is shown as a label coloured by
    ``levels``, the level of each row (red, amber, green). Returns the selection, as ``st.dataframe`` does.

    The colour comes from the column's configuration (a one-label multiselect column), not from a pandas
    Styler: a Styler renders every cell of the table in Python (1.5 s for the 3,600 debtors listed at 1M
    invoices), a column configuration costs nothing per row."""
    money = money_columns(frame)
    shown = for_screen(frame, money, percent)
    config = column_config(shown, labels, money, currency, percent)
    for name in hidden:
        config[name] = None
    if "debtor" in config and config["debtor"] is not None:  # what the row is stays in view while scrolling sideways
        config["debtor"] = st.column_config.Column(labels.get("debtor", "debtor"), pinned=True)
    for name in ("signals", "rule", "action"):
        if name in config:
            config[name] = st.column_config.TextColumn(labels.get(name, name), width="medium")
    if "level" in shown.columns and config.get("level", True) is not None:
        words = dict(zip(levels, shown["level"].to_list(), strict=True))  # level -> its word, as worded here
        order = [level for level in LEVEL_CELLS if level in words]
        shown = shown.with_columns(pl.concat_list(pl.col("level")).alias("level"))
        config["level"] = st.column_config.MultiselectColumn(
            labels.get("level", "level"), options=[words[level] for level in order],
            color=[LEVEL_CELLS[level] for level in order], pinned=True, disabled=True)  # fmt: skip
    data = shown.to_pandas()
    return st.dataframe(data, column_config=config, hide_index=True, key=key, height=height, placeholder="—",
                        on_select="rerun" if selectable is not False else "ignore", selection_mode="single-row",
                        selection_default=_first_selection(selectable))  # fmt: skip
