"""The migrations build exactly the models' schema, on SQLite and PostgreSQL, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
    assert {"people", "state_parties", "registration_requests", "person_roles", "audit_log"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
