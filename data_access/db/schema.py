"""The receivables database: one SQLAlchemy Core schema, identical on SQLite and PostgreSQL.

Money is stored as integer minor units (``*_cents`` columns, BIGINT): exact on both engines, and
summed exactly in Polars as Int64. The reporting currency lives in ``meta`` (one per database).
Migrations are in ``data_access/migrations`` (Alembic); this module is what they are checked
against (``tests/test_schema.py``).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _money(name: str, nullable: bool = False) -> Column:
    return Column(name, BigInteger, nullable=nullable, comment="minor currency units (cents)")


def _fk(name: str, target: str, nullable: bool = False, index: bool = True) -> Column:
    return Column(name, Integer, ForeignKey(target), nullable=nullable, index=index)


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
    comment="facts about the database: currency, source of the data",
)

table_versions = Table(
    "table_versions",
    metadata,
    Column("table_name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
    comment="one row per table, incremented in the transaction of every audited write that declares the table",
)

regions = Table(
    "regions",
    metadata,
    Column("region_id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("name_zh", String(80), nullable=False),
)

collectors = Table(
    "collectors",
    metadata,
    Column("collector_id", Integer, primary_key=True),
    Column("name", String(120), nullable=False),
    _fk("region_id", "regions.region_id"),
    Column("level", String(10), nullable=False),
    Column("hire_date", Date, nullable=False),
    Column("capacity", Integer, nullable=False, comment="difficulty-weighted cases the collector can carry"),
    _fk("mentor_id", "collectors.collector_id", nullable=True, index=False),
    Column("active", Boolean, nullable=False),
    CheckConstraint("level IN ('junior', 'mid', 'senior')", name="level"),
)

clients = Table(
    "clients",
    metadata,
    Column("client_id", Integer, primary_key=True),
    Column("name", String(160), nullable=False),
    Column("industry", String(60), nullable=False),
    _fk("region_id", "regions.region_id"),
    Column("recourse", Boolean, nullable=False, comment="recourse factoring (charge-back allowed)"),
    Column("advance_rate", Numeric(5, 4), nullable=False),
)

debtors = Table(
    "debtors",
    metadata,
    Column("debtor_id", Integer, primary_key=True),
    Column("name", String(160), nullable=False),
    Column("industry", String(60), nullable=False),
    _fk("region_id", "regions.region_id"),
    _money("credit_limit_cents"),
)

debtor_ratings = Table(
    "debtor_ratings",
    metadata,
    Column("rating_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    Column("rated_on", Date, nullable=False),
    Column("grade", String(4), nullable=False, comment="AAA best .. CCC worst"),
)

invoices = Table(
    "invoices",
    metadata,
    Column("invoice_id", Integer, primary_key=True),
    Column("invoice_number", String(40), nullable=False, unique=True),
    _fk("client_id", "clients.client_id"),
    _fk("debtor_id", "debtors.debtor_id"),
    Column("issue_date", Date, nullable=False, index=True),
    Column("due_date", Date, nullable=False),
    _money("amount_cents"),
    _money("advance_cents"),
    Column("recourse", Boolean, nullable=False),
    Column("disputed", Boolean, nullable=False),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
    CheckConstraint("due_date >= issue_date", name="due_after_issue"),
)


def _invoice_reduction(name: str, singular: str, *extra: Column, comment: str) -> Table:
    """Payments, credit notes, write-offs and recoveries share one shape: a dated amount on an invoice."""
    return Table(
        name,
        metadata,
        Column(f"{singular}_id", Integer, primary_key=True),
        _fk("invoice_id", "invoices.invoice_id"),
        Column(f"{singular}_date", Date, nullable=False),
        _money("amount_cents"),
        *extra,
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        comment=comment,
    )


payments = _invoice_reduction("payments", "payment", comment="cash received against an invoice")
credit_notes = _invoice_reduction(
    "credit_notes", "credit_note", Column("reason", String(40), nullable=False), comment="dilution: non-cash reductions"
)
write_offs = _invoice_reduction("write_offs", "write_off", comment="amounts written off as bad debt")
recoveries = _invoice_reduction("recoveries", "recovery", comment="cash recovered after a write-off")

unapplied_credits = Table(
    "unapplied_credits",
    metadata,
    Column("credit_id", Integer, primary_key=True),
    Column("reference", String(40), nullable=False, unique=True, comment="the ledger's own id: the business key"),
    _fk("debtor_id", "debtors.debtor_id"),
    Column("kind", String(24), nullable=False),
    Column("received_on", Date, nullable=False, comment="when the money or credit arrived on the debtor's account"),
    Column("applied_on", Date, nullable=True,
           comment="when it was matched to invoices (the payment or credit note on the invoice is dated then); "
                   "NULL while unapplied"),
    _money("amount_cents"),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
    CheckConstraint("kind IN ('unapplied_cash', 'credit_on_account', 'unapplied_credit_note')", name="kind"),
    CheckConstraint("applied_on IS NULL OR applied_on >= received_on", name="applied_after_received"),
    comment="money on a debtor's account not tied to one invoice: it reduces the debtor's net exposure",
)

assignments = Table(
    "assignments",
    metadata,
    Column("assignment_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    _fk("collector_id", "collectors.collector_id"),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=True, comment="exclusive; NULL while current"),
    Column("reason", String(200), nullable=True, comment="why the case came to this collector (NULL: initial load)"),
    Column("batch_id", String(40), nullable=True, index=True,
           comment="the rebalancing or manual batch that started this assignment (NULL: initial load)"),
    comment="who owned each debtor's case on which dates",
)

collection_actions = Table(
    "collection_actions",
    metadata,
    Column("action_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    _fk("invoice_id", "invoices.invoice_id", nullable=True),
    _fk("collector_id", "collectors.collector_id"),
    Column("action_date", Date, nullable=False),
    Column("channel", String(10), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("escalation_level", Integer, nullable=False, comment="1 reminder .. 5 legal"),
    CheckConstraint(
        "channel IN ('reminder', 'phone', 'sms', 'email', 'letter', 'visit', 'legal')", name="channel"
    ),
    # Read a period at a time (Store.read's ``dated``): the largest table of activity, 16.8M rows at 10M
    # invoices, of which a page needs one quarter's or one year's.
    info={"dated_by": "action_date"},
)

promises = Table(
    "promises",
    metadata,
    Column("promise_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    _fk("invoice_id", "invoices.invoice_id"),
    _fk("collector_id", "collectors.collector_id"),
    Column("made_on", Date, nullable=False),
    Column("promised_date", Date, nullable=False),
    _money("amount_cents"),
    Column("is_plan", Boolean, nullable=False, comment="part of a repayment plan"),
)

credit_events = Table(
    "credit_events",
    metadata,
    Column("event_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    Column("event_date", Date, nullable=False),
    Column("event_type", String(24), nullable=False),
    Column("severity", Integer, nullable=False, comment="1 low .. 3 high"),
    CheckConstraint(
        "event_type IN ('rating_downgrade', 'litigation', 'business_anomaly', 'negative_news', "
        "'executive_change', 'bankruptcy')",
        name="event_type",
    ),
)

legal_cases = Table(
    "legal_cases",
    metadata,
    Column("case_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    Column("opened_on", Date, nullable=False),
    Column("stage", String(16), nullable=False),
    Column("closed_on", Date, nullable=True),
    _money("claimed_cents"),
    _money("recovered_cents"),
    CheckConstraint("stage IN ('filed', 'hearing', 'judgment', 'enforcement', 'closed')", name="stage"),
    comment="the case as it stands now; legal_case_stages has its dated history",
)

legal_case_stages = Table(
    "legal_case_stages",
    metadata,
    Column("stage_id", Integer, primary_key=True),
    _fk("case_id", "legal_cases.case_id"),
    Column("stage", String(16), nullable=False),
    Column("entered_on", Date, nullable=False),
    _money("recovered_cents", nullable=False),
    CheckConstraint("stage IN ('filed', 'hearing', 'judgment', 'enforcement', 'closed')", name="stage"),
    comment="each stage a case entered, with the amount recovered by then: the case as of any date",
)

satisfaction_surveys = Table(
    "satisfaction_surveys",
    metadata,
    Column("survey_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    _fk("collector_id", "collectors.collector_id"),
    Column("survey_date", Date, nullable=False),
    Column("score", Integer, nullable=False),
    CheckConstraint("score BETWEEN 1 AND 5", name="score"),
)

compliance_incidents = Table(
    "compliance_incidents",
    metadata,
    Column("incident_id", Integer, primary_key=True),
    _fk("collector_id", "collectors.collector_id"),
    _fk("debtor_id", "debtors.debtor_id", nullable=True),
    Column("reported_on", Date, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("confirmed", Boolean, nullable=False),
    Column("confirmed_on", Date, nullable=True),
    Column("description", Text, nullable=False),
)

escalations = Table(
    "escalations",
    metadata,
    Column("escalation_id", Integer, primary_key=True),
    _fk("debtor_id", "debtors.debtor_id"),
    _fk("collector_id", "collectors.collector_id"),
    Column("flagged_on", Date, nullable=False, comment="when the case became hard"),
    Column("escalated_on", Date, nullable=True, comment="when it reached the manager"),
    Column("reason", String(40), nullable=False),
)

targets = Table(
    "targets",
    metadata,
    Column("target_id", Integer, primary_key=True),
    Column("target_type", String(32), nullable=False),
    Column("tier", String(16), nullable=True),
    _fk("collector_id", "collectors.collector_id", nullable=True),
    _fk("region_id", "regions.region_id", nullable=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Numeric(12, 6), nullable=True, comment="a rate (0-1) or a score; NULL for an amount target"),
    Column("rationale", Text, nullable=False),
    _money("value_cents", nullable=True),  # an amount target (amount recovered); NULL for a rate or score
    Column("owner", String(120), nullable=True, comment="who answers for the target (NULL: set before 0004)"),
)

appeals = Table(
    "appeals",
    metadata,
    Column("appeal_id", Integer, primary_key=True),
    _fk("collector_id", "collectors.collector_id"),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("filed_on", Date, nullable=False),
    Column("status", String(12), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decided_on", Date, nullable=True),
    Column("metrics", Text, nullable=True, comment="metrics contested, comma-separated (NULL: filed before 0004)"),
    Column("evidence", Text, nullable=True, comment="the collector's evidence note"),
    Column("filed_by", String(120), nullable=True),
    Column("decided_by", String(120), nullable=True),
    Column("decision_note", Text, nullable=True, comment="the manager's note or reason for the decision"),
    Column("corrected_metric", String(32), nullable=True, comment="the measure an upheld appeal corrects"),
    Column("corrected_value", Numeric(12, 6), nullable=True, comment="its corrected value (rate, score or days)"),
    CheckConstraint("status IN ('open', 'upheld', 'rejected')", name="status"),
)

agendas = Table(
    "agendas",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("pages", Text, nullable=False, comment="page URL paths in order, comma-separated"),
    Column("saved_by", String(80), nullable=False),
    Column("saved_at", DateTime, nullable=False),
    comment="a risk meeting's named sequence of views (projector mode's agenda)",
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(60), nullable=False),
    Column("tables", Text, nullable=False, comment="tables the write declared, comma-separated"),
    Column("details", Text, nullable=False, comment="JSON: why and with which parameters"),
    Column("changes", Text, nullable=False, comment="JSON: each row changed, with its before and after values"),
    Column("prev_hash", String(64), nullable=False, comment="hash of the previous entry (64 zeros for the first)"),
    Column("hash", String(64), nullable=False, unique=True, comment="SHA-256 over this entry and prev_hash"),
    comment="append-only hash chain: rows are inserted by data_access.db.writes and never updated",
)

UniqueConstraint(debtor_ratings.c.debtor_id, debtor_ratings.c.rated_on)
