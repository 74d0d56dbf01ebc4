"""What a Slack client would show of the stand-in's workspace: people, conversations and their messages,
each person's ephemeral messages, open modals and Home tab.

Why: the sandbox's web page draws Slack from this, and long-polls it (``version``, ``wait_for_change``);
the Web API side (server.py) changes it as Slack would when the bot calls a method. Every method here
is thread-safe (one lock, shared with the Web API side) and returns copies, safe to keep.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["PUSHED_VIEWS", "Workspace"]

_TS_BASE_MICROS = 1_700_000_000 * 1_000_000
PUSHED_VIEWS = 2  # views.push: "After a modal is opened, the app is limited to pushing 2 additional views."


class Workspace:
    """The people, conversations, messages and views of the stand-in's workspace, as a client shows them.

    ``version()`` goes up by one at every change of what the reading methods return; a page holding
    version ``v`` calls ``wait_for_change(v, timeout)`` and redraws when it returns something else.
    """

    def __init__(self, *, team_id: str, bot_user_id: str, bot_id: str) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)  # notified at every recorded call and every change
        self._version = 0
        self._users: dict[str, dict] = {}
        self._channels: dict[str, dict] = {}  # id -> {"id", "name", "is_im", "members"}, in creation order
        self._history: dict[str, list[dict]] = {}  # channel -> every message accepted there, as accepted
        self._shown: dict[str, list[dict]] = {}  # channel -> its messages as a client shows them
        self._ephemerals: dict[str, list[dict]] = {}  # user -> {"channel", "ts", "text", "blocks"}
        self._failures: dict[str, list[dict]] = {}  # user -> {"method", "error"}: what failed them, e.g. a late modal
        self._stacks: dict[str, list[dict]] = {}  # user -> open modals, the one on top last
        self._homes: dict[str, dict] = {}  # user -> the Home tab last published for them
        self._view_owner: dict[str, str] = {}  # view id -> the user it is open for
        self._external_views: dict[str, str] = {}  # external_id -> view id
        self._ts_counter = itertools.count(1)
        self._view_counter = itertools.count(1)
        self._hash_counter = itertools.count(1)

    # ---------------------------------------------------------------------------------- reading

    def version(self) -> int:
        """How many times what the reading methods return has changed since the stand-in was made."""
        with self._lock:
            return self._version

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until ``version()`` is not ``since`` or ``timeout`` seconds have passed; the version then
        (``since`` itself on a timeout). For a web page's long poll."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != since, timeout=timeout)
            return self._version

    def users(self) -> list[dict]:
        """The people set_user registered (the bot first), as users.info gives them."""
        with self._lock:
            return [_copy(user) for user in self._users.values()]

    def channels(self) -> list[dict]:
        """The conversations, in the order they appeared: ``{"id", "name", "is_im", "members"}``. A channel
        appears with add_channel or the first message posted in it, a DM or group DM (``is_im`` false,
        name ``mpdm-…``) with conversations.open or a message to a user's id; a DM's members are its
        person (or people) and the bot."""
        with self._lock:
            return [_copy(channel) for channel in self._channels.values()]

    def messages(self, channel: str) -> list[dict]:
        """The channel's top-level messages, oldest first, as a client shows them: chat.update and a
        response_url's ``replace_original`` change a message in place (same ts; chat.update adds
        ``"edited": True``), ``delete_original`` removes it; replies are not here (``replies``), but a
        message with some carries ``"reply_count"``. Files shared there are messages with ``files``.
        A user's id stands for the DM with them."""
        with self._lock:
            shown = self._shown.get(self._channel_for(channel), [])
            counts: dict[str, int] = {}
            for message in shown:
                if _is_reply(message):
                    counts[message["thread_ts"]] = counts.get(message["thread_ts"], 0) + 1
            top = []
            for message in shown:
                if not _is_reply(message):
                    top.append(_copy(message))
                    if counts.get(message["ts"]):
                        top[-1]["reply_count"] = counts[message["ts"]]
            return top

    def replies(self, channel: str, ts: str) -> list[dict]:
        """The replies in the thread of the message ``ts`` (not that message), oldest first."""
        with self._lock:
            shown = self._shown.get(self._channel_for(channel), [])
            return [_copy(m) for m in shown if _is_reply(m) and m["thread_ts"] == ts]

    def delivered(self, channel: str) -> list[dict]:
        """Every message Slack accepted in a channel, oldest first, as it was accepted (an edit or deletion
        since does not show here; a refused or failed post is not one)."""
        with self._lock:
            return [_copy(m) for m in self._history.get(channel, [])]

    def ephemerals(self, user_id: str) -> list[dict]:
        """What only this person saw, oldest first: chat.postEphemeral and the answers to their commands
        and buttons through a response_url, as ``{"channel", "ts", "text", "blocks"}``."""
        with self._lock:
            return [_copy(e) for e in self._ephemerals.get(user_id, [])]

    def views(self, user_id: str) -> list[dict]:
        """The person's open modals, the one they see last: views.open starts the stack, views.push adds
        on top (2 at most, as on Slack), views.update changes one in place; close_views and pop_view
        close them. Each view has Slack's ``id`` and ``hash``."""
        with self._lock:
            return [_copy(view) for view in self._stacks.get(user_id, [])]

    def failures(self, user_id: str) -> list[dict]:
        """What Slack refused on the person's behalf, oldest first: a modal the bot opened after its trigger
        had died (``expired_trigger_id``), which Slack's client shows as nothing opening."""
        with self._lock:
            return [dict(f) for f in self._failures.get(user_id, [])]

    def home(self, user_id: str) -> dict | None:
        """The person's Home tab as last published (views.publish), or None if the bot never did."""
        with self._lock:
            home = self._homes.get(user_id)
            return None if home is None else _copy(home)

    # ---------------------------------------------------------------------------- setting it up

    def set_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        locale: str = "en-US",
        tz: str = "Europe/Zurich",
        is_bot: bool = False,
        **extra: Any,
    ) -> dict:
        """Register a user for users.info; ``extra`` keys are merged into the user object."""
        name = name if name is not None else user_id.lower()
        real_name = real_name if real_name is not None else name
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name,
            "real_name": real_name,
            "deleted": False,
            "is_bot": is_bot,
            "tz": tz,
            "tz_offset": _tz_offset(tz),
            "locale": locale,
            "profile": {"real_name": real_name, "display_name": name},
        }
        user.update(extra)
        with self._lock:
            self._users[user_id] = user
            self._changed()
        return _copy(user)

    def add_channel(self, channel_id: str, name: str, members: tuple[str, ...] | list[str] = ()) -> dict:
        """A channel the page shows, with its name and members (the name and members of one already there
        are replaced)."""
        with self._lock:
            channel = {"id": channel_id, "name": name, "is_im": False, "members": list(dict.fromkeys(members))}
            existing = self._channels.get(channel_id)
            if existing is not None:
                channel["is_im"] = existing["is_im"]
            self._channels[channel_id] = channel
            self._changed()
            return _copy(channel)

    @staticmethod
    def dm_channel_id(*user_ids: str) -> str:
        """Stable DM/MPIM id for a set of users, shared by conversations.open and chat.postMessage."""
        key = ",".join(sorted(set(user_ids)))
        return "D" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10].upper()

    # ------------------------------------------------------------------------- the page's actions

    def close_views(self, user_id: str) -> list[dict]:
        """Close every modal the person has open (the root closed, or a submission answered ``clear``);
        returns them, the top one last."""
        with self._lock:
            stack = self._stacks.pop(user_id, [])
            for view in stack:
                self._view_owner.pop(view["id"], None)
            if stack:
                self._changed()
            return [_copy(view) for view in stack]

    def pop_view(self, user_id: str) -> dict | None:
        """Close the modal on top of the person's stack (Back, or a submission answered with nothing),
        showing the one under it; returns it, or None if they had none open."""
        with self._lock:
            stack = self._stacks.get(user_id)
            if not stack:
                return None
            view = stack.pop()
            self._view_owner.pop(view["id"], None)
            if not stack:
                del self._stacks[user_id]
            self._changed()
            return _copy(view)

    def show_ephemeral(self, user_id: str, channel: str, message: dict) -> str:
        """A slash command's immediate answer (its acknowledgement's body): Slack shows it only to the person
        who typed the command, where they typed it. Its ts."""
        return self._post_ephemeral(user_id, channel, message)

    def answer_submission(self, user_id: str, answer: dict | None) -> dict | None:
        """Do what Slack does with the bot's answer to the submission of the person's top modal: nothing
        (or no ``response_action``) closes that modal; ``clear`` closes them all; ``update`` replaces it
        with ``answer["view"]`` (same id); ``push`` adds that view on top; ``errors`` leaves it open and
        returns the errors by block id, for the page to show. Returns None otherwise."""
        action = (answer or {}).get("response_action")
        if action == "errors":
            return dict(answer.get("errors") or {})  # type: ignore[union-attr]
        if action == "clear":
            self.close_views(user_id)
        elif action == "update":
            with self._lock:
                stack = self._stacks.get(user_id)
                if stack:
                    stack[-1] = self._new_version(stack[-1]["id"], answer["view"])  # type: ignore[index]
                    self._changed()
        elif action == "push":
            self._push_view(user_id, answer["view"])  # type: ignore[index]
        else:
            self.pop_view(user_id)
        return None

    # ---------------------------------------- what the Web API side does, lock not held by the caller

    def _changed(self) -> None:
        """Called with the lock held: one more version, and wake the long polls."""
        self._version += 1
        self._cond.notify_all()

    # The sandbox stamps messages with its own time (the page shows when they came); tests keep a fixed base.
    ts_clock: Callable[[], float] | None = None
    _last_ts_micros = 0

    def _next_ts(self) -> str:
        step = next(self._ts_counter) * 100
        total = _TS_BASE_MICROS + step if self.ts_clock is None else int(self.ts_clock() * 1_000_000)
        total = self._last_ts_micros = max(total, self._last_ts_micros + 100)  # unique, in order
        seconds, micros = divmod(total, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _channel_for(self, channel: str) -> str:
        """Posting to a user id lands in the DM with that user, as on real Slack."""
        if channel[:1] in ("U", "W"):
            return self.dm_channel_id(channel)
        return channel

    def _open_conversation(self, user_ids: list[str]) -> str:
        """The DM (one person) or group DM (several) with these people, made if new; its id."""
        channel_id = self.dm_channel_id(*user_ids)
        with self._lock:
            if channel_id not in self._channels:
                self._channels[channel_id] = self._conversation(channel_id, user_ids)
                self._changed()
        return channel_id

    def _conversation(self, channel_id: str, user_ids: list[str]) -> dict:
        """Called with the lock held: a new DM or group DM's entry in channels()."""
        people = [u for u in dict.fromkeys(user_ids) if u != self.bot_user_id]
        if len(people) == 1:
            name = people[0]
        else:
            names = sorted((self._users.get(u) or {}).get("name") or u.lower() for u in people)
            name = "mpdm-" + "--".join(names) + "-1"
        return {"id": channel_id, "name": name, "is_im": len(people) == 1, "members": [*people, self.bot_user_id]}

    def _ensure_channel(self, channel_id: str, user_id: str | None = None) -> None:
        """Called with the lock held: a conversation the bot posted in appears in channels()."""
        if not channel_id or channel_id in self._channels:
            return
        if user_id is not None:
            self._channels[channel_id] = self._conversation(channel_id, [user_id])
        else:
            self._channels[channel_id] = {"id": channel_id, "name": channel_id, "is_im": channel_id[:1] == "D",
                                          "members": []}

    def _bot_message(self, ts: str, fields: dict) -> dict:
        message = {"type": "message", "user": self.bot_user_id, "bot_id": self.bot_id, "ts": ts,
                   "text": fields.get("text") or ""}
        for key in ("blocks", "attachments", "thread_ts", "metadata", "files"):
            if fields.get(key) is not None:
                message[key] = fields[key]
        return message

    def _post(self, channel: str, fields: dict) -> tuple[str, dict]:
        """A message the bot posted (text, blocks, attachments, thread_ts, metadata, files); its channel
        and the message."""
        target = self._channel_for(channel)
        with self._lock:
            message = self._bot_message(self._next_ts(), fields)
            self._ensure_channel(target, channel if target != channel else None)
            self._history.setdefault(target, []).append(message)
            self._shown.setdefault(target, []).append(dict(message))
            self._changed()
        return target, _copy(message)

    def _find(self, channel: str, ts: str) -> dict | None:
        """Called with the lock held: the message shown at ``ts`` in the channel."""
        for message in self._shown.get(channel, []):
            if message["ts"] == ts:
                return message
        return None

    def _edit(self, channel: str, ts: str, fields: dict, *, edited: bool) -> dict | None:
        """Change a shown message in place: the text, blocks and attachments given replace its own; None
        if the channel has no message at ``ts``."""
        with self._lock:
            message = self._find(self._channel_for(channel), ts)
            if message is None:
                return None
            for key in ("text", "blocks", "attachments", "metadata"):
                if key in fields and fields[key] is not None:
                    message[key] = fields[key]
            if edited:
                message["edited"] = True
            self._changed()
            return _copy(message)

    def _delete(self, channel: str, ts: str) -> bool:
        with self._lock:
            shown = self._shown.get(self._channel_for(channel), [])
            kept = [m for m in shown if m["ts"] != ts]
            if len(kept) == len(shown):
                return False
            shown[:] = kept
            self._changed()
            return True

    def _post_ephemeral(self, user_id: str, channel: str, fields: dict) -> str:
        """A message only ``user_id`` sees in ``channel``; its ts."""
        with self._lock:
            ts = self._next_ts()
            ephemeral = {"channel": self._channel_for(channel), "ts": ts, "text": fields.get("text") or "",
                         "blocks": fields.get("blocks") or []}
            self._ephemerals.setdefault(user_id, []).append(ephemeral)
            self._changed()
            return ts

    def _edit_ephemeral(self, user_id: str, ts: str, fields: dict | None) -> bool:
        """Replace (``fields``) or delete (None) the person's ephemeral at ``ts``; whether there was one."""
        with self._lock:
            ephemerals = self._ephemerals.get(user_id, [])
            for index, ephemeral in enumerate(ephemerals):
                if ephemeral["ts"] == ts:
                    if fields is None:
                        del ephemerals[index]
                    else:
                        ephemeral.update(text=fields.get("text") or "", blocks=fields.get("blocks") or [])
                    self._changed()
                    return True
            return False

    # views: each change makes a new hash, so an update carrying an older one is a conflict, as on Slack

    def _new_version(self, view_id: str, sent: dict) -> dict:
        view = dict(sent)
        view.update({"id": view_id, "team_id": self.team_id, "hash": f"{view_id}.{next(self._hash_counter)}"})
        if view.get("external_id"):
            self._external_views[view["external_id"]] = view_id
        return view

    def _duplicate_external_id(self, sent: dict, view_id: str | None = None) -> bool:
        """Called with the lock held: ``external_id`` is another view's (Slack: unique on a team)."""
        external_id = sent.get("external_id")
        return bool(external_id) and self._external_views.get(external_id, view_id) != view_id

    def _open_view(self, user_id: str, sent: dict) -> dict:
        """views.open: a new stack of modals for the person, this one at its root; the view as answered,
        or Slack's refusal (``{"error": ...}``)."""
        with self._lock:
            if self._duplicate_external_id(sent):
                return {"error": "duplicate_external_id"}
            for old in self._stacks.get(user_id, []):
                self._view_owner.pop(old["id"], None)
            view = self._new_version(f"V{next(self._view_counter):08d}", sent)
            self._stacks[user_id] = [view]
            self._view_owner[view["id"]] = user_id
            self._changed()
            return _copy(view)

    def _push_view(self, user_id: str, sent: dict) -> dict:
        """views.push: this modal on top of the person's stack (which it starts if the stand-in saw none
        opened: tests send payloads from modals they made up); ``push_limit_reached`` past Slack's 2."""
        with self._lock:
            stack = self._stacks.setdefault(user_id, [])
            if len(stack) > PUSHED_VIEWS:
                return {"error": "push_limit_reached"}
            if self._duplicate_external_id(sent):
                return {"error": "duplicate_external_id"}
            view = self._new_version(f"V{next(self._view_counter):08d}", sent)
            stack.append(view)
            self._view_owner[view["id"]] = user_id
            self._changed()
            return _copy(view)

    def _update_view(self, view_id: str | None, external_id: str | None, sent: dict, view_hash: str | None) -> dict:
        """views.update of an open modal (or a Home tab), by id or external_id, in place: same id, new hash;
        ``hash_conflict`` when ``view_hash`` is not its current one. A view the stand-in never opened is
        answered as given and changes nothing (tests send payloads from modals they made up)."""
        with self._lock:
            if not view_id and external_id:
                view_id = self._external_views.get(external_id)
            if not view_id:
                view_id = f"V{next(self._view_counter):08d}"
            if self._duplicate_external_id(sent, view_id):
                return {"error": "duplicate_external_id"}
            owner = self._view_owner.get(view_id)
            homes = [user for user, home in self._homes.items() if home["id"] == view_id]
            places = self._stacks.get(owner, []) if owner is not None else []
            current = next((v for v in places if v["id"] == view_id), None)
            if current is None and homes:
                current = self._homes[homes[0]]
            if current is not None and view_hash and view_hash != current["hash"]:
                return {"error": "hash_conflict"}
            view = self._new_version(view_id, sent)
            if current is not None:
                if homes:
                    self._homes[homes[0]] = view
                else:
                    places[places.index(current)] = view
                self._changed()
            return _copy(view)

    def _publish_home(self, user_id: str, sent: dict) -> dict:
        """views.publish: the person's Home tab is now this view (its id stays the same)."""
        with self._lock:
            home = self._homes.get(user_id)
            view_id = home["id"] if home is not None else f"V{next(self._view_counter):08d}"
            if self._duplicate_external_id(sent, view_id):
                return {"error": "duplicate_external_id"}
            self._homes[user_id] = view = self._new_version(view_id, sent)
            self._changed()
            return _copy(view)


def _is_reply(message: dict) -> bool:
    return bool(message.get("thread_ts")) and message["thread_ts"] != message["ts"]


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON-like data: dicts and lists copied, the rest shared (it is immutable)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _tz_offset(tz: str) -> int:
    """Seconds east of UTC now, as Slack reports; 0 if the zone database is unavailable."""
    try:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        return int(offset.total_seconds()) if offset is not None else 0
    except Exception:  # tzdata missing or unknown zone: keep the stand-in usable
        return 0
