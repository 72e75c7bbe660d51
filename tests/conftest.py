"""Shared fixtures: temporary databases that are always disposed, service gates, small books.

PostgreSQL and Chromium tests skip on a laptop without them and fail in CI (CI=true), where
they must run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db.engine import open_engine
from data_access.demo.seeding import seed_demo

IN_CI = os.environ.get("CI", "").lower() in ("1", "true")
POSTGRES_SERVER = os.environ.get("RDASH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DEMO_END = date(2026, 10, 31)
DEMO_INVOICES = 20_000
DEMO_SEED = 11


def require_service(reason: str) -> None:
    """Skip on a laptop; in CI a missing service is a failure, not a skip."""
    if IN_CI:
        pytest.fail(f"CI requires {reason}")
    pytest.skip(reason)


def seed_test_demo(url: str) -> str:
    """The tests' demo portfolio (small, fixed seed and end date) written into an empty database."""
    engine = open_engine(url)
    seed_demo(engine, invoices=DEMO_INVOICES, seed=DEMO_SEED, end=DEMO_END)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A small demo portfolio in a temporary SQLite file, shared by the read-only tests."""
    return seed_test_demo(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite'}")


@pytest.fixture
def demo_copy_url(demo_sqlite_url: str, tmp_path: Path) -> str:
    """A private copy of the demo database, for a test that writes."""
    source = Path(demo_sqlite_url.removeprefix("sqlite:///"))
    copy = tmp_path / "demo_copy.sqlite"
    shutil.copyfile(source, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    try:
        admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = f"rdash_test_{uuid.uuid4().hex[:10]}"
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any connection failure means the service is absent
        require_service(f"PostgreSQL at {POSTGRES_SERVER} ({exc.__class__.__name__})")
    url = POSTGRES_SERVER.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        require_service("Debian's chromium for the browser smoke test (apt-get install chromium)")
    return path  # type: ignore[return-value]
