"""Queries of the Platform for Partnerships: candidates for matching, browse pages, usage figures."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, Row, String, and_, case, cast, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from storage.models import Match, Need, Offer, StateParty
from storage.taxonomy import Answer, Area, EntryStatus, Kind, Region, Visibility, bit

CURRENT = (EntryStatus.OPEN, EntryStatus.PARTLY_MET)
Entry = Need | Offer


def visible(model: type[Entry], visibilities: Collection[Visibility], own_state: str | None,
            everything: bool, own_organisation: int | None = None) -> ColumnElement[bool]:
    """The SQL form of Viewer.can_view (bot/platform/rules.py): own State's (or organisation's) entries, or
    what visibility allows."""
    if everything:
        return and_(True)
    allowed = and_(model.visibility.in_(list(visibilities)), model.status != EntryStatus.WITHDRAWN)
    if own_state:
        return or_(model.state_code == own_state, allowed)
    if own_organisation is not None and model is Offer:
        return or_(Offer.organisation_id == own_organisation, allowed)
    return allowed


def _has_bit(column, value: int) -> ColumnElement[bool]:
    return column.op("&")(value) != 0


# -------------------------------------------------------------------------------------- matching

OFFER_FIELDS = (Offer.id, Offer.state_code, Offer.kinds, Offer.areas, Offer.regions, Offer.countries,
                Offer.languages, Offer.amount, Offer.currency, Offer.starts_on, Offer.ends_on)
NEED_FIELDS = (Need.id, Need.state_code, Need.kinds, Need.area, StateParty.region, Need.amount, Need.currency,
               Need.starts_on, Need.ends_on)


@dataclass(frozen=True)
class Weights:
    """The parts of a match score (bot/platform/matching.py fixes the values; the SQL below and score() share them)."""

    kinds: float
    country: float
    region: float
    anywhere: float
    language: float
    language_unknown: float
    amount: float
    amount_unknown: float
    period: float
    period_unknown: float


class _days_between(FunctionElement):
    """end - start in days, as a float, for DATE values on both backends."""

    type = Float()
    inherit_cache = True


@compiles(_days_between)
def _days_between_default(element, compiler, **kw) -> str:
    end, start = list(element.clauses)
    return f"CAST(({compiler.process(end, **kw)} - {compiler.process(start, **kw)}) AS FLOAT)"


@compiles(_days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw) -> str:
    end, start = list(element.clauses)
    return f"(julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"


def _count_bits(column, bits: Collection[int]):
    return sum((case((_has_bit(column, b), 1), else_=0) for b in bits), literal(0))


def _larger(a, b):
    return case((a > b, a), else_=b)


def _smaller(a, b):
    return case((a < b, a), else_=b)


def _amount_part(w: Weights, need_amount, need_currency, offer_amount, offer_currency):
    ratio = case((need_amount <= offer_amount, cast(need_amount, Float) / cast(offer_amount, Float)),
                 else_=cast(offer_amount, Float) / cast(need_amount, Float))
    comparable = and_(need_amount > 0, offer_amount > 0, need_currency == offer_currency)
    return case((comparable, w.amount * ratio), else_=w.amount_unknown)


def _period_part(w: Weights, need_start, need_end, offer_start, offer_end):
    """The share of the need's time frame the offer covers (see bot.matching._overlap)."""
    start = _larger(need_start, func.coalesce(offer_start, need_start))
    end = _smaller(need_end, func.coalesce(offer_end, need_end))
    share = _larger(_days_between(end, start) + 1, 0) / (_days_between(need_end, need_start) + 1)
    known = and_(need_start.is_not(None), need_end.is_not(None), or_(offer_start.is_not(None), offer_end.is_not(None)))
    return case((known, w.period * share), else_=w.period_unknown)


def best_offers_for(session: Session, *, state_code: str, region: Region, area: Area, kinds: Collection[int],
                    spoken: int, amount: Decimal | None, currency: str | None, starts_on: date | None,
                    ends_on: date | None, fresh_since: datetime, weights: Weights, limit: int) -> Sequence[Row]:
    """The offers fitting a need, best first, scored in the database so only the best few rows travel:
    ranking among 10,000 offers stays within a few tens of milliseconds."""
    w = weights
    named = cast(Offer.countries, String).like(f'%"{state_code}"%')
    in_region = _has_bit(Offer.regions, bit(region))
    anywhere = and_(Offer.regions == 0, cast(Offer.countries, String) == "[]")
    place = case((named, w.country), (in_region, w.region), else_=w.anywhere)
    kind_share = w.kinds * _count_bits(Offer.kinds, kinds) / len(kinds)
    language = case((_has_bit(Offer.languages, spoken), w.language), (Offer.languages == 0, w.language_unknown),
                    else_=0.0)
    amount_part = (_amount_part(w, literal(amount), literal(currency), Offer.amount, Offer.currency)
                   if amount else literal(w.amount_unknown))
    period_part = (_period_part(w, literal(starts_on), literal(ends_on), Offer.starts_on, Offer.ends_on)
                   if starts_on and ends_on else literal(w.period_unknown))
    total = (place + kind_share + language + amount_part + period_part).label("total")
    query = (
        select(*OFFER_FIELDS)
        .where(
            Offer.status.in_(CURRENT), Offer.confirmed_at >= fresh_since,
            or_(Offer.state_code.is_(None), Offer.state_code != state_code),  # an organisation's is never its own
            _has_bit(Offer.areas, bit(area)), _has_bit(Offer.kinds, sum(kinds)), or_(named, in_region, anywhere),
        )
        .order_by(total.desc(), Offer.id)
        .limit(limit)
    )
    return session.execute(query).all()


def best_needs_for(session: Session, *, state_code: str | None, areas: Collection[Area], kinds: Collection[int],
                   countries: Collection[str], regions: Collection[Region], offered_languages: int,
                   speaking_states: Collection[str], amount: Decimal | None, currency: str | None,
                   starts_on: date | None, ends_on: date | None, fresh_since: datetime, weights: Weights,
                   limit: int) -> Sequence[Row]:
    """The needs an offer fits, best first, scored in the database (see best_offers_for)."""
    w = weights
    where_place: list[ColumnElement[bool]] = []
    if countries or regions:
        place = case((Need.state_code.in_(list(countries)), w.country),
                     (StateParty.region.in_(list(regions)), w.region), else_=0.0)
        where_place.append(or_(Need.state_code.in_(list(countries)), StateParty.region.in_(list(regions))))
    else:
        place = literal(w.anywhere)
    wanted = _count_bits(Need.kinds, [bit(k) for k in Kind])
    kind_share = w.kinds * cast(_count_bits(Need.kinds, kinds), Float) / wanted
    language = (case((Need.state_code.in_(list(speaking_states)), w.language), else_=0.0)
                if offered_languages else literal(w.language_unknown))
    amount_part = (_amount_part(w, Need.amount, Need.currency, literal(amount), literal(currency))
                   if amount else literal(w.amount_unknown))
    period_part = (_period_part(w, Need.starts_on, Need.ends_on, literal(starts_on), literal(ends_on))
                   if starts_on or ends_on else literal(w.period_unknown))
    total = (place + kind_share + language + amount_part + period_part).label("total")
    query = (
        select(*NEED_FIELDS)
        .join(StateParty, StateParty.code == Need.state_code)
        .where(
            Need.status.in_(CURRENT), Need.confirmed_at >= fresh_since,
            *([Need.state_code != state_code] if state_code else []),  # an organisation's offer: any State's need
            Need.area.in_(list(areas)), _has_bit(Need.kinds, sum(kinds)), *where_place,
        )
        .order_by(total.desc(), Need.id)
        .limit(limit)
    )
    return session.execute(query).all()


def matches_for(session: Session, *, need_id: int | None = None, offer_id: int | None = None) -> list[Match]:
    query = select(Match).order_by(Match.score.desc(), Match.id)
    if need_id is not None:
        query = query.where(Match.need_id == need_id)
    if offer_id is not None:
        query = query.where(Match.offer_id == offer_id)
    return list(session.scalars(query))


def match_between(session: Session, need_id: int, offer_id: int) -> Match | None:
    """The match of a need and an offer as the database holds it now, not as this session last saw it."""
    query = select(Match).where(Match.need_id == need_id, Match.offer_id == offer_id)
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def add_match(session: Session, *, need_id: int, offer_id: int, score: float, reasons: list[dict[str, Any]],
              now: datetime) -> int | None:
    """Adds the match of a need and an offer, both sides waiting; its id, or None when the pair was matched
    already. Two refreshes of the same pair at once (a need saved while its offer is edited) both get here:
    on conflict of (need_id, offer_id) this does nothing instead of failing on uq_matches_need_offer.
    PostgreSQL makes the later INSERT wait for the earlier one's transaction, then do nothing (or insert,
    had that one rolled back); SQLite lets one writer in at a time."""
    insert = _INSERTS[session.get_bind().dialect.name]
    statement = (
        insert(Match)
        .values(need_id=need_id, offer_id=offer_id, score=score, reasons=reasons, need_answer=Answer.WAITING,
                offer_answer=Answer.WAITING, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[Match.need_id, Match.offer_id])
        .returning(Match.id)
    )
    return session.execute(statement).scalar_one_or_none()


def matches_waiting_for(session: Session, state_code: str | None, organisation_id: int | None = None) -> list[Match]:
    """Matches the State (or the organisation, on its offers' side) has not answered yet, that nobody dismissed."""
    need_side = and_(Need.state_code == state_code, Match.need_answer == Answer.WAITING)
    offer_side = and_(Offer.state_code == state_code if state_code else Offer.organisation_id == organisation_id,
                      Match.offer_answer == Answer.WAITING)
    query = (
        select(Match)
        .join(Need, Need.id == Match.need_id)
        .join(Offer, Offer.id == Match.offer_id)
        .where(or_(need_side, offer_side))
        .where(Match.need_answer != Answer.NOT_RELEVANT, Match.offer_answer != Answer.NOT_RELEVANT)
        .where(Need.status.in_(CURRENT), Offer.status.in_(CURRENT))
        .order_by(Match.score.desc())
    )
    return list(session.scalars(query).unique())


# ---------------------------------------------------------------------------------------- browse


@dataclass(frozen=True)
class BrowseQuery:
    area: Area | None = None
    kind_bit: int | None = None
    state: str | None = None
    region: str | None = None
    status: str = "current"  # current | stale | met | withdrawn
    offset: int = 0
    limit: int = 10


def browse(session: Session, model: type[Entry], query: BrowseQuery, *, visibilities: Collection[Visibility],
           own_state: str | None, everything: bool, fresh_since: datetime,
           own_organisation: int | None = None) -> tuple[list[Entry], int]:
    """One page of entries the viewer may see, newest first, and how many there are in all."""
    conditions: list[ColumnElement[bool]] = [visible(model, visibilities, own_state, everything, own_organisation)]
    if query.status == "current":
        conditions += [model.status.in_(CURRENT), model.confirmed_at >= fresh_since]
    elif query.status == "stale":
        conditions += [model.status.in_(CURRENT), model.confirmed_at < fresh_since]
    elif query.status == "met":
        conditions.append(model.status == EntryStatus.MET)
    else:
        conditions.append(model.status == EntryStatus.WITHDRAWN)
    if query.area is not None:
        conditions.append(Need.area == query.area if model is Need else _has_bit(Offer.areas, bit(query.area)))
    if query.kind_bit is not None:
        conditions.append(_has_bit(model.kinds, query.kind_bit))
    if query.state is not None:
        conditions.append(model.state_code == query.state)
    if query.region is not None:
        conditions.append(model.state_code.in_(select(StateParty.code).where(StateParty.region == query.region)))
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    page = session.scalars(
        select(model).where(*conditions).order_by(model.updated_at.desc(), model.id.desc())
        .offset(query.offset).limit(query.limit)
    )
    return list(page), total


def offers_of_organisation(session: Session, organisation_id: int) -> list[Offer]:
    query = (select(Offer).where(Offer.organisation_id == organisation_id, Offer.status != EntryStatus.WITHDRAWN)
             .order_by(Offer.updated_at.desc()))
    return list(session.scalars(query))


def entries_of_state(session: Session, model: type[Entry], state_code: str) -> list[Entry]:
    query = (
        select(model)
        .where(model.state_code == state_code, model.status != EntryStatus.WITHDRAWN)
        .order_by(model.updated_at.desc())
    )
    return list(session.scalars(query))


def changed_since(session: Session, model: type[Entry], since: datetime) -> list[Entry]:
    """Entries posted or changed since a moment, newest first."""
    return list(session.scalars(select(model).where(model.updated_at >= since).order_by(model.updated_at.desc())))


def stale_entries(session: Session, model: type[Entry], *, confirmed_before: datetime,
                  states: Collection[str]) -> list[Entry]:
    """Current entries nobody confirmed since `confirmed_before`, of the given States."""
    query = (
        select(model)
        .where(model.status.in_(CURRENT), model.confirmed_at < confirmed_before, model.state_code.in_(list(states)))
        .order_by(model.state_code, model.id)
    )
    return list(session.scalars(query))


def stale_organisation_offers(session: Session, *, confirmed_before: datetime) -> list[Offer]:
    """Current offers of organisations nobody confirmed since `confirmed_before`."""
    query = (select(Offer).where(Offer.status.in_(CURRENT), Offer.confirmed_at < confirmed_before,
                                 Offer.organisation_id.is_not(None)).order_by(Offer.organisation_id, Offer.id))
    return list(session.scalars(query))


def exportable(session: Session, model: type[Entry], visibilities: Collection[Visibility]) -> list[Entry]:
    query = (
        select(model)
        .where(model.visibility.in_(list(visibilities)), model.status != EntryStatus.WITHDRAWN)
        .order_by(model.id)
    )
    return list(session.scalars(query))


# ----------------------------------------------------------------------------------------- usage


@dataclass(frozen=True)
class Usage:
    posted: int
    updated: int
    states_active: int
    matches_made: int
    matches_accepted: int


def usage_since(session: Session, since: datetime) -> Usage:
    """How much the platform was used since a moment: what the Committee asks about."""
    posted = updated = 0
    states: set[str] = set()
    for model in (Need, Offer):
        posted += session.scalar(select(func.count()).where(model.created_at >= since)) or 0
        updated += session.scalar(
            select(func.count()).where(model.updated_at >= since, model.updated_at > model.created_at)
        ) or 0
        states |= set(session.scalars(select(model.state_code).where(model.updated_at >= since).distinct()))
    made = session.scalar(select(func.count()).select_from(Match).where(Match.created_at >= since)) or 0
    accepted = session.scalar(
        select(func.count()).select_from(Match).where(
            Match.created_at >= since, Match.need_answer == Answer.ACCEPTED, Match.offer_answer == Answer.ACCEPTED
        )
    ) or 0
    return Usage(posted, updated, len(states), made, accepted)
