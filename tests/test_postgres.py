"""The same generated portfolio gives the same figures on SQLite and PostgreSQL."""

from datetime import date

import pytest

from data_access.metrics import aging
from data_access.metrics.asof import debtor_dimensions, invoice_state, with_dimensions
from data_access.metrics.buckets import Buckets
from data_access.db.engine import open_engine, schema_problem
from data_access.book.portfolio import load_portfolio
from data_access.metrics.snapshots import aging_trend, month_ends, snapshots
from data_access.db.store import Scope, Store
from tests.conftest import DEMO_END, seed_test_demo

BUCKETS = Buckets.from_edges((0, 30, 60, 90, 180))


@pytest.fixture(scope="module")
def postgres_demo(postgres_database: str) -> str:
    return seed_test_demo(postgres_database)


def test_postgres_is_migrated_to_the_newest_revision(postgres_demo: str) -> None:
    assert schema_problem(open_engine(postgres_demo)) is None


@pytest.mark.parametrize("table", ["invoices", "payments", "credit_notes", "write_offs", "debtor_ratings",
                                   "assignments", "collection_actions", "escalations", "targets"])  # fmt: skip
def test_every_table_reads_back_identically_on_both_engines(postgres_demo, demo_sqlite_url, table) -> None:
    from_pg = Store(postgres_demo).read(table, Scope.everything())
    from_sqlite = Store(demo_sqlite_url).read(table, Scope.everything())
    assert from_pg.schema == from_sqlite.schema
    assert from_pg.sort(from_pg.columns[0]).equals(from_sqlite.sort(from_sqlite.columns[0]))


def test_a_year_of_actions_reads_back_identically_on_both_engines(postgres_demo, demo_sqlite_url) -> None:
    year = (date(2025, 1, 1), date(2025, 12, 31))
    from_pg = Store(postgres_demo).read("collection_actions", Scope.of_regions(2), dated=year)
    from_sqlite = Store(demo_sqlite_url).read("collection_actions", Scope.of_regions(2), dated=year)
    assert from_pg.height > 0 and from_pg["action_date"].is_between(*year).all()
    assert from_pg.sort("action_id").equals(from_sqlite.sort("action_id"))


@pytest.mark.parametrize("as_of", [date(2025, 6, 30), DEMO_END])
def test_aging_figures_match_to_the_cent(postgres_demo, demo_sqlite_url, as_of) -> None:
    results = []
    for url in (postgres_demo, demo_sqlite_url):
        book = load_portfolio(Store(url), Scope.everything())
        state = with_dimensions(invoice_state(book, as_of, BUCKETS), book, debtor_dimensions(book, as_of))
        trend = aging_trend(snapshots(book, month_ends(as_of, 12), BUCKETS), BUCKETS)
        results.append((aging.kpis(state), aging.aging_by(state, "region", BUCKETS), trend))
    (pg_kpis, pg_by, pg_trend), (lite_kpis, lite_by, lite_trend) = results
    assert pg_kpis == lite_kpis
    assert pg_by.equals(lite_by)
    assert pg_trend.equals(lite_trend)


def test_scope_is_applied_in_sql_on_postgres_too(postgres_demo) -> None:
    invoices = Store(postgres_demo).read("invoices", Scope.of_regions(2))
    debtors = Store(postgres_demo).read("debtors", Scope.everything())
    regions = debtors.filter(debtors["debtor_id"].is_in(invoices["debtor_id"].unique().implode()))["region_id"]
    assert set(regions) == {2}


def test_postgres_migrations_match_the_declared_schema(postgres_demo) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from data_access.db.schema import metadata

    with open_engine(postgres_demo).connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []


@pytest.fixture
def fresh_postgres(postgres_database):
    """An empty migrated database of its own (the module's demo database stays untouched)."""
    import uuid

    from sqlalchemy import create_engine, text

    from data_access.db.engine import migrate

    admin = create_engine(postgres_database, isolation_level="AUTOCOMMIT")
    name = f"rdash_w_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres_database.rsplit("/", 1)[0] + f"/{name}"
    engine = open_engine(url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_concurrent_writers_lose_no_version_and_do_not_fork_the_chain(fresh_postgres) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from data_access.db.audit import verify_chain
    from data_access.db.writes import audited_write, versions

    def writer(first: int) -> None:
        for region_id in range(first, first + 10):
            with audited_write(fresh_postgres, actor=f"writer{first}", action="add_region", tables=("regions",)) as w:
                w.insert("regions", {"region_id": region_id, "name": f"R{region_id}", "name_zh": "区"})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(writer, (1, 101, 201, 301)))
    with fresh_postgres.connect() as connection:
        assert versions(connection)["regions"] == 40
        assert versions(connection)["audit_log"] == 40
    verdict = verify_chain(fresh_postgres)
    assert verdict.ok and verdict.entries == 40


def test_two_first_writes_on_a_fresh_database_both_land(fresh_postgres) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from data_access.db.audit import verify_chain
    from data_access.db.writes import audited_write

    def first_write(region_id: int) -> None:
        with audited_write(fresh_postgres, actor="t", action="add_region", tables=("regions",)) as w:
            w.insert("regions", {"region_id": region_id, "name": f"R{region_id}", "name_zh": "区"})

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(first_write, (1, 2)))
    assert verify_chain(fresh_postgres).entries == 2
