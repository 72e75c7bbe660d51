"""assignments: reason and batch id of each hand-over

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28

Rebalancing (docs/workload.md) ends old assignments and starts new ones in batches that can be undone;
each new assignment records why the case came to its collector and the batch that moved it. Existing
rows keep NULL in both: they are the initial load, not a recorded hand-over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.add_column(sa.Column("reason", sa.String(length=200), nullable=True,
                                   comment="why the case came to this collector (NULL: initial load)"))
        batch.add_column(sa.Column("batch_id", sa.String(length=40), nullable=True,
                                   comment="the rebalancing or manual batch that started this assignment "
                                           "(NULL: initial load)"))  # fmt: skip
        batch.create_index(batch.f("ix_assignments_batch_id"), ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignments") as batch:
        batch.drop_index(batch.f("ix_assignments_batch_id"))
        batch.drop_column("batch_id")
        batch.drop_column("reason")
