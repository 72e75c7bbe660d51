"""The read door: typed frames, and the reader's scope applied to every table."""

import polars as pl
import pytest

from data_access.db import schema
from data_access.db.store import _REGION_PATH, Scope, Store


def test_every_business_table_has_a_region_path_for_scoping() -> None:
    unscoped = set(schema.metadata.tables) - set(_REGION_PATH)
    assert unscoped == {"meta", "targets", "audit_log"}


def test_a_scoped_read_returns_only_the_scoped_regions(demo_sqlite_url) -> None:
    store = Store(demo_sqlite_url)
    debtors = store.read("debtors", Scope.everything())
    east = set(debtors.filter(pl.col("region_id") == 1)["debtor_id"])
    invoices = store.read("invoices", Scope.of_regions(1))
    payments = store.read("payments", Scope.of_regions(1))
    assert invoices.height > 0 and set(invoices["debtor_id"]) <= east
    assert set(payments["invoice_id"]) <= set(invoices["invoice_id"])
    assert store.read("regions", Scope.of_regions(1))["region_id"].to_list() == [1]


def test_a_table_without_a_region_path_refuses_a_scoped_reader(demo_sqlite_url) -> None:
    with pytest.raises(PermissionError, match="audit_log has no region path"):
        Store(demo_sqlite_url).read("audit_log", Scope.of_regions(1))


def test_columns_get_the_types_the_schema_declares(demo_sqlite_url) -> None:
    invoices = Store(demo_sqlite_url).read("invoices", Scope.everything())
    assert invoices.schema["issue_date"] == pl.Date
    assert invoices.schema["amount_cents"] == pl.Int64
    assert invoices.schema["recourse"] == pl.Boolean
