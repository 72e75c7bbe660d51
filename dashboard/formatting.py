"""How numbers look to people: money with its currency symbol and separators, shares, days.

Amounts arrive in integer cents from ``data_access``; only this module divides them for display.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "¥"}


def symbol(currency: str) -> str:
    return SYMBOLS.get(currency, f"{currency} ")


def money(cents: int, currency: str, *, decimals: int = 0) -> str:
    """``money(123456789, "CNY")`` -> ``"¥1,234,568"``; exact cents with ``decimals=2``."""
    sign = "-" if cents < 0 else ""
    if decimals == 2:
        units, rest = divmod(abs(int(cents)), 100)
        return f"{sign}{symbol(currency)}{units:,}.{rest:02d}"
    return f"{sign}{symbol(currency)}{round(abs(cents) / 100):,}"


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
    return NUMBER_FORMATS.get(name)


def days(value: float) -> str:
    return f"{value:,.1f} d"


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
    """A change of a share in percentage points: ``+1.2 pt``."""
    return f"{delta * 100:+.1f} pt"


def signed_days(delta: float) -> str:
    return f"{delta:+.1f} d"


def signed_money(delta_cents: int, currency: str) -> str:
    return ("+" if delta_cents >= 0 else "-") + money(abs(delta_cents), currency)


def period_label(start, end) -> str:  # noqa: ANN001 - dates
    return f"{start.isoformat()} – {end.isoformat()}"
