"""`GET /metrics` over real HTTP, in Prometheus' text format: requests counted by kind and outcome and
timed to their answer, Slack API errors and retries counted by method."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlencode

import pytest
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.errors import SlackApiError

from tests.conftest import ISU_CHANNEL

FORM = "application/x-www-form-urlencoded"
FORGED = urlencode({"command": "/pfp", "text": "help", "user_id": "UFORGER", "team_id": "T0TEAM"}).encode()


def scrape(bot) -> tuple[str, dict[tuple[str, frozenset], float]]:
    """The content type and every sample of /metrics, keyed by sample name and labels."""
    with urllib.request.urlopen(f"{bot.url}/metrics", timeout=10) as response:  # noqa: S310 - loopback
        content_type, text = response.headers["Content-Type"], response.read().decode()
    samples = {(s.name, frozenset(s.labels.items())): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    return content_type, samples


def value(samples: dict, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def total(samples: dict, name: str) -> float:
    return sum(v for (n, _), v in samples.items() if n == name)


def test_requests_are_counted_by_kind_and_outcome_and_timed_until_answered(bot):
    content_type, before = scrape(bot)
    assert content_type.startswith("text/plain; version=")
    assert total(before, "pfp_slack_requests_total") == 0

    assert bot.slack.command("/pfp", "help", user_id="UDELEG1").status == 200
    assert bot.slack.post(FORGED, FORM, signature="v0=" + "0" * 64).status == 401

    _, after = scrape(bot)
    assert value(after, "pfp_slack_requests_total", kind="command", outcome="acknowledged") == 1
    # A forged body is never read, so nobody knows what it claimed to be.
    assert value(after, "pfp_slack_requests_total", kind="unknown", outcome="refused") == 1
    assert total(after, "pfp_slack_requests_total") == 2
    assert value(after, "pfp_slack_ack_seconds_count", kind="command") == 1
    assert value(after, "pfp_slack_ack_seconds_bucket", kind="command", le="+Inf") == 1
    assert value(after, "pfp_slack_ack_seconds_bucket", kind="command", le="3.0") == 1  # within Slack's 3 s
    assert value(after, "pfp_slack_ack_seconds_sum", kind="command") > 0
    assert value(after, "pfp_slack_ack_seconds_count", kind="unknown") == 1


def test_a_slack_api_error_and_a_retry_are_counted_by_method(bot):
    bot.fake.fail_next("chat.postMessage", status=503)  # once: sent again, and delivered
    bot.notifier.post(ISU_CHANNEL, "hello")
    bot.fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError):
        bot.notifier.post("C0NOWHERE", "hello")

    _, samples = scrape(bot)
    assert value(samples, "pfp_slack_api_retries_total", method="chat.postMessage", reason="server_error") == 1
    assert total(samples, "pfp_slack_api_retries_total") == 1
    assert value(samples, "pfp_slack_api_errors_total", method="chat.postMessage", error="channel_not_found") == 1
    assert total(samples, "pfp_slack_api_errors_total") == 1
    assert len(bot.fake.calls_to("chat.postMessage")) == 3
