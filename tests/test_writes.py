"""The write door: one transaction with per-table versions and an audit entry; bad input changes nothing."""

import tempfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from data_access.db import schema
from data_access.db.engine import migrate, open_engine, schema_problem
from data_access.db.store import Scope, Store
from data_access.db.writes import WriteRefused, audited_write, staging
from data_access.demo.seeding import seed_demo


def counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar()
                for name, table in schema.metadata.tables.items()}  # fmt: skip


@pytest.fixture
def fresh(empty_sqlite_url):
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    yield engine
    engine.dispose()


def add_region(engine, region_id: int = 1, name: str = "Hainan") -> None:
    with audited_write(engine, actor="tester", action="add_region", tables=("regions",), details={"why": "test"}) as w:
        w.insert("regions", {"region_id": region_id, "name": name, "name_zh": "海南"})


def test_a_write_moves_the_versions_of_its_declared_tables_only(fresh, empty_sqlite_url) -> None:
    add_region(fresh)
    versions = Store(empty_sqlite_url).versions()
    assert versions["regions"] == 1 and versions["audit_log"] == 1
    assert versions["invoices"] == 0 and versions["targets"] == 0


def test_the_audit_entry_records_who_what_and_the_row_after(fresh, empty_sqlite_url) -> None:
    add_region(fresh)
    audit = Store(empty_sqlite_url).read("audit_log", Scope.everything())
    assert audit.select("actor", "action", "tables", "details").rows() == [("tester", "add_region", "regions",
                                                                            '{"why":"test"}')]  # fmt: skip
    assert audit["changes"][0] == ('[{"after":{"name":"Hainan","name_zh":"海南","region_id":1},"before":null,'
                                   '"key":{"region_id":1},"op":"insert","table":"regions"}]')  # fmt: skip


def test_an_update_records_the_values_before_and_after(fresh, empty_sqlite_url) -> None:
    add_region(fresh)
    with audited_write(fresh, actor="tester", action="rename", tables=("regions",)) as w:
        assert w.update("regions", {"region_id": 1}, {"name": "Hainan Island"}) == 1
    audit = Store(empty_sqlite_url).read("audit_log", Scope.everything())
    assert audit["changes"][1] == ('[{"after":{"name":"Hainan Island","name_zh":"海南","region_id":1},'
                                   '"before":{"name":"Hainan","name_zh":"海南","region_id":1},"key":{"region_id":1},'
                                   '"op":"update","table":"regions"}]')  # fmt: skip


def test_a_write_to_an_undeclared_table_is_refused_and_changes_nothing(fresh) -> None:
    before = counts(fresh)
    with pytest.raises(WriteRefused, match="declared tables \\['regions'\\] but changes 'collectors'"):
        with audited_write(fresh, actor="tester", action="sneaky", tables=("regions",)) as w:
            w.insert("regions", {"region_id": 1, "name": "Hainan", "name_zh": "海南"})
            w.insert("collectors", {"collector_id": 1, "name": "X", "region_id": 1, "level": "junior",
                                    "hire_date": date(2020, 1, 1), "capacity": 10, "active": True})  # fmt: skip
    assert counts(fresh) == before


def test_a_failing_write_leaves_data_audit_log_and_versions_untouched(fresh, empty_sqlite_url) -> None:
    before, versions = counts(fresh), Store(empty_sqlite_url).versions()
    with pytest.raises(Exception, match="FOREIGN KEY"):
        with audited_write(fresh, actor="tester", action="bad_collector", tables=("regions", "collectors")) as w:
            w.insert("regions", {"region_id": 1, "name": "Hainan", "name_zh": "海南"})
            w.insert("collectors", {"collector_id": 1, "name": "X", "region_id": 99, "level": "junior",
                                    "hire_date": date(2020, 1, 1), "capacity": 10, "active": True})  # fmt: skip
    assert counts(fresh) == before
    assert Store(empty_sqlite_url).versions() == versions


def test_an_update_without_a_condition_is_refused(fresh) -> None:
    add_region(fresh)
    with pytest.raises(WriteRefused, match="needs a condition"):
        with audited_write(fresh, actor="tester", action="rename_all", tables=("regions",)) as w:
            w.update("regions", {}, {"name": "Everywhere"})


def test_a_write_without_an_actor_is_refused(fresh) -> None:
    with pytest.raises(WriteRefused, match="needs an actor"):
        with audited_write(fresh, actor=" ", action="x", tables=("regions",)):
            pass


def test_the_demo_refuses_a_database_that_already_holds_data(demo_sqlite_url) -> None:
    engine = open_engine(demo_sqlite_url)
    before = counts(engine)
    with pytest.raises(RuntimeError, match="already holds data"):
        seed_demo(engine, invoices=1_000, seed=1, end=date(2026, 1, 31))
    assert counts(engine) == before


def test_seeding_is_one_audited_write_of_every_table(demo_sqlite_url) -> None:
    audit = Store(demo_sqlite_url).read("audit_log", Scope.everything())
    assert audit["action"].to_list() == ["seed_demo_portfolio"]
    assert "invoices" in audit["tables"][0].split(",") and '"op":"bulk_insert"' in audit["changes"][0]


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


def staged_regions(engine, frame, **write) -> None:  # noqa: ANN001
    with staging() as staged:
        staged.add("regions", frame)
        with audited_write(engine, actor="tester", action="bulk_regions", tables=("regions",), staged=staged) as w:
            w.insert_staged("regions")
            if write.get("then_fail"):
                raise RuntimeError("failed after the copy")


REGIONS = pl.DataFrame({"region_id": [1, 2], "name": ["Hainan", "Tibet"], "name_zh": ["海南", "西藏"]})


def test_a_staged_bulk_write_stores_the_rows_and_audits_them_as_insert_frame_does(tmp_path) -> None:
    engines = []
    for name in ("staged", "direct"):
        engine = open_engine(f"sqlite:///{tmp_path / name}.sqlite")
        migrate(engine)
        engines.append(engine)
    staged_regions(engines[0], REGIONS)
    with audited_write(engines[1], actor="tester", action="bulk_regions", tables=("regions",)) as w:
        w.insert_frame("regions", REGIONS)
    stores = [Store(e.url.render_as_string()) for e in engines]
    assert stores[0].read("regions", Scope.everything()).sort("region_id").rows() == [(1, "Hainan", "海南"),
                                                                                      (2, "Tibet", "西藏")]  # fmt: skip
    changes = [s.read("audit_log", Scope.everything())["changes"][0] for s in stores]
    assert changes[0] == changes[1] and '"rows":2' in changes[0]
    assert stores[0].versions()["regions"] == 1
    leftovers = [*tmp_path.glob(".rdash-staging-*"), *Path(tempfile.gettempdir()).glob(".rdash-staging-*")]
    assert not leftovers  # the scratch file is gone


def test_a_failed_staged_write_leaves_nothing_and_foreign_keys_are_checked_again_after(fresh) -> None:
    before = counts(fresh)
    with pytest.raises(RuntimeError, match="failed after the copy"):
        staged_regions(fresh, REGIONS, then_fail=True)
    assert counts(fresh) == before
    with pytest.raises(IntegrityError):  # the pooled connection has its foreign keys back on
        with audited_write(fresh, actor="tester", action="x", tables=("collectors",)) as w:
            w.insert("collectors", {"collector_id": 1, "name": "Wang", "region_id": 99, "level": "junior",
                                    "hire_date": date(2020, 1, 1), "capacity": 60, "active": True})  # fmt: skip


def test_a_staged_write_that_breaks_a_foreign_key_is_refused_whole(fresh) -> None:
    collectors = pl.DataFrame({"collector_id": [1], "name": ["Wang"], "region_id": [99], "level": ["junior"],
                               "hire_date": [date(2020, 1, 1)], "capacity": [60], "active": [True]})  # fmt: skip
    before = counts(fresh)
    with staging() as staged:
        staged.add("regions", REGIONS)
        staged.add("collectors", collectors)
        with pytest.raises(WriteRefused, match="collectors row 1 refers to a missing regions"):
            with audited_write(fresh, actor="t", action="x", tables=("regions", "collectors"), staged=staged) as w:
                w.insert_staged("regions")
                w.insert_staged("collectors")
    assert counts(fresh) == before


def test_a_staged_copy_into_an_empty_table_keeps_its_indexes(fresh) -> None:
    def indexes() -> list:
        with fresh.connect() as connection:
            return connection.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                              "AND tbl_name = 'collectors' ORDER BY name").all()  # fmt: skip

    before = indexes()
    collectors = pl.DataFrame({"collector_id": [1], "name": ["Wang"], "region_id": [2], "level": ["junior"],
                               "hire_date": [date(2020, 1, 1)], "capacity": [60], "active": [True]})  # fmt: skip
    with staging() as staged:
        staged.add("regions", REGIONS)
        staged.add("collectors", collectors)
        with audited_write(fresh, actor="t", action="x", tables=("regions", "collectors"), staged=staged) as w:
            w.insert_staged("regions")
            w.insert_staged("collectors")
    assert indexes() == before and any("region_id" in sql for _name, sql in before)
    with fresh.connect() as connection:
        assert connection.exec_driver_sql("SELECT region_id, hire_date, active FROM collectors").all() == [
            (2, "2020-01-01", 1)]  # stored as SQLAlchemy stores a date and a boolean in SQLite
