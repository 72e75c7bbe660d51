"""Create and fill a database: the demo portfolio on first run, or on ``rdash demo``.

Everything is written in one audited transaction, so a failure leaves no half-seeded database.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import Engine, func, select

from data_access.db import schema
from data_access.demo.generator import generate
from data_access.db.engine import migrate, open_engine, schema_problem
from data_access.db.writes import audited_write

# Parents before children, so foreign keys hold at every insert.
LOAD_ORDER = (
    "regions", "collectors", "clients", "debtors", "debtor_ratings", "invoices", "payments",
    "credit_notes", "write_offs", "recoveries", "assignments", "collection_actions", "promises",
    "credit_events", "legal_cases", "legal_case_stages", "satisfaction_surveys", "compliance_incidents", "escalations",
    "targets", "appeals",
)  # fmt: skip


def has_business_data(engine: Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(select(func.count()).select_from(schema.regions)).scalar())


def seed_demo(
    engine: Engine, *, invoices: int, seed: int, end: date | None = None, currency: str = "CNY",
    actor: str = "rdash demo",
) -> dict[str, int]:
    """Migrate, generate and load a demo portfolio into an empty database; returns row counts."""
    migrate(engine)
    if has_business_data(engine):
        raise RuntimeError(
            f"{engine.url.render_as_string(hide_password=True)} already holds data; "
            "the demo only fills an empty database (use a new file or database)."
        )
    started = time.perf_counter()
    tables = generate(invoices, seed, end)
    counts = {name: tables[name].height for name in LOAD_ORDER}
    details = {"invoices": invoices, "seed": seed, "end": str(end or date.today()), "rows": counts}
    with audited_write(engine, actor=actor, action="seed_demo_portfolio", tables=(*LOAD_ORDER, "meta"),
                       details=details) as writer:  # fmt: skip
        for name in LOAD_ORDER:
            writer.insert_frame(name, tables[name])
        writer.set_meta("currency", currency)
        writer.set_meta("source", f"demo portfolio, seed {seed}, {invoices} invoices")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def ensure_database(url: str, *, invoices: int, seed: int, currency: str, seed_if_empty: bool) -> str | None:
    """Make the app's database usable; return a problem description when it cannot be.

    The embedded default (``seed_if_empty``) is created, migrated and seeded on first run. Any
    other database is only checked: the app never writes demo data into a real deployment.
    """
    engine = open_engine(url)
    try:
        if seed_if_empty:
            migrate(engine)
            if not has_business_data(engine):
                seed_demo(engine, invoices=invoices, seed=seed, currency=currency, actor="rdash first run")
            return None
        return schema_problem(engine)
    finally:
        engine.dispose()
