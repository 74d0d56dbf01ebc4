"""Reminder series ISU staff paused (`/pfp admin reminders pause RULE`).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_pauses",
        sa.Column("rule", sa.String(length=32), primary_key=True),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_by", sa.String(length=32), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("reminder_pauses")
