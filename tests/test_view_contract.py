"""Reading a receivables database the company already runs, through the view contract: views with rdash's
names over an ERP's own, differently named tables. ``rdash check`` passes it, or names what is missing;
the read door and the pages read it (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from data_access.book.portfolio import load_portfolio
from data_access.db.engine import open_engine, schema_problem
from data_access.db.store import Scope, Store
from data_access.importing.contract import check_database, contract_rows
from data_access.metrics import aging
from data_access.metrics.asof import invoice_state
from data_access.metrics.buckets import Buckets
from data_access.tools.cli import main
from tests import view_ledger
from tests.importing_helpers import fresh_url  # noqa: F401 - fixture
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

ROOT = Path(__file__).resolve().parent.parent


def test_rdash_check_passes_a_database_of_views(fresh_url, capsys) -> None:  # noqa: F811
    view_ledger.build(open_engine(fresh_url))
    assert main(["check", "--database-url", fresh_url]) == 0
    out = capsys.readouterr().out
    assert out.startswith("The database meets the view contract.")
    assert "optional: audit_log: no view or table named audit_log" in out
    assert schema_problem(open_engine(fresh_url)) is None


def test_rdash_check_names_what_is_missing(fresh_url, capsys) -> None:  # noqa: F811
    view_ledger.build(open_engine(fresh_url), leave_out=("debtor_ratings",), invoices_without="due_date")
    assert main(["check", "--database-url", fresh_url]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 problem(s) against the view contract (docs/view_contract.md):"
    assert "MISSING: debtor_ratings: no view or table named debtor_ratings (columns: rating_id, debtor_id, rated_on, grade)" in out
    assert "MISSING: invoices.due_date: missing column (date)" in out
    problem = schema_problem(open_engine(fresh_url))
    assert problem is not None and "does not meet the view contract" in problem and "invoices.due_date" in problem


def test_values_of_the_wrong_type_are_named(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'bad.sqlite'}")
    view_ledger.build(engine, leave_out=("payments",))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE VIEW payments AS SELECT receipt_id AS payment_id, bill_id AS invoice_id, "
                                   "'20 Feb 2026' AS payment_date, yuan AS amount_cents FROM erp_receipt")  # fmt: skip
    found = {(f.view, f.column): f.problem for f in check_database(engine)}
    assert found[("payments", "payment_date")] == "values such as '20 Feb 2026' are not of type date"
    assert found[("payments", "amount_cents")] == "values such as '99.99' are not of type integer"  # yuan, not cents


def test_the_read_door_reads_the_views_and_the_figures_follow(fresh_url) -> None:  # noqa: F811
    view_ledger.build(open_engine(fresh_url))
    book = load_portfolio(Store(fresh_url), Scope.everything())
    state = invoice_state(book, date(2026, 3, 10), Buckets.from_edges((0, 30, 60, 90, 180)))
    # B-1 1,000.00 - 300.00 = 700.00 (34 days past due); B-2 2,500.50 (29); B-3 paid in full on 2026-03-05.
    k = aging.kpis(state)
    assert (k.total_cents, k.overdue_cents, k.open_invoices) == (320050, 320050, 2)
    scoped = Store(fresh_url).read("invoices", Scope.of_regions(2))  # the scope rule works through the views
    assert scoped["invoice_number"].sort().to_list() == ["B-2", "B-3"]


def test_the_aging_page_runs_on_the_views(app_on, tmp_path: Path) -> None:  # noqa: F811
    url = f"sqlite:///{tmp_path / 'views.sqlite'}"
    view_ledger.build(open_engine(url))
    app = app_on(url, script="pages/aging.py", as_of="2026-03-10")
    assert not app.exception and not app.error
    assert app.metric[0].label == "Total outstanding" and "3,200" in app.metric[0].value
    assert "Data as of" in texts(app)


def test_the_contract_document_lists_every_view_and_column() -> None:
    document = (ROOT / "docs" / "view_contract.md").read_text(encoding="utf-8")
    for row in contract_rows():
        assert f"| {row['view']} | {row['column']} | {row['type']} |" in document, row
