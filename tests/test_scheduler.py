"""The scheduler: a tick runs the jobs; with several processes on one PostgreSQL database exactly one
leads, and another takes over at its next leadership check when the leader stops, then ticks at once; a
leader whose connection dies gives the lead up and takes it again; started in the background it ticks by
itself."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlalchemy import select, text

from bot.calendar import COMMAND_LINE, EventForm, add_event
from bot.notifier import Notifier
from bot.platform import rules as p
from bot.registration.people import meet
from bot.settings import ReminderSettings
from scheduled.scheduler import LEADER_LOCK, Scheduler
from storage.db import make_engine
from storage.models import EventKind, Person
from tests.bot.test_matching import need_form
from tests.conftest import ISU_CHANNEL


def focal_point(database, clock, user_id: str, state: str) -> None:
    with database() as session:
        person = meet(session, user_id, now=clock.now(), fetch_locale=lambda: "en")
        person.state_code, person.is_focal_point = state, True
        session.commit()


def scheduler(engine, clock, fake_slack, owner: str, isu_channel: str | None = None, **options) -> Scheduler:
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    return Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner=owner, isu_channel=isu_channel,
                     **options)


def lock_holders(engine) -> list[int]:
    """The server processes (backend pids) that hold the scheduler's advisory lock, from pg_locks."""
    with engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = :key "
            "AND objsubid = 1 AND granted"), {"key": LEADER_LOCK}).scalars())


def test_a_tick_sends_what_is_due_and_the_next_tick_nothing_more(engine, database, clock, fake_slack):
    focal_point(database, clock, "UJAPAN1", "JP")
    fake_slack.set_user("UJAPAN1", tz="Asia/Tokyo")
    clock.current = datetime(2027, 3, 1, 1, tzinfo=UTC)  # 10:00 in Tokyo
    one = scheduler(engine, clock, fake_slack, "one")
    try:
        assert sum(one.tick().values()) == 1
        assert [o.value for o in one.tick()] == ["done"]
    finally:
        one.stop()


def test_one_tick_asks_slack_a_persons_time_zone_once_however_many_jobs_reach_them(engine, database, clock,
                                                                               fake_slack):
    """Cambodia's focal point is due three reminders on one Monday (Article 7 at -60 days, the Platform
    8 weeks before a meeting, a stale need), and the ISU its digest: one users.info for the three."""
    focal_point(database, clock, "UKHMER1", "KH")
    fake_slack.set_user("UKHMER1", tz="Asia/Phnom_Penh")
    with database() as session:
        person = session.scalars(select(Person).where(Person.slack_user_id == "UKHMER1")).one()
        p.post(session, person, need_form(), now=datetime(2026, 8, 30, tzinfo=UTC))  # stale by 28 February
        add_event(session, COMMAND_LINE, EventForm(kind=EventKind.INTERSESSIONAL, title="Intersessional Meetings",
                                                   starts_on=date(2027, 4, 26), ends_on=date(2027, 4, 29),
                                                   place="Geneva"), now=clock.now())
        session.commit()
    clock.current = datetime(2027, 3, 1, 9, tzinfo=UTC)  # a Monday, 16:00 in Phnom Penh, 10:00 in Geneva
    one = scheduler(engine, clock, fake_slack, "one", isu_channel=ISU_CHANNEL)
    try:
        assert one.tick()["sent"] == 4
    finally:
        one.stop()
    assert [call.body["user"] for call in fake_slack.calls_to("users.info")] == ["UKHMER1"]


def test_on_postgresql_one_scheduler_leads_and_another_takes_over_when_it_stops(engine, database, clock,
                                                                               fake_slack):
    one, two = scheduler(engine, clock, fake_slack, "one"), scheduler(engine, clock, fake_slack, "two")
    try:
        assert one.leads()
        if engine.dialect.name == "postgresql":
            assert not two.leads() and two.tick() is None
            one.stop()
            assert two.leads()
        else:  # one process on SQLite: it leads
            assert two.leads()
    finally:
        one.stop()
        two.stop()


def test_started_in_the_background_it_ticks_by_itself(engine, database, clock, fake_slack):
    focal_point(database, clock, "UJAPAN1", "JP")
    fake_slack.set_user("UJAPAN1", tz="Asia/Tokyo")
    clock.current = datetime(2027, 3, 1, 1, tzinfo=UTC)
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    background = Scheduler(engine, clock, Notifier(client), ReminderSettings(), every=timedelta(minutes=5))
    background.start()  # its first tick is at once; the test waits for Slack to hear it, it does not sleep
    try:
        fake_slack.wait_for("chat.postMessage", timeout=10)
    finally:
        background.stop()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # an advisory lock: PostgreSQL's
def test_the_leadership_check_lets_one_lead_and_another_take_over_at_its_next_check(database_url, database,
                                                                                   clock, fake_slack):
    engines = [make_engine(database_url) for _ in range(2)]  # two processes, each with its own pool
    one, two = (scheduler(engine, clock, fake_slack, name) for engine, name in zip(engines, ("one", "two"), strict=True))
    try:
        assert (one.role(), two.role()) == ("follows", "follows")  # nobody has asked yet
        assert one.check_leadership() and not two.check_leadership()
        assert (one.role(), two.role()) == ("leads", "follows")
        assert not one.check_leadership() and not two.check_leadership()  # each check: no change
        assert (one.role(), two.role()) == ("leads", "follows") and len(lock_holders(engines[0])) == 1
        one.stop()
        assert two.role() == "follows"  # until its next check
        assert two.check_leadership()
        assert (one.role(), two.role()) == ("follows", "leads")
        assert not one.check_leadership() and one.tick() is None
    finally:
        one.stop()
        two.stop()
        for engine in engines:
            engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_leader_whose_connection_is_killed_gives_the_lead_up_without_raising_then_takes_it_again(
        engine, database, clock, fake_slack):
    one = scheduler(engine, clock, fake_slack, "one")
    try:
        assert one.check_leadership()
        [pid] = lock_holders(engine)
        with engine.connect() as connection:  # as a database restart or an administrator would
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
        assert not one.check_leadership()  # it notices, and gives the lead up
        assert one.role() == "follows" and lock_holders(engine) == []
        assert one.check_leadership()  # the next check takes it again, on a new connection
        assert one.role() == "leads" and lock_holders(engine) not in ([], [pid])
    finally:
        one.stop()
    assert lock_holders(engine) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_in_the_background_a_follower_takes_over_when_the_leader_stops_and_ticks_at_once(database_url, engine,
                                                                                         database, clock,
                                                                                         fake_slack):
    focal_point(database, clock, "UJAPAN1", "JP")
    fake_slack.set_user("UJAPAN1", tz="Asia/Tokyo")
    clock.current = datetime(2027, 3, 1, 1, tzinfo=UTC)  # 10:00 in Tokyo: Japan's Article 7 reminder is due

    ticked = threading.Event()

    class Watched(Scheduler):
        def tick(self):
            try:
                return super().tick()
            finally:
                ticked.set()

    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    other = make_engine(database_url)
    one = scheduler(engine, clock, fake_slack, "one")
    two = Watched(other, clock, Notifier(client), ReminderSettings(), owner="two", every=timedelta(hours=1),
                  leadership_every=timedelta(seconds=0.2))
    try:
        assert one.leads()
        two.start()
        assert ticked.wait(timeout=10)  # its first tick, at once, as a follower: nothing sent
        assert two.role() == "follows" and not fake_slack.calls_to("chat.postMessage")
        one.stop()
        # Its next tick is an hour away: the reminder comes from the tick its leadership check runs at once.
        fake_slack.wait_for("chat.postMessage", timeout=10)
        assert two.role() == "leads"
    finally:
        one.stop()
        two.stop()
        other.dispose()


def test_on_sqlite_there_is_one_process_and_it_always_leads(tmp_path, clock, fake_slack):
    engine = make_engine(f"sqlite:///{tmp_path / 'pfp.sqlite3'}")
    one = scheduler(engine, clock, fake_slack, "one")
    try:
        assert one.role() == "leads" and one.leads() and not one.check_leadership()
    finally:
        one.stop()
        engine.dispose()
