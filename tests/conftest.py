"""Fixtures shared by every test: a database on each backend, a movable clock, the loopback fake of
Slack, and the real bot served over HTTP on a free port.

Storage tests run on SQLite always, and on PostgreSQL when PFP_TEST_DATABASE_URL is set; each test gets
a fresh SQLite file or a fresh PostgreSQL schema, dropped afterwards, so no run depends on another.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from slack_bolt import App
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.app import create_app
from bot.metrics import Metrics
from bot.notifier import Notifier
from bot.sandbox.manifest import bot_scopes
from bot.sandbox.slack import SlackSigner, SlackStandIn
from bot.server import BackgroundServer, make_wsgi_app
from bot.settings import Settings
from bot.slack import make_notifier
from bot.startup import prepare_database
from storage.db import make_engine, make_session_factory

# Property-based tests: a bounded, repeatable run by default (`.ci/run`); `--hypothesis-profile=long`
# for a long random one. Each example is a real HTTP request, so there is no per-example deadline.
_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
hypothesis_settings.register_profile("ci", max_examples=400, derandomize=True, deadline=None, print_blob=True,
                                     suppress_health_check=_QUIET)
hypothesis_settings.register_profile("long", max_examples=5000, deadline=None, print_blob=True,
                                     suppress_health_check=_QUIET)
hypothesis_settings.load_profile("ci")

POSTGRES_URL = os.environ.get("PFP_TEST_DATABASE_URL")
REQUIRE_POSTGRES = os.environ.get("PFP_TEST_REQUIRE_POSTGRES") == "1"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ISU_CHANNEL = "C0ISU"
PLATFORM_CHANNEL = "C0PLATFORM"
ADMIN = "UADMIN1"


@dataclass
class MovableClock:
    """The injected clock: tests move it; nothing sleeps."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, counting work in flight, so a test can wait until the bot is idle
    (listeners finish after the HTTP answer) without sleeping."""

    def __init__(self, max_workers: int = 5, name: str = "listener") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=name)
        self._in_flight = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs):
        with self._idle:
            self._in_flight += 1

        def tracked():
            try:
                return fn(*args, **kwargs)
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()

        return super().submit(tracked)

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout):
                raise AssertionError(f"the bot was still busy after {timeout} s")


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh PostgreSQL schema for one test, dropped afterwards; yields a URL whose search_path is it."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail("PostgreSQL answers but PFP_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL leg: set PFP_TEST_DATABASE_URL to run it")
    schema = f"pfp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pfp.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def fake_slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(token="xoxb-test-token", scopes=bot_scopes()) as fake:
        fake.set_user(ADMIN, name="isu.admin", locale="en-GB")
        yield fake


def bot_settings(fake: SlackStandIn, database_url: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        isu_channel=ISU_CHANNEL,
        slack_api_url=fake.base_url,
        database_url=database_url,
        admins=(ADMIN,),
        platform_channel=PLATFORM_CHANNEL,
        # No pace by default: a paced second per message in one channel would add minutes to the suite
        # (tests/e2e/test_stale_nudges.py runs the real pace against the fake's per-channel limit).
        slack_pace_seconds=0.0,
    )


@pytest.fixture
def settings(fake_slack: SlackStandIn, database_url: str) -> Settings:
    return bot_settings(fake_slack, database_url)


@pytest.fixture
def database(engine: Engine, settings: Settings, clock: MovableClock) -> sessionmaker[Session]:
    """A migrated database with the reference data and the PFP_ADMINS staff, as `pfp serve` leaves it."""
    prepare_database(engine, settings, clock)
    return make_session_factory(engine)


@dataclass
class RunningBot:
    app: App
    url: str
    slack: SlackSigner
    fake: SlackStandIn
    sessions: sessionmaker[Session]
    clock: MovableClock
    engine: Engine
    executor: TrackingExecutor
    notifier: Notifier  # the app's own, as `pfp serve` hands it to the scheduled jobs
    work: TrackingExecutor  # the work after the acknowledgements (handlers/modals.py)
    metrics: Metrics  # the process's, shown at /metrics, as `pfp serve` builds it in HTTP mode

    def session(self) -> Session:
        return self.sessions()

    def settle(self) -> None:
        """Waits until every listener started by earlier requests, and the work it handed on, has finished."""
        self.executor.wait_idle()
        self.work.wait_idle()


@contextmanager
def serve_bot(
    settings: Settings, engine: Engine, sessions: sessionmaker[Session], clock: MovableClock, fake: SlackStandIn
) -> Iterator[RunningBot]:
    """The real app behind the real WSGI server (waitress) on a free loopback port."""
    executor, work = TrackingExecutor(), TrackingExecutor(4, "work")
    metrics = Metrics()
    notifier = make_notifier(settings, metrics=metrics)
    app = create_app(settings, engine=engine, clock=clock, notifier=notifier, listener_executor=executor,
                     work_executor=work)
    server = BackgroundServer(make_wsgi_app(app, engine, signing_secret=SIGNING_SECRET, clock=clock,
                                            metrics=metrics))
    url = f"http://127.0.0.1:{server.port}"
    signer = SlackSigner(url, SIGNING_SECRET, response_url_factory=fake.new_response_url,
                         trigger_id_factory=fake.new_trigger_id)
    try:
        running = RunningBot(app, url, signer, fake, sessions, clock, engine, executor, notifier, work, metrics)
        yield running
        running.settle()
    finally:
        server.stop()
        executor.shutdown(wait=True)
        work.shutdown(wait=True)


@pytest.fixture
def bot(
    settings: Settings, engine: Engine, database: sessionmaker[Session], clock: MovableClock, fake_slack: SlackStandIn
) -> Iterator[RunningBot]:
    with serve_bot(settings, engine, database, clock, fake_slack) as running:
        yield running
