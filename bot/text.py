"""Making user text safe for Slack's mrkdwn."""

from __future__ import annotations

import re


class Mrkdwn(str):
    """Text the bot built itself (a mention, a link): rendered as is, never escaped again."""


class StateCode(str):
    """An ISO 3166 code inside a message: shown as the country's name in the reader's language."""


class Msg(str):
    """A message id inside a message (a label such as 'need'): translated for the reader when shown."""


class SlackUser(str):
    """A Slack user ID inside a message: shown as a mention."""


class Channel(str):
    """A Slack channel ID inside a message: shown as a link to the channel."""


# Slack's ids are upper case letters and digits; the database keeps up to 32 characters of one.
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,31}$")


def escape(text: str) -> str:
    """Slack's own rule: only &, < and > are escaped, so `<!channel>` or `<@U1>` typed by someone
    shows as text instead of pinging people, and `<https://evil|click>` cannot disguise a link."""
    if isinstance(text, Mrkdwn):
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> Mrkdwn:
    """A mention of someone Slack told us about; the ID is checked so nothing else slips in."""
    if not USER_ID.match(user_id):
        raise ValueError(f"not a Slack user ID: {user_id!r}")
    return Mrkdwn(f"<@{user_id}>")


def channel_link(channel_id: str) -> Mrkdwn:
    if not CHANNEL_ID.match(channel_id):
        raise ValueError(f"not a Slack channel ID: {channel_id!r}")
    return Mrkdwn(f"<#{channel_id}>")
