"""Send requests to the bot under test exactly as Slack would, signed.

Why: end-to-end tests must go through the bot's real HTTP endpoint and its
signature verification, not call handlers directly; and forgery tests need the
raw knobs (timestamp, signature, headers) to prove verification rejects them.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

__all__ = ["Response", "SlackSigner"]

# Port 9 (discard) on loopback: refuses fast and never leaves the machine.
_UNSET_RESPONSE_URL = "http://127.0.0.1:9/response/unset"


@dataclass(frozen=True)
class Response:
    """What the bot answered; headers keys are lower-cased."""

    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)


class SlackSigner:
    """Signs and POSTs slash commands, interactions and events to ``{base_url}/slack/events``.

    ``response_url_factory`` (e.g. ``stand_in.new_response_url``) supplies response
    URLs for commands, called with the command's ``user_id`` and ``channel``;
    without it a loopback dead URL is used so nothing can reach the internet.
    ``trigger_id_factory`` (e.g. ``stand_in.new_trigger_id``) supplies the trigger
    ids, called with the user's id, so the stand-in knows them when the bot opens a
    modal; without it the signer makes up ids no stand-in will take.
    """

    def __init__(
        self,
        base_url: str,
        signing_secret: str,
        *,
        path: str = "/slack/events",
        team_id: str = "T0TEAM",
        api_app_id: str = "A0APP",
        bot_user_id: str = "UBOT",
        response_url_factory: Callable[..., str] | None = None,
        trigger_id_factory: Callable[[str], str] | None = None,
        timeout: float = 10.0,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be http(s): {base_url!r}")
        self.url = base_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.response_url_factory = response_url_factory
        self.trigger_id_factory = trigger_id_factory
        self.timeout = timeout
        self._verifier = SignatureVerifier(signing_secret)
        self._counter = itertools.count(1)

    def sign(self, body: bytes, timestamp: int) -> str:
        """The X-Slack-Signature value Slack would send for this body and timestamp: Slack's v0 scheme
        over the raw bytes, written out here so the bot's verifier is checked against an independent
        signer (slack_sdk's own would refuse a body that is not UTF-8)."""
        base = b"v0:" + str(timestamp).encode() + b":" + body
        signature = "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        if body.isascii() or _is_utf8(body):  # where slack_sdk can say, it must agree
            assert signature == self._verifier.generate_signature(timestamp=str(timestamp), body=body)
        return signature

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict | None = None,
    ) -> Response:
        """POST a raw body; override timestamp/signature to forge, set a header to None to drop it."""
        ts = int(time.time()) if timestamp is None else timestamp
        sent: dict[str, str | None] = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": signature if signature is not None else self.sign(body, ts),
        }
        for name, value in (headers or {}).items():
            # Case-insensitive override so {"x-slack-signature": None} removes the header.
            for existing in [k for k in sent if k.lower() == name.lower()]:
                del sent[existing]
            sent[name] = value
        request = urllib.request.Request(  # noqa: S310 - loopback http URL from the test
            self.url,
            data=body,
            method="POST",
            headers={k: v for k, v in sent.items() if v is not None},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310 - loopback
                return Response(resp.status, _lower(resp.headers.items()), resp.read())
        except urllib.error.HTTPError as err:
            # 4xx/5xx are results the tests assert on, not exceptions.
            return Response(err.code, _lower(err.headers.items()), err.read())

    def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str,
        user_name: str = "someone",
        channel_id: str = "C0GENERAL",
        channel_name: str = "general",
        team_id: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        headers: dict | None = None,
    ) -> Response:
        """A slash command, form-encoded with the fields Slack sends."""
        team = team_id or self.team_id
        form = {
            "token": "verification-token-unused",
            "team_id": team,
            "team_domain": "fake-team",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self._response_url(user_id, channel_id),
            "trigger_id": trigger_id or self.new_trigger_id(user_id),
        }
        body = urlencode(form).encode("utf-8")
        return self.post(body, "application/x-www-form-urlencoded", headers=headers)

    def interaction(self, payload: dict, *, headers: dict | None = None) -> Response:
        """A block action / view submission / shortcut: form field ``payload`` holding JSON."""
        body = urlencode({"payload": json.dumps(payload)}).encode("utf-8")
        return self.post(body, "application/x-www-form-urlencoded", headers=headers)

    def event(self, event: dict, *, event_id: str | None = None, headers: dict | None = None) -> Response:
        """An Events API ``event_callback`` envelope around ``event`` (JSON)."""
        envelope = {
            "token": "verification-token-unused",
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._counter):08d}{uuid.uuid4().hex[:6].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        body = json.dumps(envelope).encode("utf-8")
        return self.post(body, "application/json", headers=headers)

    def new_trigger_id(self, user_id: str) -> str:
        """A trigger_id for ``user_id``'s command or interaction: from ``trigger_id_factory`` when given,
        else a unique one shaped like Slack's."""
        if self.trigger_id_factory is not None:
            return self.trigger_id_factory(user_id)
        return f"{next(self._counter)}.{int(time.time())}.{uuid.uuid4().hex}"

    def _response_url(self, user_id: str, channel: str) -> str:
        if self.response_url_factory is not None:
            return self.response_url_factory(user_id=user_id, channel=channel)
        return _UNSET_RESPONSE_URL


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _lower(items: Any) -> dict:
    return {k.lower(): v for k, v in items}
