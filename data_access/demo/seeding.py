"""Create and fill a database: the demo portfolio on first run, or on ``rdash demo``.

Everything is written in one audited transaction, so a failure leaves no half-seeded database.

The tables are generated one at a time (``generate_tables``) and each is let go once written, so memory
holds the generator's step arrays and one table, not the whole portfolio. On SQLite each table is
first bulk-ingested through ADBC into a scratch file (``writes.staging``), then copied into the database
in the audited transaction (``Writer.insert_staged``); on PostgreSQL each is streamed with ``COPY``
inside the audited transaction (``Writer.insert_frame``). See docs/scaling.md for the measured figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine, func, select

from data_access.db import schema
from data_access.demo.generator import generate_tables
from data_access.db.engine import migrate, open_engine, schema_problem
from data_access.db.writes import audited_write, staging

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
    actor: str = "rdash demo", log: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Migrate, generate and load a demo portfolio into an empty database; returns row counts.

    ``log`` (optional) hears the time of each phase: generating and staging, then the audited copy."""
    migrate(engine)
    if has_business_data(engine):
        raise RuntimeError(
            f"{engine.url.render_as_string(hide_password=True)} already holds data; "
            "the demo only fills an empty database (use a new file or database)."
        )
    started = time.perf_counter()
    counts: dict[str, int] = {}
    details = {"invoices": invoices, "seed": seed, "end": str(end or date.today()), "rows": counts}
    declared = (*LOAD_ORDER, "meta")
    if engine.dialect.name == "sqlite":
        with staging(engine.url.database) as staged:
            for name, frame in generate_tables(invoices, seed, end):
                staged.add(name, frame)
                del frame
            counts.update({name: staged.tables[name].rows for name in LOAD_ORDER})
            if log:
                log(f"generated and staged through ADBC in {time.perf_counter() - started:.1f} s")
            with audited_write(engine, actor=actor, action="seed_demo_portfolio", tables=declared, details=details,
                               staged=staged) as writer:  # fmt: skip
                for name in LOAD_ORDER:
                    writer.insert_staged(name)
                _describe(writer, seed, invoices, currency)
    else:  # generated table by table inside the transaction: COPY is already a bulk load
        with audited_write(engine, actor=actor, action="seed_demo_portfolio", tables=declared,
                           details=details) as writer:  # fmt: skip
            for name, frame in generate_tables(invoices, seed, end):  # parents before children
                writer.insert_frame(name, frame)
                counts[name] = frame.height
                del frame
            counts.update({name: counts.pop(name) for name in LOAD_ORDER})  # in load order, as on SQLite
            _describe(writer, seed, invoices, currency)
    counts["seconds"] = round(time.perf_counter() - started, 1)
    if log:
        log(f"loaded in one audited write: {counts['seconds']:.1f} s in all")
    return counts


def _describe(writer, seed: int, invoices: int, currency: str) -> None:  # noqa: ANN001 - a Writer
    writer.set_meta("currency", currency)
    writer.set_meta("source", f"demo portfolio, seed {seed}, {invoices} invoices")


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
