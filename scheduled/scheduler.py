"""The scheduler: every few minutes a tick runs the jobs, each a plain function of (session, clock,
notifier) in this package. It runs inside `pfp serve`, or alone with `pfp scheduler`.

With several processes on one PostgreSQL database, one leads: it holds a session-level advisory lock
on a connection of its own, which PostgreSQL releases if the process dies, so another takes over at its
next tick. The ledger stays the real guard: two leaders for a moment still send each reminder once. On
SQLite there is one process, and it leads."""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notifier import Notifier
from bot.reminders.delivery import time_zones
from bot.settings import ReminderSettings
from scheduled import article7_reminders, meeting_reminders, platform_updates, stale_entries, weekly_digest
from storage.db import make_session_factory
from storage.pauses import paused_rules

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
# Each tick runs each job once, in this order.
JOBS = (article7_reminders, platform_updates, stale_entries, weekly_digest, meeting_reminders)
LEADER_LOCK = 7_020_427  # pg_advisory_lock's key for "the pfp scheduler"; any fixed number of ours


def run_jobs(sessions: sessionmaker[Session], clock: Clock, notifier: Notifier, settings: ReminderSettings, *,
             owner: str, isu_channel: str | None) -> Counter:
    """One tick's work, for the scheduler and `pfp reminders tick`: every job not paused, once, each in a
    session of its own. The jobs share one cache of time zones, so a person several of them reach costs
    one users.info per tick."""
    zones = time_zones(notifier)
    with sessions() as session:
        paused = paused_rules(session)
    outcomes: Counter = Counter()
    for job in JOBS:
        if job.RULE in paused:
            continue
        with sessions() as session:
            outcomes += job.run(session, clock, notifier, settings, owner=owner, isu_channel=isu_channel,
                                zones=zones)
    return outcomes


class Scheduler:
    def __init__(self, engine: Engine, clock: Clock, notifier: Notifier, settings: ReminderSettings, *,
                 every: timedelta = timedelta(minutes=5), owner: str | None = None,
                 isu_channel: str | None = None, metrics: Metrics | None = None) -> None:
        self._isu_channel = isu_channel
        self._metrics = metrics  # `pfp serve`'s, shown at /metrics; none elsewhere
        self._engine, self._clock, self._notifier, self._settings = engine, clock, notifier, settings
        self._sessions = make_session_factory(engine)
        self._every = every
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._leadership: Connection | None = None
        self._background = None

    def leads(self) -> bool:
        """Whether this process leads the ticks (taking the lead if nobody holds it)."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._leadership is None:
            connection = self._engine.connect()
            if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK}).scalar():
                connection.commit()  # the lock is the session's, not the transaction's
                self._leadership = connection
                log.info("scheduler %s leads the reminders", self.owner)
            else:
                connection.close()
        return self._leadership is not None

    def tick(self) -> Counter | None:
        """One tick: every job, once; None when another process leads."""
        started, leads = self._clock.now(), self.leads()
        if self._metrics is not None:
            self._metrics.tick_started(started, every=self._every, leading=leads)
        if not leads:
            return None
        outcomes = run_jobs(self._sessions, self._clock, self._notifier, self._settings, owner=self.owner,
                            isu_channel=self._isu_channel)
        if self._metrics is not None:
            self._metrics.reminders_delivered(outcomes)
        if outcomes:
            log.info("reminders: %s", ", ".join(f"{n} {o.value}" for o, n in sorted(outcomes.items())))
        return outcomes

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except Exception as error:  # a database or Slack outage: the next tick works it out again
            log.warning("scheduler tick failed: %s", error.__class__.__name__)

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self._background = BackgroundScheduler(timezone="UTC")
        self._background.add_job(self._safe_tick, "interval", seconds=self._every.total_seconds(),
                                 max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
        self._background.start()
        log.info("reminders scheduler started: a tick every %s", self._every)

    def stop(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None
        if self._leadership is not None:
            # Closing only returns the connection to the pool, where its session (and lock) would live on.
            self._leadership.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK})
            self._leadership.commit()
            self._leadership.close()
            self._leadership = None
