"""An existing receivables database that is not rdash's: an ERP's own tables, differently named and shaped
(amounts in yuan with decimals, customer codes), with the views of the contract (docs/view_contract.md)
built over them. The same SQL runs on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Engine, text

from data_access.db import schema
from data_access.importing.contract import CONTRACT_TABLES, OPTIONAL, kind_of

SQL_TYPES = {"integer": "BIGINT", "text": "TEXT", "date": "DATE", "boolean": "BOOLEAN", "decimal": "NUMERIC",
             "timestamp": "TIMESTAMP"}  # fmt: skip

ERP = [
    "CREATE TABLE erp_area (area_code VARCHAR(8) PRIMARY KEY, area_no INTEGER NOT NULL, label VARCHAR(40) NOT NULL)",
    "CREATE TABLE erp_customer (cust_no INTEGER PRIMARY KEY, cust_name VARCHAR(80) NOT NULL, area_code VARCHAR(8) NOT NULL,"
    " trade VARCHAR(40) NOT NULL, limit_yuan NUMERIC(14, 2) NOT NULL)",
    "CREATE TABLE erp_seller (seller_no INTEGER PRIMARY KEY, seller_name VARCHAR(80) NOT NULL)",
    "CREATE TABLE erp_bill (bill_id INTEGER PRIMARY KEY, bill_no VARCHAR(20) NOT NULL, cust_no INTEGER NOT NULL,"
    " seller_no INTEGER NOT NULL, billed DATE NOT NULL, due DATE NOT NULL, yuan NUMERIC(14, 2) NOT NULL)",
    "CREATE TABLE erp_receipt (receipt_id INTEGER PRIMARY KEY, bill_id INTEGER NOT NULL, received DATE NOT NULL,"
    " yuan NUMERIC(14, 2) NOT NULL)",
    "INSERT INTO erp_area VALUES ('E', 1, 'East'), ('W', 2, 'West')",
    "INSERT INTO erp_customer VALUES (501, 'Beta Ltd', 'E', 'Retail', 100000.00), (502, 'Gamma Co', 'W', 'Energy', 5000.00)",
    "INSERT INTO erp_seller VALUES (9, 'Acme Trading')",
    "INSERT INTO erp_bill VALUES (1, 'B-1', 501, 9, '2026-01-05', '2026-02-04', 1000.00),"
    " (2, 'B-2', 502, 9, '2026-01-10', '2026-02-09', 2500.50), (3, 'B-3', 502, 9, '2026-03-01', '2026-03-31', 99.99)",
    "INSERT INTO erp_receipt VALUES (1, 1, '2026-02-20', 300.00), (2, 3, '2026-03-05', 99.99)",
]  # fmt: skip

VIEWS = {
    "regions": "SELECT area_no AS region_id, label AS name, label AS name_zh FROM erp_area",
    "clients": "SELECT seller_no AS client_id, seller_name AS name, 'unknown' AS industry, 1 AS region_id,"
               " FALSE AS recourse, CAST(0.8 AS NUMERIC) AS advance_rate FROM erp_seller",
    "debtors": "SELECT c.cust_no AS debtor_id, c.cust_name AS name, c.trade AS industry, a.area_no AS region_id,"
               " CAST(ROUND(c.limit_yuan * 100) AS BIGINT) AS credit_limit_cents"
               " FROM erp_customer c JOIN erp_area a ON a.area_code = c.area_code",
    "invoices": "SELECT bill_id AS invoice_id, bill_no AS invoice_number, seller_no AS client_id, cust_no AS debtor_id,"
                " billed AS issue_date, due AS due_date, CAST(ROUND(yuan * 100) AS BIGINT) AS amount_cents,"
                " CAST(0 AS BIGINT) AS advance_cents, FALSE AS recourse, FALSE AS disputed FROM erp_bill",
    "payments": "SELECT receipt_id AS payment_id, bill_id AS invoice_id, received AS payment_date,"
                " CAST(ROUND(yuan * 100) AS BIGINT) AS amount_cents FROM erp_receipt",
    "collectors": "SELECT 1 AS collector_id, 'Desk team' AS name, 1 AS region_id, 'mid' AS level,"
                  " '2020-01-01' AS hire_date, 40 AS capacity, CAST(NULL AS BIGINT) AS mentor_id,"
                  " TRUE AS active",
    "assignments": "SELECT cust_no AS assignment_id, cust_no AS debtor_id, 1 AS collector_id,"
                   " '2026-01-01' AS start_date, CAST(NULL AS DATE) AS end_date,"
                   " CAST(NULL AS TEXT) AS reason, CAST(NULL AS TEXT) AS batch_id FROM erp_customer",
    "meta": "SELECT 'currency' AS key, 'CNY' AS value UNION ALL SELECT 'source', 'ERP views'",
}  # fmt: skip


def empty_view(name: str) -> str:
    table = schema.metadata.tables[name]
    columns = ", ".join(f"CAST(NULL AS {SQL_TYPES[kind_of(c)]}) AS {c.name}" for c in table.columns)
    return f"SELECT {columns} WHERE 1 = 0"


def versions_view() -> str:
    """One row per table; the ERP's own tables give a version that moves when their rows change."""
    counted = {"invoices": "erp_bill", "payments": "erp_receipt", "debtors": "erp_customer"}
    parts = [f"SELECT '{name}' AS table_name, " + (f"(SELECT CAST(COUNT(*) AS BIGINT) FROM {counted[name]})"
             if name in counted else "CAST(0 AS BIGINT)") + " AS version" for name in CONTRACT_TABLES]  # fmt: skip
    return " UNION ALL ".join(parts)


def build(engine: Engine, *, leave_out: tuple[str, ...] = (), invoices_without: str | None = None) -> None:
    """The ERP tables and the contract's views (``leave_out``: views not created; ``invoices_without``: a
    column the invoices view lacks)."""
    with engine.begin() as connection:
        for statement in ERP:
            connection.execute(text(statement))
        for name in CONTRACT_TABLES:
            if name in leave_out or name in OPTIONAL:
                continue
            if name == "table_versions":
                body = versions_view()
            else:
                body = VIEWS.get(name) or empty_view(name)
            if name == "invoices" and invoices_without:
                body = body.replace(f" AS {invoices_without},", ",").replace(f"due AS {invoices_without}", "due AS due")
            connection.execute(text(f"CREATE VIEW {name} AS {body}"))
