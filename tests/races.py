"""Staging the worst interleaving of two people acting at once, without timing."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session


def after_first_read(session: Session, model: type, work: Callable[[], object]) -> list[bool]:
    """Runs `work` once, right after `session` first reads rows of `model` and before it goes on: the
    other person's action slips in between this one's check and its write. Returns a list that holds
    True once it happened."""
    staged: list[bool] = []

    @event.listens_for(session, "do_orm_execute")
    def in_between(state):
        reads_model = state.is_select and any(m.class_ is model for m in state.all_mappers)
        if staged or not reads_model:
            return None
        frozen = state.invoke_statement().freeze()
        staged.append(True)
        work()
        return frozen()

    return staged


def wait_until_blocked_behind(engine: Engine, pid: int, timeout: float = 10.0) -> None:
    """Returns once PostgreSQL shows another session waiting on a lock that backend `pid` holds: the two
    statements have met. Raises if they never do."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
    deadline = time.monotonic() + timeout
    with engine.connect() as monitor:
        while not monitor.execute(query, {"pid": pid}).scalar():
            if time.monotonic() > deadline:
                raise AssertionError(f"no session ever waited on backend {pid}")
            monitor.rollback()  # a fresh look at pg_stat_activity each time
            time.sleep(0.005)
