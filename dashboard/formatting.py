"""How numbers look to people: money with its currency symbol and separators, shares, days.

Amounts arrive in integer cents from ``data_access``; only this module divides them for display.

Rounded amounts (KPI cards, sentences, chart axes and labels) follow the reader's language: in Chinese
they count in 万 (10⁴) and 亿 (10⁸) as Chinese finance staff do (``¥7.06亿``, ``¥3,520.4万``; the rule
is in docs/i18n.md); in English they are whole units with separators. Exact amounts (``decimals=2``),
tables and files are the same in every language. Dates are ISO (``2026-06-30``) in both.
"""

from __future__ import annotations

import math
from decimal import Decimal

import polars as pl

from dashboard.i18n import active_language, t

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥"}


def symbol(currency: str) -> str:
    return SYMBOLS.get(currency, f"{currency} ")


def money(cents: int, currency: str, *, decimals: int = 0, language: str | None = None) -> str:
    """``money(123456789, "CNY")`` -> ``"¥1,234,568"`` (in Chinese ``"¥123.5万"``); exact cents with ``decimals=2``."""
    sign = "-" if cents < 0 else ""
    if decimals == 2:
        units, rest = divmod(abs(int(cents)), 100)
        return f"{sign}{symbol(currency)}{units:,}.{rest:02d}"
    return f"{sign}{symbol(currency)}{_magnitude(abs(cents) / 100, language)}"


WAN, YI = 10_000, 100_000_000  # 万 and 亿, in currency units


def _magnitude(units: float, language: str | None = None) -> str:
    """A non-negative amount in whole units for people: ``1,234,568``; in Chinese ``123.5万`` / ``7.06亿``.

    Chinese rule: below 1万 whole units; from 1万 to below 1亿, 万 with one decimal; from 1亿, 亿 with two
    decimals. An amount that rounds up to the next unit takes it: 99,999,999 is ``1.00亿``, never
    ``10,000.0万``, and 9,999.6 is ``1.0万``, never ``10,000``.
    """
    if (language or active_language()) != "zh":
        return f"{round(units):,}"
    if round(units / WAN, 1) >= WAN:
        return f"{units / YI:,.2f}亿"
    if round(units) >= WAN:
        return f"{units / WAN:,.1f}万"
    return f"{round(units):,}"


def short_money(units: float, currency: str, language: str | None = None) -> str:
    """A compact amount for a chart cell: ``¥1.2M`` / ``¥350.0k``; in Chinese the 万 / 亿 rule of ``money``."""
    sign = "-" if units < 0 else ""
    if (language or active_language()) == "zh":
        return f"{sign}{symbol(currency)}{_magnitude(abs(units), 'zh')}"
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(units) >= size:
            return f"{sign}{symbol(currency)}{abs(units) / size:.1f}{suffix}"
    return f"{sign}{symbol(currency)}{abs(units):,.0f}"


def _tick_text(value: float, currency: str) -> str:
    """An axis label in Chinese units, without trailing zeros: ``¥0``, ``¥500万``, ``¥1.5亿``."""
    sign, value = ("-" if value < 0 else ""), abs(value)
    for size, unit in ((YI, "亿"), (WAN, "万")):
        if value >= size:
            number = f"{value / size:,.4f}".rstrip("0").rstrip(".")
            return f"{sign}{symbol(currency)}{number}{unit}"
    return f"{sign}{symbol(currency)}{value:,.0f}"


def money_ticks(low: float, high: float, currency: str, target: int = 5) -> tuple[list[float], list[str]]:
    """Round tick values from ``low`` to at least ``high`` (currency units) and their Chinese labels.

    About ``target`` steps of 1, 2, 2.5 or 5 × 10^k, so the labels read ``¥0 · ¥2,000万 · ¥4,000万 …``
    or ``¥0 · ¥1亿 · ¥2亿``; Plotly's own ``~s`` format would say ``¥20M``, which no Chinese reader uses.
    """
    low, high = min(low, 0.0), max(high, 0.0)
    span = high - low
    if span <= 0:
        return [0.0], [_tick_text(0, currency)]
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    count = math.ceil((high - first) / step - 1e-9)
    values = [first + i * step for i in range(count + 1)]
    return values, [_tick_text(v, currency) for v in values]


def share(value: float, decimals: int = 1) -> str:
    """A share of a whole, one decimal: ``share(0.357)`` -> ``"35.7 %"``."""
    return f"{value * 100:.{decimals}f} %"


def rate(value: float) -> str:
    """A rate that is often small (loss, roll, bad-debt, dilution rates), two decimals: ``"0.27 %"``."""
    return share(value, 2)


# One rule per kind of figure, for every table: shares show one decimal, rates two (as share() and
# rate() do on cards); ids are plain integers; days, scores and ratios have fixed decimals.
RATE_COLUMNS = frozenset({"stay_rate", "roll_rate", "chain_to_write_off", "post_write_off_recovery", "loss_rate",
                          "dilution", "bad_debt_rate", "coverage"})  # fmt: skip
NUMBER_FORMATS = {
    "score": "%.1f", "original_score": "%.1f", "original_rank": "%d", "adjusted": "%.2f", "satisfaction": "%.2f", "scalar": "%.2f",
    "cycle_days": "%.1f d", "cycle_median": "%.1f d", "weighted_dpd": "%.1f d", "median_age_days": "%.0f d",
    "max_dpd": "%d d", "dpd": "%d d", "age_days": "%d d",
}  # fmt: skip


def table_number_format(name: str, *, percent: bool = False, two_decimals: bool = False) -> str | None:
    """The printf format of a numeric column in a table (values of percent columns already × 100)."""
    if percent:
        return "%.2f %%" if two_decimals or name in RATE_COLUMNS else "%.1f %%"
    if name.endswith("_id") or name == "audit_id":
        return "%d"
    fmt = NUMBER_FORMATS.get(name)
    return fmt[: -len(" d")] + " " + t("unit.days") if fmt and fmt.endswith(" d") else fmt


def days(value: float) -> str:
    """``12.3 d`` (Chinese ``12.3 天``)."""
    return f"{value:,.1f} {t('unit.days')}"


def money_format(currency: str) -> str:
    """printf format for money columns in st.dataframe (values in currency units)."""
    return f"{symbol(currency).replace('%', '%%')}%,.2f"


def cents_to_units(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Money columns from integer cents to currency units, for tables, charts and downloads."""
    return frame.with_columns([(pl.col(c) / 100).alias(c) for c in columns if c in frame.columns])


def units(cents: int) -> Decimal:
    """Exact currency units from integer cents: ``units(147675665)`` -> ``Decimal("1476756.65")``.

    Built from the integer, never by float division, so an export never shows 1476756.6500000001.
    """
    return Decimal(int(cents)).scaleb(-2)


def units_text(cents: pl.Expr) -> pl.Expr:
    """Integer cents as exact decimal text (``-250`` -> ``"-2.50"``), null stays null; for CSV files."""
    whole = cents.abs()
    return pl.concat_str(
        pl.when(cents < 0).then(pl.lit("-")).otherwise(pl.lit("")),
        (whole // 100).cast(pl.String), pl.lit("."), (whole % 100).cast(pl.String).str.zfill(2),
    ).name.keep()  # fmt: skip


def signed_points(delta: float) -> str:
    """A change of a share in percentage points: ``+1.2 pt`` (Chinese ``+1.2 个百分点``)."""
    return f"{delta * 100:+.1f} {t('unit.points')}"


def signed_days(delta: float) -> str:
    return f"{delta:+.1f} {t('unit.days')}"


def signed_money(delta_cents: int, currency: str) -> str:
    return ("+" if delta_cents >= 0 else "-") + money(abs(delta_cents), currency)


def period_label(start, end) -> str:  # noqa: ANN001 - dates
    return f"{start.isoformat()} – {end.isoformat()}"
