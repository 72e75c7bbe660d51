"""A reader scoped to one region sees only that region on every page, checked against the database.

Until sign-in exists the scope comes from ``dashboard.data.current_scope``; here it is set to
region 3 for the whole run. The oracle is plain SQL written in this file.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from dashboard import data
from dashboard.formatting import money
from data_access.db.engine import open_engine
from data_access.db.store import Scope
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

REGION = 3
TABLE_PAGES = ["pages/aging.py", "pages/factoring.py", "pages/league.py"]  # bad debt: by its matrix total below


@pytest.fixture
def scoped(monkeypatch):
    monkeypatch.setattr(data, "current_scope", lambda: Scope.of_regions(REGION))


def query(url: str, sql: str) -> list[tuple]:
    engine = open_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(sql), {"region": REGION}).all()
    engine.dispose()
    return rows


def names_in_region(url: str) -> dict[str, set[str]]:
    return {
        "region": {r[0] for r in query(url, "SELECT name FROM regions WHERE region_id = :region")},
        "collector": {r[0] for r in query(url, "SELECT name FROM collectors WHERE region_id = :region")},
        "debtor": {r[0] for r in query(url, "SELECT name FROM debtors WHERE region_id = :region")},
    }


@pytest.mark.parametrize("script", TABLE_PAGES)
def test_every_table_on_every_page_holds_only_the_readers_region(app_on, demo_sqlite_url, scoped, script) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script=script)
    assert not app.exception and not app.error
    allowed = names_in_region(demo_sqlite_url)
    checked = 0
    for frame in (d.value for d in app.dataframe):
        frame = frame.data if hasattr(frame, "data") else frame  # a Styler on the league table
        for column in ("region", "collector", "debtor"):
            if column in frame.columns:
                assert set(frame[column].dropna()) <= allowed[column], (script, column)
                checked += 1
    assert checked > 0, f"{script} showed no region, collector or debtor column to check"


REGION_OUTSTANDING = """
    SELECT SUM(MAX(i.amount_cents - COALESCE(r.reduced, 0), 0)) FROM invoices i
    JOIN debtors d USING (debtor_id)
    LEFT JOIN (SELECT invoice_id, SUM(amount_cents) AS reduced FROM (
        SELECT invoice_id, amount_cents FROM payments WHERE payment_date <= '2026-10-31'
        UNION ALL SELECT invoice_id, amount_cents FROM credit_notes WHERE credit_note_date <= '2026-10-31'
        UNION ALL SELECT invoice_id, amount_cents FROM write_offs WHERE write_off_date <= '2026-10-31')
      GROUP BY invoice_id) r USING (invoice_id)
    WHERE d.region_id = :region AND i.issue_date <= '2026-10-31'"""


@pytest.mark.parametrize("script", ["pages/aging.py", "pages/overview.py"])
def test_the_total_outstanding_is_the_regions_own(app_on, demo_sqlite_url, scoped, script) -> None:  # noqa: F811
    (cents,) = query(demo_sqlite_url, REGION_OUTSTANDING)[0]
    app = app_on(demo_sqlite_url, script=script)
    assert app.metric[0].label == "Total outstanding" and app.metric[0].value == money(cents, "CNY")


def test_the_provision_matrix_covers_exactly_the_regions_book(app_on, demo_sqlite_url, scoped) -> None:  # noqa: F811
    (cents,) = query(demo_sqlite_url, REGION_OUTSTANDING)[0]
    app = app_on(demo_sqlite_url, script="pages/bad_debt.py")
    assert not app.exception
    assert round(app.dataframe[0].value["outstanding_cents"].sum() * 100) == cents


def test_the_filters_offer_only_what_the_reader_may_see(app_on, demo_sqlite_url, scoped) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/aging.py")
    region_box, client_box = app.sidebar.multiselect[0], app.sidebar.multiselect[1]
    assert set(region_box.options) == names_in_region(demo_sqlite_url)["region"]
    visible_clients = {r[0] for r in query(demo_sqlite_url, """
        SELECT name FROM clients WHERE region_id = :region UNION
        SELECT c.name FROM clients c JOIN invoices i USING (client_id) JOIN debtors d USING (debtor_id)
        WHERE d.region_id = :region""")}  # fmt: skip
    assert set(client_box.options) == visible_clients


def test_the_audit_log_is_closed_to_a_scoped_reader(app_on, demo_sqlite_url, scoped) -> None:  # noqa: F811
    app = app_on(demo_sqlite_url, script="pages/audit.py")
    assert not app.exception
    assert app.error[0].value.startswith("The audit log covers every region, so only an administrator")
