"""The Alembic migrations build exactly the schema that data_access.db.schema declares."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from data_access.db.engine import head_revision, migrate, open_engine, schema_problem
from data_access.db.schema import metadata


def test_migrations_match_the_declared_schema(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    assert schema_problem(engine) is None


def test_migrating_twice_is_harmless(empty_sqlite_url) -> None:
    engine = open_engine(empty_sqlite_url)
    migrate(engine)
    migrate(engine)
    assert head_revision() == "0006"
