"""``rdash import --from-url``: a synced copy of a database read through the view contract."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from data_access.db.engine import open_engine
from data_access.tools.cli import main
from tests import view_ledger


def counts(url: str) -> dict[str, int]:
    with open_engine(url).connect() as connection:
        return {t: connection.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                for t in ("regions", "debtors", "invoices", "payments", "audit_log")}  # fmt: skip


def test_a_sync_copies_then_only_what_changed(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    source, copy = f"sqlite:///{tmp_path / 'erp.sqlite'}", f"sqlite:///{tmp_path / 'copy.sqlite'}"
    view_ledger.build(open_engine(source))
    assert main(["import", "--from-url", source, "--database-url", copy]) == 0
    assert counts(copy) == {"regions": 2, "debtors": 2, "invoices": 3, "payments": 2, "audit_log": 1}
    assert main(["import", "--from-url", source, "--database-url", copy]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith("the local copy is up to date; nothing written.")
    assert counts(copy)["audit_log"] == 1
    with open_engine(source).begin() as connection:
        connection.execute(text("INSERT INTO erp_receipt VALUES (3, 2, '2026-03-02', 500.00)"))
        connection.execute(text("UPDATE erp_bill SET due = '2026-02-19' WHERE bill_id = 2"))
    assert main(["import", "--from-url", source, "--database-url", copy]) == 0
    out = capsys.readouterr().out
    assert "invoices: 0 new, 1 updated, 0 deleted" in out and "payments: 1 new, 0 updated, 0 deleted" in out
    assert counts(copy) == {"regions": 2, "debtors": 2, "invoices": 3, "payments": 3, "audit_log": 2}


def test_a_sync_refuses_a_database_holding_other_data(tmp_path: Path, demo_copy_url: str, capsys) -> None:  # noqa: ANN001
    source = f"sqlite:///{tmp_path / 'erp.sqlite'}"
    view_ledger.build(open_engine(source))
    assert main(["import", "--from-url", source, "--database-url", demo_copy_url]) == 2
    assert "already holds data that was not synced from" in capsys.readouterr().err
