"""agendas: a risk meeting's named sequences of views

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-28

Projector mode steps through an agenda (docs/projector.md): the views of a risk meeting in order, saved
by name so the next meeting opens the same sequence. One row per agenda; ``pages`` is the pages' URL
paths in order, comma-separated. Written only through the audited write door (its version row starts
at 0 like every table's).
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agendas",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("pages", sa.Text(), nullable=False, comment="page URL paths in order, comma-separated"),
        sa.Column("saved_by", sa.String(length=80), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_agendas")),
        comment="a risk meeting's named sequence of views (projector mode's agenda)",
    )
    versions = sa.table("table_versions", sa.column("table_name", sa.String), sa.column("version", sa.BigInteger))
    op.bulk_insert(versions, [{"table_name": "agendas", "version": 0}])


def downgrade() -> None:
    op.execute("DELETE FROM table_versions WHERE table_name = 'agendas'")
    op.drop_table("agendas")
