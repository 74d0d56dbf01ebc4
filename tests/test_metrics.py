"""The metrics that need no HTTP server: a scheduler tick's reminders and lag, leadership, and the labels
kept to a fixed few (the HTTP side is tests/e2e/test_metrics.py)."""

from __future__ import annotations

from collections import Counter

from bot.metrics import Metrics, error_code
from bot.reminders.delivery import Outcome


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


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
