"""The Slack Web API client: pointed where settings say, retrying what Slack asks us to retry."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

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
