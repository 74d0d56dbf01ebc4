"""Partners beyond States, and partnerships' check-ins: organisations, who speaks for them, their offers
and their place in partnerships; each party's answers to the check-ins; when a partnership completed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("type", sa.String(length=24), nullable=False),
        sa.Column("seat_country", sa.String(length=2), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("name_key"),
    )
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_people_organisation", "organisations", ["organisation_id"], ["id"])
    with op.batch_alter_table("registration_requests") as batch:
        batch.alter_column("state_code", existing_type=sa.String(length=2), nullable=True)
        batch.add_column(sa.Column("organisation_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("organisation_type", sa.String(length=24), nullable=True))
        batch.add_column(sa.Column("organisation_country", sa.String(length=2), nullable=True))
        batch.create_check_constraint("ck_registration_requests_state_or_organisation",
                                      "(state_code IS NULL) <> (organisation_name IS NULL)")
    with op.batch_alter_table("offers") as batch:
        batch.alter_column("state_code", existing_type=sa.String(length=2), nullable=True)
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_offers_organisation", "organisations", ["organisation_id"], ["id"])
        batch.create_index("ix_offers_organisation", ["organisation_id"])
        batch.create_check_constraint("ck_offers_state_or_organisation",
                                      "(state_code IS NULL) <> (organisation_id IS NULL)")
    with op.batch_alter_table("partnerships") as batch:
        batch.add_column(sa.Column("completed_at", UTC_DATETIME, nullable=True))
    with op.batch_alter_table("partnership_parties") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_partnership_parties_organisation", "organisations", ["organisation_id"], ["id"])
        batch.create_unique_constraint("uq_partnership_parties_organisation", ["partnership_id", "organisation_id"])
        batch.create_check_constraint("ck_partnership_parties_state_or_organisation",
                                      "(state_code IS NULL) <> (organisation_id IS NULL)")
    op.create_table(
        "check_in_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("partnership_id", sa.Integer(), sa.ForeignKey("partnerships.id"), nullable=False),
        sa.Column("party_id", sa.Integer(), sa.ForeignKey("partnership_parties.id"), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("rating", sa.String(length=16), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("disbursed", sa.JSON(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=False),
        sa.Column("answered_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("party_id", "due", name="uq_check_in_answers_party_due"),
    )
    op.create_index("ix_check_in_answers_partnership", "check_in_answers", ["partnership_id", "due"])


def downgrade() -> None:
    op.drop_index("ix_check_in_answers_partnership", table_name="check_in_answers")
    op.drop_table("check_in_answers")
    with op.batch_alter_table("partnership_parties") as batch:
        batch.drop_constraint("ck_partnership_parties_state_or_organisation", type_="check")
        batch.drop_constraint("uq_partnership_parties_organisation", type_="unique")
        batch.drop_constraint("fk_partnership_parties_organisation", type_="foreignkey")
        batch.drop_column("organisation_id")
    with op.batch_alter_table("partnerships") as batch:
        batch.drop_column("completed_at")
    with op.batch_alter_table("offers") as batch:
        batch.drop_constraint("ck_offers_state_or_organisation", type_="check")
        batch.drop_index("ix_offers_organisation")
        batch.drop_constraint("fk_offers_organisation", type_="foreignkey")
        batch.drop_column("organisation_id")
        batch.alter_column("state_code", existing_type=sa.String(length=2), nullable=False)
    with op.batch_alter_table("registration_requests") as batch:
        batch.drop_constraint("ck_registration_requests_state_or_organisation", type_="check")
        batch.drop_column("organisation_country")
        batch.drop_column("organisation_type")
        batch.drop_column("organisation_name")
        batch.alter_column("state_code", existing_type=sa.String(length=2), nullable=False)
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint("fk_people_organisation", type_="foreignkey")
        batch.drop_column("organisation_id")
    op.drop_table("organisations")
