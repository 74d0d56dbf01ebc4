"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and can be undone; an
upgrade keeps the data a database already holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from storage.db import alembic_config, upgrade
from storage.models import Base


def test_migrations_match_the_models(engine):
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrade_twice_is_harmless_and_downgrade_removes_everything(engine):
    upgrade(engine)
    upgrade(engine)
    assert {"people", "state_parties", "registration_requests", "person_roles", "audit_log",
            "convention_events", "deliveries", "article7_reports"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


# Frozen copies of the tables as revision 0003 left them: the test must not follow the models.
AT = sa.DateTime(timezone=True)
METADATA_0003 = sa.MetaData()
STATES = sa.Table("state_parties", METADATA_0003, sa.Column("code", sa.String(2)), sa.Column("entry_into_force", sa.Date),
                  sa.Column("withdrawal_effective", sa.Date), sa.Column("article4", sa.Boolean),
                  sa.Column("article5_deadline", sa.Date), sa.Column("victim_assistance", sa.Boolean),
                  sa.Column("region", sa.String(16)), sa.Column("updated_at", AT))
PEOPLE = sa.Table("people", METADATA_0003, sa.Column("id", sa.Integer), sa.Column("slack_user_id", sa.String(32)),
                  sa.Column("locale", sa.String(16)), sa.Column("state_code", sa.String(2)),
                  sa.Column("is_focal_point", sa.Boolean), sa.Column("created_at", AT))
ROLES = sa.Table("person_roles", METADATA_0003, sa.Column("person_id", sa.Integer), sa.Column("role", sa.String(16)),
                 sa.Column("granted_at", AT), sa.Column("granted_by", sa.String(32)))
_ENTRY = ("id", "state_code", "posted_by", "title", "description", "kinds", "amount", "currency", "starts_on",
          "ends_on", "visibility", "status", "created_at", "updated_at", "confirmed_at")
NEEDS = sa.Table("needs", METADATA_0003, *(sa.Column(name) for name in _ENTRY), sa.Column("area"),
                 sa.Column("challenges"), sa.Column("location"), sa.Column("consent_to_mapping", sa.Boolean),
                 sa.Column("ownership"))
OFFERS = sa.Table("offers", METADATA_0003, *(sa.Column(name) for name in _ENTRY), sa.Column("areas"),
                  sa.Column("regions"), sa.Column("countries", sa.JSON), sa.Column("capacity"),
                  sa.Column("languages"), sa.Column("contact"))
MATCHES = sa.Table("matches", METADATA_0003, sa.Column("id"), sa.Column("need_id"), sa.Column("offer_id"),
                   sa.Column("score", sa.Float), sa.Column("reasons", sa.JSON), sa.Column("need_answer"),
                   sa.Column("offer_answer"), sa.Column("conversation"), sa.Column("created_at", AT),
                   sa.Column("updated_at", AT))
AUDIT = sa.Table("audit_log", METADATA_0003, sa.Column("id"), sa.Column("at", AT), sa.Column("actor"),
                 sa.Column("action"), sa.Column("subject"), sa.Column("before", sa.JSON), sa.Column("after", sa.JSON),
                 sa.Column("detail"), sa.Column("count"), sa.Column("dedupe_key"))

WHEN = datetime(2026, 5, 4, 10, 30, tzinfo=UTC)
_ENTRY_VALUES = {"kinds": 3, "amount": None, "currency": None, "starts_on": date(2027, 1, 1),
                 "ends_on": date(2027, 12, 31), "visibility": "public", "status": "open", "created_at": WHEN,
                 "updated_at": WHEN, "confirmed_at": WHEN}
ROWS_0003 = {
    STATES: [
        {"code": "KH", "entry_into_force": date(2000, 1, 1), "withdrawal_effective": None, "article4": False,
         "article5_deadline": date(2025, 12, 31), "victim_assistance": True, "region": "asia", "updated_at": WHEN},
        {"code": "NO", "entry_into_force": date(1999, 3, 1), "withdrawal_effective": None, "article4": False,
         "article5_deadline": None, "victim_assistance": False, "region": "europe", "updated_at": WHEN},
    ],
    PEOPLE: [
        {"id": 1, "slack_user_id": "UADMIN1", "locale": "en", "state_code": None, "is_focal_point": False,
         "created_at": WHEN},
        {"id": 2, "slack_user_id": "UDELEGKH", "locale": "fr", "state_code": "KH", "is_focal_point": True,
         "created_at": WHEN},
        {"id": 3, "slack_user_id": "UDELEGNO", "locale": "en", "state_code": "NO", "is_focal_point": False,
         "created_at": WHEN},
    ],
    ROLES: [{"person_id": 1, "role": "isu", "granted_at": WHEN, "granted_by": None}],
    NEEDS: [{"id": 1, "state_code": "KH", "posted_by": 2, "title": "Survey of the north-west",
             "description": "Twelve districts.", **_ENTRY_VALUES, "area": "clearance", "challenges": 1,
             "location": "Battambang", "consent_to_mapping": True, "ownership": 5}],
    OFFERS: [{"id": 1, "state_code": "NO", "posted_by": 3, "title": "Survey teams", "description": "Two teams.",
              **_ENTRY_VALUES, "areas": 2, "regions": 4, "countries": ["KH"], "capacity": None, "languages": 8,
              "contact": None}],
    MATCHES: [{"id": 1, "need_id": 1, "offer_id": 1, "score": 0.75, "reasons": [{"reason": "area"}],
               "need_answer": "accepted", "offer_answer": "waiting", "conversation": None, "created_at": WHEN,
               "updated_at": WHEN}],
    AUDIT: [{"id": 1, "at": WHEN, "actor": "UDELEGKH", "action": "need.posted", "subject": "need:1", "before": None,
             "after": {"title": "Survey of the north-west"}, "detail": None, "count": 1, "dedupe_key": None}],
}


def _rows(connection, table: sa.Table) -> list[dict]:
    rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns or [table.columns[0]]))
    return [_comparable(dict(row._mapping)) for row in rows]


def _comparable(row: dict) -> dict:
    # SQLite hands back naive datetimes and 0/1 for booleans; compare values, not drivers' habits.
    return {key: value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None
            else value.astimezone(UTC) if isinstance(value, datetime) else value for key, value in row.items()}


def test_upgrading_a_database_that_holds_data_keeps_it(engine):
    command.upgrade(alembic_config(engine), "0003")
    with engine.begin() as connection:
        for table, rows in ROWS_0003.items():
            connection.execute(table.insert(), rows)
        before = {table.name: _rows(connection, table) for table in ROWS_0003}

    upgrade(engine)

    with engine.connect() as connection:
        after = {table.name: _rows(connection, table) for table in ROWS_0003}
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one() == head
        assert connection.execute(sa.text("SELECT count(*) FROM convention_events")).scalar_one() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM deliveries")).scalar_one() == 0
        assert connection.execute(sa.text("SELECT count(*) FROM article7_reports")).scalar_one() == 0
    assert after == before
    # The States kept are the ones new tables refer to: Cambodia's 2027 report can be recorded.
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO article7_reports (state_code, year, received_on, recorded_at, recorded_by, source) "
            "VALUES ('KH', 2027, :on, :at, 'UDELEGKH', 'button')"), {"on": date(2027, 4, 12), "at": WHEN})
    assert [len(after[table.name]) for table in ROWS_0003] == [len(rows) for rows in ROWS_0003.values()]
    assert after["people"][1]["is_focal_point"] and after["offers"][0]["countries"] == ["KH"]


def test_the_database_refuses_an_event_that_ends_before_it_starts(engine):
    upgrade(engine)
    insert = sa.text(
        "INSERT INTO convention_events (kind, title, starts_on, ends_on, place, created_at, updated_at, created_by) "
        "VALUES ('msp', 'Twenty-Third Meeting of the States Parties', :starts, :ends, 'Geneva', :at, :at, NULL)"
    )
    with engine.begin() as connection:  # one day is fine
        connection.execute(insert, {"starts": date(2027, 12, 1), "ends": date(2027, 12, 1), "at": WHEN})
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert, {"starts": date(2027, 12, 3), "ends": date(2027, 11, 29), "at": WHEN})
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM convention_events")).scalar_one() == 1
