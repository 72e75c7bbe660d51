"""Money is shown with its currency symbol and thousands separators, exact to the cent."""

import polars as pl

from decimal import Decimal

from dashboard.formatting import cents_to_units, money, money_format, share, units, units_text


def test_money_rounds_to_whole_units_with_separators() -> None:
    assert money(123_456_789, "CNY") == "¥1,234,568"


def test_money_with_cents_is_exact() -> None:
    assert money(123_456_789, "CNY", decimals=2) == "¥1,234,567.89"
    assert money(1, "USD", decimals=2) == "$0.01"
    assert money(-250, "EUR", decimals=2) == "-€2.50"


def test_unknown_currencies_show_their_code() -> None:
    assert money(100_000, "CHF") == "CHF 1,000"


def test_table_format_and_shares() -> None:
    assert money_format("CNY") == "¥%,.2f"
    assert share(0.2234) == "22.3 %"


def test_cents_become_currency_units_for_display() -> None:
    frame = cents_to_units(pl.DataFrame({"amount_cents": [9_999], "n": [1]}), ["amount_cents"])
    assert frame.rows() == [(99.99, 1)]



def test_units_are_exact_decimals_built_from_cents() -> None:
    assert units(147_675_665) == Decimal("1476756.65") and str(units(147_675_665)) == "1476756.65"
    assert str(units(1)) == "0.01" and str(units(-250)) == "-2.50"
    frame = pl.DataFrame({"c": [147_675_665, 1, -5, 0, None]})
    assert frame.select(units_text(pl.col("c")))["c"].to_list() == ["1476756.65", "0.01", "-0.05", "0.00", None]


def test_a_table_with_an_unknown_ratio_exports_to_excel() -> None:
    from dashboard import export

    frame = pl.DataFrame({"rate": [0.5, float("nan"), float("inf")]})
    sheet = export.Sheet(export.columns(frame, {}, currency="CNY", percent=("rate",)), about=(("Table", "t"),))
    assert export.xlsx_bytes(frame, sheet)[:2] == b"PK"  # a zip: an xlsx workbook
