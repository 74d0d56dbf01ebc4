"""Which reminder series are paused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import ReminderPause


def pause(session: Session, *, rule: str, by: str | None, now: datetime) -> bool:
    """Pauses `rule`; False if it already was. One INSERT ... ON CONFLICT DO NOTHING."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(ReminderPause).values(rule=rule, paused_at=now, paused_by=by)
    return session.execute(statement.on_conflict_do_nothing().returning(ReminderPause.rule)).first() is not None


def resume(session: Session, *, rule: str) -> bool:
    """Resumes `rule`; False if it was not paused."""
    return session.execute(delete(ReminderPause).where(ReminderPause.rule == rule)
                           .returning(ReminderPause.rule)).first() is not None


def paused_rules(session: Session) -> set[str]:
    return set(session.scalars(select(ReminderPause.rule)))
