"""targets: owner and amount targets; appeals: contested metrics, evidence, decision and correction

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Targets and appeals (docs/targets.md) become editable in the app:
- ``targets`` gains ``owner`` (who answers for the target) and ``value_cents`` (an amount target, exact
  to the cent); ``value`` becomes nullable, since an amount target has no rate. Existing rows keep their
  rate in ``value`` and NULL owner (set before owners were recorded).
- ``appeals`` gains what a collector files (metrics contested, evidence note, who filed) and what a
  manager decides (who, the note or reason, and for an upheld appeal the corrected measure and value).
  Existing rows keep NULL in each: they were recorded before the app took appeals.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("targets") as batch:
        batch.alter_column("value", existing_type=sa.Numeric(12, 6), nullable=True,
                           comment="a rate (0-1) or a score; NULL for an amount target")
        batch.add_column(sa.Column("value_cents", sa.BigInteger(), nullable=True,
                                   comment="minor currency units (cents)"))
        batch.add_column(sa.Column("owner", sa.String(length=120), nullable=True,
                                   comment="who answers for the target (NULL: set before 0004)"))
    with op.batch_alter_table("appeals") as batch:
        batch.add_column(sa.Column("metrics", sa.Text(), nullable=True,
                                   comment="metrics contested, comma-separated (NULL: filed before 0004)"))
        batch.add_column(sa.Column("evidence", sa.Text(), nullable=True, comment="the collector's evidence note"))
        batch.add_column(sa.Column("filed_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("decided_by", sa.String(length=120), nullable=True))
        batch.add_column(sa.Column("decision_note", sa.Text(), nullable=True,
                                   comment="the manager's note or reason for the decision"))
        batch.add_column(sa.Column("corrected_metric", sa.String(length=32), nullable=True,
                                   comment="the measure an upheld appeal corrects"))
        batch.add_column(sa.Column("corrected_value", sa.Numeric(12, 6), nullable=True,
                                   comment="its corrected value (rate, score or days)"))


def downgrade() -> None:
    with op.batch_alter_table("appeals") as batch:
        for name in ("corrected_value", "corrected_metric", "decision_note", "decided_by", "filed_by", "evidence",
                     "metrics"):
            batch.drop_column(name)
    with op.batch_alter_table("targets") as batch:
        batch.drop_column("owner")
        batch.drop_column("value_cents")
        batch.alter_column("value", existing_type=sa.Numeric(12, 6), nullable=False, comment=None)
