"""The HTTP boundary with Slack (`POST /slack/events`): the signature is checked on the raw bytes
before anything is parsed, a refusal is audited (one row per source and minute), and the body is
parsed once, strictly, and checked for the shape Bolt relies on before Bolt sees it.

Order matters. Bolt parses the body and reads ids out of it as it builds a request, before any
middleware runs, so a forged body that is not valid form or JSON used to reach its parser (500, a
traceback) and a timestamp that is not a number made slack_sdk's verifier raise inside our error
handler, which then answered the forged body's user at the forged body's `response_url`.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from storage import audit

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = logging.getLogger(__name__)

# Slack sends seconds since the epoch as digits; anything else is not Slack.
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")
# Slack's largest payloads (a modal's view with 100 blocks) stay far below this.
MAX_BODY = 1024 * 1024
FORM, JSON_TYPE = "application/x-www-form-urlencoded", "application/json"


class Unreadable(Exception):
    """A correctly signed body the bot cannot read: 400, and one line in the log."""


class BytesSignatureVerifier(SignatureVerifier):
    """slack_sdk's verifier, fed the raw bytes: its own `generate_signature` decodes a bytes body as
    UTF-8 first, so a body that is not UTF-8 would raise instead of being judged. Slack signs bytes."""

    def generate_signature(self, *, timestamp: str, body: str | bytes) -> str | None:
        import hashlib
        import hmac

        raw = body.encode("utf-8") if isinstance(body, str) else body or b""
        digest = hmac.new(self.signing_secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
        return f"v0={digest.hexdigest()}"


def refusal(verifier: SignatureVerifier, timestamp: str | None, signature: str | None, raw: bytes) -> str | None:
    """Why a request is not Slack's (missing, malformed, stale or wrong signature), or None if it is."""
    if not timestamp or not signature:
        return "unsigned"
    if not _TIMESTAMP.match(timestamp) or not _SIGNATURE.match(signature):
        return "malformed signature headers"
    if not verifier.is_valid(body=raw, timestamp=timestamp, signature=signature):
        return "bad signature or stale timestamp"
    return None


def parse(content_type: str, raw: bytes) -> dict[str, Any]:
    """The body as Slack sends it: a form (a slash command, or `payload=<JSON>` for interactivity) or
    JSON (the Events API). Bolt's own parser takes any form body containing the word "payload" for an
    interactivity request (slack_bolt.request.internals.parse_body), so `/need show payload` reached
    no listener; here a form is an interaction only when it has a `payload` field."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable("the body is not UTF-8") from None
    kind = content_type.split(";", 1)[0].strip().lower()
    try:
        if kind == JSON_TYPE:
            body = json.loads(text)
        elif kind == FORM:
            fields = parse_qsl(text, keep_blank_values=True, strict_parsing=True, max_num_fields=100)
            form = dict(fields)
            if len(form) != len(fields):
                raise Unreadable("a form field is repeated")
            body = json.loads(form["payload"]) if "payload" in form else form
        else:
            raise Unreadable(f"content type {kind[:40]!r} is neither a form nor JSON")
    except ValueError as error:  # JSONDecodeError, and parse_qsl's strict parsing
        raise Unreadable(f"the body is not valid {'JSON' if kind == JSON_TYPE else 'form data'}") from error
    if not isinstance(body, dict):
        raise Unreadable("the body is not a JSON object")
    check_envelope(body)
    return body


# Where Bolt reads ids and types while it builds a request and matches listeners, and the JSON types
# it assumes there (slack_bolt.request.internals, slack_bolt.request.payload_utils). A Slack payload
# always has these types; a body that does not is refused here rather than raising inside Bolt.
_STRING = (str,)
_OPTIONAL_STRING = (str, type(None))
_TYPES: dict[str, tuple[type, ...]] = {
    "type": _STRING, "command": _STRING, "text": _STRING, "user_id": _STRING, "team_id": _OPTIONAL_STRING,
    "channel_id": _STRING, "trigger_id": _STRING, "response_url": _STRING, "callback_id": _STRING,
    "action_id": _STRING, "enterprise_id": _OPTIONAL_STRING, "api_app_id": _STRING, "bot_id": _OPTIONAL_STRING,
    "user": (dict, str, type(None)), "team": (dict, str, type(None)), "enterprise": (dict, str, type(None)),
    "channel": (dict, str, type(None)), "message": (dict, type(None)), "previous_message": (dict, type(None)),
    "container": (dict, type(None)), "item": (dict, type(None)), "function_data": (dict, type(None)),
    "assistant_thread": (dict, type(None)), "view": (dict,), "event": (dict,), "actions": (list,),
    "authorizations": (list, type(None)), "response_urls": (list,), "is_ext_shared_channel": (bool,),
    "is_enterprise_install": (bool, str, type(None)), "thread_ts": _OPTIONAL_STRING, "challenge": _STRING,
}
_ID_HOLDERS = ("user", "team", "enterprise", "channel")


def _check_fields(where: str, data: dict[str, Any]) -> None:
    for key, types in _TYPES.items():
        if key in data and not isinstance(data[key], types):
            raise Unreadable(f"{where}.{key} is a {type(data[key]).__name__}")
    for key in _ID_HOLDERS:
        holder = data.get(key)
        if isinstance(holder, dict) and not isinstance(holder.get("id", ""), str):
            raise Unreadable(f"{where}.{key}.id is not a string")
    if isinstance(data.get("team"), dict) and not isinstance(data["team"].get("enterprise_id"), _OPTIONAL_STRING):
        raise Unreadable(f"{where}.team.enterprise_id is not a string")


def _objects(where: str, items: list[Any]) -> list[dict[str, Any]]:
    if not all(isinstance(item, dict) for item in items):
        raise Unreadable(f"{where} holds something other than objects")
    return items


def check_envelope(body: dict[str, Any]) -> None:
    """The parts of a payload that say what it is and who sent it have the types Slack gives them."""
    _check_fields("body", body)
    for index, item in enumerate(_objects("body.authorizations", body.get("authorizations") or [])):
        _check_fields(f"body.authorizations[{index}]", item)
    for index, item in enumerate(_objects("body.response_urls", body.get("response_urls") or [])):
        if not isinstance(item.get("response_url"), str):
            raise Unreadable(f"body.response_urls[{index}].response_url is not a string")
    if "event" in body:
        _check_fields("body.event", body["event"])
        if not isinstance(body["event"].get("type"), str):
            raise Unreadable("body.event.type is not a string")
    if "view" in body:
        _check_fields("body.view", body["view"])
    if "command" in body:
        if not body["command"].startswith("/"):
            raise Unreadable("body.command is not a slash command")
        return
    kind = body.get("type")
    if kind is None:
        raise Unreadable("the body is neither a slash command nor typed")
    if kind == "block_actions":
        actions = _objects("body.actions", body.get("actions") or [])
        if not actions:
            raise Unreadable("body.actions is empty")
        for index, action in enumerate(actions):
            if not isinstance(action.get("action_id"), str) or not isinstance(action.get("block_id", ""), str):
                raise Unreadable(f"body.actions[{index}] has no action_id")
    if kind in ("view_submission", "view_closed") and not isinstance(body.get("view", {}).get("callback_id"), str):
        raise Unreadable("body.view.callback_id is not a string")


def request_kind(body: dict[str, Any]) -> str:
    """What a parsed request is, for the metrics: command, block_actions, view_submission, view_closed,
    event, options or other; a fixed few, never a value the sender chose ("unknown": never parsed)."""
    if "command" in body:
        return "command"
    kind = body.get("type")
    if kind in ("block_actions", "view_submission", "view_closed"):
        return kind
    if kind == "event_callback":
        return "event"
    if kind == "block_suggestion":
        return "options"
    return "other"


WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class ParsedRequest(BoltRequest):
    """A BoltRequest from a body this module parsed, so Bolt's parser never sees the raw text."""

    def __init__(self, *, body: dict[str, Any], raw_body: str, query: Any, headers: Any, context: Any = None):
        # Bolt accepts a parsed dict only in its Socket Mode; over HTTP it insists on parsing itself.
        super().__init__(body=body, query=query, headers=headers, context=context, mode="socket_mode")
        self.raw_body = raw_body
        self.mode = "http"

    def to_copyable(self) -> BoltRequest:
        return ParsedRequest(body=self.body, raw_body=self.raw_body, query=self.query, headers=self.headers,
                             context=self.context.to_copyable())


@dataclass
class _Seen:
    """What the metrics learn of one request: its kind once the body is read, the status once answered."""

    kind: str = "unknown"
    status: int | None = None


class SlackEndpoint:
    """The WSGI application for `POST /slack/events`: verify, audit refusals, parse, then Bolt; and, given
    metrics, count each request by kind and outcome and time it until its answer is ready."""

    def __init__(self, app: App, *, signing_secret: str, sessions: sessionmaker[Session], clock: Clock,
                 verifier: SignatureVerifier | None = None, metrics: Metrics | None = None) -> None:
        self._app = app
        self._verifier = verifier or BytesSignatureVerifier(signing_secret)
        self._sessions = sessions
        self._clock = clock
        self._metrics = metrics

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        front = getattr(self._app, "front_door", None)  # bot.app.PfpApp's
        if front is None:
            return self._call(environ, start_response)
        front.arrived()
        try:
            return self._call(environ, start_response)
        finally:
            front.answered()

    def _call(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if self._metrics is None:
            return self._serve(environ, start_response, _Seen())
        started, seen = time.perf_counter(), _Seen()

        def answer(status: str, headers: list, exc_info: Any = None) -> Callable:
            seen.status = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            return self._serve(environ, answer, seen)
        finally:  # an exception here becomes the server's 500: counted as an error
            self._metrics.slack_request(seen.kind, seen.status, time.perf_counter() - started)

    def _serve(self, environ: dict, start_response: Callable, seen: _Seen) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return _answer(start_response, 413, "Payload Too Large")
        raw = environ["wsgi.input"].read(length) if length else b""
        headers = _headers(environ)
        reason = refusal(self._verifier, headers.get("x-slack-request-timestamp"),
                         headers.get("x-slack-signature"), raw)
        if reason is not None:
            self._audit(environ.get("REMOTE_ADDR") or "unknown", reason)
            return _answer(start_response, 401, "Unauthorized")
        try:
            body = parse(headers.get("content-type", ""), raw)
            request = ParsedRequest(body=body, raw_body=raw.decode("utf-8"), query=environ.get("QUERY_STRING", ""),
                                    headers=headers)
        except Unreadable as error:
            log.warning("refused a signed request the bot cannot read: %s", error)
            return _answer(start_response, 400, "Bad Request")
        seen.kind = request_kind(body)
        response = self._app.dispatch(request)
        wsgi = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
        start_response(wsgi.status, wsgi.get_headers())
        return wsgi.get_body()

    def _audit(self, source: str, reason: str) -> None:
        try:
            with self._sessions() as session:
                audit.record_refusal(session, at=self._clock.now(), source=source[:64], reason=reason)
                session.commit()
        except Exception as error:  # the refusal stands even when it cannot be written down
            log.warning("could not audit a refused request from %s: %s", source[:64], error.__class__.__name__)


def _headers(environ: dict) -> dict[str, str]:
    headers = {}
    for key, value in environ.items():
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            headers[key.lower().replace("_", "-")] = value
        elif key.startswith("HTTP_"):
            headers[key[5:].lower().replace("_", "-")] = value
    return headers


def _answer(start_response: Callable, status: int, text: str) -> list[bytes]:
    body = text.encode()
    start_response(f"{status} {text}", [("Content-Type", "text/plain; charset=utf-8"),
                                        ("Content-Length", str(len(body)))])
    return [body]
