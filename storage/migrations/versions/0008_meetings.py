"""Individualised meetings: the requests and their invitations.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
OPEN = sa.text("status IN ('requested', 'information_asked', 'scheduled')")


def upgrade() -> None:
    op.create_table(
        "meeting_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=False),
        sa.Column("requested_by", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("on_behalf", sa.Boolean(), nullable=False),
        sa.Column("eligibility_overridden", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("convention_events.id"), nullable=False),
        sa.Column("timing", sa.String(length=16), nullable=False),
        sa.Column("preferred_dates", sa.JSON(), nullable=False),
        sa.Column("invite_roles", sa.JSON(), nullable=False),
        sa.Column("invited_states", sa.JSON(), nullable=False),
        sa.Column("invited_others", sa.JSON(), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("solutions", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("sharing", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("exchanges", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("starts_at", UTC_DATETIME, nullable=True),
        sa.Column("ends_at", UTC_DATETIME, nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("place", sa.String(length=500), nullable=True),
        sa.Column("review_channel", sa.String(length=32), nullable=True),
        sa.Column("review_ts", sa.String(length=32), nullable=True),
        sa.Column("outcomes", sa.JSON(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("report_final_at", UTC_DATETIME, nullable=True),
        sa.Column("requester_channel", sa.String(length=32), nullable=True),
        sa.Column("requester_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ck_meeting_requests_ends_after_start"),
    )
    op.create_index("uq_meeting_requests_open", "meeting_requests", ["state_code", "event_id"], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_table(
        "meeting_invitations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), sa.ForeignKey("meeting_requests.id"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("category", sa.String(length=24), nullable=False),
        sa.Column("state_code", sa.String(length=2), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("answered_at", UTC_DATETIME, nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("meeting_id", "person_id", name="uq_meeting_invitations_person"),
    )


def downgrade() -> None:
    op.drop_table("meeting_invitations")
    op.drop_index("uq_meeting_requests_open", table_name="meeting_requests")
    op.drop_table("meeting_requests")
