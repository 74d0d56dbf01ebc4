"""The Slack Web API client: pointed where settings say, retrying what Slack asks us to retry; and the
process's Notifier around it, paced as settings say. Given metrics, the client counts its failed calls
and its retries (by method) as it makes them, so no caller has to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.slack_response import SlackResponse

from bot.metrics import Metrics, error_code
from bot.notifier import Notifier
from bot.pace import Pace
from bot.settings import Settings


class CountedRetries(RetryHandler):
    """A retry handler that counts each retry it decides on, then does exactly what the one it wraps does.
    Bolt hands every listener's client the same handlers, so the count covers those clients too."""

    def __init__(self, handler: RetryHandler, *, reason: str, metrics: Metrics) -> None:
        super().__init__(handler.max_retry_count, handler.interval_calculator)
        self._handler, self._reason, self._metrics = handler, reason, metrics

    def can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                  error: Exception | None = None) -> bool:
        return self._handler.can_retry(state=state, request=request, response=response, error=error)

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        # The client calls this only for the one handler that chose to retry: one call, one retry.
        self._metrics.slack_api_retry(urlsplit(request.url).path.rsplit("/", 1)[-1], self._reason)
        self._handler.prepare_for_next_attempt(state=state, request=request, response=response, error=error)


class CountedWebClient(WebClient):
    """The Web client that counts each call Slack refused (its error code) or that never got an answer,
    after the retries: every method the bot uses goes through api_call."""

    def __init__(self, *, metrics: Metrics, **options: Any) -> None:
        super().__init__(**options)
        self._metrics = metrics

    def api_call(self, api_method: str, **options: Any) -> SlackResponse:
        try:
            return super().api_call(api_method, **options)
        except SlackApiError as error:
            response = error.response
            self._metrics.slack_api_error(api_method, error_code(response.get("error"), response.status_code))
            raise
        except OSError:  # refused, reset or timed out: no answer from Slack at all
            self._metrics.slack_api_error(api_method, "no_answer")
            raise


def make_web_client(settings: Settings, *, metrics: Metrics | None = None) -> WebClient:
    retries: list[tuple[str, RetryHandler]] = [
        ("connection_error", ConnectionErrorRetryHandler(max_retry_count=2)),
        ("ratelimited", RateLimitErrorRetryHandler(max_retry_count=2)),  # waits as long as Retry-After says
        ("server_error", ServerErrorRetryHandler(max_retry_count=2)),
    ]
    options: dict[str, Any] = {"token": settings.slack_bot_token, "base_url": settings.slack_api_url, "timeout": 10}
    if metrics is None:
        return WebClient(**options, retry_handlers=[handler for _, handler in retries])
    return CountedWebClient(metrics=metrics, **options, retry_handlers=[
        CountedRetries(handler, reason=reason, metrics=metrics) for reason, handler in retries])


def make_notifier(settings: Settings, *, metrics: Metrics | None = None) -> Notifier:
    """The one way out to Slack for this process (create_app's, the scheduler's, `pfp reminders tick`'s):
    one pace for all its messages, so every sender in the process keeps to Slack's per-channel pace."""
    return Notifier(make_web_client(settings, metrics=metrics), pace=Pace(settings.slack_pace_seconds))
