"""Partnerships for completion: the partnerships, their parties and the needs they serve.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("activated_at", UTC_DATETIME, nullable=True),
    )
    op.create_table(
        "partnership_parties",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=True),
        sa.Column("responsibilities", sa.Text(), nullable=False),
        sa.Column("confirmed_version", sa.Integer(), nullable=True),
        sa.Column("confirmed_by", sa.String(length=32), nullable=True),
        sa.Column("confirmed_at", UTC_DATETIME, nullable=True),
        sa.UniqueConstraint("partnership_id", "state_code", name="uq_partnership_parties_state"),
    )
    op.create_table(
        "partnership_needs",
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id"), primary_key=True),
        sa.Column("need_id", sa.Integer(), sa.ForeignKey("needs.id"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("partnership_needs")
    op.drop_table("partnership_parties")
    op.drop_table("partnerships")
