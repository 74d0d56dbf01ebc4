"""Telling the acting person something after their action, by the best channel the request offers."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import message, to_dicts
from bot.slack import send_direct_message

log = logging.getLogger(__name__)


def tell(context: BoltContext, client: WebClient, text: str, blocks: list | None = None, *,
         channel: str | None = None) -> None:
    """Ephemeral where the request came from (a message, a slash command, a channel given), else a DM."""
    body = {"text": text, "blocks": to_dicts(blocks) if blocks else message(text)["blocks"]}
    if context.response_url:
        context.respond(response_type="ephemeral", replace_original=False, **body)
        return
    if channel:
        try:
            client.chat_postEphemeral(channel=channel, user=context.user_id, **body)
            return
        except SlackApiError:  # a channel the bot is not in, or a DM with someone else: fall back to our DM
            pass
    send_direct_message(client, context.user_id, body["text"], body["blocks"])


def show_modal(client: WebClient, trigger_id: str, view, *, stacked: bool) -> None:
    """Opens a modal, or stacks it on the one the person is looking at."""
    if stacked:
        client.views_push(trigger_id=trigger_id, view=view)
    else:
        client.views_open(trigger_id=trigger_id, view=view)


def attempt(what: str, step: Callable[[], object], *, session=None) -> bool:
    """Runs one step after the person's change was saved; a failure is one log line, and the steps after
    it still run. A step that used the database leaves the session usable for the next one."""
    try:
        step()
    except Exception as error:
        if session is not None:
            session.rollback()
        detail = error.response.get("error") if isinstance(error, SlackApiError) else error.__class__.__name__
        log.warning("could not %s: %s", what, detail)
        return False
    return True
