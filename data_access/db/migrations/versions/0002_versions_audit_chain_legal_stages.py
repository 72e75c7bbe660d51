"""per-table versions, hash-chained audit log, legal case stage history

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

- ``table_versions``: one row per table, version 0, except ``audit_log`` whose version is the number
  of entries already written (the chain's length check relies on it). Replaces meta.data_version.
- ``audit_log`` gains tables, changes, prev_hash and hash; existing entries are chained in id order.
- ``legal_case_stages``: each existing case gets 'filed' on its opening date and, if it has moved
  on, its current stage on its closing date or, when still open, on the day of this migration (the
  day the stage became known to rdash: an as-of date before it shows the case as filed).
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from data_access.db.audit import GENESIS, entry_hash

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "regions", "collectors", "clients", "debtors", "debtor_ratings", "invoices", "payments", "credit_notes",
    "write_offs", "recoveries", "assignments", "collection_actions", "promises", "credit_events", "legal_cases",
    "legal_case_stages", "satisfaction_surveys", "compliance_incidents", "escalations", "targets", "appeals", "meta",
)  # fmt: skip


def upgrade() -> None:
    versions = op.create_table(
        "table_versions",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name=op.f("pk_table_versions")),
        comment="one row per table, incremented in the transaction of every audited write that declares the table",
    )
    op.create_table(
        "legal_case_stages",
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("recovered_cents", sa.BigInteger(), nullable=False, comment="minor currency units (cents)"),
        sa.CheckConstraint("stage IN ('filed', 'hearing', 'judgment', 'enforcement', 'closed')",
                           name=op.f("ck_legal_case_stages_stage")),
        sa.ForeignKeyConstraint(["case_id"], ["legal_cases.case_id"], name=op.f("fk_legal_case_stages_case_id_legal_cases")),
        sa.PrimaryKeyConstraint("stage_id", name=op.f("pk_legal_case_stages")),
        comment="each stage a case entered, with the amount recovered by then: the case as of any date",
    )  # fmt: skip
    op.create_index(op.f("ix_legal_case_stages_case_id"), "legal_case_stages", ["case_id"], unique=False)
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("tables", sa.Text(), nullable=True))
        batch.add_column(sa.Column("changes", sa.Text(), nullable=True))
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))

    bind = op.get_bind()
    audit = sa.table("audit_log", sa.column("audit_id", sa.Integer), sa.column("at", sa.DateTime(timezone=True)),
                     sa.column("actor"), sa.column("action"), sa.column("details"), sa.column("tables"),
                     sa.column("changes"), sa.column("prev_hash"), sa.column("hash"))  # fmt: skip
    previous, count = GENESIS, 0
    for row in bind.execute(sa.select(audit).order_by(audit.c.audit_id)).mappings().all():
        count += 1
        fields = {"tables": "", "changes": "[]", "prev_hash": previous}
        digest = entry_hash(audit_id=row["audit_id"], at=row["at"], actor=row["actor"], action=row["action"],
                            details=row["details"], **fields)  # fmt: skip
        bind.execute(audit.update().where(audit.c.audit_id == row["audit_id"]).values(**fields, hash=digest))
        previous = digest
    op.bulk_insert(versions, [{"table_name": t, "version": 0} for t in TABLES] + [{"table_name": "audit_log",
                                                                                   "version": count}])  # fmt: skip
    with op.batch_alter_table("audit_log") as batch:
        for name in ("tables", "changes", "prev_hash", "hash"):
            batch.alter_column(name, nullable=False)
        batch.create_unique_constraint(op.f("uq_audit_log_hash"), ["hash"])
    bind.execute(sa.text("DELETE FROM meta WHERE key = 'data_version'"))
    if bind.dialect.name != "sqlite":  # SQLite keeps no table comments
        op.create_table_comment("meta", "facts about the database: currency, source of the data")
        op.create_table_comment("legal_cases", "the case as it stands now; legal_case_stages has its dated history")
        op.create_table_comment("audit_log", "append-only hash chain: rows are inserted by data_access.db.writes "
                                             "and never updated")
        for column, comment in (("tables", "tables the write declared, comma-separated"),
                                ("details", "JSON: why and with which parameters"),
                                ("changes", "JSON: each row changed, with its before and after values"),
                                ("prev_hash", "hash of the previous entry (64 zeros for the first)"),
                                ("hash", "SHA-256 over this entry and prev_hash")):
            op.alter_column("audit_log", column, comment=comment, existing_nullable=False,
                            existing_type=sa.Text() if column in ("tables", "details", "changes") else sa.String(64))

    cases = bind.execute(sa.text("SELECT case_id, opened_on, stage, closed_on, recovered_cents FROM legal_cases "
                                 "ORDER BY case_id")).all()  # fmt: skip
    stages, today = [], datetime.now(UTC).date()
    for case_id, opened_on, stage, closed_on, recovered in cases:
        opened = opened_on if isinstance(opened_on, date) else date.fromisoformat(str(opened_on))
        stages.append({"case_id": case_id, "stage": "filed", "entered_on": opened, "recovered_cents": 0})
        if stage != "filed":
            closed = closed_on if closed_on is None or isinstance(closed_on, date) else date.fromisoformat(str(closed_on))
            stages.append({"case_id": case_id, "stage": stage, "entered_on": closed or max(today, opened),
                           "recovered_cents": recovered})  # fmt: skip
    if stages:
        target = sa.table("legal_case_stages", sa.column("stage_id"), sa.column("case_id"), sa.column("stage"),
                          sa.column("entered_on", sa.Date), sa.column("recovered_cents"))  # fmt: skip
        op.bulk_insert(target, [{"stage_id": i, **s} for i, s in enumerate(stages, 1)])


def downgrade() -> None:
    op.drop_index(op.f("ix_legal_case_stages_case_id"), table_name="legal_case_stages")
    op.drop_table("legal_case_stages")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_constraint(op.f("uq_audit_log_hash"), type_="unique")
        for name in ("hash", "prev_hash", "changes", "tables"):
            batch.drop_column(name)
    op.drop_table("table_versions")
