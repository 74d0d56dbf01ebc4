"""Which OAuth scope a bot token needs before Slack answers a Web API method.

Why: real Slack refuses a method whose scope the app was not granted, with HTTP
200 ``{"ok": false, "error": "missing_scope", "needed": ..., "provided": ...}``.
A stand-in that answers everything let a missing ``mpim:write`` reach
production unseen, so SlackStandIn consults this table, and tests/test_manifest.py
checks the manifest's bot scopes against it.

The table holds, for each method, the scopes of which ANY ONE lets a bot token
call it, in Slack's order of preference (the first is what Slack names as
``needed``). Taken from Slack's method and scope reference (docs.slack.dev /
api.slack.com) and slackapi/slack-api-specs; the report of the change that
added this file says where each entry was confirmed.

Two kinds of method need a scope that depends on the request, as on Slack:

* ``conversations.open``: Slack lists channels:manage, groups:write, im:write
  and mpim:write for the method, but what counts is the conversation opened —
  one user is a DM (``im:write``), two or more a group DM (``mpim:write``).
  Resuming by ``channel`` accepts any of them.
* ``conversations.history`` / ``conversations.replies``: the ``*:history`` scope
  of the conversation's type, told by its id: D… a DM (``im:history``), C… a
  public channel, G… a private channel or group DM.

A method missing from the table is unknown here, not scope-free: SlackStandIn lets
it through (``unknown_method`` or a ``respond_to`` answer) and the manifest test
fails until someone adds it. Methods that need no scope are listed with ``()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["METHOD_SCOPES", "missing_scope", "required_scopes", "user_ids"]

_HISTORY = ("channels:history", "groups:history", "im:history", "mpim:history")

METHOD_SCOPES: Mapping[str, tuple[str, ...]] = {
    # Messages: chat:write replaced chat:write:bot / chat:write:user for Slack apps.
    "chat.postMessage": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.delete": ("chat:write",),
    # People.
    "users.info": ("users:read",),
    "users.lookupByEmail": ("users:read.email",),
    # Conversations: the defaults below apply when the request does not say which kind.
    "conversations.open": ("im:write", "mpim:write", "channels:manage", "groups:write"),
    "conversations.history": _HISTORY,
    "conversations.replies": _HISTORY,
    # Files: files:write replaced files:write:bot / files:write:user for Slack apps.
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.upload": ("files:write",),
    # No scope: views answer a trigger_id or the app's own Home tab; auth.test any valid token.
    "views.open": (),
    "views.push": (),
    "views.update": (),
    "views.publish": (),
    "auth.test": (),
}


def user_ids(value: Any) -> list[str]:
    """The distinct user ids of a ``users`` argument: "U1,U2" as forms send it, or a JSON list."""
    if isinstance(value, str):
        ids = [u.strip() for u in value.split(",")]
    elif isinstance(value, list | tuple):
        ids = [str(u).strip() for u in value]
    else:
        ids = []
    return list(dict.fromkeys(u for u in ids if u))


def _history_scopes(channel: str) -> tuple[str, ...]:
    kind = channel[:1]
    if kind == "D":
        return ("im:history",)
    if kind == "C":
        return ("channels:history",)
    if kind == "G":  # private channels and (older) group DMs both have G… ids
        return ("groups:history", "mpim:history")
    return _HISTORY


def _acceptable(method: str, body: Mapping[str, Any]) -> tuple[str, ...]:
    """The scopes that let a bot make this request, preferred first; () if none is needed."""
    if method == "conversations.open":
        users = user_ids(body.get("users"))
        if len(users) == 1:
            return ("im:write",)
        if len(users) > 1:
            return ("mpim:write",)
    if method in ("conversations.history", "conversations.replies"):
        return _history_scopes(str(body.get("channel") or ""))
    return METHOD_SCOPES.get(method, ())


def required_scopes(method: str, body: Mapping[str, Any] | None = None) -> frozenset[str]:
    """Scopes of which any one lets a bot token make this request; empty if none is needed
    (or the method is not in METHOD_SCOPES — check ``method in METHOD_SCOPES`` to tell apart)."""
    return frozenset(_acceptable(method, body or {}))


def missing_scope(method: str, body: Mapping[str, Any] | None, granted: Iterable[str]) -> str | None:
    """The scope Slack would name as ``needed`` when ``granted`` lacks every acceptable one, else None."""
    acceptable = _acceptable(method, body or {})
    if not acceptable or set(acceptable) & set(granted):
        return None
    return acceptable[0]
