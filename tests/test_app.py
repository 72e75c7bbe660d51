"""Streamlit's AppTest runs the entry script and the Aging page, with filters, empty and broken data."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access.db.engine import open_engine

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


@pytest.fixture
def app_on(monkeypatch):
    """An AppTest factory bound to a database URL, with Streamlit's caches emptied first."""

    def make(url: str, script: str = "pages/aging.py", **params: str) -> AppTest:
        monkeypatch.setenv("RDASH_DATABASE_URL", url)
        st.cache_data.clear()
        st.cache_resource.clear()
        app = AppTest.from_file(str(ROOT / script), default_timeout=120)
        app.query_params.update(params)
        return app.run()

    return make


def texts(app: AppTest) -> str:
    return "\n".join(e.value for e in [*app.caption, *app.info, *app.warning, *app.error, *app.markdown])


def test_the_entry_script_opens_the_overview(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url, script="app.py")
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert "All receivables · as of 2026-10-31" in texts(app)


def test_the_aging_page_shows_its_kpis(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url)
    assert not app.exception
    assert app.title[0].value == "Aging"
    assert [m.label for m in app.metric] == [
        "Total outstanding", "Overdue", "90+ days share", "Weighted days past due", "Debtors overdue"]  # fmt: skip
    assert "All receivables · as of 2026-10-31" in texts(app)


def test_filters_from_the_url_apply_and_are_described(app_on, demo_sqlite_url) -> None:
    full = app_on(demo_sqlite_url).metric[0].value
    app = app_on(demo_sqlite_url, region="1", grade="B,CCC", as_of="2026-06-30")
    assert not app.exception
    assert "Region East China · Rating grade B, CCC · as of 2026-06-30" in texts(app)
    assert app.metric[0].value != full
    assert app.query_params["region"] == "1"


def test_changing_a_filter_in_the_sidebar_updates_the_url(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url)
    app.sidebar.multiselect[2].set_value(["Construction"]).run()
    assert not app.exception
    assert app.query_params["industry"] == "Construction"
    assert "Debtor industry Construction" in texts(app)


def test_unknown_values_in_a_link_are_named_and_ignored(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url, region="999", as_of="yesterday")
    assert not app.exception
    warnings = " ".join(w.value for w in app.warning)
    assert "Region=`999` is unknown" in warnings
    assert "as_of=`yesterday` is not a date in the data" in warnings
    assert "All receivables · as of 2026-10-31" in texts(app)


def test_a_selection_with_nothing_open_says_so_and_names_the_filters(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url, as_of="2023-11-05", grade="AAA", region="10")
    assert not app.exception
    assert any("No open receivables match" in i.value and "Bohai Rim" in i.value for i in app.info)


def test_invoice_date_aging_and_other_dimensions(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url, basis="invoice", dim="collector")
    assert not app.exception
    assert app.toggle[0].value is True
    headers = app.dataframe[0].value.columns.tolist()
    assert headers[:2] == ["bucket", "amount_cents"] and app.dataframe[0].value["bucket"].tolist()[0] == "0-30"


def test_a_database_without_schema_shows_what_to_do(app_on, empty_sqlite_url, tmp_path) -> None:
    empty = open_engine(f"sqlite:///{tmp_path / 'nothing.sqlite'}")
    with empty.connect():  # creates the file, without tables
        pass
    app = app_on(f"sqlite:///{tmp_path / 'nothing.sqlite'}", script="app.py")
    assert not app.exception
    assert "has no rdash schema" in app.error[0].value
    assert "rdash migrate" in app.error[0].value


def test_a_missing_sqlite_file_is_named_and_not_created(app_on, tmp_path) -> None:
    missing = tmp_path / "typo.sqlite"
    app = app_on(f"sqlite:///{missing}", script="app.py")
    assert f"the file {missing} does not exist" in app.error[0].value
    assert not missing.exists()


def test_an_unreachable_database_shows_what_to_do(app_on) -> None:
    app = app_on("postgresql+psycopg://nobody@127.0.0.1:1/nowhere", script="app.py")
    assert not app.exception
    assert "Cannot connect to postgresql+psycopg://nobody@127.0.0.1:1/nowhere" in app.error[0].value


def test_a_quiet_book_can_be_reported_as_of_today(app_on, demo_sqlite_url) -> None:
    from datetime import date

    newest = app_on(demo_sqlite_url)
    today = app_on(demo_sqlite_url, as_of=date.today().isoformat())
    assert not today.exception and not today.warning
    assert f"All receivables · as of {date.today().isoformat()}" in texts(today)
    # No fact after the newest one: the same money is outstanding, and more of it is overdue.
    assert today.metric[0].value == newest.metric[0].value
    assert today.metric[1].value != newest.metric[1].value


def test_the_invoice_date_basis_changes_the_cards_too(app_on, demo_sqlite_url) -> None:
    app = app_on(demo_sqlite_url, basis="invoice")
    assert [m.label for m in app.metric] == [
        "Total outstanding", "Older than 30 days", "Aged over 90 days share", "Weighted age",
        "Debtors with invoices over 30 days"]  # fmt: skip
