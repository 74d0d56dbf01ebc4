"""The sandbox's web page and its JSON API (bot/sandbox/static/README.md has the contract). The page acts
as Slack's client does: what a person types or presses becomes the request Slack would send the bot,
signed as Slack signs it, over HTTP to the bot's real endpoint; what the bot sends back through the Web
API lands in the Slack stand-in, whose state the page shows."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import threading
import time
import urllib.error
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from bot.sandbox.clock import SandboxClock
from bot.sandbox.slack import SlackSigner, SlackStandIn

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
LONG_POLL = 25.0  # seconds the page's state request waits for a change
ACK_TIMEOUT = 3.0  # Slack's: a command or an action unanswered after this is "dispatch_failed"
_USER = re.compile(r"U[A-Z0-9]{2,}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NAMES = re.compile(r"[^\x00-\x1f<>&]{1,80}")


class Sandbox:
    """What the page can do, each a function of JSON in and JSON out."""

    def __init__(self, stand_in: SlackStandIn, signer: SlackSigner, clock: SandboxClock, *,
                 tick: Callable[[], object], commands: list[dict[str, str]]) -> None:
        self.stand_in, self.signer, self.clock, self._tick, self.commands = stand_in, signer, clock, tick, commands
        self._lock = threading.Lock()
        self._people_counter = 0

    # ------------------------------------------------------------------------------------ reading

    def first_person(self) -> str:
        return next((u["id"] for u in self.stand_in.users() if not u.get("is_bot")), "")

    def state(self, person: str, since: int) -> dict[str, Any]:
        if since >= 0:
            self.stand_in.wait_for_change(since, LONG_POLL)
        stand_in = self.stand_in
        version = stand_in.version()
        channels = [c for c in stand_in.channels() if not c.get("is_im") or person in (c.get("members") or [])]
        messages = {c["id"]: stand_in.messages(c["id"]) for c in channels}
        replies = {c: {m["ts"]: stand_in.replies(c, m["ts"]) for m in shown if m.get("reply_count")}
                   for c, shown in messages.items()}
        return {
            "version": version, "now": self.clock.now().isoformat(), "person": person,
            "people": [{"id": u["id"], "name": u.get("real_name") or u.get("name"), "locale": u.get("locale"),
                        "tz": u.get("tz")} for u in stand_in.users() if not u.get("is_bot")],
            "channels": [{"id": c["id"], "name": "pfp" if c.get("is_im") else c["name"],
                          "is_im": bool(c.get("is_im"))} for c in channels],
            "messages": messages, "replies": replies,
            "ephemerals": stand_in.ephemerals(person), "views": stand_in.views(person), "home": stand_in.home(person),
            "failures": stand_in.failures(person),
            "commands": self.commands,
        }

    # ------------------------------------------------------------------------------------ acting

    def command(self, person: str, channel: str, command: str, text: str) -> dict[str, Any]:
        known = {c["command"] for c in self.commands}
        if command not in known:
            return {"ok": False, "error": f"{command} is not a valid command"}
        response = self._within_ack(lambda: self.signer.command(
            command, text, user_id=person, channel_id=channel, channel_name=self._channel_name(channel),
            trigger_id=self.stand_in.new_trigger_id(person),
            response_url=self.stand_in.new_response_url(user_id=person, channel=channel)))
        if isinstance(response, dict):
            return response
        answer = _json_body(response)
        if answer:  # the command's immediate answer: shown to the person only, where they typed it
            self.stand_in.show_ephemeral(person, channel, answer)
        return {"ok": True, "response": answer}

    def action(self, person: str, body: dict[str, Any]) -> dict[str, Any]:
        container = body.get("container")
        action = dict(body.get("action") or {})
        action.setdefault("block_id", body.get("block_id") or "")
        action["action_ts"] = f"{time.time():.6f}"
        payload: dict[str, Any] = {
            "type": "block_actions", "user": self._user(person), "api_app_id": self.signer.api_app_id,
            "team": {"id": self.signer.team_id, "domain": "apmbc"}, "token": "sandbox",
            "trigger_id": self.stand_in.new_trigger_id(person), "actions": [action],
        }
        if container == "message":
            channel, ts = str(body.get("channel") or ""), str(body.get("message_ts") or "")
            message = next((m for m in self.stand_in.messages(channel) + [
                e for e in self.stand_in.ephemerals(person) if e.get("channel") == channel] if m.get("ts") == ts), {})
            payload.update(container={"type": "message", "message_ts": ts, "channel_id": channel,
                                      "is_ephemeral": "bot_id" not in message},
                           channel={"id": channel, "name": self._channel_name(channel)}, message=message,
                           response_url=self.stand_in.new_response_url(user_id=person, channel=channel,
                                                                       message_ts=ts))
        else:  # a modal's button, or the App Home's
            home = self.stand_in.home(person) if container == "home" else None
            view = home if home is not None and home.get("id") == body.get("view_id") else \
                self._view(person, str(body.get("view_id") or ""))
            if view is None:
                return {"ok": False, "error": "view_not_found"}
            view = {**view, "state": {"values": body.get("state") or {}}}
            payload.update(container={"type": "view", "view_id": view["id"]}, view=view)
        response = self._within_ack(lambda: self.signer.interaction(payload))
        return response if isinstance(response, dict) else {"ok": True}

    def submit(self, person: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        view = self._view(person, view_id)
        if view is None:
            return {"ok": False, "error": "view_not_found"}
        payload = {
            "type": "view_submission", "user": self._user(person), "api_app_id": self.signer.api_app_id,
            "team": {"id": self.signer.team_id, "domain": "apmbc"}, "token": "sandbox",
            "trigger_id": self.stand_in.new_trigger_id(person),
            "view": {**view, "state": {"values": values}},
        }
        response = self._within_ack(lambda: self.signer.interaction(payload))
        if isinstance(response, dict):
            return response
        errors = self.stand_in.answer_submission(person, _json_body(response))
        if errors is not None:
            return {"ok": True, "response_action": "errors", "errors": errors}
        return {"ok": True}

    def close(self, person: str, view_id: str) -> dict[str, Any]:
        view = self._view(person, view_id)
        if view is not None:
            self.stand_in.pop_view(person)
            if view.get("notify_on_close"):
                self.signer.interaction({"type": "view_closed", "user": self._user(person), "view": view,
                                         "api_app_id": self.signer.api_app_id, "is_cleared": False,
                                         "team": {"id": self.signer.team_id, "domain": "apmbc"}})
        return {"ok": True}

    def open_home(self, person: str) -> dict[str, Any]:
        """The person opened the App Home: Slack sends app_home_opened."""
        self.signer.event({"type": "app_home_opened", "user": person, "channel": self.stand_in.dm_channel_id(person),
                           "tab": "home", "event_ts": f"{time.time():.6f}"})
        return {"ok": True}

    def move_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        if isinstance(body.get("days"), int) and not isinstance(body["days"], bool) and 0 < body["days"] <= 366:
            self.clock.advance(timedelta(days=body["days"]))
        elif isinstance(body.get("date"), str) and _DAY.fullmatch(body["date"]):
            try:
                day = date.fromisoformat(body["date"])
            except ValueError:
                return {"ok": False, "error": "Write the date as YYYY-MM-DD."}
            keep = self.clock.now().timetz()  # the same time of day, on that day
            self.clock.go_to(datetime.combine(day, clock_time(keep.hour, keep.minute), tzinfo=UTC))
        else:
            return {"ok": False, "error": "Move the clock by 1 to 366 days, or to a date written YYYY-MM-DD."}
        try:
            self._tick()  # what the new time makes due arrives now, not at the next tick
        except Exception as error:  # the page shows the time moved; the scheduler will try again
            log.warning("sandbox tick failed: %s", error.__class__.__name__)
        return {"ok": True, "now": self.clock.now().isoformat()}

    def add_person(self, body: dict[str, Any]) -> dict[str, Any]:
        name, locale, tz = body.get("name"), body.get("locale") or "en-GB", body.get("tz") or "Europe/Zurich"
        if not isinstance(name, str) or not _NAMES.fullmatch(name.strip() or "-"):
            return {"ok": False, "error": "Give the person a name (up to 80 characters)."}
        with self._lock:
            self._people_counter += 1
            user_id = f"U0GUEST{self._people_counter:02d}"
        self.stand_in.set_user(user_id, name=name.strip().lower().replace(" ", "."), real_name=name.strip(),
                               locale=str(locale)[:16], tz=str(tz)[:64])
        return {"ok": True, "id": user_id}

    # ------------------------------------------------------------------------------------ helpers

    def _within_ack(self, send: Callable[[], Any]) -> Any:
        """The bot's answer, or Slack's failure face when it does not come within 3 seconds."""
        try:
            response = send()
        except (TimeoutError, urllib.error.URLError):
            return {"ok": False, "error": "dispatch_failed"}
        if response.status >= 400:
            return {"ok": False, "error": "dispatch_failed"}
        return response

    def _view(self, person: str, view_id: str) -> dict[str, Any] | None:
        return next((v for v in self.stand_in.views(person) if v.get("id") == view_id), None)

    def _user(self, person: str) -> dict[str, str]:
        return {"id": person, "username": person.lower(), "name": person.lower(), "team_id": self.signer.team_id}

    def _channel_name(self, channel: str) -> str:
        return next((c["name"] for c in self.stand_in.channels() if c["id"] == channel), "directmessage")


def _json_body(response: Any) -> dict[str, Any] | None:
    if not response.body:
        return None
    try:
        answer = json.loads(response.body)
    except ValueError:
        return {"text": response.text}
    return answer if isinstance(answer, dict) else None


# ---------------------------------------------------------------------------------------- WSGI


def make_web_app(sandbox: Sandbox) -> Callable[[dict, Callable], Iterable[bytes]]:
    """The page (static files) and its API under /sandbox/."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
        try:
            if path.startswith("/sandbox/"):
                return _api(sandbox, path[len("/sandbox/"):], method, environ, start_response)
            return _static(path, start_response)
        except _BadRequest as error:
            return _json(start_response, "400 Bad Request", {"ok": False, "error": str(error)})

    return application


class _BadRequest(Exception):
    pass


def _api(sandbox: Sandbox, route: str, method: str, environ: dict, start_response: Callable) -> Iterable[bytes]:
    if method == "GET" and route == "state":
        query = dict(part.split("=", 1) for part in (environ.get("QUERY_STRING") or "").split("&") if "=" in part)
        since = int(query["since"]) if query.get("since", "").lstrip("-").isdigit() else -1
        person = query.get("person") or sandbox.first_person()  # the page's first call: anyone to start with
        return _json(start_response, "200 OK", sandbox.state(_person(person), since))
    if method == "GET" and route.startswith("files/"):
        found = sandbox.stand_in.file(route[len("files/"):])
        if found is None:
            return _json(start_response, "404 Not Found", {"ok": False, "error": "file_not_found"})
        content = found["content"]
        kind = mimetypes.guess_type(found["filename"])[0] or "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(content))),
                                  ("Content-Disposition", f'attachment; filename="{found["filename"]}"')])
        return [content]
    if method != "POST":
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})
    body = _read_json(environ)
    person = _person(body.get("person")) if route not in ("clock", "people") else ""
    routes: dict[str, Callable[[], dict[str, Any]]] = {
        "command": lambda: sandbox.command(person, str(body.get("channel") or "C0GENERAL"),
                                           str(body.get("command") or ""), str(body.get("text") or "")),
        "action": lambda: sandbox.action(person, body),
        "submit": lambda: sandbox.submit(person, str(body.get("view_id") or ""), body.get("values") or {}),
        "close": lambda: sandbox.close(person, str(body.get("view_id") or "")),
        "home": lambda: sandbox.open_home(person),
        "clock": lambda: sandbox.move_clock(body),
        "people": lambda: sandbox.add_person(body),
    }
    if route not in routes:
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})
    return _json(start_response, "200 OK", routes[route]())


def _person(value: object) -> str:
    if not isinstance(value, str) or not _USER.fullmatch(value):
        raise _BadRequest("say who is acting: person=U...")
    return value


def _read_json(environ: dict) -> dict[str, Any]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length > 1_000_000:
        raise _BadRequest("too large")
    try:
        body = json.loads(environ["wsgi.input"].read(length) or b"{}")
    except ValueError:
        raise _BadRequest("not JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("not a JSON object")
    return body


def _static(path: str, start_response: Callable) -> Iterable[bytes]:
    name = "index.html" if path in ("", "/") else path.lstrip("/")
    target = (STATIC / name).resolve()
    if STATIC not in target.parents or not target.is_file():
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})
    content = target.read_bytes()
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    start_response("200 OK", [("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") or
                               kind.endswith("javascript") else kind), ("Content-Length", str(len(content))),
                              ("Cache-Control", "no-store")])
    return [content]


def _json(start_response: Callable, status: str, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                            ("Content-Length", str(len(payload))), ("Cache-Control", "no-store")])
    return [payload]
