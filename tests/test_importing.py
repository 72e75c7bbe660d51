"""Imports: formats detected, idempotent re-import, updates, unapplied credits in aging and exposure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import text

from data_access.book.portfolio import load_portfolio
from data_access.db.engine import open_engine
from data_access.db.store import Scope, Store
from data_access.importing import parsing
from data_access.importing.mapping import auto_mapping, parse_profile
from data_access.metrics import aging
from data_access.metrics.asof import invoice_state
from data_access.metrics.buckets import Buckets
from tests.importing_helpers import fresh_url, import_table, load_base, snapshot  # noqa: F401 - fixture

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


def test_columns_are_matched_by_name_and_known_synonyms() -> None:
    columns = ["Invoice Number", "customerID", "InvoiceDate", "Due-Date", "InvoiceAmount", "Client", "Notes"]
    assert auto_mapping("invoices", columns) == {"invoice_number": "Invoice Number", "client": "Client",
                                                 "debtor": "customerID", "issue_date": "InvoiceDate",
                                                 "due_date": "Due-Date", "amount": "InvoiceAmount"}  # fmt: skip


def test_formats_are_detected_from_the_values() -> None:
    assert parsing.detect_date_format(["1/2/2013", "2/1/2013", "12/31/2013"]) == "%m/%d/%Y"
    assert parsing.detect_date_format(["31/01/2013", "1/2/2013"]) == "%d/%m/%Y"
    assert parsing.detect_date_format(["2013-01-31"]) == "%Y-%m-%d"
    assert parsing.detect_decimal(["1.234,56", "12,5", "3"]) == ","
    assert parsing.detect_decimal(["1,234.56", "12.5"]) == "."


def test_amounts_become_exact_cents() -> None:
    values = pl.DataFrame({"v": ["1,234.56", "¥ 0.1", "(12.30)", "7", "1.005", "abc"]})
    cents = values.select(parsing.money_cents(parsing.clean_money(pl.col("v"), "."))).to_series().to_list()
    assert cents == [123456, 10, -1230, 700, None, None]
    comma = pl.DataFrame({"v": ["1.234,56", "0,1"]}).select(parsing.money_cents(parsing.clean_money(pl.col("v"), ",")))
    assert comma.to_series().to_list() == [123456, 10]


def test_a_misplaced_thousands_separator_is_unreadable_not_misread() -> None:
    values = pl.DataFrame({"v": ["12,34", "1,2345.00", "1,234,567.89", "(1,234.50)", "1234.56"]})
    cents = values.select(parsing.money_cents(parsing.clean_money(pl.col("v"), "."))).to_series().to_list()
    assert cents == [None, None, 123456789, -123450, 123456]
    comma = pl.DataFrame({"v": ["1234.56", "12.34,5", "1.234.567,89"]})
    assert comma.select(parsing.money_cents(parsing.clean_money(pl.col("v"), ","))).to_series().to_list() == [
        None, None, 123456789]  # fmt: skip


def test_an_amount_beyond_sixteen_whole_digits_is_unreadable_not_wrapped() -> None:
    values = pl.DataFrame({"v": ["9999999999999999.99", "92233720368547758.07", "-10000000000000000"]})
    cents = values.select(parsing.money_cents(parsing.clean_money(pl.col("v"), "."))).to_series().to_list()
    assert cents == [999999999999999999, None, None]


def test_a_gbk_file_with_day_first_dates_and_decimal_commas_imports(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gbk.sqlite'}"
    load_base(url, tmp_path)
    content = "发票号;client;债务人;开票日期;到期日;金额\nFP-001;Acme Trading;Beta Ltd;31/01/2026;02/03/2026;1.234,56\n"
    result = import_table(url, tmp_path, "invoices", content, encoding="gbk")
    assert (result.encoding, result.date_format, result.decimal) == ("gbk", "%d/%m/%Y", ",")
    assert result.written, result.report()
    with open_engine(url).connect() as connection:
        row = connection.execute(text("SELECT issue_date, due_date, amount_cents FROM invoices "
                                      "WHERE invoice_number = 'FP-001'")).one()  # fmt: skip
    assert tuple(row) == ("2026-01-31", "2026-03-02", 123456)


def test_reimporting_the_same_file_changes_nothing(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    before = snapshot(fresh_url)
    from tests.importing_helpers import BASE

    again = import_table(fresh_url, tmp_path, "invoices", BASE["invoices"])
    assert not again.written and again.valid
    assert again.counts["invoices"] == {"inserted": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert snapshot(fresh_url) == before  # not even a version or an audit entry


def test_a_file_without_an_optional_column_keeps_the_stored_values(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    """Defaults fill new rows only: a debtors file naming no credit limit leaves Beta Ltd's 100,000.00, and a
    collectors file naming no level, capacity or activity leaves Wang Li a senior with her capacity."""
    load_base(fresh_url, tmp_path)
    with open_engine(fresh_url).begin() as connection:
        connection.execute(text("UPDATE collectors SET capacity = 25, active = false WHERE name = 'Wang Li'"))
    debtors = import_table(fresh_url, tmp_path, "debtors", "name,region\nBeta Ltd,East\nDelta AG,West\n")
    collectors = import_table(fresh_url, tmp_path, "collectors", "name,region\nWang Li,East\n")
    assert debtors.counts["debtors"] == {"inserted": 1, "updated": 0, "unchanged": 1, "rejected": 0}
    assert collectors.counts["collectors"] == {"inserted": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    with open_engine(fresh_url).connect() as connection:
        limits = dict(connection.execute(text("SELECT name, credit_limit_cents FROM debtors")).all())
        wang = tuple(connection.execute(text("SELECT level, capacity, active FROM collectors WHERE name = 'Wang Li'")).one())
    assert limits == {"Beta Ltd": 10_000_000, "Gamma Co": 5_000_000, "Delta AG": 0}  # the new row takes the default
    assert wang == ("senior", 25, False)


def test_a_supplied_column_still_updates_the_stored_value(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    result = import_table(fresh_url, tmp_path, "debtors", "name,region,credit_limit\nBeta Ltd,East,120000.00\n")
    assert result.counts["debtors"] == {"inserted": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    with open_engine(fresh_url).connect() as connection:
        assert connection.execute(text("SELECT credit_limit_cents FROM debtors WHERE name = 'Beta Ltd'")).scalar() == 12_000_000


INVOICE_HEADER = "invoice_number,client,debtor,issue_date,due_date,amount\n"


def test_a_reimported_invoice_may_not_shrink_below_what_was_paid_on_it(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    assert import_table(fresh_url, tmp_path, "payments", "invoice,payment_date,amount\nINV-1,2026-02-10,800.00\n").written
    before = snapshot(fresh_url)
    result = import_table(fresh_url, tmp_path, "invoices",
                          INVOICE_HEADER + "INV-1,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,500.00\n")  # fmt: skip
    assert not result.written
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.value) == (2, "amount", "500.00")
    assert problem.problem == ("invoice INV-1 already has payments, credit notes and write-offs of 800.00, "
                               "more than the new amount 500.00")  # fmt: skip
    assert snapshot(fresh_url) == before


def test_a_reimported_invoice_may_not_be_dated_after_a_payment_on_it(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    assert import_table(fresh_url, tmp_path, "payments", "invoice,payment_date,amount\nINV-2,2026-03-05,100\n").written
    before = snapshot(fresh_url)
    result = import_table(fresh_url, tmp_path, "invoices",
                          INVOICE_HEADER + "INV-2,Acme Trading,Gamma Co,2026-04-01,2026-04-30,2500.50\n")  # fmt: skip
    assert not result.written
    (problem,) = result.problems
    assert (problem.column, problem.problem) == (
        "issue_date", "invoice INV-2 would be issued on 2026-04-01, after the payment, credit note or write-off of "
                      "2026-03-05 recorded on it")  # fmt: skip
    assert snapshot(fresh_url) == before


def test_a_reimported_invoice_that_still_covers_its_payments_updates(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    assert import_table(fresh_url, tmp_path, "payments", "invoice,payment_date,amount\nINV-1,2026-02-10,800.00\n").written
    result = import_table(fresh_url, tmp_path, "invoices",
                          INVOICE_HEADER + "INV-1,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,800.00\n")  # fmt: skip
    assert result.written and result.counts["invoices"]["updated"] == 1


def test_an_updated_file_updates_its_rows_in_one_audited_write(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    engine = open_engine(fresh_url)
    with engine.connect() as connection:
        versions = dict(connection.execute(text("SELECT table_name, version FROM table_versions")).all())
    content = ("invoice_number,client,debtor,issue_date,due_date,amount,disputed\n"
               "INV-1,Acme Trading,Beta Ltd,2026-01-05,2026-02-14,1000.00,yes\n"
               "INV-2,Acme Trading,Gamma Co,2026-01-10,2026-02-09,2500.50,no\n"
               "INV-3,Acme Trading,Gamma Co,2026-01-12,2026-02-11,10.00,no\n")  # fmt: skip
    result = import_table(fresh_url, tmp_path, "invoices", content)
    assert result.written
    assert result.counts["invoices"] == {"inserted": 1, "updated": 1, "unchanged": 1, "rejected": 0}
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT invoice_number, due_date, disputed FROM invoices ORDER BY 1")).all()
        after = dict(connection.execute(text("SELECT table_name, version FROM table_versions")).all())
        last = connection.execute(text("SELECT action, tables FROM audit_log ORDER BY audit_id DESC")).first()
    engine.dispose()
    assert [(r[0], str(r[1]), bool(r[2])) for r in rows] == [("INV-1", "2026-02-14", True),
                                                           ("INV-2", "2026-02-09", False),
                                                           ("INV-3", "2026-02-11", False)]
    assert tuple(last) == ("import_file", "invoices,meta")
    assert {t: after[t] - versions[t] for t in ("invoices", "meta", "payments", "debtors")} == \
        {"invoices": 1, "meta": 1, "payments": 0, "debtors": 0}


LEDGER = {
    "payments": "invoice,payment_date,amount\nINV-1,2026-02-20,300.00\nINV-1,2026-03-20,200.00\n",
    "unapplied_credits": ("reference,debtor,kind,received_on,applied_on,amount\n"
                          "U-1,Beta Ltd,unapplied_cash,2026-03-01,2026-03-20,200.00\n"
                          "U-2,Gamma Co,credit_on_account,2026-02-15,,50.25\n"),
}  # fmt: skip


def _figures(url: str, as_of: date):  # noqa: ANN202
    store = Store(url)
    book = load_portfolio(store, Scope.everything())
    credits = aging.unapplied_at(store.read("unapplied_credits", Scope.everything()), as_of)
    state = invoice_state(book, as_of, BUCKETS)
    return state, credits


def test_unapplied_cash_and_credit_on_account_lower_the_net_exposure_not_a_bucket(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    for table, content in LEDGER.items():
        assert import_table(fresh_url, tmp_path, table, content).written
    state, credits = _figures(fresh_url, date(2026, 3, 10))
    k = aging.kpis(state, BUCKETS, credits)
    # INV-1 1,000.00 - 300.00 = 700.00 (34 days past due), INV-2 2,500.50 (29 days past due)
    assert (k.total_cents, k.unapplied_cents, k.net_exposure_cents) == (320050, 25025, 295025)
    totals = dict(aging.bucket_totals(state, BUCKETS).select("bucket", "amount_cents").iter_rows())
    assert (totals["1-30"], totals["31-60"], sum(totals.values())) == (250050, 70000, 320050)
    line = aging.unapplied_line(credits)
    assert line.rows() == [("unapplied_cash", 20000, 1), ("credit_on_account", 5025, 1), ("unapplied_credit_note", 0, 0)]
    by_debtor = aging.net_exposure_by_debtor(state, credits)
    assert by_debtor.select("outstanding_cents", "unapplied_cents", "net_exposure_cents").rows() == \
        [(70000, 20000, 50000), (250050, 5025, 245025)]
    # On 2026-03-20 U-1 was applied (the 200.00 payment on INV-1): counted once, on the invoice.
    state, credits = _figures(fresh_url, date(2026, 3, 25))
    k = aging.kpis(state, BUCKETS, credits)
    assert (k.total_cents, k.unapplied_cents, k.net_exposure_cents) == (300050, 5025, 295025)


def test_without_unapplied_money_the_figures_are_as_before(fresh_url, tmp_path: Path) -> None:  # noqa: F811
    load_base(fresh_url, tmp_path)
    state, credits = _figures(fresh_url, date(2026, 3, 10))
    assert credits.is_empty()
    assert aging.kpis(state, BUCKETS, credits) == aging.kpis(state, BUCKETS)
    assert aging.kpis(state, BUCKETS).net_exposure_cents == 350050


def test_a_profile_round_trips_through_toml() -> None:
    text_ = """name = "mine"\ndate_format = "%d.%m.%Y"\n[[targets]]\ntable = "invoices"\ndistinct = true
invoice_number = "No"\ndebtor = "Kunde {id}"\nclient = "=Acme"\ndisputed = { column = "S", map = { J = "yes" } }\n"""
    profile = parse_profile(text_)
    assert parse_profile(profile.to_toml()) == profile


def test_excel_and_parquet_files_import_like_csv(tmp_path: Path) -> None:
    from data_access.importing.load import import_file
    from data_access.importing.mapping import simple_profile

    url = f"sqlite:///{tmp_path / 'files.sqlite'}"
    load_base(url, tmp_path)
    frame = pl.DataFrame({"invoice_number": ["XL-1", "PQ-1"], "client": ["Acme Trading"] * 2,
                          "debtor": ["Beta Ltd", "Gamma Co"], "issue_date": [date(2026, 1, 5), date(2026, 1, 6)],
                          "due_date": [date(2026, 2, 4), date(2026, 2, 5)], "amount": [1234.56, 700.0]})  # fmt: skip
    frame.head(1).write_excel(tmp_path / "invoices.xlsx")
    frame.tail(1).write_parquet(tmp_path / "invoices.parquet")
    mapping = {c: c for c in frame.columns if c != "invoice_number"} | {"invoice_number": "invoice_number"}
    for name in ("invoices.xlsx", "invoices.parquet"):
        result = import_file(open_engine(url), tmp_path / name, simple_profile(name, "invoices", mapping), actor="test")
        assert result.written, result.report()
    with open_engine(url).connect() as connection:
        rows = connection.execute(text("SELECT invoice_number, issue_date, amount_cents FROM invoices "
                                       "WHERE invoice_number IN ('XL-1', 'PQ-1') ORDER BY 1")).all()  # fmt: skip
    assert [tuple(r) for r in rows] == [("PQ-1", "2026-01-06", 70000), ("XL-1", "2026-01-05", 123456)]
