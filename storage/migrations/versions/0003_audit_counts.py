"""Audit rows that count repeats: a flood of refused requests is one row per source and minute.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_log", sa.Column("count", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("audit_log", sa.Column("dedupe_key", sa.String(length=128), nullable=True))
    # NULL for ordinary entries, which never collide; set where repeats are folded into one row.
    op.create_index("uq_audit_log_dedupe_key", "audit_log", ["dedupe_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_audit_log_dedupe_key", table_name="audit_log")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("dedupe_key")
        batch.drop_column("count")
