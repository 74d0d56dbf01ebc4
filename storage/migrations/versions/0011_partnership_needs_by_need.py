"""The needs partnerships serve, found by need: the Committee's "needs without a partner" asks it of every
need (with 10,000 needs and 2,000 partnerships, each need had scanned every partnership's needs).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_partnership_needs_need", "partnership_needs", ["need_id"])


def downgrade() -> None:
    op.drop_index("ix_partnership_needs_need", table_name="partnership_needs")
