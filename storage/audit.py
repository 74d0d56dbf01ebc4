"""The audit log: every change of role or registration, and every refused or forged attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    at: datetime,
    actor: str | None,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=at, actor=actor, action=action, subject=subject, before=before, after=after, detail=detail
    )
    session.add(entry)
    return entry


def record_refused(session: Session, *, at: datetime, refusal: Any) -> AuditEntry:  # a bot.errors.Refusal
    """A refused attempt (bot.errors.Refusal), written by the edge after it undid the rest."""
    return record(session, at=at, actor=refusal.actor, action=refusal.action, subject=refusal.subject,
                  detail=refusal.detail)


def record_refusal(session: Session, *, at: datetime, source: str, reason: str) -> None:
    """A request refused at the door (not signed by Slack), folded into one row per source and minute
    with a count, so a flood of forgeries cannot fill the database. One statement: two refusals at
    once add up instead of colliding."""
    minute = at.replace(second=0, microsecond=0)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(AuditEntry).values(
        at=minute, actor=None, action="request.rejected", subject=f"source:{source}", detail=reason, count=1,
        dedupe_key=f"request.rejected|{source}|{minute.isoformat()}",
    )
    session.execute(statement.on_conflict_do_update(
        index_elements=[AuditEntry.dedupe_key], set_={"count": AuditEntry.count + 1},
    ))


def entries(session: Session, *, action: str | None = None, subject: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    return list(session.scalars(query))
