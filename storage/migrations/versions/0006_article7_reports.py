"""Article 7 report records: which State has submitted its transparency report for which deadline year.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copies of the types, so this migration never changes when the models do.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "article7_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=False),
        # The year of the 30 April deadline: 2027 for the report covering 2026.
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.UniqueConstraint("state_code", "year", name="uq_article7_reports_state_year"),
    )
    op.create_index("ix_article7_reports_year", "article7_reports", ["year"])


def downgrade() -> None:
    op.drop_table("article7_reports")
