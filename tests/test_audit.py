"""The audit chain: intact when untouched; an edited, deleted, inserted or reordered entry is named."""

import pytest
from sqlalchemy import text

from data_access.db.audit import GENESIS, verify_chain
from data_access.db.engine import migrate, open_engine
from data_access.db.writes import audited_write


@pytest.fixture
def logged(empty_sqlite_url):
    """A database with four audited writes (regions 1-4)."""
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    for region_id in range(1, 5):
        with audited_write(engine, actor=f"user{region_id}", action="add_region", tables=("regions",)) as writer:
            writer.insert("regions", {"region_id": region_id, "name": f"R{region_id}", "name_zh": "区"})
    yield engine
    engine.dispose()


def tamper(engine, sql: str) -> None:
    with engine.begin() as connection:
        connection.execute(text(sql))


def test_an_untouched_log_verifies_with_its_head_hash(logged) -> None:
    verdict = verify_chain(logged)
    with logged.connect() as connection:
        head = connection.execute(text("SELECT hash FROM audit_log WHERE audit_id = 4")).scalar()
    assert verdict.ok and verdict.entries == 4 and verdict.head == head


def test_an_empty_log_verifies(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    verdict = verify_chain(engine)
    assert verdict.ok and verdict.entries == 0 and verdict.head == GENESIS


def test_each_entry_links_to_the_hash_of_the_one_before(logged) -> None:
    with logged.connect() as connection:
        rows = connection.execute(text("SELECT prev_hash, hash FROM audit_log ORDER BY audit_id")).all()
    assert rows[0][0] == GENESIS
    assert [r[0] for r in rows[1:]] == [r[1] for r in rows[:-1]]


@pytest.mark.parametrize("column, value", [("actor", "'mallory'"), ("details", "'{\"why\":\"forged\"}'"), ("at", "'2020-01-01 00:00:00'"),
                                           ("changes", "replace(changes, 'R2', 'R9')")])  # fmt: skip
def test_an_edited_entry_is_named(logged, column, value) -> None:
    tamper(logged, f"UPDATE audit_log SET {column} = {value} WHERE audit_id = 2")
    verdict = verify_chain(logged)
    assert not verdict.ok
    assert verdict.problem.startswith("entry 2 (add_region by ") and "was edited after it was written" in verdict.problem


def test_a_deleted_middle_entry_is_named(logged) -> None:
    tamper(logged, "DELETE FROM audit_log WHERE audit_id = 2")
    assert verify_chain(logged).problem.startswith("entry 2 is missing or out of order before entry 3")


def test_a_deleted_newest_entry_is_caught_by_the_count(logged) -> None:
    tamper(logged, "DELETE FROM audit_log WHERE audit_id = 4")
    verdict = verify_chain(logged)
    assert not verdict.ok and verdict.problem == "the log holds 3 entries but 4 were written: the newest 1 were deleted"


def test_reordered_entries_are_named(logged) -> None:
    # Swap the contents of entries 2 and 3 but keep the ids in sequence.
    tamper(logged, "UPDATE audit_log SET audit_id = -2 WHERE audit_id = 2")
    tamper(logged, "UPDATE audit_log SET audit_id = 2 WHERE audit_id = 3")
    tamper(logged, "UPDATE audit_log SET audit_id = 3 WHERE audit_id = -2")
    verdict = verify_chain(logged)
    assert not verdict.ok and verdict.problem.startswith("entry 2 (add_region by user3")
    assert "does not follow the entry before it" in verdict.problem


def test_a_forged_entry_appended_by_hand_is_caught(logged) -> None:
    tamper(logged, "INSERT INTO audit_log (audit_id, at, actor, action, tables, details, changes, prev_hash, hash) "
                   "SELECT 5, at, 'mallory', 'add_region', tables, details, changes, hash, 'f' FROM audit_log "
                   "WHERE audit_id = 4")  # fmt: skip
    verdict = verify_chain(logged)
    assert not verdict.ok and verdict.problem.startswith("entry 5 (add_region by mallory")


def test_the_demo_seeding_is_in_the_chain(demo_sqlite_url) -> None:
    verdict = verify_chain(open_engine(demo_sqlite_url))
    assert verdict.ok and verdict.entries == 1


def test_the_command_line_verifies_and_names_a_broken_entry(logged, empty_sqlite_url, capsys) -> None:
    from data_access.tools.cli import main

    assert main(["audit", "verify", "--database-url", empty_sqlite_url]) == 0
    assert capsys.readouterr().out.startswith("Audit chain intact: 4 entries, head ")
    tamper(logged, "UPDATE audit_log SET actor = 'mallory' WHERE audit_id = 3")
    assert main(["audit", "verify", "--database-url", empty_sqlite_url]) == 1
    assert "Audit chain BROKEN: entry 3 (add_region by mallory" in capsys.readouterr().out
