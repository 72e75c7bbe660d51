"""Issue 13: the reader's language for amounts, names and whole pages (English and Simplified Chinese)."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.formatting import days, money, money_ticks, short_money, signed_points, table_number_format
from dashboard.i18n import in_language
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared


# --- amounts in 万 and 亿 --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cents", "shown"), [
    (70_600_000_000, "¥7.06亿"),  # 706,000,000 yuan
    (35_204_000_00, "¥3,520.4万"),  # 35,204,000 yuan
    (999_900, "¥9,999"),  # below 1万: whole yuan
    (1_000_000, "¥1.0万"),  # 10,000 yuan
    (9_999_999_999, "¥1.00亿"),  # 99,999,999.99 yuan rounds to 1.00亿, never 10,000.0万
    (99_994_999_00, "¥9,999.5万"),
    (-4_720_000_00, "-¥472.0万"),
    (0, "¥0"),
])  # fmt: skip
def test_chinese_amounts_count_in_wan_and_yi(cents: int, shown: str) -> None:
    assert money(cents, "CNY", language="zh") == shown


def test_english_amounts_are_unchanged_whole_units() -> None:
    assert money(70_600_000_000, "CNY", language="en") == "¥706,000,000"
    with in_language("zh"):
        assert money(70_600_000_000, "CNY") == "¥7.06亿"
        assert money(123_456_789, "CNY", decimals=2) == "¥1,234,567.89"  # exact amounts are the same in both
    assert money(70_600_000_000, "CNY") == "¥706,000,000"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_a_chinese_amount_reads_back_to_the_amount_within_its_rounding(cents: int) -> None:
    shown = money(cents, "CNY", language="zh")
    number = shown.lstrip("-").removeprefix("¥")
    unit, step = ((10**8, 0.005 * 10**8) if number.endswith("亿") else (10**4, 0.05 * 10**4) if number.endswith("万")
                  else (1, 0.5))  # fmt: skip
    value = float(number.rstrip("万亿").replace(",", "")) * unit * (-1 if shown.startswith("-") else 1)
    assert abs(value - cents / 100) <= step + 1e-6 * abs(cents / 100)
    assert not number.startswith("10,000.0万")


def test_chart_cells_and_units_follow_the_language() -> None:
    assert short_money(1_234_567, "CNY", language="en") == "¥1.2M"
    assert short_money(1_234_567, "CNY", language="zh") == "¥123.5万"
    with in_language("zh"):
        assert days(12.34) == "12.3 天" and signed_points(0.012) == "+1.2 个百分点"
        assert table_number_format("dpd") == "%d 天"
    assert days(12.34) == "12.3 d" and signed_points(0.012) == "+1.2 pt" and table_number_format("dpd") == "%d d"


def test_chinese_axis_ticks_are_round_numbers_of_wan_and_yi_covering_the_values() -> None:
    assert money_ticks(0, 58_959_893, "CNY") == (
        [0, 20_000_000, 40_000_000, 60_000_000], ["¥0", "¥2,000万", "¥4,000万", "¥6,000万"])  # fmt: skip
    assert money_ticks(0, 230_000_000, "CNY") == (
        [0, 50_000_000, 100_000_000, 150_000_000, 200_000_000, 250_000_000],
        ["¥0", "¥5,000万", "¥1亿", "¥1.5亿", "¥2亿", "¥2.5亿"])  # fmt: skip
    # span 12,000 / 5 = 2,400 -> a step of 2,500, from the multiple below -3,000 to the one above 9,000
    assert money_ticks(-3_000, 9_000, "CNY")[1] == ["-¥5,000", "-¥2,500", "¥0", "¥2,500", "¥5,000", "¥7,500", "¥1万"]
    assert money_ticks(0, 0, "CNY") == ([0.0], ["¥0"])


def test_a_day_by_day_chart_dates_its_axis_in_iso_months_in_chinese() -> None:
    """Plotly knows no Chinese month names: "Jan 2026" on a Chinese page would be English; "2026-01" is not."""
    from datetime import date

    from dashboard.charts import path_to_target

    def tick_format() -> str | None:
        return path_to_target([date(2026, 1, 1), date(2026, 1, 2)], [0.1, 0.2], [0.0, 0.01], actual_name="a",
                              target_name="b", percent=True).layout.xaxis.tickformat  # fmt: skip

    with in_language("zh"):
        assert tick_format() == "%Y-%m"
    assert tick_format() is None  # English keeps Plotly's own month names


@given(st.floats(min_value=1, max_value=1e13, allow_nan=False))
def test_axis_ticks_start_at_zero_and_reach_the_top(top: float) -> None:
    values, labels = money_ticks(0, top, "CNY")
    # "reach" to float precision: a top of 1.0000000000000002 is the tick 1 (a 10^-9 tolerance keeps float noise
    # from adding a tick; the ticks only label the axis, whose range Plotly takes from the data)
    assert values[0] == 0 and values[-1] >= top * (1 - 1e-9) and len(values) == len(labels) <= 12


# --- names from the data ---------------------------------------------------------------------------------------

def test_a_book_in_chinese_takes_names_from_zh_columns_and_keeps_the_rest() -> None:
    from data_access.book.portfolio import Portfolio

    empty = pl.DataFrame()
    regions = pl.DataFrame({"region_id": [1, 2], "name": ["East China", "Bohai Rim"], "name_zh": ["华东", " "]})
    book = Portfolio(invoices=empty, reductions=empty, debtors=pl.DataFrame({"debtor_id": [1], "name": ["Acme"]}),
                     clients=empty, collectors=empty, regions=regions, ratings=empty, assignments=empty, currency="CNY",
                     data_version=1)  # fmt: skip
    assert book.in_language("zh").regions["name"].to_list() == ["华东", "Bohai Rim"]  # a blank name_zh keeps the name
    assert book.in_language("zh").debtors["name"].to_list() == ["Acme"]
    assert book.in_language("en") is book


def test_codes_with_a_text_are_shown_in_words_and_others_as_they_are() -> None:
    from dashboard.components import in_words

    frame = pl.DataFrame({"bucket": ["Current", "1-30"], "industry": ["Construction", "Mining"], "debtor": ["A", "B"]})
    with in_language("zh"):
        assert in_words(frame).rows() == [("未到期", "建筑业", "A"), ("1-30", "Mining", "B")]
    assert in_words(frame).rows() == frame.rows()


def test_the_book_key_carries_the_language_of_its_names() -> None:
    from datetime import date

    from data_access.book.context import ViewContext
    from data_access.db.store import Scope

    english = ViewContext(url="sqlite://", actor="a", scope=Scope.everything(), as_of=date(2026, 6, 30))
    chinese = ViewContext(url="sqlite://", actor="a", scope=Scope.everything(), as_of=date(2026, 6, 30), language="zh")
    assert english.book_key() != chinese.book_key()
    assert english.book_key()._replace(language="zh") == chinese.book_key()


# --- whole pages in Chinese (AppTest) ----------------------------------------------------------------------------

PAGE_TITLES = [("pages/overview.py", "总览"), ("pages/aging.py", "账龄分析"), ("pages/bad_debt.py", "坏账与拨备"),
               ("pages/factoring.py", "保理资产组合"), ("pages/league.py", "催收员排行榜"),
               ("pages/early_warning.py", "风险预警名单"), ("pages/regional_load.py", "区域负荷与案件再平衡"),
               ("pages/audit.py", "审计日志")]  # fmt: skip


@pytest.mark.parametrize(("script", "title"), PAGE_TITLES, ids=[s.split("/")[1] for s, _ in PAGE_TITLES])
def test_every_page_runs_in_chinese(app_on, demo_sqlite_url, script, title) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=script, lang="zh")
    assert not app.exception
    assert not app.error
    assert app.title[0].value == title


def test_a_chinese_page_names_regions_and_industries_in_chinese(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/aging.py", lang="zh", region="1,2", industry="Construction")
    assert "区域 华东, 华南 · 债务人行业 建筑业 · 截至 2026-10-31" in texts(app)
    assert app.metric[0].label == "未偿余额合计" and app.metric[0].value.endswith(("万", "亿"))
    assert app.query_params["lang"] == "zh"  # kept in the URL


def test_an_unknown_language_falls_back_to_english_and_leaves_the_url(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/aging.py", lang="fr")
    assert not app.exception and not app.error and not app.warning
    assert app.title[0].value == "Aging"
    assert "lang" not in app.query_params


def test_the_sidebar_switch_changes_the_language_of_the_session(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/overview.py", region="2")
    assert app.title[0].value == "Overview"
    app.button_group(key="language_switch").set_value("zh").run()
    assert not app.exception
    assert app.title[0].value == "总览"
    assert (app.query_params["lang"], app.query_params["region"]) == ("zh", "2")
    assert "区域 华南 · 截至 2026-10-31" in texts(app)
    app.button_group(key="language_switch").set_value("en").run()
    assert app.title[0].value == "Overview" and "lang" not in app.query_params
