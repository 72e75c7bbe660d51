"""The round trip on data nobody here wrote: IBM's accounts-receivable sample (../shared/data, README there)
imported with the shipped profile. The days late the app computes equal the file's DaysLate; the aging at
any date holds exactly the invoices open then (issued on or before it, settled after it); every page runs.

The file is not copied into the repository (its README names no licence); it sits beside every clone in
../shared/data, CI included. Without it these tests skip on a laptop and fail in CI.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from data_access.book.portfolio import load_portfolio
from data_access.db.engine import open_engine
from data_access.db.store import Scope, Store
from data_access.importing.load import import_file
from data_access.importing.mapping import load_profile
from data_access.metrics.appraisal import settlements
from data_access.metrics.asof import invoice_state
from data_access.metrics.buckets import Buckets
from data_access.models.ibm import IBM_CSV
from dashboard.navigation import PAGES
from tests.conftest import require_service
from tests.test_app import app_on, texts  # noqa: F401 - the fixture is shared

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


@pytest.fixture(scope="module")
def ibm_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if not IBM_CSV.exists():
        require_service(f"the IBM sample at {IBM_CSV}")
    url = f"sqlite:///{tmp_path_factory.mktemp('ibm') / 'ibm.sqlite'}"
    engine = open_engine(url)
    from data_access.db.engine import migrate

    migrate(engine)
    result = import_file(engine, IBM_CSV, load_profile("ibm_ar"), actor="test")
    engine.dispose()
    assert result.written and result.valid, result.report()
    return url


@pytest.fixture(scope="module")
def the_file() -> pl.DataFrame:
    frame = pl.read_csv(IBM_CSV, schema_overrides={"invoiceNumber": pl.String, "customerID": pl.String})
    return frame.with_columns(pl.col(c).str.to_date("%m/%d/%Y") for c in ("InvoiceDate", "DueDate", "SettledDate"))


def test_the_profile_maps_the_file_as_its_readme_says(ibm_url: str) -> None:
    store = Store(ibm_url)
    read = lambda name: store.read(name, Scope.everything())  # noqa: E731
    assert sorted(read("regions")["name"]) == ["Country 391", "Country 406", "Country 770", "Country 818", "Country 897"]
    assert read("debtors").height == 100 and read("invoices").height == 2466 and read("payments").height == 2466
    assert read("clients")["name"].to_list() == ["Placeholder client (the file names none)"]
    assert read("collectors")["name"].to_list() == ["Placeholder collector (the file names none)"]
    assert read("assignments").height == 100


def test_every_invoice_is_paid_in_full_and_disputes_are_flagged(ibm_url: str, the_file: pl.DataFrame) -> None:
    store = Store(ibm_url)
    invoices = store.read("invoices", Scope.everything())
    payments = store.read("payments", Scope.everything()).join(invoices.select("invoice_id", "invoice_number"),
                                                                on="invoice_id")  # fmt: skip
    assert invoices["amount_cents"].sum() == round(the_file["InvoiceAmount"].sum() * 100)
    assert payments["amount_cents"].sum() == invoices["amount_cents"].sum()
    disputed = set(invoices.filter(pl.col("disputed"))["invoice_number"])
    assert disputed == set(the_file.filter(pl.col("Disputed") == "Yes")["invoiceNumber"])


def test_the_days_late_the_app_computes_equal_the_files(ibm_url: str, the_file: pl.DataFrame) -> None:
    book = load_portfolio(Store(ibm_url), Scope.everything())
    computed = settlements(book).join(book.invoices.select("invoice_id", "invoice_number"), on="invoice_id")
    both = computed.join(the_file, left_on="invoice_number", right_on="invoiceNumber")
    assert both.height == 2466
    assert (both["cycle_days"] == both["DaysLate"]).all()
    assert (both["settled_on"] == both["SettledDate"]).all()


@pytest.mark.parametrize("as_of", [date(2012, 1, 31), date(2012, 6, 15), date(2012, 12, 31), date(2013, 3, 1),
                                   date(2013, 9, 30), date(2013, 12, 31), date(2014, 2, 1)])  # fmt: skip
def test_the_aging_at_a_date_holds_the_invoices_open_then(ibm_url: str, the_file: pl.DataFrame, as_of: date) -> None:
    book = load_portfolio(Store(ibm_url), Scope.everything())
    state = invoice_state(book, as_of, BUCKETS).join(book.invoices.select("invoice_id", "invoice_number"),
                                                      on="invoice_id", suffix="_")  # fmt: skip
    open_then = the_file.filter((pl.col("InvoiceDate") <= as_of) & (pl.col("SettledDate") > as_of))
    assert set(state.filter(pl.col("outstanding_cents") > 0)["invoice_number"]) == set(open_then["invoiceNumber"])
    assert state["outstanding_cents"].sum() == round(open_then["InvoiceAmount"].sum() * 100)
    expected_dpd = dict(zip(open_then["invoiceNumber"], [(as_of - d).days for d in open_then["DueDate"]], strict=True))
    assert dict(zip(state["invoice_number"], state["dpd"], strict=True)) == expected_dpd


@pytest.mark.parametrize("script", [p.script for p in PAGES])
def test_every_page_runs_on_the_imported_sample(app_on, ibm_url: str, script: str) -> None:  # noqa: F811
    app = app_on(ibm_url, script=script, as_of="2013-06-28")
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    assert "as of 2013-06-28" in texts(app) or script.endswith(("audit.py", "data.py"))


def test_a_fully_settled_book_opens_on_its_last_open_day_in_one_click(app_on, ibm_url: str, the_file: pl.DataFrame) -> None:  # noqa: F811
    """Every invoice of the sample is settled by its newest fact, the default as-of date: the Overview says so
    (not "widen the filters": there are none) and offers the last day an invoice was open, taken here from the file."""
    from datetime import timedelta

    last = the_file.filter(pl.col("SettledDate") > pl.col("InvoiceDate"))["SettledDate"].max() - timedelta(days=1)
    app = app_on(ibm_url, script="pages/overview.py")
    assert not app.exception
    assert app.info[0].value.startswith(f"Nothing is open on {the_file['SettledDate'].max().isoformat()}")
    assert f"The last day with open receivables is {last.isoformat()}" in app.info[0].value
    next(b for b in app.button if b.label == f"Show {last.isoformat()}").click().run()
    assert not app.exception and not app.info
    assert app.query_params["as_of"] == last.isoformat()
    assert f"as of {last.isoformat()}" in texts(app) and app.metric


def test_the_imported_sample_is_not_in_the_repository() -> None:
    """Its README names no licence: the repository ships the profile, not the data."""
    root = Path(__file__).resolve().parent.parent
    assert not list(root.glob("**/ibm_accounts_receivable.csv"))
    assert (root / "data_access" / "importing" / "profiles" / "ibm_ar.toml").exists()
