"""Units of work outside a Slack listener (the command line, a scheduled job). Domain functions never
commit; whoever owns the unit of work does, and a refused attempt keeps its audit entry."""

from __future__ import annotations

import threading
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


class FrontDoor:
    """Requests still waiting for their acknowledgement. The work after other acknowledgements waits for
    them (a little): in one interpreter, a worker rendering a modal slows every thread that is about to
    acknowledge, and a burst of fifty is answered first, then worked on."""

    def __init__(self, *, patience: float = 0.2) -> None:
        self._waiting = 0
        self._quiet = threading.Condition()
        self._patience = patience

    def arrived(self) -> None:
        with self._quiet:
            self._waiting += 1

    def answered(self) -> None:
        with self._quiet:
            self._waiting -= 1
            if self._waiting == 0:
                self._quiet.notify_all()

    def wait_for_quiet(self) -> None:
        """Until no request waits for its answer, or `patience` seconds: work is delayed, never starved
        (under a steady crowd each worker still takes a task every `patience` seconds)."""
        with self._quiet:
            self._quiet.wait_for(lambda: self._waiting == 0, timeout=self._patience)

