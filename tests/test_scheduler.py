"""The scheduler: a tick runs the jobs; with several processes on one PostgreSQL database exactly one
leads, and another takes over when the leader stops; started in the background it ticks by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.registration.people import meet
from bot.settings import ReminderSettings
from scheduled.scheduler import Scheduler


def focal_point(database, clock, user_id: str, state: str) -> None:
    with database() as session:
        person = meet(session, user_id, now=clock.now(), fetch_locale=lambda: "en")
        person.state_code, person.is_focal_point = state, True
        session.commit()


def scheduler(engine, clock, fake_slack, owner: str) -> Scheduler:
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    return Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner=owner)


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
