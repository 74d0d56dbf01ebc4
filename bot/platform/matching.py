"""Matching: when a need or an offer is saved, rank the entries on the other side, keep the best with
their score and the reasons in words, and say who should be told.

A candidate must cover the need's area and at least one kind of assistance wanted, come from another
State, and serve the need's country or region (or anywhere). It is then scored out of 1:

| what                                   | weight |
|----------------------------------------|--------|
| kinds of assistance wanted that it offers | 0.35 x share |
| where: the country named / its region / anywhere | 0.25 / 0.20 / 0.10 |
| a language of the needing State        | 0.15 (0.05 when unknown) |
| amount, same currency                  | 0.15 x smaller/larger (0.05 when not comparable) |
| time frame overlap                     | 0.10 x share of the need's period (0.05 when open) |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import N_, NotAuthorised, NotFound, Refusal
from bot.i18n import official_languages
from bot.platform.rules import CURRENT, STALE_AFTER, Entry, Side, Viewer
from bot.registration.rules import states_parties_on
from storage import audit
from storage import platform as queries
from storage.models import Match, Need, Offer, Person, StateParty
from storage.people import focal_point_of
from storage.platform import Weights
from storage.taxonomy import Answer, Area, Kind, Language, Region, bit, from_mask, to_mask

WEIGHTS = Weights(
    kinds=0.35, country=0.25, region=0.20, anywhere=0.10, language=0.15, language_unknown=0.05,
    amount=0.15, amount_unknown=0.05, period=0.10, period_unknown=0.05,
)
KEEP = 10  # matches kept per entry
NOTIFY_FROM = 0.5  # matches scoring at least this are announced to both States
NOTIFY_AT_MOST = 3  # per saved entry, so nobody is flooded


@dataclass(frozen=True)
class NeedFacts:
    id: int
    state_code: str
    region: Region
    area: Area
    kinds: int
    amount: Decimal | None
    currency: str | None
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class OfferFacts:
    id: int
    state_code: str | None  # None for an organisation's offer: it is never "another State"
    kinds: int
    areas: int
    regions: int
    countries: list[str]
    languages: int
    amount: Decimal | None
    currency: str | None
    starts_on: date | None
    ends_on: date | None


def score(need: NeedFacts, offer: OfferFacts) -> tuple[float, list[dict[str, Any]]] | None:
    """The fit of an offer to a need, with its reasons; None when it does not fit at all."""
    if need.state_code == offer.state_code or not offer.areas & bit(need.area):
        return None
    shared_kinds = need.kinds & offer.kinds
    if not shared_kinds:
        return None
    w = WEIGHTS
    if offer.countries or offer.regions:
        if need.state_code in offer.countries:
            place, where = w.country, {"reason": "country", "state": need.state_code}
        elif offer.regions & bit(need.region):
            place, where = w.region, {"reason": "region", "region": need.region.value}
        else:
            return None  # the offer is for other places
    else:
        place, where = w.anywhere, {"reason": "anywhere"}
    wanted = len(from_mask(need.kinds, Kind))
    kinds = from_mask(shared_kinds, Kind)
    total = w.kinds * len(kinds) / wanted + place
    reasons: list[dict[str, Any]] = [
        {"reason": "area", "area": need.area.value},
        {"reason": "kinds", "kinds": [k.value for k in kinds]},
        where,
    ]
    spoken = official_languages(need.state_code)
    offered = {language.value for language in from_mask(offer.languages, Language)}
    common = sorted(spoken & offered)
    if common:
        total += w.language
        reasons.append({"reason": "language", "languages": common})
    elif not offered:
        total += w.language_unknown
    if need.amount and offer.amount and need.currency == offer.currency:
        ratio = float(min(need.amount, offer.amount) / max(need.amount, offer.amount))
        total += w.amount * ratio
        if ratio >= 0.5:
            reasons.append({"reason": "amount", "currency": need.currency, "covers": round(ratio, 2)})
    else:
        total += w.amount_unknown
    overlap = _overlap(need, offer)
    if overlap is None:
        total += w.period_unknown
    elif overlap > 0:
        total += w.period * overlap
        reasons.append({"reason": "period"})
    return round(total, 4), reasons


def _overlap(need: NeedFacts, offer: OfferFacts) -> float | None:
    """The share of the need's time frame the offer is available in; None when either is open."""
    if not (need.starts_on and need.ends_on and (offer.starts_on or offer.ends_on)):
        return None
    start = max(need.starts_on, offer.starts_on or need.starts_on)
    end = min(need.ends_on, offer.ends_on or need.ends_on)
    length = (need.ends_on - need.starts_on).days + 1
    return max(0, (end - start).days + 1) / length


def _need_facts(need: Need, region: Region) -> NeedFacts:
    return NeedFacts(need.id, need.state_code, region, need.area, need.kinds, need.amount, need.currency,
                     need.starts_on, need.ends_on)


def _offer_facts(offer: Offer) -> OfferFacts:
    return OfferFacts(offer.id, offer.state_code, offer.kinds, offer.areas, offer.regions, list(offer.countries),
                      offer.languages, offer.amount, offer.currency, offer.starts_on, offer.ends_on)


def rank(session: Session, entry: Entry, *, now: datetime) -> list[tuple[int, float, list[dict[str, Any]]]]:
    """The best entries on the other side for a need or an offer: (their id, score, reasons), best first.

    The database scores every candidate with the same weights and returns the best few (10,000 entries
    would take too long to bring into Python); score() then gives those the exact value and the reasons."""
    fresh_since = now - STALE_AFTER
    buffer = 2 * KEEP  # room for rounding differences at the cut
    scored: list[tuple[int, float, list[dict[str, Any]]]] = []
    if isinstance(entry, Need):
        region = _region_of(session, entry)
        need = _need_facts(entry, region)
        rows = queries.best_offers_for(
            session, state_code=entry.state_code, region=region, area=entry.area,
            kinds=[bit(k) for k in from_mask(entry.kinds, Kind)], spoken=_spoken_mask(entry.state_code),
            amount=entry.amount, currency=entry.currency, starts_on=entry.starts_on, ends_on=entry.ends_on,
            fresh_since=fresh_since, weights=WEIGHTS, limit=buffer,
        )
        pairs = [(row.id, score(need, OfferFacts(**row._mapping))) for row in rows]
    else:
        offer = _offer_facts(entry)
        offered = {language.value for language in from_mask(entry.languages, Language)}
        speaking = [s.code for s in states_parties_on(session, now.date()) if official_languages(s.code) & offered]
        rows = queries.best_needs_for(
            session, state_code=entry.state_code, areas=from_mask(entry.areas, Area),
            kinds=[bit(k) for k in from_mask(entry.kinds, Kind)], countries=offer.countries,
            regions=from_mask(entry.regions, Region), offered_languages=entry.languages, speaking_states=speaking,
            amount=entry.amount, currency=entry.currency, starts_on=entry.starts_on, ends_on=entry.ends_on,
            fresh_since=fresh_since, weights=WEIGHTS, limit=buffer,
        )
        pairs = [(row.id, score(NeedFacts(**row._mapping), offer)) for row in rows]
    scored = [(other_id, *result) for other_id, result in pairs if result is not None]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:KEEP]


def _spoken_mask(state_code: str) -> int:
    """The offerable languages officially spoken in a State, as a mask of taxonomy.Language."""
    spoken = official_languages(state_code)
    return to_mask(language for language in Language if language.value in spoken)


def refresh(session: Session, entry: Entry, *, now: datetime) -> list[Match]:
    """Ranks again and keeps the results; returns the new matches worth announcing. A match someone
    called not relevant is never made again; one already there is only re-scored; one that no longer
    fits after an edit is removed, unless both sides have already started talking.

    The need and the offer of a pair may be saved, and refreshed, at the same moment: each then finds no
    match for the pair and adds one. The database keeps the first (storage.platform.add_match does nothing
    on conflict), the other refresh treats it as already there, and only the refresh that made a match
    announces it, so nobody gets an error and nobody hears of the match twice."""
    is_need = isinstance(entry, Need)
    existing = {
        (m.offer_id if is_need else m.need_id): m
        for m in queries.matches_for(session, **({"need_id": entry.id} if is_need else {"offer_id": entry.id}))
    }
    ranked = rank(session, entry, now=now)
    made: list[tuple[int, float]] = []  # (match id, score) of the matches this call added, best first
    for other_id, points, reasons in ranked:
        need_id, offer_id = (entry.id, other_id) if is_need else (other_id, entry.id)
        match = existing.get(other_id)
        if match is None:
            made_id = queries.add_match(session, need_id=need_id, offer_id=offer_id, score=points,
                                        reasons=reasons, now=now)
            if made_id is not None:
                made.append((made_id, points))
                continue
            match = queries.match_between(session, need_id, offer_id)  # made meanwhile by the other side
            if match is None:
                continue  # and removed again since: that refresh's word stands
        if Answer.NOT_RELEVANT not in (match.need_answer, match.offer_answer):
            match.score, match.reasons, match.updated_at = points, reasons, now
    still_ranked = {other_id for other_id, _, _ in ranked}
    for other_id, match in existing.items():
        if other_id in still_ranked or Answer.NOT_RELEVANT in (match.need_answer, match.offer_answer):
            continue
        result = score(_need_facts(match.need, _region_of(session, match.need)), _offer_facts(match.offer))
        if result is not None:
            match.score, match.reasons, match.updated_at = result[0], result[1], now
        elif match.conversation is None:
            session.delete(match)  # it no longer fits; a conversation already opened stays on record
    worth_announcing = [made_id for made_id, points in made if points >= NOTIFY_FROM][:NOTIFY_AT_MOST]
    announced = [session.get_one(Match, made_id) for made_id in worth_announcing]
    return announced


def _region_of(session: Session, need: Need) -> Region:
    return session.get_one(StateParty, need.state_code).region


def contact_of(session: Session, entry: Entry) -> Person:
    """Who hears about an entry's matches: its State's focal point, or else (an organisation's offer too)
    whoever posted it."""
    focal_point = focal_point_of(session, entry.state_code) if entry.state_code else None
    return focal_point or session.get_one(Person, entry.posted_by)


def best_for(session: Session, need: Need, viewer_person: Person | None) -> list[Match]:
    """A need's best current matches that the viewer may see, leaving out dismissed ones."""
    viewer = Viewer.of(viewer_person)
    return [
        m for m in queries.matches_for(session, need_id=need.id)
        if Answer.NOT_RELEVANT not in (m.need_answer, m.offer_answer)
        and m.offer.status in CURRENT and viewer.can_view(m.offer)
    ][:5]


def waiting_for(session: Session, person: Person) -> list[tuple[Match, Side]]:
    """Matches the person's State has still to answer, with the side it answers for."""
    if person.state_code is None and person.organisation_id is None:
        return []
    viewer = Viewer.of(person)
    waiting = []
    for match in queries.matches_waiting_for(session, person.state_code, person.organisation_id):
        side: Side = "need" if viewer.owns(match.need) else "offer"
        other = match.offer if side == "need" else match.need
        if viewer.can_view(other):
            waiting.append((match, side))
    return waiting


@dataclass(frozen=True)
class Answered:
    match: Match
    side: Side
    both_accepted: bool


def answer(session: Session, person: Person, match_id: int, *, accept: bool, now: datetime) -> Answered:
    """One side accepts ("Start a conversation") or dismisses ("Not relevant") a match."""
    match = session.get(Match, match_id)
    if match is None:
        raise NotFound(N_("This match no longer exists."))
    viewer = Viewer.of(person)
    if viewer.owns(match.need):
        side: Side = "need"
    elif viewer.owns(match.offer):
        side = "offer"
    else:
        raise NotAuthorised(N_("Only delegates of the two States concerned can answer this match."), refusal=Refusal(
            person.slack_user_id, "match.answer_refused", f"match:{match_id}", "accept" if accept else "not relevant"))
    before = {"need": match.need_answer.value, "offer": match.offer_answer.value}
    value = Answer.ACCEPTED if accept else Answer.NOT_RELEVANT
    if side == "need":
        match.need_answer = value
    else:
        match.offer_answer = value
    match.updated_at = now
    audit.record(session, at=now, actor=person.slack_user_id, action="match.answered", subject=f"match:{match_id}",
                 before=before, after={"need": match.need_answer.value, "offer": match.offer_answer.value})
    both = match.need_answer == Answer.ACCEPTED and match.offer_answer == Answer.ACCEPTED
    return Answered(match, side, both)


def record_conversation(session: Session, match: Match, channel: str) -> None:
    match.conversation = channel
