"""Telling people about matches: each side's contact hears about the other side's entry only if the
visibility that State chose lets them see it. Used by handlers now and by scheduled jobs later."""

from __future__ import annotations

import logging
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.blocks import message, to_dicts
from bot.i18n import Translator
from bot.platform.blocks import announcement, match_message
from bot.platform.matching import contact_of, record_conversation
from bot.platform.rules import Entry, Viewer, side_label, side_of
from bot.settings import Settings
from bot.slack import send_direct_message
from bot.text import Channel, SlackUser, StateCode
from storage.models import Match
from storage.taxonomy import Visibility

log = logging.getLogger(__name__)


def announce_entry(client: WebClient, settings: Settings, entry: Entry, *, now: datetime) -> bool:
    """A new public entry, announced in PFP_PLATFORM_CHANNEL. When Slack refuses the post (most often:
    the bot was never invited there), ISU staff are told what to do; the entry itself stays saved."""
    if entry.visibility != Visibility.PUBLIC or not settings.platform_channel:
        return False
    words, blocks = announcement(Translator(), entry, now=now)  # a channel: the Convention's working language
    try:
        client.chat_postMessage(channel=settings.platform_channel, text=words, blocks=to_dicts(blocks))
    except SlackApiError as error:
        reason = str(error.response.get("error") or "unknown")
        log.warning("could not announce %s %s in %s: %s", side_of(entry), entry.id, settings.platform_channel,
                    reason)
        isu = Translator()
        text = isu.mrkdwn(
            "The bot could not announce {side} #{number} in {channel} (Slack said: `{reason}`). Invite the bot "
            "to that channel with `/invite @pfp`, or correct PFP_PLATFORM_CHANNEL. The entry itself is saved.",
            side=side_label(side_of(entry)), number=entry.id, channel=Channel(settings.platform_channel),
            reason=reason[:60],
        )
        client.chat_postMessage(channel=settings.isu_channel, **message(text))
        return False
    return True


def announce_matches(client: WebClient, session: Session, matches: list[Match]) -> int:
    """DMs both sides of each new match that may see the other side; returns how many DMs were sent."""
    sent = 0
    for match in matches:
        for side, own, other in (("need", match.need, match.offer), ("offer", match.offer, match.need)):
            contact = contact_of(session, own)
            if not Viewer.of(contact).can_view(other):
                continue  # consent: the other State did not let this person see its entry
            text, blocks = match_message(Translator(contact.locale), match, for_side=side)  # type: ignore[arg-type]
            try:
                send_direct_message(client, contact.slack_user_id, text, to_dicts(blocks))
                sent += 1
            except SlackApiError:  # one unreachable person must not stop the others hearing
                log.exception("could not tell %s about match %s", contact.slack_user_id, match.id)
    return sent


def start_conversation(client: WebClient, session: Session, match: Match) -> str:
    """Both sides accepted: a group DM with both States' contacts, opened by the bot with an introduction."""
    need_contact, offer_contact = contact_of(session, match.need), contact_of(session, match.offer)
    channel = client.conversations_open(users=f"{need_contact.slack_user_id},{offer_contact.slack_user_id}")
    channel_id = channel["channel"]["id"]
    tr = Translator(need_contact.locale)
    text = tr.mrkdwn(
        "{need_contact} ({need_state}) and {offer_contact} ({offer_state}): you both asked to talk about "
        "need #{need} “{need_title}” and offer #{offer} “{offer_title}”. Over to you!",
        need_contact=SlackUser(need_contact.slack_user_id), need_state=StateCode(match.need.state_code),
        offer_contact=SlackUser(offer_contact.slack_user_id), offer_state=StateCode(match.offer.state_code),
        need=match.need_id, need_title=match.need.title, offer=match.offer_id, offer_title=match.offer.title,
    )
    client.chat_postMessage(channel=channel_id, text=text)
    record_conversation(session, match, channel_id)
    return channel_id
