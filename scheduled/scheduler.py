"""The scheduler: every few minutes a tick runs the jobs, each a plain function of (session, clock,
notifier) in this package. It runs inside `pfp serve`, or alone with `pfp scheduler`.

With several processes on one PostgreSQL database, one leads: it holds a session-level advisory lock
on a connection of its own, which PostgreSQL releases if the process dies. A leadership check, more often
than the ticks (every 15 seconds), lets a follower take over soon after, and tick at once; and lets a
leader whose connection died (the database restarted) notice, give up and try again at the next check.
The ledger stays the real guard: two leaders for a moment still send each reminder once. On SQLite there
is one process, and it leads."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notifier import Notifier
from bot.reminders.delivery import time_zones
from bot.settings import ReminderSettings
from scheduled import (
    article7_reminders,
    meeting_reminders,
    partnership_check_ins,
    platform_updates,
    stale_entries,
    weekly_digest,
)
from storage.db import make_session_factory
from storage.pauses import paused_rules

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)
# Each tick runs each job once, in this order.
JOBS = (article7_reminders, platform_updates, stale_entries, weekly_digest, meeting_reminders, partnership_check_ins)
LEADER_LOCK = 7_020_427  # pg_advisory_lock's key for "the pfp scheduler"; any fixed number of ours
TICK_JOB = "tick"


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
                 every: timedelta = timedelta(minutes=5), leadership_every: timedelta = timedelta(seconds=15),
                 owner: str | None = None, isu_channel: str | None = None, metrics: Metrics | None = None) -> None:
        self._isu_channel = isu_channel
        self._metrics = metrics  # `pfp serve`'s, shown at /metrics; none elsewhere
        self._engine, self._clock, self._notifier, self._settings = engine, clock, notifier, settings
        self._sessions = make_session_factory(engine)
        self._every, self._leadership_every = every, leadership_every
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self._leadership: Connection | None = None
        self._leadership_guard = threading.Lock()  # the tick and the check run on threads of their own
        self._background = None

    def leads(self) -> bool:
        """Whether this process leads the ticks (taking the lead if nobody holds it)."""
        if self._engine.dialect.name != "postgresql":
            return True
        with self._leadership_guard:
            if self._leadership is None:
                self._take_lead()
            return self._leadership is not None

    def role(self) -> str:
        """Whether it "leads" or "follows", as last found (asking the database nothing), for /healthz."""
        return "leads" if self._engine.dialect.name != "postgresql" or self._leadership is not None else "follows"

    def check_leadership(self) -> bool:
        """The frequent check: a leader makes sure its lock's connection is still alive, and gives up the lead
        if not (without raising; it tries again at the next check); a follower tries to take the lead.
        Returns whether this check made it the leader."""
        if self._engine.dialect.name != "postgresql":
            return False
        with self._leadership_guard:
            if self._leadership is not None:
                try:
                    self._leadership.execute(text("SELECT 1")).scalar()
                    self._leadership.commit()
                except Exception as error:  # the database restarted or killed our session: its lock is gone
                    log.warning("scheduler %s lost the lead (its database connection failed: %s)", self.owner,
                                error.__class__.__name__)
                    self._drop_lead()
                return False
            return self._take_lead()

    def _take_lead(self) -> bool:
        connection = self._engine.connect()
        try:
            taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LEADER_LOCK}).scalar()
            connection.commit()  # the lock is the session's, not the transaction's
        except BaseException:
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        self._leadership = connection
        log.info("scheduler %s leads the reminders", self.owner)
        return True

    def _drop_lead(self) -> None:
        """Forgets a lock whose connection failed; the connection is discarded, never returned to the pool."""
        connection, self._leadership = self._leadership, None
        try:
            connection.invalidate()  # closes the DBAPI connection: a session still alive ends, and its lock
            connection.close()
        except Exception as error:
            log.debug("closing the leader's connection: %s", error.__class__.__name__)

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

    def _safe_check(self) -> None:
        try:
            if self.check_leadership() and self._background is not None:
                self._background.modify_job(TICK_JOB, next_run_time=datetime.now(UTC))  # a tick at once
        except Exception as error:  # the database does not answer: the next check tries again
            log.warning("scheduler leadership check failed: %s", error.__class__.__name__)

    def start(self) -> None:
        from apscheduler.schedulers.background import BackgroundScheduler

        self._background = BackgroundScheduler(timezone="UTC")
        self._background.add_job(self._safe_tick, "interval", seconds=self._every.total_seconds(), id=TICK_JOB,
                                 max_instances=1, coalesce=True, next_run_time=datetime.now(UTC))
        if self._engine.dialect.name == "postgresql":
            self._background.add_job(self._safe_check, "interval", seconds=self._leadership_every.total_seconds(),
                                     max_instances=1, coalesce=True)
        self._background.start()
        log.info("reminders scheduler started: a tick every %s", self._every)

    def stop(self) -> None:
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None
        with self._leadership_guard:
            if self._leadership is None:
                return
            try:
                # Closing only returns the connection to the pool, where its session (and lock) would live on.
                self._leadership.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LEADER_LOCK})
                self._leadership.commit()
                self._leadership.close()
                self._leadership = None
            except Exception:  # its connection is already gone, and the lock with it
                self._drop_lead()
