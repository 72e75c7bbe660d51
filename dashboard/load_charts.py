"""Charts of the Regional load page, in the one theme of ``dashboard.charts`` (imported for its template).

Load indexes are drawn against two reference lines, the under-load and over-capacity marks; a bar's
colour says which side of them it is on, so over- and under-loaded collectors stand out at a glance.
"""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import charts  # the rdash Plotly template and the active palette (charts.finish)
from dashboard.formatting import short_money, symbol

OVER_COLOUR, UNDER_COLOUR, OK_COLOUR, IDLE_COLOUR = "#c44e52", "#e0a93b", "#4f9d69", "#9aa5b1"
LEVEL_COLOURS = {"junior": "#9ecae1", "mid": "#4f8fc0", "senior": "#1f4e79"}


def index_colour(value: float | None, under: float, over: float, active: bool = True) -> str:
    if not active or value is None:
        return IDLE_COLOUR
    return OVER_COLOUR if value > over else UNDER_COLOUR if value < under else OK_COLOUR


def _marks(figure: go.Figure, under: float, over: float, horizontal: bool) -> None:
    for value, dash in ((over, "dash"), (under, "dot")):
        if horizontal:
            figure.add_vline(x=value, line_dash=dash, line_color="#1f2933", line_width=1)
        else:
            figure.add_hline(y=value, line_dash=dash, line_color="#1f2933", line_width=1)


def index_bars(names: list[str], values: list[float | None], colours: list[str], *, under: float, over: float,
               hover: list[str] | None = None) -> go.Figure:  # fmt: skip
    """Horizontal bars of load indexes, one per name (first on top), with the under and over marks."""
    # The status is written on each bar as well as coloured: ▲ over capacity, ▼ room to take on more.
    text = [f"{'▲ ' if v is not None and v > over else '▼ ' if v is not None and v < under else ''}{v or 0:.2f}"
            for v in values]  # fmt: skip
    figure = go.Figure(go.Bar(y=names, x=[v or 0 for v in values], orientation="h", marker_color=colours,
                              customdata=hover or names, text=text, texttemplate="%{text}", textposition="auto",
                              insidetextanchor="end", hovertemplate="%{customdata}<br>%{x:.2f}<extra></extra>"))  # fmt: skip
    _marks(figure, under, over, horizontal=True)
    top = max([v or 0 for v in values] + [over]) * 1.15
    figure.update_layout(xaxis=dict(title=None, range=[0, top]), yaxis=dict(autorange="reversed", title=None),
                         height=max(150, 26 * len(names) + 80), showlegend=False)  # fmt: skip
    return charts.finish(figure)


def money_heatmap(rows: list[str], columns: list[str], cents: list[list[int]], currency: str) -> go.Figure:
    """Rows × columns of amounts (integer cents), coloured by amount, each cell labelled in currency."""
    units = [[c / 100 for c in row] for row in cents]
    text = [[_short(u, currency) for u in row] for row in units]
    figure = go.Figure(go.Heatmap(
        z=units, x=columns, y=rows, text=text, texttemplate="%{text}", colorscale="OrRd", showscale=False,
        xgap=2, ygap=2, hovertemplate=f"%{{y}} · %{{x}}<br>{symbol(currency)}%{{z:,.2f}}<extra></extra>",
    ))  # fmt: skip
    figure.update_layout(xaxis=dict(side="top", title=None), yaxis=dict(autorange="reversed", title=None),
                         height=70 + 34 * len(rows))  # fmt: skip
    return charts.finish(figure)


def _short(units: float, currency: str) -> str:
    return "—" if units == 0 else short_money(units, currency)


def level_bars(regions: list[str], by_level: dict[str, list[float | None]], labels: dict[str, str], *,
               under: float, over: float) -> go.Figure:  # fmt: skip
    """Load index of each region's juniors, mids and seniors side by side, against the marks."""
    figure = go.Figure([
        go.Bar(x=regions, y=values, name=labels[level], marker_color=LEVEL_COLOURS[level],
               hovertemplate=f"%{{x}} · {labels[level]}: %{{y:.2f}}<extra></extra>")
        for level, values in by_level.items()
    ])  # fmt: skip
    _marks(figure, under, over, horizontal=False)
    figure.update_layout(barmode="group", yaxis=dict(title=None, rangemode="tozero"), xaxis=dict(title=None),
                         height=340)  # fmt: skip
    return charts.finish(figure)


def index_lines(months: list, series: dict[str, list[float | None]], *, under: float, over: float) -> go.Figure:
    """Load index per region over month ends."""
    figure = go.Figure([go.Scatter(x=months, y=values, name=name, mode="lines+markers",
                                   hovertemplate=f"%{{x|%Y-%m}}<br>{name}: %{{y:.2f}}<extra></extra>")
                        for name, values in series.items()])  # fmt: skip
    _marks(figure, under, over, horizontal=False)
    figure.update_layout(yaxis=dict(title=None, rangemode="tozero"), xaxis=dict(title=None, **charts.date_ticks()), height=360,
                         hovermode="x unified")  # fmt: skip
    return charts.finish(figure)


def before_after(names: list[str], before: list[float | None], after: list[float | None], *, labels: tuple[str, str],
                 under: float, over: float) -> go.Figure:  # fmt: skip
    """Each collector's load index before and after the moves: a grey dot, a coloured dot and a line."""
    figure = go.Figure()
    for name, b, a in zip(names, before, after, strict=True):
        figure.add_scatter(x=[b, a], y=[name, name], mode="lines", line=dict(color="#c9d3df", width=4),
                           hoverinfo="skip", showlegend=False)  # fmt: skip
    figure.add_scatter(x=before, y=names, mode="markers", name=labels[0], marker=dict(color=IDLE_COLOUR, size=10),
                       hovertemplate=f"%{{y}}<br>{labels[0]}: %{{x:.2f}}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=after, y=names, mode="markers", name=labels[1],
                       marker=dict(color=[index_colour(v, under, over) for v in after], size=12),
                       hovertemplate=f"%{{y}}<br>{labels[1]}: %{{x:.2f}}<extra></extra>")  # fmt: skip
    _marks(figure, under, over, horizontal=True)
    figure.update_layout(yaxis=dict(autorange="reversed", title=None), xaxis=dict(title=None, rangemode="tozero"),
                         height=max(260, 24 * len(names) + 90))  # fmt: skip
    return charts.finish(figure)

