"""Alembic environment: runs against the engine `pfp` hands over, or DATABASE_URL for the CLI."""

from alembic import context

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        import os

        from bot.settings import DATABASE_DEFAULT
        from storage.db import make_engine

        engine = make_engine(os.environ.get("DATABASE_URL") or DATABASE_DEFAULT)
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        )
        context.run_migrations()


run_migrations_online()
