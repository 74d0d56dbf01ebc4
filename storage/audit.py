"""The audit log: every change of role or registration, and every refused or forged attempt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
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


def entries(session: Session, *, action: str | None = None, subject: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    return list(session.scalars(query))
