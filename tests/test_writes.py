"""The write door: every write is transactional and audited; bad input leaves the database as it was."""

from datetime import date

import pytest
from sqlalchemy import func, insert, select

from data_access.db import schema
from data_access.db.engine import migrate, open_engine, schema_problem
from data_access.demo.seeding import seed_demo
from data_access.db.store import Scope, Store
from data_access.db.writes import audited_write


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar()
                for name, table in schema.metadata.tables.items()}  # fmt: skip


def test_an_audited_write_commits_with_one_audit_row_and_a_new_data_version(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    with audited_write(engine, actor="tester", action="add_region", details={"name": "Hainan"}) as connection:
        connection.execute(insert(schema.regions).values(region_id=1, name="Hainan", name_zh="海南"))
    audit = Store(empty_sqlite_url).read("audit_log", Scope.everything())
    assert audit.select("actor", "action", "details").rows() == [("tester", "add_region", '{"name": "Hainan"}')]
    assert Store(empty_sqlite_url).data_version() == 1


def test_a_failing_write_leaves_data_audit_log_and_version_untouched(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    before = counts(engine)
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with audited_write(engine, actor="tester", action="bad_collector", details={}) as connection:
            connection.execute(insert(schema.regions).values(region_id=1, name="Hainan", name_zh="海南"))
            connection.execute(insert(schema.collectors).values(
                collector_id=1, name="X", region_id=99, level="junior", hire_date=date(2020, 1, 1), capacity=10,
                active=True))  # fmt: skip
    assert counts(engine) == before


def test_the_demo_refuses_a_database_that_already_holds_data(demo_sqlite_url) -> None:
    engine = open_engine(demo_sqlite_url)
    before = counts(engine)
    with pytest.raises(RuntimeError, match="already holds data"):
        seed_demo(engine, invoices=1_000, seed=1, end=date(2026, 1, 31))
    assert counts(engine) == before


def test_seeding_is_audited(demo_sqlite_url) -> None:
    audit = Store(demo_sqlite_url).read("audit_log", Scope.everything())
    assert audit["action"].to_list() == ["seed_demo_portfolio"]


def test_a_database_without_schema_is_explained(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    with engine.connect():  # an empty file: reachable, no tables
        pass
    problem = schema_problem(engine)
    assert "has no rdash schema" in problem and "rdash migrate" in problem


def test_a_missing_sqlite_file_is_explained_and_not_created(tmp_path) -> None:
    missing = tmp_path / "typo.sqlite"
    problem = schema_problem(open_engine(f"sqlite:///{missing}"))
    assert problem.endswith(f"the file {missing} does not exist; check the path, or run `rdash demo` to create a demo there.")
    assert not missing.exists()


def test_an_unreachable_database_is_explained() -> None:
    problem = schema_problem(open_engine("postgresql+psycopg://nobody@127.0.0.1:1/nowhere"))
    assert problem.startswith("Cannot connect to postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
