"""Small ledgers written as files, a fresh database per test (SQLite, and PostgreSQL when present)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db.engine import migrate, open_engine
from data_access.importing.load import import_file
from data_access.importing.mapping import auto_mapping, simple_profile
from data_access.importing.parsing import columns_of
from tests.conftest import POSTGRES_SERVER, require_service

BASE = {
    "regions": "name\nEast\nWest\n",
    "clients": "name,region,industry\nAcme Trading,East,Retail\n",
    "debtors": "name,region,credit_limit\nBeta Ltd,East,100000.00\nGamma Co,West,50000\n",
    "collectors": "name,region,level\nWang Li,East,senior\nZhao Min,West,junior\n",
    "invoices": ("invoice_number,client,debtor,issue_date,due_date,amount\n"
                 "INV-1,Acme Trading,Beta Ltd,2026-01-05,2026-02-04,1000.00\n"
                 'INV-2,Acme Trading,Gamma Co,2026-01-10,2026-02-09,"2,500.50"\n'),
    "assignments": "debtor,collector,start_date\nBeta Ltd,Wang Li,2026-01-01\nGamma Co,Zhao Min,2026-01-01\n",
}  # fmt: skip


def write(tmp: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = tmp / name
    path.write_bytes(content.encode(encoding))
    return path


def import_table(url: str, tmp: Path, table: str, content: str, **kwargs):  # noqa: ANN003, ANN201
    """Import ``content`` (a CSV) into ``table``, columns matched by name, as the CLI's --table does."""
    path = write(tmp, f"{table}-{uuid.uuid4().hex[:6]}.csv", content, kwargs.pop("encoding", "utf-8"))
    profile = simple_profile(table, table, auto_mapping(table, columns_of(path)))
    engine = open_engine(url)
    try:
        return import_file(engine, path, profile, actor="test", **kwargs)
    finally:
        engine.dispose()


def load_base(url: str, tmp: Path) -> None:
    engine = open_engine(url)
    migrate(engine)
    engine.dispose()
    for table, content in BASE.items():
        result = import_table(url, tmp, table, content)
        assert result.written, result.report()


def snapshot(url: str) -> dict:
    """Everything an import could change: every table's rows, versions and the audit log."""
    engine = open_engine(url)
    tables = ("regions", "clients", "debtors", "collectors", "invoices", "payments", "credit_notes", "write_offs",
              "assignments", "unapplied_credits", "table_versions", "audit_log", "meta")  # fmt: skip
    with engine.connect() as connection:
        state = {t: sorted(map(tuple, connection.execute(text(f"SELECT * FROM {t}")).all()), key=repr) for t in tables}
    engine.dispose()
    return state


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request, tmp_path: Path) -> Iterator[str]:  # noqa: ANN001
    """An empty database: a SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'import.sqlite'}"
        return
    try:
        admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
        name = f"rdash_import_{uuid.uuid4().hex[:10]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any connection failure means the service is absent
        require_service(f"PostgreSQL at {POSTGRES_SERVER} ({exc.__class__.__name__})")
    try:
        yield POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
