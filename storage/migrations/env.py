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
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it and dropping the old one, which its foreign keys would
            # refuse while other rows point at it; they are checked once the migration is done.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # the pragma takes effect only outside a transaction
        with connection.begin():
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
            context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


run_migrations_online()
