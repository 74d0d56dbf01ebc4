"""Platform for Partnerships: needs, offers, matches.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _entry_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=False),
        sa.Column("posted_by", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("kinds", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(16, 2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("confirmed_at", UTC_DATETIME, nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "needs",
        *_entry_columns(),
        sa.Column("area", sa.String(length=24), nullable=False),
        sa.Column("challenges", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("consent_to_mapping", sa.Boolean(), nullable=False),
        sa.Column("ownership", sa.Integer(), nullable=False),
    )
    op.create_index("ix_needs_browse", "needs", ["status", "area", "updated_at"])
    op.create_index("ix_needs_recent", "needs", ["status", "updated_at"])
    op.create_index("ix_needs_updated", "needs", ["updated_at", "id"])
    op.create_index("ix_needs_state", "needs", ["state_code"])
    op.create_table(
        "offers",
        *_entry_columns(),
        sa.Column("areas", sa.Integer(), nullable=False),
        sa.Column("regions", sa.Integer(), nullable=False),
        sa.Column("countries", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.String(length=500), nullable=True),
        sa.Column("languages", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_offers_browse", "offers", ["status", "updated_at"])
    op.create_index("ix_offers_updated", "offers", ["updated_at", "id"])
    op.create_index("ix_offers_state", "offers", ["state_code"])
    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("need_id", sa.Integer(), sa.ForeignKey("needs.id"), nullable=False),
        sa.Column("offer_id", sa.Integer(), sa.ForeignKey("offers.id"), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("need_answer", sa.String(length=16), nullable=False),
        sa.Column("offer_answer", sa.String(length=16), nullable=False),
        sa.Column("conversation", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("need_id", "offer_id", name="uq_matches_need_offer"),
    )
    op.create_index("ix_matches_offer", "matches", ["offer_id"])


def downgrade() -> None:
    op.drop_table("matches")
    op.drop_table("offers")
    op.drop_table("needs")
