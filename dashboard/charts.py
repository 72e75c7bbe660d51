"""Every chart of rdash, drawn with Plotly in one theme.

Bucket colours run from calm (current) to alarming (oldest); money axes carry the currency symbol.
Figures are built from plain lists so the chart code does not depend on a frame library.
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

from dashboard.formatting import symbol

FONT = "Inter, 'Noto Sans SC', 'Microsoft YaHei', sans-serif"
BUCKET_COLOURS = ("#2e7d5b", "#8fbf5a", "#f2c14e", "#f08a4b", "#d9534f", "#8e1b2f", "#4a0d18")
FLOW_COLOURS = {"Paid": "#3b6ea8", "Written off": "#444444"}

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
pio.templates.default = "plotly_white+rdash"


def bucket_colours(labels: list[str]) -> list[str]:
    return [BUCKET_COLOURS[min(i, len(BUCKET_COLOURS) - 1)] for i in range(len(labels))]


def _money_axis(currency: str) -> dict:
    return dict(tickprefix=symbol(currency), tickformat=".3~s", title=None)


def bucket_bars(labels: list[str], amounts: list[float], counts: list[int], currency: str) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=labels, y=amounts, marker_color=bucket_colours(labels), customdata=counts,
            hovertemplate=f"%{{x}}<br>{symbol(currency)}%{{y:,.2f}}<br>%{{customdata:,}} invoices<extra></extra>",
        )  # fmt: skip
    )
    figure.update_layout(yaxis=_money_axis(currency), height=320, showlegend=False)
    return figure


def stacked_by_bucket(categories: list[str], series: dict[str, list[float]], currency: str) -> go.Figure:
    """Horizontal bars, one per category, stacked by bucket (largest category on top)."""
    labels = list(series)
    figure = go.Figure(
        [
            go.Bar(
                y=categories, x=values, name=label, orientation="h", marker_color=colour,
                hovertemplate=f"%{{y}}<br>{label}: {symbol(currency)}%{{x:,.2f}}<extra></extra>",
            )  # fmt: skip
            for (label, values), colour in zip(series.items(), bucket_colours(labels), strict=True)
        ]
    )
    figure.update_layout(
        barmode="stack", xaxis=_money_axis(currency), yaxis=dict(autorange="reversed", title=None),
        height=max(300, 28 * len(categories) + 90),
    )  # fmt: skip
    return figure


def trend_by_bucket(months: list, series: dict[str, list[float]], currency: str) -> go.Figure:
    labels = list(series)
    figure = go.Figure(
        [
            go.Bar(
                x=months, y=values, name=label, marker_color=colour,
                hovertemplate=f"%{{x|%Y-%m-%d}}<br>{label}: {symbol(currency)}%{{y:,.2f}}<extra></extra>",
            )  # fmt: skip
            for (label, values), colour in zip(series.items(), bucket_colours(labels), strict=True)
        ]
    )
    figure.update_layout(barmode="stack", yaxis=_money_axis(currency), xaxis=dict(title=None), height=360)
    return figure


def rate_heatmap(origins: list[str], destinations: list[str], rates: list[list[float]], from_label: str,
                 to_label: str) -> go.Figure:  # fmt: skip
    figure = go.Figure(
        go.Heatmap(
            z=rates, x=destinations, y=origins, colorscale="Blues", zmin=0, zmax=1, texttemplate="%{z:.1%}",
            hovertemplate=f"{from_label} %{{y}} → {to_label} %{{x}}: %{{z:.2%}}<extra></extra>", showscale=False,
            xgap=2, ygap=2,
        )  # fmt: skip
    )
    figure.update_layout(
        xaxis=dict(side="top", title=to_label), yaxis=dict(autorange="reversed", title=from_label),
        height=60 + 44 * len(origins),
    )  # fmt: skip
    return figure


def rate_with_target(months: list, rates: list[float | None], bars: list[float], target: float, *, rate_name: str,
                     bar_name: str, target_name: str, currency: str) -> go.Figure:  # fmt: skip
    """A rate line against its target line, over monthly amounts as bars on a second axis."""
    figure = go.Figure()
    figure.add_bar(x=months, y=bars, name=bar_name, marker_color="#c9d3df", yaxis="y2",
                   hovertemplate=f"%{{x|%Y-%m}}<br>{symbol(currency)}%{{y:,.0f}}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=months, y=rates, name=rate_name, mode="lines+markers", line=dict(color="#c44e52", width=3),
                       hovertemplate="%{x|%Y-%m}<br>%{y:.2%}<extra></extra>")  # fmt: skip
    figure.add_scatter(x=months, y=[target] * len(months), name=target_name, mode="lines",
                       line=dict(color="#1f2933", dash="dash", width=1.5), hoverinfo="skip")  # fmt: skip
    figure.update_layout(
        yaxis=dict(tickformat=".1%", title=None, rangemode="tozero"),
        yaxis2=dict(overlaying="y", side="right", showgrid=False, tickprefix=symbol(currency), tickformat=".3~s",
                    rangemode="tozero"),
        height=360, hovermode="x unified",
    )  # fmt: skip
    return figure


def lines(months: list, series: dict[str, list[float | None]], *, suffix: str = "", percent: bool = False,
          height: int = 300) -> go.Figure:  # fmt: skip
    """A few named monthly series as lines."""
    figure = go.Figure(
        [go.Scatter(x=months, y=values, name=name, mode="lines+markers",
                    hovertemplate=f"%{{x|%Y-%m}}<br>{name}: %{{y:{'.2%' if percent else ',.1f'}}}{suffix}<extra></extra>")
         for name, values in series.items()]  # fmt: skip
    )
    figure.update_layout(yaxis=dict(title=None, ticksuffix=suffix, tickformat=".1%" if percent else None),
                         height=height, hovermode="x unified")  # fmt: skip
    return figure


def monthly_bars(months: list, series: dict[str, list[float]], currency: str, *, stacked: bool = False) -> go.Figure:
    figure = go.Figure(
        [go.Bar(x=months, y=values, name=name, hovertemplate=f"%{{x|%Y-%m}}<br>{name}: {symbol(currency)}%{{y:,.0f}}<extra></extra>")
         for name, values in series.items()]  # fmt: skip
    )
    figure.update_layout(barmode="stack" if stacked else "group", yaxis=_money_axis(currency), height=320)
    return figure


def share_bars(categories: list[str], shares: list[float], name: str) -> go.Figure:
    """Horizontal bars of shares (0..1), largest on top."""
    figure = go.Figure(go.Bar(y=categories, x=shares, orientation="h", name=name, marker_color="#3b6ea8",
                              hovertemplate="%{y}: %{x:.1%}<extra></extra>"))  # fmt: skip
    figure.update_layout(xaxis=dict(tickformat=".1%", title=None), yaxis=dict(autorange="reversed", title=None),
                         height=max(260, 26 * len(categories) + 80), showlegend=False)  # fmt: skip
    return figure


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
    return figure
