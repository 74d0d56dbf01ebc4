"""The delivery ledger: each scheduled message claimed, sent once, or recorded as skipped or undeliverable.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies of the types, so this migration never changes when the models do.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=32), nullable=True),
        sa.Column("state_code", sa.String(length=2), nullable=True),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("lease_until", UTC_DATETIME, nullable=True),
        sa.Column("taken_over_from", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("key", name="uq_deliveries_key"),
    )
    op.create_index("ix_deliveries_status_due", "deliveries", ["status", "due_at"])
    op.create_index("ix_deliveries_rule_updated", "deliveries", ["rule", "updated_at"])
    op.create_index("ix_deliveries_updated", "deliveries", ["updated_at"])


def downgrade() -> None:
    op.drop_table("deliveries")
