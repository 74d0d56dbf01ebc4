"""The engine, sessions and schema upgrades."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
# Connections kept open per process; the app's work pool is sized from it (bot/app.py). The overflow
# serves bursts (the scheduler's tick, a listener's middleware) without a thread waiting for a connection.
POOL_SIZE = 10


def make_engine(url: str) -> Engine:
    """An engine that survives a database restart: stale pooled connections are tested first."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, pool_size=POOL_SIZE, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=POOL_SIZE, max_overflow=10)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: handlers render them after the unit of work ends.
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Brings the schema to the newest migration."""
    command.upgrade(alembic_config(engine), "head")


def ping(engine: Engine) -> None:
    """Raises if the database does not answer."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
