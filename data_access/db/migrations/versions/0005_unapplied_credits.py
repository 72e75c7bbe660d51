"""unapplied_credits: unapplied cash, credit on account and unapplied credit notes

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-28

Real ledgers hold money on a debtor's account that is not (yet) matched to an invoice: cash received
before it is applied, credit on account, credit notes not yet applied. Each row is open from
``received_on`` until ``applied_on`` (exclusive; NULL while unapplied); on ``applied_on`` the matching
payment or credit note on the invoice takes over, so nothing is counted twice. It reduces the
debtor's net exposure and is shown as its own line in aging (docs/metrics.md), never inside a bucket.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unapplied_credits",
        sa.Column("credit_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False, comment="the ledger's own id: the business key"),
        sa.Column("debtor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False,
                  comment="when the money or credit arrived on the debtor's account"),
        sa.Column("applied_on", sa.Date(), nullable=True,
                  comment="when it was matched to invoices (the payment or credit note on the invoice is dated "
                          "then); NULL while unapplied"),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False, comment="minor currency units (cents)"),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_unapplied_credits_amount_positive")),
        sa.CheckConstraint("kind IN ('unapplied_cash', 'credit_on_account', 'unapplied_credit_note')",
                           name=op.f("ck_unapplied_credits_kind")),
        sa.CheckConstraint("applied_on IS NULL OR applied_on >= received_on",
                           name=op.f("ck_unapplied_credits_applied_after_received")),
        sa.ForeignKeyConstraint(["debtor_id"], ["debtors.debtor_id"],
                                name=op.f("fk_unapplied_credits_debtor_id_debtors")),
        sa.PrimaryKeyConstraint("credit_id", name=op.f("pk_unapplied_credits")),
        sa.UniqueConstraint("reference", name=op.f("uq_unapplied_credits_reference")),
        comment="money on a debtor's account not tied to one invoice: it reduces the debtor's net exposure",
    )
    with op.batch_alter_table("unapplied_credits") as batch:
        batch.create_index(batch.f("ix_unapplied_credits_debtor_id"), ["debtor_id"], unique=False)
    versions = sa.table("table_versions", sa.column("table_name", sa.String), sa.column("version", sa.BigInteger))
    op.bulk_insert(versions, [{"table_name": "unapplied_credits", "version": 0}])


def downgrade() -> None:
    op.execute("DELETE FROM table_versions WHERE table_name = 'unapplied_credits'")
    with op.batch_alter_table("unapplied_credits") as batch:
        batch.drop_index(batch.f("ix_unapplied_credits_debtor_id"))
    op.drop_table("unapplied_credits")
