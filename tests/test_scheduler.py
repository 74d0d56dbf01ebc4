"""The scheduler: a tick runs the jobs; with several processes on one PostgreSQL database exactly one
leads, and another takes over when the leader stops; started in the background it ticks by itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_sdk import WebClient
from sqlalchemy import select

from bot.calendar import COMMAND_LINE, EventForm, add_event
from bot.notifier import Notifier
from bot.platform import rules as p
from bot.registration.people import meet
from bot.settings import ReminderSettings
from scheduled.scheduler import Scheduler
from storage.models import EventKind, Person
from tests.bot.test_matching import need_form
from tests.conftest import ISU_CHANNEL


def focal_point(database, clock, user_id: str, state: str) -> None:
    with database() as session:
        person = meet(session, user_id, now=clock.now(), fetch_locale=lambda: "en")
        person.state_code, person.is_focal_point = state, True
        session.commit()


def scheduler(engine, clock, fake_slack, owner: str, isu_channel: str | None = None) -> Scheduler:
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    return Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner=owner, isu_channel=isu_channel)


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
