"""The one way out to Slack: every message, view and file the bot sends goes through a Notifier. A
process has one (bot.slack.make_notifier), built in create_app and handed to listeners
(`context["notifier"]`) and, in `pfp serve`, to the scheduled jobs; `pfp scheduler` and `pfp reminders
tick` build theirs the same way. So the client's retry handlers (a 429 waits for Retry-After) and the
pace of messages (bot/pace.py: about one a second per channel, DMs included) apply to all of them.

Only chat.postMessage is paced: it is what Slack limits per channel. Ephemerals, response_url answers,
updates and views are not messages added to a channel and go at once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot.blocks import message
from bot.i18n import Translator
from bot.pace import Pace
from bot.text import USER_ID
from storage.models import Person

log = logging.getLogger(__name__)

Blocks = Sequence[Block] | Sequence[dict] | None
Compose = Callable[[Translator], str | tuple[str, Blocks]]


def _dicts(blocks: Blocks) -> list[dict] | None:
    if not blocks:
        return None
    return [b.to_dict() if isinstance(b, Block) else b for b in blocks]


class Notifier:
    def __init__(self, client: WebClient, *, pace: Pace | None = None) -> None:
        self.client = client
        self.pace = pace if pace is not None else Pace(0)  # none given: no wait (tests, one-off tools)

    # ------------------------------------------------------------------------------------ people

    def locale_of(self, user_id: str) -> str | None:
        """The language the person set in Slack, e.g. 'fr-FR'; None when Slack cannot tell us."""
        try:
            user = self.client.users_info(user=user_id, include_locale=True).get("user") or {}
        except SlackApiError:
            return None
        return user.get("locale")

    def timezone_of(self, user_id: str) -> str | None:
        """The person's time zone as Slack knows it (e.g. 'Asia/Tokyo'); None when Slack cannot tell."""
        try:
            return (self.client.users_info(user=user_id).get("user") or {}).get("tz")
        except SlackApiError:
            return None

    def find_sent(self, address: str, event_type: str, key: str, *, direct: bool = True) -> tuple[str, str] | None:
        """A message the bot sent this person (or posted in this channel) carrying `key` in its metadata
        (channel, ts), if Slack has it: how a sender that took over a dead one's claim learns it was sent."""
        channel = self.client.conversations_open(users=address)["channel"]["id"] if direct else address
        history = self.client.conversations_history(channel=channel, limit=100, include_all_metadata=True)
        for sent in history.get("messages") or []:
            metadata = sent.get("metadata") or {}
            if metadata.get("event_type") == event_type and (metadata.get("event_payload") or {}).get("key") == key:
                return channel, sent["ts"]
        return None

    def direct_message(self, user_id: str, text: str, blocks: Blocks = None, *,
                       metadata: dict[str, Any] | None = None) -> tuple[str, str]:
        """A DM to one person; returns the DM's channel and the message's ts."""
        channel = self.client.conversations_open(users=user_id)["channel"]["id"]
        return self.post(channel, text, blocks, metadata=metadata)

    def notify(self, person: Person, compose: Compose) -> tuple[str, str]:
        """A DM written in the recipient's language: `compose(translator)` gives its words, or its text
        and blocks."""
        composed = compose(Translator(person.locale))
        text, blocks = (composed, message(composed)["blocks"]) if isinstance(composed, str) else composed
        return self.direct_message(person.slack_user_id, text, blocks)

    def open_group(self, user_ids: Sequence[str]) -> str:
        """A group DM with several people (Slack's mpim); returns its channel."""
        return self.client.conversations_open(users=",".join(user_ids))["channel"]["id"]

    # ---------------------------------------------------------------------------------- channels

    def post(self, channel: str, text: str, blocks: Blocks = None, *, thread_ts: str | None = None,
             metadata: dict[str, Any] | None = None) -> tuple[str, str]:
        """A message in a channel (or a DM's channel), once the pace lets one go there."""
        with self.pace.turn(channel):
            posted = self.client.chat_postMessage(channel=channel, text=text, blocks=_dicts(blocks),
                                                  thread_ts=thread_ts, metadata=metadata)
        return posted["channel"], posted["ts"]

    def update(self, channel: str, ts: str, text: str, blocks: Blocks = None) -> None:
        self.client.chat_update(channel=channel, ts=ts, text=text, blocks=_dicts(blocks))

    def ephemeral(self, channel: str, user_id: str, text: str, blocks: Blocks = None) -> None:
        self.client.chat_postEphemeral(channel=channel, user=user_id, text=text, blocks=_dicts(blocks))

    def upload(self, address: str, filename: str, content: bytes, *, title: str, comment: str | None = None,
               thread_ts: str | None = None, direct: bool = True) -> None:
        """A file (an .ics, a report) shared in a person's DM, or in a channel (and a thread) when not direct."""
        channel = self.client.conversations_open(users=address)["channel"]["id"] if direct else address
        self.client.files_upload_v2(channel=channel, content=content, filename=filename, title=title,
                                    initial_comment=comment, thread_ts=thread_ts)

    # ------------------------------------------------------------------------------------- views

    def open_view(self, trigger_id: str, view: Any, *, stacked: bool = False) -> str:
        """Opens a modal, or stacks it on the one the person is looking at; returns its id."""
        if stacked:
            opened = self.client.views_push(trigger_id=trigger_id, view=view)
        else:
            opened = self.client.views_open(trigger_id=trigger_id, view=view)
        return opened["view"]["id"]

    def update_view(self, view_id: str, view: Any, *, view_hash: str | None = None) -> None:
        self.client.views_update(view_id=view_id, hash=view_hash, view=view)

    def publish_home(self, user_id: str, view: Any) -> None:
        self.client.views_publish(user_id=user_id, view=view)

    # ------------------------------------------------------------------ the person acting right now

    def tell(self, context: BoltContext, text: str, blocks: Blocks = None, *, channel: str | None = None,
             replace: bool = False) -> None:
        """Tells the person who acted, by the best way their request offers: an ephemeral answer where
        it came from (a message, a slash command, or the channel given), else a DM."""
        body = {"text": text, "blocks": _dicts(blocks) or message(text)["blocks"]}
        if context.response_url:
            if replace:  # the message with the buttons: replace it, so nobody answers twice
                context.respond(replace_original=True, **body)
            else:
                context.respond(response_type="ephemeral", replace_original=False, **body)
            return
        if not isinstance(context.user_id, str) or not USER_ID.match(context.user_id):
            return  # nobody Slack named: there is no one to tell
        if channel:
            try:
                self.ephemeral(channel, context.user_id, body["text"], body["blocks"])
                return
            except SlackApiError:  # a channel the bot is not in, or a DM with someone else: fall back to our DM
                pass
        self.direct_message(context.user_id, body["text"], body["blocks"])



def attempt(what: str, step: Callable[[], object], *, session=None) -> bool:
    """Runs one step that follows a saved change (a confirmation, an announcement, a DM); a failure is
    one log line and the steps after it still run. A step that used the database leaves the session
    usable for the next one."""
    try:
        step()
    except Exception as error:
        if session is not None:
            session.rollback()
        detail = error.response.get("error") if isinstance(error, SlackApiError) else error.__class__.__name__
        log.warning("could not %s: %s", what, detail)
        return False
    return True
