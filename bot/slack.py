"""The Slack Web API client: pointed where settings say, retrying what Slack asks us to retry; and the
process's Notifier around it, paced as settings say."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.notifier import Notifier
from bot.pace import Pace
from bot.settings import Settings


def make_web_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),  # waits as long as Retry-After says
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def make_notifier(settings: Settings) -> Notifier:
    """The one way out to Slack for this process (create_app's, the scheduler's, `pfp reminders tick`'s):
    one pace for all its messages, so every sender in the process keeps to Slack's per-channel pace."""
    return Notifier(make_web_client(settings), pace=Pace(settings.slack_pace_seconds))
