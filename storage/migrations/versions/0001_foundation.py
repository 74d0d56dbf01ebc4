"""Foundation: States Parties, people and their roles, registration requests, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the types, so this migration never changes when the models do.
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "state_parties",
        sa.Column("code", sa.String(length=2), primary_key=True),
        sa.Column("entry_into_force", sa.Date(), nullable=False),
        sa.Column("withdrawal_effective", sa.Date(), nullable=True),
        sa.Column("article4", sa.Boolean(), nullable=False),
        sa.Column("article5_deadline", sa.Date(), nullable=True),
        sa.Column("victim_assistance", sa.Boolean(), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False, unique=True),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=True),
        sa.Column("is_focal_point", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
    )
    op.create_index(
        "uq_people_focal_point_per_state",
        "people",
        ["state_code"],
        unique=True,
        sqlite_where=sa.text("is_focal_point"),
        postgresql_where=sa.text("is_focal_point"),
    )
    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("role", sa.String(length=16), primary_key=True),
        sa.Column("granted_at", UTC_DATETIME, nullable=False),
        sa.Column("granted_by", sa.String(length=32), nullable=True),
    )
    op.create_table(
        "registration_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id"), nullable=False),
        sa.Column("state_code", sa.String(length=2), sa.ForeignKey("state_parties.code"), nullable=False),
        sa.Column("wants_focal_point", sa.Boolean(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("decided_at", UTC_DATETIME, nullable=True),
        sa.Column("decided_by", sa.String(length=32), nullable=True),
        sa.Column("review_channel", sa.String(length=32), nullable=True),
        sa.Column("review_ts", sa.String(length=32), nullable=True),
    )
    op.create_index(
        "uq_registration_requests_one_pending",
        "registration_requests",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("status = 'pending'"),
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("registration_requests")
    op.drop_table("person_roles")
    op.drop_index("uq_people_focal_point_per_state", table_name="people")
    op.drop_table("people")
    op.drop_table("state_parties")
