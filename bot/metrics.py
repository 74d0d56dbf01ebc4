"""What an operator scrapes at `GET /metrics` (HTTP mode only: Socket Mode has no HTTP server), in
Prometheus' text format. One Metrics per process, built in `pfp serve` and handed to the HTTP boundary,
the Web client and the scheduler; each holds its own registry (never prometheus_client's global one), so
tests build as many as they like in one process.

Labels stay few and fixed: a request's kind, never its user or text; an API method the bot calls and
the error code Slack gave, never a message."""

from __future__ import annotations

import re
from collections import Counter as Tally
from datetime import datetime, timedelta

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.reminders.delivery import Outcome

# Slack wants an answer within 3 seconds: the buckets are finest where a request is fine, and one past 3 s.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5)
# A tick's outcomes that are events (a reminder sent, skipped, found undeliverable, failed for now). The
# others (waiting, done, no focal point) are states every tick sees again, so counting them would count ticks.
REMINDER_EVENTS = (Outcome.SENT, Outcome.ALREADY_SENT, Outcome.SKIPPED, Outcome.UNDELIVERABLE, Outcome.FAILED)
_ERROR_CODE = re.compile(r"^[a-z0-9_]{1,64}$")  # what Slack's error codes look like (`channel_not_found`)


def outcome_of(status: int | None) -> str:
    """How the bot answered a request, from its HTTP status (None: no answer, the server's 500)."""
    if status is None or status >= 500:
        return "error"
    if 200 <= status < 300:
        return "acknowledged"
    return {400: "unreadable", 401: "refused", 404: "not_found", 413: "too_large"}.get(status, "rejected")


def error_code(error: object, status: int | None = None) -> str:
    """Slack's error code as a label: the code itself when it looks like one, else the HTTP status (a load
    balancer's 503 page is not a code)."""
    if isinstance(error, str) and _ERROR_CODE.match(error):
        return error
    return f"http_{status}" if status else "unknown"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.slack_requests = Counter(
            "pfp_slack_requests", "Requests to /slack/events by kind and outcome", ["kind", "outcome"],
            registry=self.registry)
        self.slack_ack_seconds = Histogram(
            "pfp_slack_ack_seconds", "Seconds from a request reaching /slack/events to its answer being ready",
            ["kind"], buckets=ACK_BUCKETS, registry=self.registry)
        self.slack_api_errors = Counter(
            "pfp_slack_api_errors", "Slack Web API calls that failed, by method and Slack's error code",
            ["method", "error"], registry=self.registry)
        self.slack_api_retries = Counter(
            "pfp_slack_api_retries", "Slack Web API calls sent again, by method and why", ["method", "reason"],
            registry=self.registry)
        self.reminders = Counter(
            "pfp_reminders", "Reminders sent, skipped, undeliverable or failed for now, by outcome", ["outcome"],
            registry=self.registry)
        self.scheduler_lag = Gauge(
            "pfp_scheduler_lag_seconds",
            "Seconds the last scheduler tick started after it was due (the tick before it, plus the interval)",
            registry=self.registry)
        self.scheduler_last_tick = Gauge(
            "pfp_scheduler_last_tick_timestamp_seconds", "When the last scheduler tick started (Unix time)",
            registry=self.registry)
        self.scheduler_leading = Gauge(
            "pfp_scheduler_leading", "1 while this process leads the reminders' ticks, else 0",
            registry=self.registry)
        self._last_tick: datetime | None = None
        for outcome in REMINDER_EVENTS:  # zeros from the start, so a rate over them is never "no data"
            self.reminders.labels(outcome=_label(outcome))

    def slack_request(self, kind: str, status: int | None, seconds: float) -> None:
        self.slack_requests.labels(kind=kind, outcome=outcome_of(status)).inc()
        self.slack_ack_seconds.labels(kind=kind).observe(seconds)

    def slack_api_error(self, method: str, error: str) -> None:
        self.slack_api_errors.labels(method=method, error=error).inc()

    def slack_api_retry(self, method: str, reason: str) -> None:
        self.slack_api_retries.labels(method=method, reason=reason).inc()

    def tick_started(self, at: datetime, *, every: timedelta, leading: bool) -> None:
        """A scheduler tick began at `at` (the process's clock); it was due `every` after the one before it."""
        if self._last_tick is not None:
            self.scheduler_lag.set(max(0.0, (at - self._last_tick - every).total_seconds()))
        self._last_tick = at
        self.scheduler_last_tick.set(at.timestamp())
        self.scheduler_leading.set(1 if leading else 0)

    def reminders_delivered(self, outcomes: Tally) -> None:
        for outcome, count in outcomes.items():
            if outcome in REMINDER_EVENTS and count:
                self.reminders.labels(outcome=_label(outcome)).inc(count)

    def exposition(self) -> tuple[bytes, str]:
        """The body and content type of `GET /metrics`."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


def _label(outcome: Outcome) -> str:
    return outcome.name.lower()  # `already_sent`, not the log's "already sent"
