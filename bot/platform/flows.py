"""Telling people about matches: each side's contact hears about the other side's entry only if the
visibility that State chose lets them see it. Used by handlers now and by scheduled jobs later."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import ActionsBlock
from slack_sdk.models.views import View
from sqlalchemy.orm import Session

from bot.blocks import message, section
from bot.i18n import Translator
from bot.notifier import Notifier, attempt
from bot.partnerships.blocks import form_from_match_button
from bot.platform.blocks import announcement, entry_view, match_message, saved_message
from bot.platform.matching import best_for, contact_of, record_conversation, refresh
from bot.platform.rules import Entry, Side, Viewer, find, may_change, poster, side_label, side_of
from bot.settings import Settings
from bot.text import Channel, SlackUser, StateCode
from storage.models import Match, Person
from storage.taxonomy import Visibility

log = logging.getLogger(__name__)


def entry_saved(notifier: Notifier, session: Session, settings: Settings, entry: Entry, *, tr: Translator,
                created: bool, now: datetime, tell: Callable[[str, list], None]) -> None:
    """What follows a saved need or offer: the person is told, a new public entry is announced, and the
    entry is matched, its new matches told to both States. Each step is attempted on its own, so a
    channel the bot is not in can neither cost the matches nor tell the person that nothing was saved."""
    text, blocks = saved_message(tr, entry, now=now, created=created)
    attempt("confirm a saved entry", lambda: tell(text, blocks))
    if created:
        attempt("announce a new entry", lambda: announce_entry(notifier, settings, entry, now=now))

    def match_and_tell() -> None:
        new = refresh(session, entry, now=now)
        session.commit()  # the matches are kept before anyone hears of them
        announce_matches(notifier, session, new)

    attempt("match a saved entry", match_and_tell, session=session)


def entry_modal(session: Session, person: Person | None, side: Side, entry_id: int, *, tr: Translator,
                now: datetime) -> View:
    """An entry as its modal shows it (the one way to show an entry): what the viewer may see of it, a
    need's best matches, and the buttons only for those who may change it."""
    entry = find(session, side, entry_id, Viewer.of(person))
    best = best_for(session, entry, person) if side == "need" else []
    return entry_view(tr, entry, best, now=now, can_edit=may_change(person, entry))


def announce_entry(notifier: Notifier, settings: Settings, entry: Entry, *, now: datetime) -> bool:
    """A new public entry, announced in PFP_PLATFORM_CHANNEL. When Slack refuses the post (most often:
    the bot was never invited there), ISU staff are told what to do; the entry itself stays saved."""
    if entry.visibility != Visibility.PUBLIC or not settings.platform_channel:
        return False
    words, blocks = announcement(Translator(), entry, now=now)  # a channel: the Convention's working language
    try:
        notifier.post(settings.platform_channel, words, blocks)
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
        notifier.post(settings.isu_channel, text, message(text)["blocks"])
        return False
    return True


def announce_matches(notifier: Notifier, session: Session, matches: list[Match]) -> int:
    """DMs both sides of each new match that may see the other side; returns how many DMs were sent."""
    sent = 0
    for match in matches:
        for side, own, other in (("need", match.need, match.offer), ("offer", match.offer, match.need)):
            contact = contact_of(session, own)
            if not Viewer.of(contact).can_view(other):
                continue  # consent: the other State did not let this person see its entry
            try:
                notifier.notify(contact, lambda tr, side=side, match=match: match_message(tr, match, for_side=side))
                sent += 1
            except SlackApiError as error:  # one unreachable person must not stop the others hearing
                log.warning("could not tell %s about match %s: %s", contact.slack_user_id, match.id,
                            error.response.get("error"))
    return sent


def start_conversation(notifier: Notifier, session: Session, match: Match) -> str:
    """Both sides accepted: a group DM with both States' contacts, opened by the bot with an introduction."""
    need_contact, offer_contact = contact_of(session, match.need), contact_of(session, match.offer)
    channel_id = notifier.open_group([need_contact.slack_user_id, offer_contact.slack_user_id])
    tr = Translator(need_contact.locale)
    text = tr.mrkdwn(
        "{need_contact} ({need_state}) and {offer_contact} ({offer_state}): you both asked to talk about "
        "need #{need} “{need_title}” and offer #{offer} “{offer_title}”. Over to you!",
        need_contact=SlackUser(need_contact.slack_user_id), need_state=StateCode(match.need.state_code),
        offer_contact=SlackUser(offer_contact.slack_user_id), offer_state=poster(match.offer),
        need=match.need_id, need_title=match.need.title, offer=match.offer_id, offer_title=match.offer.title,
    )
    # Talking may lead to a partnership for completion: the form is one click away, filled in from the match.
    notifier.post(channel_id, text, [section(text), ActionsBlock(block_id=f"match:{match.id}",
                                                                 elements=[form_from_match_button(tr, match)])])
    record_conversation(session, match, channel_id)
    session.commit()
    return channel_id
