"""One declaration of how each table reaches a region, a debtor, a collector and a client.

Used three ways, so the three can never disagree:
- the reader's scope in SQL (``scope_clause``): a region-scoped reader gets only rows that reach
  one of its regions, for every table, applied centrally by the read door;
- the view's filters in Polars (``data_access.book.filters``): which column of a table carries
  its debtor, client and collector, directly or through a parent row;
- the sentence that describes the view: which filters can apply to a table at all.

Every table of the schema has a rule, or is declared global (everyone may read every row) or
admin-only (only an unscoped reader) on purpose; ``tests/test_rules.py`` fails on a table with
neither. This follows SQLAlchemy's ``with_loader_criteria`` example: one rule applied in one
place, with an explicit opt-out (``Scope.everything()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Table, and_, false, or_, select

from data_access.db import schema


@dataclass(frozen=True)
class Own:
    """The table's own column holds the region id."""

    column: str


@dataclass(frozen=True)
class Via:
    """The table reaches a region through a parent row: ``column`` -> ``parent``'s primary key."""

    column: str
    parent: str


@dataclass(frozen=True)
class UsedBy:
    """Rows referred to by an in-scope row of ``child`` (a client through its invoices)."""

    child: str
    column: str  # the child's column that points at this table's primary key


@dataclass(frozen=True)
class Unassigned:
    """Rows whose ``columns`` are all NULL are company-wide facts, visible to every scope."""

    columns: tuple[str, ...]


Path = Own | Via | UsedBy | Unassigned


@dataclass(frozen=True)
class Rule:
    """How one table reaches the dimensions scopes and filters use.

    ``region``: any of these paths puts a row in a region (OR). ``debtor``/``client``/``collector``:
    the column holding that id, or ``(column, parent)`` to take it from a parent row.
    ``kind``: "scoped" (default), "global" (every reader sees every row) or "admin" (unscoped only).
    """

    region: tuple[Path, ...] = ()
    debtor: str | tuple[str, str] | None = None
    client: str | tuple[str, str] | None = None
    collector: str | tuple[str, str] | None = None
    kind: str = "scoped"
    why: str = field(default="", compare=False)


_DEBTOR = (Via("debtor_id", "debtors"),)
_INVOICE = (Via("invoice_id", "invoices"),)
_REDUCTION = Rule(_INVOICE, debtor=("invoice_id", "invoices"), client=("invoice_id", "invoices"))
_DEBTOR_FACT = Rule(_DEBTOR, debtor="debtor_id")

RULES: dict[str, Rule] = {
    "regions": Rule((Own("region_id"),)),
    "collectors": Rule((Own("region_id"),), collector="collector_id"),
    # A client is visible in its own region and wherever its invoices are (invoices follow their
    # debtor's region), so an in-scope invoice never loses its client's name.
    "clients": Rule((Own("region_id"), UsedBy("invoices", "client_id")), client="client_id"),
    "debtors": Rule((Own("region_id"),), debtor="debtor_id"),
    "debtor_ratings": _DEBTOR_FACT,
    "invoices": Rule(_DEBTOR, debtor="debtor_id", client="client_id"),
    "payments": _REDUCTION,
    "credit_notes": _REDUCTION,
    "write_offs": _REDUCTION,
    "recoveries": _REDUCTION,
    # Money on a debtor's account not tied to one invoice (unapplied cash, credit on account).
    "unapplied_credits": _DEBTOR_FACT,
    "assignments": Rule(_DEBTOR, debtor="debtor_id", collector="collector_id"),
    "collection_actions": Rule(_DEBTOR, debtor="debtor_id", collector="collector_id"),
    "promises": Rule(_DEBTOR, debtor="debtor_id", client=("invoice_id", "invoices"), collector="collector_id"),
    "credit_events": _DEBTOR_FACT,
    "legal_cases": _DEBTOR_FACT,
    "legal_case_stages": Rule((Via("case_id", "legal_cases"),), debtor=("case_id", "legal_cases")),
    "satisfaction_surveys": Rule(_DEBTOR, debtor="debtor_id", collector="collector_id"),
    # An incident belongs to the collector's region (its debtor is optional).
    "compliance_incidents": Rule((Via("collector_id", "collectors"),), collector="collector_id"),
    "escalations": Rule(_DEBTOR, debtor="debtor_id", collector="collector_id"),
    # A target set for a region or a collector belongs there; a company-wide target (neither set)
    # is a fact every reader is judged against.
    "targets": Rule((Own("region_id"), Via("collector_id", "collectors"), Unassigned(("region_id", "collector_id"))),
                    collector="collector_id"),  # fmt: skip
    "appeals": Rule((Via("collector_id", "collectors"),), collector="collector_id"),
    "meta": Rule(kind="global", why="currency and source of the data: the same for every reader"),
    "agendas": Rule(kind="global", why="meeting agendas: named lists of pages, shared by everyone who presents"),
    "table_versions": Rule(kind="global", why="how fresh each table is; holds no business data"),
    "audit_log": Rule(kind="admin", why="who changed what: for administrators, not region managers"),
}


def rule_of(table_name: str) -> Rule:
    try:
        return RULES[table_name]
    except KeyError:
        raise LookupError(f"{table_name} has no scope rule in data_access/db/rules.py; declare one") from None


def _primary_key(table: Table):  # noqa: ANN202 - a Column
    (key,) = table.primary_key.columns
    return key


def scope_clause(table: Table, regions: list[int]) -> ColumnElement[bool]:
    """A WHERE clause keeping the rows of ``table`` that reach one of ``regions``."""
    rule = rule_of(table.name)
    if rule.kind == "global":
        return and_(True)
    if rule.kind == "admin":
        raise PermissionError(f"{table.name} is for administrators; only an unscoped reader may read it")
    conditions = []
    for path in rule.region:
        if isinstance(path, Own):
            conditions.append(table.c[path.column].in_(regions))
        elif isinstance(path, Via):
            parent = schema.metadata.tables[path.parent]
            conditions.append(table.c[path.column].in_(select(_primary_key(parent)).where(scope_clause(parent, regions))))
        elif isinstance(path, UsedBy):
            child = schema.metadata.tables[path.child]
            conditions.append(_primary_key(table).in_(select(child.c[path.column]).where(scope_clause(child, regions))))
        elif isinstance(path, Unassigned):
            conditions.append(and_(*(table.c[c].is_(None) for c in path.columns)))
    return or_(*conditions) if conditions else false()


# What each view filter needs from a table, for the sentence "not applied here".
FILTER_NEEDS = {"region": "region", "client": "client", "industry": "debtor", "grade": "debtor", "collector": "collector"}


def filters_applicable(table_name: str) -> set[str]:
    """The view filters that can select rows of ``table_name``.

    Region applies to any scoped table; industry and grade need a debtor; collector needs a
    collector or a debtor (whose owner at the as-of date is known); client needs a client.
    """
    rule = rule_of(table_name)
    reachable = {"region"} if rule.region else set()
    if rule.debtor is not None:
        reachable |= {"debtor", "collector", "client"}  # a debtor's invoices name their clients
    if rule.client is not None:
        reachable.add("client")
    if rule.collector is not None:
        reachable.add("collector")
    return {name for name, need in FILTER_NEEDS.items() if need in reachable}
