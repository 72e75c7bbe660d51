"""Every chart of rdash, drawn with Plotly in one theme.

Bucket colours run from calm (current) to alarming (oldest) and belong to the bucket, not to its
position, so "31-60" has one colour whichever basis the page ages by; money axes carry the currency
symbol. Monthly series are drawn as periods: a month-end value sits in the middle of its month, under
that month's label, and its hover names the series. Figures are built from plain lists so the chart
code does not depend on a frame library.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio

from dashboard import palette
from dashboard.formatting import money_ticks, symbol
from dashboard.i18n import active_language, t

FONT = "Inter, 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
BUCKET_COLOURS = palette.NORMAL.buckets  # the normal screen's; bucket_colours() follows the active palette
FLOW_COLOURS = palette.NORMAL.flows

pio.templates["rdash"] = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT, size=13, color="#1f2933"),
        colorway=["#3b6ea8", "#e07b39", "#4f9d69", "#c44e52", "#8172b2", "#937860", "#da8bc3"],
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin=dict(l=10, r=10, t=30, b=10),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        xaxis=dict(gridcolor="#e5e9f0", zeroline=False),
        yaxis=dict(gridcolor="#e5e9f0", zeroline=False),
        hoverlabel=dict(font=dict(family=FONT)),
    )
)
# Merged once: a default of "plotly_white+rdash" is merged anew by every go.Figure() (16 ms each, most of a
# chart's Python time); the merged template gives the same layout in 0.5 ms.
pio.templates["rdash_white"] = pio.templates.merge_templates("plotly_white", "rdash")
pio.templates.default = "rdash_white"


def finish(figure: go.Figure) -> go.Figure:
    """The active palette (dashboard.palette) on a built figure: type size and colour, series colours,
    grid, and on a projector a height that fills a 16:9 screen's band. Every chart builder ends here."""
    p = palette.active()
    figure.update_layout(font=dict(size=p.font_size, color=p.text), colorway=list(p.colorway),
                         legend=dict(font=dict(size=p.legend_size)), hoverlabel=dict(font=dict(size=p.font_size)))
    figure.update_xaxes(gridcolor=p.grid, tickfont=dict(size=p.font_size, color=p.text))
    figure.update_yaxes(gridcolor=p.grid, tickfont=dict(size=p.font_size, color=p.text))
    if p.min_height and (figure.layout.height or 0) < p.min_height:
        figure.update_layout(height=p.min_height)
    if p.bar_outline:
        figure.update_traces(marker_line=dict(color=p.text, width=p.bar_outline), selector=dict(type="bar"))
    return figure


def _severity(label: str) -> int:
    """How old a bucket is, by its lower edge in days: Current and 0-30 are 0."""
    if label.endswith("+"):  # "180+" holds what is older than 180 days
        head = label[:-1]
        return int(head) + 1 if head.isdigit() else 0
    head = label.split("-")[0]
    return int(head) if head.isdigit() else 0


def bucket_colours(labels: list[str]) -> list[str]:
    """One colour per bucket meaning: by the bucket's lower edge (0 → calm, 181+ → darkest)."""
    steps = (0, 1, 31, 61, 91, 181)
    colours = []
    for label in labels:
        low = _severity(label)
        colours.append(palette.active().buckets[max(i for i, step in enumerate(steps) if low >= step)])
    return colours


PERIODS = {"month": "M1", "quarter": "M3", "year": "M12"}


def period_starts(ends: list[date], kind: str = "month") -> list[date]:
    """The first day of each period (month, quarter or year) that ``ends`` fall in."""
    if kind == "year":
        return [d.replace(month=1, day=1) for d in ends]
    if kind == "quarter":
        return [d.replace(month=3 * ((d.month - 1) // 3) + 1, day=1) for d in ends]
    return [d.replace(day=1) for d in ends]


def _periodic(kind: str) -> dict:
    """Trace settings that put a value in the middle of its period."""
    return dict(xperiod=PERIODS[kind], xperiodalignment="middle")


def _period_axis(kind: str) -> dict:
    # Months as "Jun 2026" in English; Plotly has no Chinese month names loaded, so ISO "2026-06" in Chinese.
    fmt = "%Y" if kind == "year" else "%Y-%m" if active_language() == "zh" else "%b %Y"
    return dict(title=None, ticklabelmode="period", tickformat=fmt, hoverformat=fmt)


def date_ticks() -> dict:
    """Tick labels of a date axis: Plotly's own ("Jan 2026") in English; ISO months ("2026-01") in Chinese,
    as Plotly has no Chinese month names loaded."""
    return dict(tickformat="%Y-%m") if active_language() == "zh" else {}


def _trim_leading_gaps(periods: list, series: dict[str, list]) -> tuple[list, dict[str, list]]:
    """Drop the periods before the first one with any value, so an axis starts where the data does."""
    first = next((i for i in range(len(periods)) if any(v[i] is not None for v in series.values())), len(periods))
    return periods[first:], {name: values[first:] for name, values in series.items()}


def _money_axis(currency: str, extent: list[float] | None = None) -> dict:
    """A money axis: SI ticks (``¥20M``) in English; in Chinese round ticks in 万 / 亿 over ``extent``
    (the values the axis must show: bar heights, stacked totals)."""
    values = [v for v in (extent or []) if v is not None and math.isfinite(v)]
    if active_language() == "zh" and values:
        ticks, text = money_ticks(min(values), max(values), currency)
        return dict(tickvals=ticks, ticktext=text, title=None)
    return dict(tickprefix=symbol(currency), tickformat=".3~s", title=None)


def _stacked_extent(series: dict[str, list[float]]) -> list[float]:
    """The totals of stacked series at each position (what a stacked money axis must reach)."""
    columns = list(zip(*series.values(), strict=True)) if series else []
    return [sum(v for v in column if v is not None and v > 0) for column in columns] + \
           [sum(v for v in column if v is not None and v < 0) for column in columns]  # fmt: skip


def bucket_bars(labels: list[str], amounts: list[float], counts: list[int], currency: str,
                colours: list[str] | None = None) -> go.Figure:  # fmt: skip
    """Amount per bucket; ``colours`` from ``bucket_colours`` of the untranslated bucket keys."""
    figure = go.Figure(
        go.Bar(
            x=labels, y=amounts, marker_color=colours or bucket_colours(labels), customdata=counts,
            hovertemplate=f"%{{x}}<br>{symbol(currency)}%{{y:,.2f}}<br>{t('chart.invoice_count', n='%{customdata:,}')}<extra></extra>",
        )  # fmt: skip
    )
    figure.update_layout(yaxis=_money_axis(currency, amounts), height=320, showlegend=False)
    return finish(figure)


def stacked_by_bucket(categories: list[str], series: dict[str, list[float]], currency: str,
                      colours: list[str] | None = None) -> go.Figure:  # fmt: skip
    """Horizontal bars, one per category, stacked by bucket (largest category on top)."""
    labels = list(series)
    figure = go.Figure(
        [
            go.Bar(
                y=categories, x=values, name=label, orientation="h", marker_color=colour,
                hovertemplate=f"%{{y}}<br>{label}: {symbol(currency)}%{{x:,.2f}}<extra></extra>",
            )  # fmt: skip
            for (label, values), colour in zip(series.items(), colours or bucket_colours(labels), strict=True)
        ]
    )
    figure.update_layout(
        barmode="stack", xaxis=_money_axis(currency, _stacked_extent(series)), yaxis=dict(autorange="reversed", title=None),
        height=max(300, 28 * len(categories) + 90),
    )  # fmt: skip
    return finish(figure)


def trend_by_bucket(months: list, series: dict[str, list[float]], currency: str,
                    colours: list[str] | None = None) -> go.Figure:  # fmt: skip
    """Month-end balances by bucket, one stacked bar per month. ``months`` are month ends."""
    labels = list(series)
    starts = period_starts(months)
    figure = go.Figure(
        [
            go.Bar(
                x=starts, y=values, name=label, marker_color=colour, **_periodic("month"),
                hovertemplate=f"{label}: {symbol(currency)}%{{y:,.2f}}<extra></extra>",
            )  # fmt: skip
            for (label, values), colour in zip(series.items(), colours or bucket_colours(labels), strict=True)
        ]
    )
    figure.update_layout(barmode="stack", yaxis=_money_axis(currency, _stacked_extent(series)), xaxis=_period_axis("month"), height=360,
                         hovermode="x unified")  # fmt: skip
    return finish(figure)


def rate_heatmap(origins: list[str], destinations: list[str], rates: list[list[float]], from_label: str,
                 to_label: str) -> go.Figure:  # fmt: skip
    figure = go.Figure(
        go.Heatmap(
            z=rates, x=destinations, y=origins, colorscale=palette.active().heat_scale, zmin=0, zmax=1, texttemplate="%{z:.1%}",
            hovertemplate=f"{from_label} %{{y}} → {to_label} %{{x}}: %{{z:.2%}}<extra></extra>", showscale=False,
            xgap=2, ygap=2,
        )  # fmt: skip
    )
    figure.update_layout(
        xaxis=dict(side="top", title=to_label), yaxis=dict(autorange="reversed", title=from_label),
        height=60 + 44 * len(origins),
    )  # fmt: skip
    return finish(figure)


def rate_with_target(months: list, rates: list[float | None], bars: list[float], target: float, *, rate_name: str,
                     bar_name: str, target_name: str, currency: str) -> go.Figure:  # fmt: skip
    """A rate line against its target line, over monthly amounts as bars on a second axis."""
    starts = period_starts(months)
    figure = go.Figure()
    figure.add_bar(x=starts, y=bars, name=bar_name, marker_color=palette.active().muted, yaxis="y2", **_periodic("month"),
                   hovertemplate=f"{bar_name}: {symbol(currency)}%{{y:,.0f}}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=starts, y=rates, name=rate_name, mode="lines+markers", line=dict(color=palette.active().status["bad"], width=3),
                       hovertemplate=f"{rate_name}: %{{y:.2%}}<extra></extra>", **_periodic("month"))  # fmt: skip
    figure.add_scatter(x=starts, y=[target] * len(starts), name=target_name, mode="lines", **_periodic("month"),
                       line=dict(color=palette.active().reference, dash="dash", width=1.5),
                       hovertemplate=f"{target_name}: %{{y:.2%}}<extra></extra>")  # fmt: skip
    figure.update_layout(
        xaxis=_period_axis("month"),
        yaxis=dict(tickformat=".2~%", title=None, rangemode="tozero"),
        yaxis2=dict(overlaying="y", side="right", showgrid=False, rangemode="tozero", **_money_axis(currency, bars)),
        height=360, hovermode="x unified",
    )  # fmt: skip
    return finish(figure)


def lines(ends: list, series: dict[str, list[float | None]], *, suffix: str = "", percent: bool = False,
          height: int = 300, period: str = "month") -> go.Figure:  # fmt: skip
    """A few named series per period (month, quarter or year) as lines; ``ends`` are dates in the periods.

    Periods before the first value are left off the axis; a gap inside the data stays a gap.
    """
    starts, series = _trim_leading_gaps(period_starts(ends, period), series)
    number = ".2%" if percent else ",.1f"
    figure = go.Figure(
        [go.Scatter(x=starts, y=values, name=name, mode="lines+markers", **_periodic(period),
                    hovertemplate=f"{name}: %{{y:{number}}}{suffix}<extra></extra>")
         for name, values in series.items()]  # fmt: skip
    )
    figure.update_layout(xaxis=_period_axis(period),
                         yaxis=dict(title=None, ticksuffix=suffix, tickformat=".2~%" if percent else None),
                         height=height, hovermode="x unified")  # fmt: skip
    return finish(figure)


def monthly_bars(months: list, series: dict[str, list[float]], currency: str, *, stacked: bool = False) -> go.Figure:
    """Amounts per month as bars; ``months`` are month ends."""
    starts = period_starts(months)
    figure = go.Figure(
        [go.Bar(x=starts, y=values, name=name, **_periodic("month"),
                hovertemplate=f"{name}: {symbol(currency)}%{{y:,.0f}}<extra></extra>")
         for name, values in series.items()]  # fmt: skip
    )
    extent = _stacked_extent(series) if stacked else [v for values in series.values() for v in values]
    figure.update_layout(barmode="stack" if stacked else "group", yaxis=_money_axis(currency, extent), height=320,
                         xaxis=_period_axis("month"), hovermode="x unified")  # fmt: skip
    return finish(figure)


def share_bars(categories: list[str], shares: list[float], name: str, *, title: str | None = None) -> go.Figure:
    """Horizontal bars of shares (0..1), largest on top; the x axis is titled ``name``."""
    figure = go.Figure(go.Bar(y=categories, x=shares, orientation="h", name=name, marker_color=palette.active().colorway[0],
                              hovertemplate="%{y}: %{x:.1%}<extra></extra>"))  # fmt: skip
    figure.update_layout(xaxis=dict(tickformat=".0%", title=name), yaxis=dict(autorange="reversed", title=None),
                         height=max(260, 26 * len(categories) + 110), showlegend=False,
                         title=dict(text=title, x=0, font=dict(size=15)) if title else None,
                         margin=dict(t=50 if title else 30))  # fmt: skip
    return finish(figure)


def scatter_by_group(x: list[float], y: list[float], groups: list[str], names: list[str], *, x_title: str,
                     y_title: str, y_percent: bool = False) -> go.Figure:  # fmt: skip
    """One point per item, coloured by group (e.g. collectors by level)."""
    figure = go.Figure()
    for group in sorted(set(groups)):
        idx = [i for i, g in enumerate(groups) if g == group]
        figure.add_scatter(
            x=[x[i] for i in idx], y=[y[i] for i in idx], mode="markers", name=group, text=[names[i] for i in idx],
            marker=dict(size=10, opacity=0.8),
            hovertemplate=f"%{{text}}<br>{x_title}: %{{x:.0%}}<br>{y_title}: %{{y:{'.1%' if y_percent else '.2f'}}}<extra></extra>",
        )  # fmt: skip
    figure.update_layout(xaxis=dict(title=x_title, tickformat=".0%"),
                         yaxis=dict(title=y_title, tickformat=".0%" if y_percent else ".2f"), height=380)  # fmt: skip
    return finish(figure)


def path_to_target(days: Sequence, actual: Sequence[float | None], to_target: Sequence[float], *, actual_name: str,
                   target_name: str, percent: bool, currency: str | None = None, title: str = "") -> go.Figure:  # fmt: skip
    """A metric through its period, day by day: the path so far (solid) against the path to its target
    (dashed); ``currency`` makes it an amount (values in units), ``percent`` a share. Arrays (NumPy, NaN for
    a day not known yet) are taken as they are: Plotly checks a list's values one by one, an array at once."""
    number = ".1%" if percent else ",.0f" if currency else ",.2f"
    prefix = symbol(currency) if currency else ""
    figure = go.Figure()
    figure.add_scatter(x=days, y=to_target, name=target_name, mode="lines", line=dict(color=palette.active().reference, dash="dash",
                       width=1.5), hovertemplate=f"{target_name}: {prefix}%{{y:{number}}}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=days, y=actual, name=actual_name, mode="lines", line=dict(color=palette.active().colorway[0], width=3),
                       hovertemplate=f"{actual_name}: {prefix}%{{y:{number}}}<extra></extra>")  # fmt: skip
    figure.update_layout(title=dict(text=title, font=dict(size=14)), height=280, hovermode="x unified",
                         xaxis=dict(title=None, **date_ticks()),
                         yaxis=dict(title=None, tickformat=".2~%" if percent else None, tickprefix=prefix,
                                    rangemode="tozero"),
                         margin=dict(l=10, r=10, t=60, b=10))  # fmt: skip
    return finish(figure)
