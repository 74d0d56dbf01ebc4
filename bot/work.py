"""Units of work outside a Slack listener (the command line, a scheduled job). Domain functions never
commit; whoever owns the unit of work does, and a refused attempt keeps its audit entry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.orm import Session

from bot.errors import PfpError
from storage import audit


def keep_refusal(session: Session, error: BaseException, *, now: datetime) -> None:
    """After a rollback: the audit entry a refusal carries (bot.errors.Refusal) is written and committed."""
    refusal = getattr(error, "refusal", None)
    if refusal is not None:
        audit.record_refused(session, at=refusal.at or now, refusal=refusal)
        session.commit()


@contextmanager
def unit_of_work(session: Session, *, now: datetime | None = None) -> Iterator[Session]:
    """Committed when it succeeds; on an error everything is undone, but a refusal's audit entry is kept."""
    try:
        yield session
    except PfpError as error:
        session.rollback()
        keep_refusal(session, error, now=now or datetime.now().astimezone())
        raise
    except BaseException:
        session.rollback()
        raise
    session.commit()
