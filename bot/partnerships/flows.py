"""What follows a partnership's saved change: its terms put to every party that has not confirmed them (a
DM to each State's focal point, in their language), and everyone told once it is active."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from bot.notifier import Notifier, attempt
from bot.partnerships import blocks
from bot.partnerships.rules import still_to_confirm
from storage.models import Partnership, PartnershipParty
from storage.partnerships import contact_of

log = logging.getLogger(__name__)


def ask_parties(session: Session, notifier: Notifier, partnership: Partnership) -> list[PartnershipParty]:
    """The terms, with Confirm, to each party still to confirm them; returns the parties that could not be
    asked (a State with no focal point yet), for whoever formed it to hear of."""
    unreached = []
    for party in still_to_confirm(partnership):
        focal_point = contact_of(session, party)
        if focal_point is None:
            log.info("partnership %s: %s has nobody to ask", partnership.id, party.key)
            unreached.append(party)
            continue
        attempt("put a partnership's terms to a party", lambda p=focal_point: notifier.notify(
            p, lambda tr: blocks.terms_message(tr, partnership)))
    return unreached


def tell_completed(session: Session, notifier: Notifier, partnership: Partnership) -> None:
    """Every party hears that the partnership is completed."""
    for party in partnership.parties:
        if (contact := contact_of(session, party)) is not None:
            attempt("tell a party its partnership is completed", lambda p=contact: notifier.notify(
                p, lambda tr: blocks.completed_message(tr, partnership)))


def tell_active(session: Session, notifier: Notifier, partnership: Partnership) -> None:
    """Every party's focal point hears that the partnership is active."""
    for party in partnership.parties:
        focal_point = contact_of(session, party)
        if focal_point is not None:
            attempt("tell a party its partnership is active", lambda p=focal_point: notifier.notify(
                p, lambda tr: blocks.active_message(tr, partnership)))
