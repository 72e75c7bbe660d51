"""AppTest runs the Overview, Bad debt & provisions and Factoring pages with filters and empty selections."""

from __future__ import annotations

import pytest

from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

EMPTY = {"as_of": "2023-11-05", "grade": "AAA", "region": "10"}


@pytest.mark.parametrize("script", ["pages/overview.py", "pages/bad_debt.py", "pages/factoring.py"])
def test_each_page_runs_with_filters(app_on, demo_sqlite_url, script) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=script, region="1,2", industry="Construction,Retail", as_of="2026-08-31")
    assert not app.exception
    assert "Region East China, South China · Debtor industry Construction, Retail · as of 2026-08-31" in texts(app)
    assert not app.error


@pytest.mark.parametrize("script", ["pages/overview.py", "pages/bad_debt.py", "pages/factoring.py"])
def test_each_page_explains_an_empty_selection(app_on, demo_sqlite_url, script) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=script, **EMPTY)
    assert not app.exception
    assert any("No open receivables match" in i.value and "Bohai Rim" in i.value for i in app.info)


def test_overview_figures_agree_with_the_aging_page(app_on, demo_sqlite_url) -> None:  # noqa: F811
    filters = {"region": "3", "grade": "BB,B"}
    overview = app_on(demo_sqlite_url, script="pages/overview.py", **filters)
    detail = app_on(demo_sqlite_url, script="pages/aging.py", **filters)
    assert overview.metric[0].value == detail.metric[0].value  # total outstanding
    assert overview.metric[1].label == "Overdue share"
    overdue_share = detail.metric[1].delta.split(" ")[0]
    assert overview.metric[1].value.replace(" ", "") == overdue_share + "%"


def test_overview_explains_the_bad_debt_trend_with_its_driver(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/overview.py")
    sentence = next(m.value for m in app.markdown if m.value.startswith("**Bad-debt rate"))
    assert "target" in sentence and "driven by" in sentence
    assert [m.label for m in app.metric][:4] == [
        "Total outstanding", "Overdue share", "Recovery rate (period)", "Bad-debt rate (12 months)"]  # fmt: skip


def test_the_provision_matrix_reacts_to_the_scalar_and_segments(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/bad_debt.py")
    ecl = app.metric[0].value
    app.number_input[0].set_value(1.5).run()
    assert not app.exception
    assert app.metric[0].value != ecl
    app.selectbox[0].set_value("industry").run()
    assert not app.exception
    assert any("Loss rates and ECL by industry" in m.value for m in app.markdown)


def test_the_league_table_runs_for_each_period_kind(app_on, demo_sqlite_url) -> None:  # noqa: F811
    for kind in ("month", "quarter", "year"):
        app = app_on(demo_sqlite_url, script="pages/league.py", period=kind)
        assert not app.exception
        assert app.title[0].value == "Collector league table"
        league = app.dataframe[0].value
        assert {"rank", "rank_change", "collector", "score", "status", "rate_1-30"} <= set(league.columns)
        assert league["rank"].dropna().tolist() == sorted(league["rank"].dropna().tolist())


def test_the_scorecard_opens_from_the_link_and_the_levels_filter(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/league.py", period="year", level="senior", card="1")
    assert not app.exception
    assert set(app.dataframe[0].value["level"]) == {"Senior"}
    assert any(s.value.startswith("Scorecard: ") for s in app.subheader)


def test_the_league_table_explains_an_empty_selection(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/league.py", region="10", collector="1")
    assert not app.exception
    assert any("No collector matches" in i.value for i in app.info)


@pytest.mark.parametrize("script", ["pages/overview.py", "pages/aging.py", "pages/bad_debt.py",
                                    "pages/factoring.py", "pages/league.py"])  # fmt: skip
def test_each_page_copes_with_an_as_of_date_in_the_first_weeks_of_history(app_on, demo_sqlite_url, script) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=script, as_of="2023-12-15", card="1")
    assert not app.exception
    assert not app.error


def test_an_early_as_of_date_shows_dashes_with_the_reason_not_meaningless_figures(app_on, demo_sqlite_url) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/overview.py", as_of="2023-11-29")  # the data starts in Nov 2023
    assert not app.exception
    cards = {m.label: m for m in app.metric}
    assert cards["DSO (count-back)"].value == "—" and cards["Bad-debt rate (12 months)"].value == "—"
    assert cards["Total outstanding"].delta in (None, "")  # no comparison with a date before the data
    assert any(c.value.startswith("Data starts 2023-11-") for c in app.caption)
