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


def slack_locale(client: WebClient, user_id: str) -> str | None:
    """The language the person set in Slack, e.g. 'fr-FR'; None when Slack cannot tell us."""
    from slack_sdk.errors import SlackApiError

    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError:
        return None
    return user.get("locale")


def send_direct_message(client: WebClient, user_id: str, text: str, blocks: list[dict] | None = None) -> None:
    channel = client.conversations_open(users=user_id)["channel"]["id"]
    client.chat_postMessage(channel=channel, text=text, blocks=blocks)
