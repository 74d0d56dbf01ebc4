"""Typed readers of what Slack sends, one per shape (a button's value, a modal's private_metadata and
state.values, a command's text, the ids a listener needs). Every listener reads through these, so a
value the bot did not write, or one Slack would not send, is refused politely ("this button is out of
date") instead of raising somewhere deep in a handler.

bot/boundary.py has already checked the envelope (the types Bolt routes on); these check the parts
only the bot's listeners read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.errors import N_, PfpError
from bot.text import CHANNEL_ID, USER_ID

# What the bot writes into buttons are database keys: positive, and within a 32-bit INTEGER column on
# both databases (SQLite overflows past 2**63, and PostgreSQL's INTEGER past 2**31).
ID_MAX = 2**31 - 1
VALUE_MAX = 2000  # Slack's limit for a button's value
METADATA_MAX = 3000  # and for a view's private_metadata
TEXT_MAX = 4000  # a slash command's text is shorter than this in Slack's client
YEAR_MIN, YEAR_MAX = 1000, 9999  # the years the bot writes have four figures
STATE_CODE = re.compile(r"[A-Z]{2}")  # ISO 3166-1 alpha-2 as the bot writes it: two ASCII capitals
MESSAGE_TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")  # a message's ts as Slack writes it: 1700000000.000100

STALE_BUTTON = N_("This button is out of date. Please use the latest message from the bot, or type `/pfp help`.")
STALE_FORM = N_("This form is out of date. Please close it and open it again.")
NO_TRIGGER = N_("Slack did not send what the bot needs to open a form. Please try again in a moment.")
UNKNOWN_USER = N_("Slack did not say who you are, so nothing was done. Please try again from Slack.")


class OutOfDate(PfpError):
    """A button, form or payload the bot cannot read: from an older message, or not one it wrote."""


def is_user_id(value: object) -> bool:
    return isinstance(value, str) and USER_ID.match(value) is not None


def user_id(value: object) -> str:
    if not is_user_id(value):
        raise OutOfDate(UNKNOWN_USER)
    return value  # type: ignore[return-value]


def record_id(value: object, *, message: str = STALE_BUTTON) -> int:
    """A database id the bot wrote as a JSON number; anything else (a string, a float, 1e400, -1, a
    number past the column's range, true) is out of date."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ID_MAX:
        raise OutOfDate(message)
    return value


def state_code(value: object, *, message: str = STALE_BUTTON) -> str:
    """A State's ISO 3166 alpha-2 code as the bot writes it: two capital letters A-Z, nothing else."""
    if not isinstance(value, str) or STATE_CODE.fullmatch(value) is None:
        raise OutOfDate(message)
    return value


def year(value: object, *, message: str = STALE_BUTTON) -> int:
    """A calendar year the bot wrote as a JSON number of four figures; a string, a float, 1e400 or true is
    out of date. (Which years a capability accepts is for its rules to say.)"""
    if isinstance(value, bool) or not isinstance(value, int) or not YEAR_MIN <= value <= YEAR_MAX:
        raise OutOfDate(message)
    return value


def value_object(action: dict[str, Any]) -> dict[str, Any]:
    """A button's value the bot wrote as a JSON object."""
    value = action.get("value")
    if not isinstance(value, str) or len(value) > VALUE_MAX:
        raise OutOfDate(STALE_BUTTON)
    try:
        data = json.loads(value)
    except ValueError:  # includes numbers too large for a float, such as 1e400 in some forms
        raise OutOfDate(STALE_BUTTON) from None
    if not isinstance(data, dict):
        raise OutOfDate(STALE_BUTTON)
    return data


def reference(action: dict[str, Any], key: str) -> int:
    """The id a button points at, written by the bot as {key: id}."""
    return record_id(value_object(action).get(key))


def plain_value(action: dict[str, Any]) -> str | None:
    """A button's plain (non-JSON) value, such as a page number."""
    value = action.get("value")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > VALUE_MAX:
        raise OutOfDate(STALE_BUTTON)
    return value


def selected_value(action: dict[str, Any]) -> str | None:
    """The value of the option chosen in a select menu, or None when it was cleared."""
    option = action.get("selected_option")
    if option is None:
        return None
    if not isinstance(option, dict) or not isinstance(option.get("value"), str | None):
        raise OutOfDate(STALE_BUTTON)
    return option.get("value")


def metadata(view: dict[str, Any]) -> dict[str, Any]:
    """A view's private_metadata, which the bot writes as a JSON object (or leaves empty)."""
    raw = view.get("private_metadata") or ""
    if not isinstance(raw, str) or len(raw) > METADATA_MAX:
        raise OutOfDate(STALE_FORM)
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        raise OutOfDate(STALE_FORM) from None
    if not isinstance(data, dict):
        raise OutOfDate(STALE_FORM)
    return data


def optional_id(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return None if value is None else record_id(value, message=STALE_FORM)


def optional_channel(value: object) -> str | None:
    """A channel id the bot wrote (or Slack sent), or None; anything else is dropped, not used."""
    return value if isinstance(value, str) and CHANNEL_ID.match(value) else None


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """A submitted modal's values by block ID, whatever the element: text, date, one or several choices.
    A state that is not shaped as Slack sends it means the form is not one the bot can read."""
    state = view.get("state")
    values_by_block = state.get("values") if isinstance(state, dict) else None
    if not isinstance(values_by_block, dict):
        raise OutOfDate(STALE_FORM)
    values: dict[str, Any] = {}
    for block_id, actions in values_by_block.items():
        if not isinstance(actions, dict) or not all(isinstance(e, dict) for e in actions.values()):
            raise OutOfDate(STALE_FORM)
        for element in actions.values():
            values[block_id] = _element_value(element)
    return values


def _element_value(element: dict[str, Any]) -> Any:
    kind = element.get("type")
    if kind in ("checkboxes", "multi_static_select"):
        options = element.get("selected_options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise OutOfDate(STALE_FORM)
        chosen = [o.get("value") for o in options]
        if not all(isinstance(v, str) for v in chosen):
            raise OutOfDate(STALE_FORM)
        return chosen
    if kind in ("static_select", "radio_buttons"):
        option = element.get("selected_option")
        if option is not None and (not isinstance(option, dict) or not isinstance(option.get("value"), str)):
            raise OutOfDate(STALE_FORM)
        return option and option["value"]
    value = {"datepicker": element.get("selected_date"), "timepicker": element.get("selected_time")}.get(
        kind, element.get("value"))
    if not isinstance(value, str | None):
        raise OutOfDate(STALE_FORM)
    return value


def trigger_id(body: dict[str, Any]) -> str:
    """What opens a modal; Slack sends one with every command and interaction, valid for 3 seconds."""
    value = body.get("trigger_id")
    if not isinstance(value, str) or not value or len(value) > 200:
        raise OutOfDate(NO_TRIGGER)
    return value


def command_text(command: dict[str, Any]) -> str:
    """What was typed after a slash command, trimmed."""
    text = command.get("text") or ""
    if not isinstance(text, str):
        return ""
    return text.strip()[:TEXT_MAX]


def view_ref(body: dict[str, Any]) -> tuple[str, str | None]:
    """The modal a button was pressed in (its id and hash, for views.update)."""
    view = body.get("view") or {}
    view_id, view_hash = view.get("id"), view.get("hash")
    if not isinstance(view_id, str) or not isinstance(view_hash, str | None):
        raise OutOfDate(STALE_BUTTON)
    return view_id, view_hash


def container_type(body: dict[str, Any]) -> str | None:
    """Where a button was pressed: 'modal', 'home', or None for a message."""
    view = body.get("view")
    kind = view.get("type") if isinstance(view, dict) else None
    return kind if isinstance(kind, str) else None


def channel_of(body: dict[str, Any]) -> str | None:
    """The channel a command was typed or a button pressed in (Slack sends an object or an id)."""
    channel = body.get("channel")
    if isinstance(channel, dict):
        channel = channel.get("id")
    return optional_channel(channel if channel is not None else body.get("channel_id"))


def message_ts(body: dict[str, Any]) -> str | None:
    """The timestamp of the message a button was pressed on."""
    message = body.get("message")
    ts = message.get("ts") if isinstance(message, dict) else None
    return ts if isinstance(ts, str) else None
