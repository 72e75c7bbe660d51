"""The layering (STYLE.md): arrows point down only.

data_access never imports Streamlit or the dashboard; pages and dashboard never touch SQL, engines or
drivers; pages never import the database package. Checked on the source, not by convention.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DRIVERS = ("sqlalchemy", "adbc_driver_manager", "adbc_driver_sqlite", "adbc_driver_postgresql", "psycopg", "sqlite3",
           "alembic")  # fmt: skip


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def starts(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", files("data_access"), ids=lambda p: str(p.relative_to(ROOT)))
def test_data_access_never_imports_streamlit_or_the_dashboard(path) -> None:
    assert not [m for m in imported_modules(path) if starts(m, ("streamlit", "dashboard", "pages"))]


@pytest.mark.parametrize("path", [*files("pages"), ROOT / "app.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_never_import_the_database(path) -> None:
    assert not [m for m in imported_modules(path) if starts(m, ("data_access.db", *DRIVERS))]


@pytest.mark.parametrize("path", files("dashboard"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_dashboard_never_touches_sql_or_drivers(path) -> None:
    assert not [m for m in imported_modules(path) if starts(m, DRIVERS)]
