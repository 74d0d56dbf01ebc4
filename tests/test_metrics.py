"""The metrics that need no HTTP server: a scheduler tick's reminders and lag, leadership, and the labels
kept to a fixed few (the HTTP side is tests/e2e/test_metrics.py)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from slack_sdk import WebClient

from bot.metrics import Metrics, error_code
from bot.notifier import Notifier
from bot.reminders.delivery import Outcome
from bot.settings import ReminderSettings
from scheduled.scheduler import Scheduler
from tests.test_scheduler import focal_point


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_a_ticks_reminders_are_counted_and_its_lag_and_leadership_shown(engine, database, clock, fake_slack):
    focal_point(database, clock, "UJAPAN1", "JP")
    fake_slack.set_user("UJAPAN1", tz="Asia/Tokyo")
    clock.current = datetime(2027, 3, 1, 1, tzinfo=UTC)  # 10:00 in Tokyo: one Article 7 reminder is due
    metrics = Metrics()
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    scheduler = Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner="one",
                          every=timedelta(minutes=5), metrics=metrics)
    try:
        assert sample(metrics, "pfp_reminders_total", outcome="sent") == 0  # there from the start
        assert sum(scheduler.tick().values()) == 1
        assert sample(metrics, "pfp_reminders_total", outcome="sent") == 1
        assert sample(metrics, "pfp_scheduler_leading") == 1
        assert sample(metrics, "pfp_scheduler_lag_seconds") == 0
        assert sample(metrics, "pfp_scheduler_last_tick_timestamp_seconds") == clock.current.timestamp()

        clock.advance(minutes=7)  # due 5 minutes after the last: 2 minutes late
        assert [o.value for o in scheduler.tick()] == ["done"]
        assert sample(metrics, "pfp_reminders_total", outcome="sent") == 1  # nothing more was sent
        assert sample(metrics, "pfp_reminders_total", outcome="done") is None  # a state, not an event
        assert sample(metrics, "pfp_scheduler_lag_seconds") == 120
        assert sample(metrics, "pfp_scheduler_last_tick_timestamp_seconds") == clock.current.timestamp()
    finally:
        scheduler.stop()


def test_a_scheduler_that_does_not_lead_says_so(engine, database, clock, fake_slack):
    client = WebClient(token=fake_slack.token, base_url=fake_slack.base_url)
    leader_metrics, follower_metrics = Metrics(), Metrics()
    leader = Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner="one", metrics=leader_metrics)
    follower = Scheduler(engine, clock, Notifier(client), ReminderSettings(), owner="two", metrics=follower_metrics)
    try:
        assert leader.tick() is not None
        assert sample(leader_metrics, "pfp_scheduler_leading") == 1
        if engine.dialect.name == "postgresql":
            assert follower.tick() is None
            assert sample(follower_metrics, "pfp_scheduler_leading") == 0
        else:  # one process on SQLite: it leads
            assert follower.tick() is not None
            assert sample(follower_metrics, "pfp_scheduler_leading") == 1
    finally:
        leader.stop()
        follower.stop()


def test_only_outcomes_that_happen_once_are_counted():
    metrics = Metrics()
    metrics.reminders_delivered(Counter({Outcome.SENT: 2, Outcome.UNDELIVERABLE: 1, Outcome.SKIPPED: 1,
                                         Outcome.WAITING: 5, Outcome.DONE: 9, Outcome.NO_RECIPIENT: 1}))
    assert sample(metrics, "pfp_reminders_total", outcome="sent") == 2
    assert sample(metrics, "pfp_reminders_total", outcome="undeliverable") == 1
    assert sample(metrics, "pfp_reminders_total", outcome="skipped") == 1
    assert sample(metrics, "pfp_reminders_total", outcome="waiting") is None


def test_an_error_label_is_slacks_code_or_the_http_status_never_free_text():
    assert error_code("channel_not_found", 200) == "channel_not_found"
    assert error_code("Received a response in a non-JSON format: <html>Service Unavailable", 503) == "http_503"
    assert error_code(None, None) == "unknown"


def test_two_metrics_in_one_process_keep_their_own_counts():
    one, two = Metrics(), Metrics()
    one.slack_request("command", 200, 0.01)
    assert sample(one, "pfp_slack_requests_total", kind="command", outcome="acknowledged") == 1
    assert sample(two, "pfp_slack_requests_total", kind="command", outcome="acknowledged") is None
