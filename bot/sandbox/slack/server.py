"""A loopback stand-in of the Slack Web API, for the sandbox and the end-to-end tests.

Why a real HTTP server rather than mocking slack_sdk: the bot must be exercised
through the very code paths it uses in production (slack_sdk's urllib client,
its retry handlers, bolt's ``respond``), so the stand-in speaks HTTP on 127.0.0.1
and only the base URL differs. Modelled on slackapi/bolt-python's
tests/mock_web_api_server, but with recording, ``wait_for``, fault injection and,
when asked, Slack's limit of messages per channel, and file uploads; it refuses what
Slack refuses (limits.py, trigger ids) and keeps what a Slack client would show
(workspace.py), for the sandbox's page.
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import math
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .limits import message_refusal, refusal, truthy, view_refusal
from .scopes import METHOD_SCOPES, missing_scope, user_ids
from .workspace import Workspace

__all__ = ["Call", "Opening", "SlackStandIn"]

# Keys whose form-encoded values are JSON documents in the Slack API.
_JSON_FIELDS = ("blocks", "view", "attachments")
_BOT_ID = "B0BOT"
_RESPONSE_PREFIX = "/response/"
TRIGGER_LIFE = 3.0  # seconds a trigger_id can be exchanged for a view, on Slack as here
_UPLOAD_PREFIX = "/upload/v1/"  # files.getUploadURLExternal's upload_url, as on files.slack.com
# Every scope the table knows, plus slash commands: what "everything granted" (scopes=None) reports.
_ALL_SCOPES = ("commands", *sorted({s for scopes in METHOD_SCOPES.values() for s in scopes}))

Responder = dict | Callable[["Call"], dict]
# What Slack checks against its limits of messages and of views (limits.py).
_MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")
_VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


@dataclass(frozen=True)
class Call:
    """One request the stand-in received.

    ``method`` is the API method ("chat.postMessage"), "response_url" for
    response_url posts, or the raw path for anything else. ``headers`` keys are
    lower-cased so tests do not depend on how a client capitalises them. ``at`` is
    when it arrived, on ``time.monotonic()``'s clock.
    """

    method: str
    body: dict
    headers: dict
    path: str
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Opening:
    """The first views.open or views.push that came with one trigger_id: when it arrived (``at``, on
    ``time.monotonic()``'s clock, which every process on the machine shares), the method, the view's
    ``callback_id`` and Slack's refusal (``error``, None when the view opened)."""

    trigger_id: str
    at: float
    method: str
    callback_id: str | None
    error: str | None


@dataclass
class _Fault:
    """A pending injected fault; ``times`` counts down per matching request."""

    kind: str  # "fail" | "delay" | "disconnect" | "hold"
    method: str
    times: int
    status: int = 429
    retry_after: float | None = None
    error: str = "ratelimited"
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method == "*" or self.method == method


@dataclass
class _Trigger:
    """A trigger_id the stand-in issued: whose it is, when (on the stand-in's clock), whether exchanged."""

    user_id: str
    issued_at: float
    used: bool = False


@dataclass
class _ResponseUrl:
    """Whose a response_url is, where it answers, and the message it came from (None: a command's)."""

    user_id: str | None
    channel: str | None
    message_ts: str | None


@dataclass
class _Reply:
    """What the handler should send back (or ``disconnect`` to send nothing)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict = field(default_factory=dict)
    disconnect: bool = False


def _json_reply(payload: dict, status: int = 200, headers: dict | None = None) -> _Reply:
    return _Reply(status=status, body=json.dumps(payload).encode("utf-8"), headers=headers or {})


def _decode_json_fields(body: dict) -> dict:
    """Turn JSON-string blocks/view/attachments into objects so tests can assert on them."""
    for key in _JSON_FIELDS:
        value = body.get(key)
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            try:
                body[key] = json.loads(value)
            except ValueError:
                pass  # keep what was sent; the test will see the malformed string
    return body


def _parse_multipart(content_type: str, raw: bytes) -> dict:
    """slack_sdk switches to multipart when files are attached; keep fields, files as bytes."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + raw
    )
    body: dict = {}
    if not message.is_multipart():
        return {"_raw": raw.decode("utf-8", "replace")}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            body[name] = payload
        else:
            body[name] = payload.decode("utf-8", "replace")
    return body


def _parse_body(content_type: str, raw: bytes, query: str) -> dict:
    """Parse JSON, urlencoded or multipart bodies into a dict (query string merged in)."""
    body: dict = dict(parse_qsl(query, keep_blank_values=True))
    ctype = content_type.split(";", 1)[0].strip().lower()
    if raw:
        if ctype == "application/json":
            try:
                parsed = json.loads(raw.decode("utf-8"))
            except ValueError:
                parsed = {"_raw": raw.decode("utf-8", "replace")}
            body.update(parsed if isinstance(parsed, dict) else {"_json": parsed})
        elif ctype == "multipart/form-data":
            body.update(_parse_multipart(content_type, raw))
        elif ctype == "application/x-www-form-urlencoded" or not ctype:
            body.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            body["_raw"] = raw.decode("utf-8", "replace")
    return _decode_json_fields(body)


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP adapter: all logic lives in SlackStandIn._handle so it is easy to read."""

    server: _Server
    server_version = "SlackStandIn/1.0"

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.server.stand_in._handle(self.path, headers, raw)
        if reply.disconnect:
            # Send nothing; the client sees the socket close (RemoteDisconnected).
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (e.g. its timeout during delay_next)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request stderr logging; the recorded calls are the log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Slack takes many connections at once; http.server's backlog of 5 reset some under a crowd, and the
    # client's retry after a second of backoff looked like a slow bot.
    request_queue_size = 128
    stand_in: SlackStandIn

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients dropping the connection mid-answer is expected here, not an error."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class SlackStandIn(Workspace):
    """Loopback Slack Web API: records calls, answers a useful subset as Slack would, injects faults, and
    keeps what a Slack client would show (workspace.py: channels, messages, ephemerals, modals, Home tabs).

    Use as ``with SlackStandIn() as slack: WebClient(base_url=slack.base_url, token=slack.token)``.

    ``clock`` (seconds, ``time.monotonic`` by default) times the trigger ids it issues
    (``new_trigger_id``); tests move a clock of their own to expire one.

    ``latency`` (seconds, 0 by default; ``set_latency`` changes it) delays every answer, as a distant
    Slack would: the call is recorded and done when it arrives, and its answer leaves that much later,
    each request on its own thread so none waits for another's.

    ``scopes`` are the bot token's granted OAuth scopes: a method needing one the
    token lacks (see scopes.METHOD_SCOPES) is refused with ``missing_scope``, as
    Slack does. ``None`` grants everything, for tests of the stand-in that do not care.

    A message or view over Slack's limits (limits.py: 50 blocks in a message, 100 in
    a view, 3,000 characters in a section, ...) is refused as Slack refuses it,
    ``invalid_blocks`` or ``invalid_arguments`` with ``response_metadata.messages``;
    an unknown method is ``unknown_method``; views.open and views.push take only a
    trigger the stand-in issued, once, within 3 seconds.

    Where tests send payloads about things they made up rather than things the bot
    made, the stand-in is more lenient than Slack, and changes nothing a client shows:
    a chat.update of a message it never showed, a views.update of a view it never
    opened, a views.push with no modal open (it starts the stack), a post in a channel
    nobody added (it appears, named by its id).

    For the sandbox's page, what a client shows (Workspace): ``channels``, ``messages``,
    ``replies``, ``ephemerals``, ``views``, ``home``, ``users``, and ``version`` with
    ``wait_for_change`` to long-poll; the page acts with ``add_channel``,
    ``close_views``, ``pop_view``, ``answer_submission``, and sends the bot requests
    carrying ``new_trigger_id`` and ``new_response_url``.
    """

    def __init__(
        self,
        token: str = "xoxb-test-token",  # noqa: S107 - the stand-in's well-known test token
        bot_user_id: str = "UBOT",
        team_id: str = "T0TEAM",
        scopes: Iterable[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        latency: float = 0.0,
    ) -> None:
        super().__init__(team_id=team_id, bot_user_id=bot_user_id, bot_id=_BOT_ID)
        self.token = token
        self.scopes: tuple[str, ...] | None = None if scopes is None else tuple(dict.fromkeys(scopes))
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._responders: dict[str, Responder] = {}
        self._clock = clock  # seconds, for the life of trigger ids only
        self._response_urls: dict[str, _ResponseUrl] = {}  # the number ending its path -> its owner
        self._triggers: dict[str, _Trigger] = {}  # trigger_id -> whose it is, when issued, whether used
        self._uploads: dict[str, dict] = {}  # file id -> {"filename", "length", "content" once uploaded}
        self._file_counter = itertools.count(1)
        self._message_interval: float | None = None  # limit_messages_per_channel: seconds between two posts
        self._retry_after = 1  # what a post refused by that limit is told to wait, in whole seconds
        self._last_message_at: dict[str, float] = {}  # channel -> when the last post accepted there arrived
        self._ratelimited: list[Call] = []  # posts refused by that limit, oldest first
        self._response_counter = itertools.count(1)
        self._openings: dict[str, Opening] = {}  # trigger_id -> the first views.open/views.push that brought it
        self._latency = 0.0
        self.set_latency(latency)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.set_user(bot_user_id, name="pfp", real_name="pfp", is_bot=True)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> SlackStandIn:
        """Bind 127.0.0.1 on a free port and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.stand_in = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="SlackStandIn", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes any delay_next sleepers so shutdown never hangs."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> SlackStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """The form slack_sdk's WebClient(base_url=...) expects (trailing slash included)."""
        return f"http://127.0.0.1:{self.port}/api/"

    # ------------------------------------------------------------------ recording

    @property
    def calls(self) -> list[Call]:
        """A snapshot copy, safe to iterate while the bot keeps calling."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        """Calls to one method ("*" for all), oldest first."""
        with self._lock:
            return [c for c in self._calls if method in ("*", c.method)]

    def clear(self) -> None:
        """Forget recorded calls, refused ones too, and openings (faults, limits, users and responders are kept)."""
        with self._lock:
            self._calls.clear()
            self._ratelimited.clear()
            self._openings.clear()

    def openings(self, trigger_ids: Iterable[str] | None = None) -> dict[str, Opening]:
        """The first views.open or views.push that brought each trigger_id (all of them, or those asked
        for that came): when a modal reached Slack after the command or button that carried it."""
        with self._lock:
            if trigger_ids is None:
                return dict(self._openings)
            return {t: self._openings[t] for t in trigger_ids if t in self._openings}

    def set_latency(self, seconds: float) -> None:
        """From now on, every answer leaves ``seconds`` after its call arrived (0: at once)."""
        if not seconds >= 0:
            raise ValueError("latency must be 0 or more seconds")
        with self._lock:
            self._latency = float(seconds)

    def ratelimited(self) -> list[Call]:
        """The chat.postMessage calls refused by limit_messages_per_channel, oldest first."""
        with self._lock:
            return list(self._ratelimited)

    def clear_faults(self) -> None:
        """Drop pending fail/delay/disconnect injections."""
        with self._lock:
            self._faults.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` were recorded; the bot works in threads.

        Uses a Condition so tests wake the moment the call lands, instead of polling.
        """

        def enough() -> bool:
            return sum(1 for c in self._calls if method in ("*", c.method)) >= count

        with self._cond:
            if not self._cond.wait_for(enough, timeout=timeout):
                seen: dict[str, int] = {}
                for c in self._calls:
                    seen[c.method] = seen.get(c.method, 0) + 1
                got = seen.get(method, len(self._calls) if method == "*" else 0)
                raise AssertionError(
                    f"expected {count} call(s) to {method!r} within {timeout}s, got {got}; "
                    f"methods seen: {seen or 'none'}"
                )
            return [c for c in self._calls if method in ("*", c.method)]

    # ------------------------------------------------------------------ answers, triggers, response URLs

    def respond_to(self, method: str, responder: Responder) -> None:
        """Answer an extra API method: a dict (``ok`` defaults to true) or ``fn(Call) -> dict``.

        Lets individual tests cover methods the stand-in does not model without editing it.
        """
        with self._lock:
            self._responders[method] = responder

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger_id for ``user_id``, as Slack puts in a command or an interaction: views.open and
        views.push take it once, within 3 seconds of now on the stand-in's clock. Slack's answers
        (views.open's errors): one the stand-in never issued is ``invalid_trigger_id``, one used
        before ``exchanged_trigger_id``, one older than 3 seconds ``expired_trigger_id``."""
        with self._lock:
            number = len(self._triggers) + 1
            trigger_id = f"{number}.{int(time.time())}.{uuid.uuid4().hex[:24]}"
            self._triggers[trigger_id] = _Trigger(user_id, self._clock())
        return trigger_id

    def _exchange_trigger(self, body: dict) -> tuple[str | None, dict | None]:
        """The user whose trigger a views.open/views.push exchanges, or Slack's refusal of it."""
        trigger_id = str(body.get("trigger_id") or "")
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                return None, {"ok": False, "error": "invalid_trigger_id"}
            if trigger.used:
                return None, {"ok": False, "error": "exchanged_trigger_id"}
            if self._clock() - trigger.issued_at > TRIGGER_LIFE:
                # The person pressed and nothing opened: the page says why, as Slack's client would leave it.
                self._failures.setdefault(trigger.user_id, []).append(
                    {"method": "views.open", "error": "expired_trigger_id"})
                self._changed()
                return None, {"ok": False, "error": "expired_trigger_id"}
            trigger.used = True
            return trigger.user_id, None

    def new_response_url(self, user_id: str | None = None, channel: str | None = None,
                         message_ts: str | None = None) -> str:
        """A response_url pointing back at the stand-in, as Slack puts in commands and interactions:
        whose it is (``user_id``), where it answers (``channel``) and, for a button in a message, that
        message (``message_ts``), which ``replace_original`` and ``delete_original`` act on."""
        number = next(self._response_counter)
        with self._lock:
            self._response_urls[str(number)] = _ResponseUrl(user_id, channel and self._channel_for(channel), message_ts)
        return f"http://127.0.0.1:{self.port}{_RESPONSE_PREFIX}{number}"

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: float | None = None,
        times: int = 1,
        error: str = "ratelimited",
    ) -> None:
        """Answer the next ``times`` matching calls with an HTTP error.

        429 and other non-5xx statuses get ``{"ok": false, "error": error}`` (so
        ``status=200, error="channel_not_found"`` simulates an API-level error);
        5xx get a plain-text body like Slack's load balancers. Retry-After is set
        when ``retry_after`` is given.
        """
        self._add_fault(_Fault("fail", method, times, status=status, retry_after=retry_after, error=error))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Sleep before answering the next ``times`` matching calls (stacks with fail/disconnect)."""
        self._add_fault(_Fault("delay", method, times, seconds=seconds))

    def hold_answer_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Do what the next ``times`` matching calls ask (a message is accepted and kept), then wait
        before answering: a sender killed meanwhile never learns Slack accepted it."""
        self._add_fault(_Fault("hold", method, times, seconds=seconds))

    def disconnect_next(self, method: str, times: int = 1) -> None:
        """Close the connection without any answer for the next ``times`` matching calls."""
        self._add_fault(_Fault("disconnect", method, times))

    def limit_messages_per_channel(self, per_second: float | None = 1.0) -> None:
        """Refuse what Slack refuses: from now on, a chat.postMessage arriving less than ``1/per_second``
        after the last one accepted in the same channel (a DM is one) gets HTTP 429, Retry-After and
        ``ratelimited``, and is recorded in ``ratelimited()``. Stricter than Slack, which lets short bursts
        through: none is let through here. Other channels and methods are not limited. ``None`` lifts it."""
        if per_second is not None and not per_second > 0:
            raise ValueError("per_second must be more than 0 (or None to lift the limit)")
        with self._lock:
            self._message_interval = None if per_second is None else 1 / per_second
            self._retry_after = 1 if per_second is None else max(1, math.ceil(1 / per_second))
            self._last_message_at.clear()

    def _over_message_limit(self, call: Call) -> bool:
        """Whether a post comes too soon after the last one accepted in its channel; if not, it is that one."""
        with self._lock:
            if self._message_interval is None:
                return False
            channel = self._channel_for(str(call.body.get("channel", "")))
            last = self._last_message_at.get(channel)
            if last is not None and call.at - last < self._message_interval:
                self._ratelimited.append(call)
                return True
            self._last_message_at[channel] = call.at
            return False

    def _add_fault(self, fault: _Fault) -> None:
        if fault.times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._faults.append(fault)

    def _take_fault(self, method: str, kinds: tuple[str, ...]) -> _Fault | None:
        """Consume one use of the oldest matching fault of the given kinds."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------------ request handling

    def _handle(self, raw_path: str, headers: dict, raw: bytes) -> _Reply:
        arrived = time.monotonic()
        reply = self._answer(raw_path, headers, raw)
        with self._lock:
            latency = self._latency
        if latency:
            self._stopping.wait(latency - (time.monotonic() - arrived))
        return reply

    def _answer(self, raw_path: str, headers: dict, raw: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        body = _parse_body(headers.get("content-type", ""), raw, parts.query)
        if path.startswith("/api/"):
            method = path[len("/api/") :]
        elif path.startswith(_RESPONSE_PREFIX):
            method = "response_url"
        else:
            method = path
        call = Call(method=method, body=body, headers=headers, path=path)
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

        delay = self._take_fault(method, ("delay",))
        if delay is not None:
            self._stopping.wait(delay.seconds)
        fault = self._take_fault(method, ("fail", "disconnect"))
        if fault is not None:
            return self._fault_reply(fault)

        if method == "response_url":
            refused = message_refusal(body)
            if refused is None:
                self._answer_through_response_url(path[len(_RESPONSE_PREFIX):], body)
            return _json_reply(refused or {"ok": True})
        if path.startswith(_UPLOAD_PREFIX):
            return self._receive_upload(path[len(_UPLOAD_PREFIX):], raw)
        if not path.startswith("/api/"):
            return _json_reply({"ok": False, "error": "not_found"}, status=404)
        if not self._authorized(headers, body):
            return _json_reply({"ok": False, "error": "invalid_auth"})
        # Slack tells an authenticated caller its token's scopes on every answer.
        granted = ",".join(self._granted())
        scope_header = {"x-oauth-scopes": granted}
        if self.scopes is not None:
            needed = missing_scope(method, body, self.scopes)
            if needed is not None:
                refusal = {"ok": False, "error": "missing_scope", "needed": needed, "provided": granted}
                return _json_reply(refusal, headers=scope_header)
        refused = self._refusal(call)
        if refused is not None:
            self._record_opening(call, refused)
            return _json_reply(refused, headers=scope_header)
        if method == "chat.postMessage" and self._over_message_limit(call):
            refusal_headers = {**scope_header, "Retry-After": str(self._retry_after)}
            return _json_reply({"ok": False, "error": "ratelimited"}, status=429, headers=refusal_headers)
        result = self._dispatch(call)
        self._record_opening(call, result)
        answer = _json_reply(result, headers=scope_header)
        hold = self._take_fault(method, ("hold",))
        if hold is not None:
            self._stopping.wait(hold.seconds)
        return answer

    def _record_opening(self, call: Call, result: dict) -> None:
        """Keeps the first views.open or views.push of each trigger_id, opened or refused (openings())."""
        if call.method not in ("views.open", "views.push"):
            return
        trigger_id, view = str(call.body.get("trigger_id") or ""), call.body.get("view")
        callback_id = view.get("callback_id") if isinstance(view, dict) else None
        error = None if result.get("ok") else result.get("error")
        opening = Opening(trigger_id, call.at, call.method, callback_id, error)
        with self._lock:
            self._openings.setdefault(trigger_id, opening)

    def _refusal(self, call: Call) -> dict | None:
        """What Slack says of a message or view over its limits (limits.py), before doing anything with it.
        A method a test answers itself (respond_to) is not checked."""
        with self._lock:
            if call.method in self._responders:
                return None
        if call.method in _MESSAGE_METHODS:
            return message_refusal(call.body)
        if call.method in _VIEW_METHODS:
            return view_refusal(call.body.get("view"))
        return None

    def _granted(self) -> tuple[str, ...]:
        return _ALL_SCOPES if self.scopes is None else self.scopes

    @staticmethod
    def _fault_reply(fault: _Fault) -> _Reply:
        if fault.kind == "disconnect":
            return _Reply(disconnect=True)
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(int(fault.retry_after))
        if fault.status >= 500:
            text = {500: "Internal Server Error", 503: "Service Unavailable"}.get(fault.status, "Server Error")
            return _Reply(
                status=fault.status,
                body=text.encode(),
                content_type="text/plain; charset=utf-8",
                headers=headers,
            )
        return _json_reply({"ok": False, "error": fault.error}, status=fault.status, headers=headers)

    def _authorized(self, headers: dict, body: dict) -> bool:
        auth = headers.get("authorization", "")
        if auth.startswith("Bearer ") and auth[len("Bearer ") :].strip() == self.token:
            return True
        return body.get("token") == self.token

    def _dispatch(self, call: Call) -> dict:
        with self._lock:
            responder = self._responders.get(call.method)
        if responder is not None:
            result = responder(call) if callable(responder) else dict(responder)
            return {"ok": True, **result}
        handler = _METHODS.get(call.method)
        if handler is None:
            return {"ok": False, "error": "unknown_method", "req_method": call.method}
        return handler(self, call.body)

    # ------------------------------------------------------------------ API methods

    def _auth_test(self, body: dict) -> dict:
        return {
            "ok": True,
            "url": "https://fake-team.slack.com/",
            "team": "Fake Team",
            "user": "pfp",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, body: dict) -> dict:
        channel, message = self._post(str(body.get("channel", "")), body)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _conversations_history(self, body: dict) -> dict:
        """The channel's top-level messages, newest first, as a client shows them (edits made, deleted
        ones gone); metadata only when asked for, as Slack gives it (include_all_metadata)."""
        messages = list(reversed(self.messages(str(body.get("channel", "")))))
        limit = int(body.get("limit") or 100)
        if not truthy(body.get("include_all_metadata", False)):
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        return {"ok": True, "messages": messages[:limit], "has_more": len(messages) > limit}

    def _chat_post_ephemeral(self, body: dict) -> dict:
        ts = self._post_ephemeral(str(body.get("user", "")), str(body.get("channel", "")), body)
        return {"ok": True, "message_ts": ts}

    def _chat_update(self, body: dict) -> dict:
        """The message edited in place. One the stand-in never showed is answered as if it were there and
        changes nothing: tests press buttons on messages they made up."""
        channel, ts = str(body.get("channel", "")), str(body.get("ts", ""))
        message = self._edit(channel, ts, body, edited=True)
        if message is None:
            message = self._bot_message(ts, body)
        return {"ok": True, "channel": body.get("channel"), "ts": ts, "text": message["text"], "message": message}

    def _answer_through_response_url(self, number: str, body: dict) -> None:
        """A post to a response_url, as Slack shows it: ``delete_original`` removes the message the URL
        came from, ``replace_original`` replaces it (same ts), ``response_type: in_channel`` posts in the
        channel, anything else is an ephemeral for the URL's person. A command's URL has no message of
        its own: the last answer posted through it is the one replaced or deleted."""
        with self._lock:
            owner = self._response_urls.get(number)
        if owner is None:
            return  # a URL the stand-in did not make (or made without an owner): recorded, nothing shown
        if truthy(body.get("delete_original")):
            if owner.message_ts is not None and owner.channel is not None:
                if not self._delete(owner.channel, owner.message_ts) and owner.user_id is not None:
                    self._edit_ephemeral(owner.user_id, owner.message_ts, None)
            return
        if truthy(body.get("replace_original")) and owner.message_ts is not None and owner.channel is not None:
            whole = {"text": body.get("text") or "", "blocks": body.get("blocks") or [],
                     "attachments": body.get("attachments")}
            if self._edit(owner.channel, owner.message_ts, whole, edited=False) is not None:
                return
            if owner.user_id is not None and self._edit_ephemeral(owner.user_id, owner.message_ts, body):
                return
        if owner.channel is None:
            return
        if body.get("response_type") == "in_channel":
            _, message = self._post(owner.channel, body)
            ts = message["ts"]
        elif owner.user_id is not None:
            ts = self._post_ephemeral(owner.user_id, owner.channel, body)
        else:
            return
        with self._lock:
            if owner.message_ts is None:
                owner.message_ts = ts

    def _views_open(self, body: dict) -> dict:
        user_id, refused = self._exchange_trigger(body)
        if refused is not None:
            return refused
        return _view_result(self._open_view(user_id, body["view"]))  # type: ignore[arg-type]

    def _views_push(self, body: dict) -> dict:
        user_id, refused = self._exchange_trigger(body)
        if refused is not None:
            return refused
        return _view_result(self._push_view(user_id, body["view"]))  # type: ignore[arg-type]

    def _views_update(self, body: dict) -> dict:
        return _view_result(self._update_view(body.get("view_id") or None, body.get("external_id") or None,
                                              body["view"], body.get("hash") or None))

    def _views_publish(self, body: dict) -> dict:
        user_id, view = str(body.get("user_id") or ""), body["view"]
        if not user_id:
            return refusal("invalid_arguments", ["missing required field: user_id [json-pointer:/user_id]"])
        if view.get("type") != "home":
            return refusal("invalid_arguments", ["must be home [json-pointer:/view/type]"])
        return _view_result(self._publish_home(user_id, view))

    def _users_info(self, body: dict) -> dict:
        with self._lock:
            user = self._users.get(str(body.get("user", "")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        user = dict(user)
        if not truthy(body.get("include_locale", False)):
            user.pop("locale", None)
        return {"ok": True, "user": user}

    def _files_get_upload_url(self, body: dict) -> dict:
        filename, length = body.get("filename"), str(body.get("length") or "")
        if not filename or not length.isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_counter):08d}"
        with self._lock:
            self._uploads[file_id] = {"filename": filename, "length": int(length)}
        return {"ok": True, "file_id": file_id, "upload_url": f"http://127.0.0.1:{self.port}{_UPLOAD_PREFIX}{file_id}"}

    def _receive_upload(self, file_id: str, raw: bytes) -> _Reply:
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None:
                return _Reply(status=404, body=b"Not Found", content_type="text/plain")
            upload["content"] = _uploaded_bytes(raw)
        return _Reply(status=200, body=f"OK - {len(raw)}".encode(), content_type="text/plain")

    def _files_complete_upload(self, body: dict) -> dict:
        files = body.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        channel = self._channel_for(str(body.get("channel_id") or ""))
        shared = []
        with self._lock:
            for item in files or []:
                upload = self._uploads.get(str(item.get("id")))
                if upload is None or "content" not in upload:
                    return {"ok": False, "error": "file_not_found"}  # Slack: completed before it was uploaded
                upload.update(title=item.get("title") or upload["filename"], channel=channel)
                shared.append({"id": item["id"], "name": upload["filename"], "title": upload["title"]})
        if channel:
            self._post(channel, {"text": body.get("initial_comment") or "", "files": shared,
                                 "thread_ts": body.get("thread_ts") or None})
        return {"ok": True, "files": shared}

    def file(self, file_id: str) -> dict | None:
        """One file shared through files.completeUploadExternal: filename, title, content; None if none."""
        with self._lock:
            upload = self._uploads.get(file_id)
            return dict(upload) if upload is not None and "content" in upload and "channel" in upload else None

    def files_in(self, channel: str) -> list[dict]:
        """The files shared in a channel (or DM): filename, title and content (bytes), oldest first."""
        with self._lock:
            return [dict(u) for u in self._uploads.values() if u.get("channel") == channel]

    def _conversations_open(self, body: dict) -> dict:
        users = user_ids(body.get("users"))
        if not users:
            if body.get("channel"):
                return {"ok": True, "channel": {"id": body["channel"]}}
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": self._open_conversation(users)}}


def _uploaded_bytes(raw: bytes) -> bytes:
    """slack_sdk posts the file to the upload URL as multipart form data (field "file") or as is."""
    if raw.startswith(b"--"):
        boundary = raw.split(b"\r\n", 1)[0]
        for part in raw.split(boundary)[1:]:
            head, _, data = part.partition(b"\r\n\r\n")
            if b'name="file"' in head or b"filename=" in head:
                return data.rsplit(b"\r\n", 1)[0]
    return raw


def _view_result(result: dict) -> dict:
    """A views.* answer: the view, or Slack's refusal of it."""
    if "error" in result:
        return {"ok": False, "error": result["error"]}
    return {"ok": True, "view": result}


_METHODS: dict[str, Callable[[SlackStandIn, dict], dict]] = {
    "auth.test": SlackStandIn._auth_test,
    "chat.postMessage": SlackStandIn._chat_post_message,
    "chat.postEphemeral": SlackStandIn._chat_post_ephemeral,
    "chat.update": SlackStandIn._chat_update,
    "views.open": SlackStandIn._views_open,
    "views.push": SlackStandIn._views_push,
    "views.publish": SlackStandIn._views_publish,
    "views.update": SlackStandIn._views_update,
    "users.info": SlackStandIn._users_info,
    "conversations.open": SlackStandIn._conversations_open,
    "conversations.history": SlackStandIn._conversations_history,
    "files.getUploadURLExternal": SlackStandIn._files_get_upload_url,
    "files.completeUploadExternal": SlackStandIn._files_complete_upload,
}
