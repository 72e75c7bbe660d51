"""The read door: typed frames, the reader's scope applied by each table's rule, fresh after a write."""

import polars as pl
import pytest

from data_access.db.store import Scope, Store


def test_a_scoped_read_returns_only_the_scoped_regions(demo_sqlite_url) -> None:
    store = Store(demo_sqlite_url)
    debtors = store.read("debtors", Scope.everything())
    east = set(debtors.filter(pl.col("region_id") == 1)["debtor_id"])
    invoices = store.read("invoices", Scope.of_regions(1))
    payments = store.read("payments", Scope.of_regions(1))
    assert invoices.height > 0 and set(invoices["debtor_id"]) <= east
    assert set(payments["invoice_id"]) <= set(invoices["invoice_id"])
    assert store.read("regions", Scope.of_regions(1))["region_id"].to_list() == [1]


def test_the_audit_log_refuses_a_scoped_reader(demo_sqlite_url) -> None:
    with pytest.raises(PermissionError, match="audit_log is for administrators"):
        Store(demo_sqlite_url).read("audit_log", Scope.of_regions(1))


def test_columns_get_the_types_the_schema_declares(demo_sqlite_url) -> None:
    invoices = Store(demo_sqlite_url).read("invoices", Scope.everything())
    assert invoices.schema["issue_date"] == pl.Date
    assert invoices.schema["amount_cents"] == pl.Int64
    assert invoices.schema["recourse"] == pl.Boolean


def test_every_table_has_a_version_after_seeding(demo_sqlite_url) -> None:
    versions = Store(demo_sqlite_url).versions()
    assert versions["invoices"] == 1 and versions["meta"] == 1 and versions["audit_log"] == 1
    assert versions["collectors"] == 1
