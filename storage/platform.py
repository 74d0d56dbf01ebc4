"""Queries of the Platform for Partnerships: candidates for matching, browse pages, usage figures."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Row, and_, func, or_, select
from sqlalchemy.orm import Session

from storage.models import Match, Need, Offer, StateParty
from storage.taxonomy import Answer, Area, EntryStatus, Visibility, bit

CURRENT = (EntryStatus.OPEN, EntryStatus.PARTLY_MET)
Entry = Need | Offer


def visible(model: type[Entry], visibilities: Collection[Visibility], own_state: str | None,
            everything: bool) -> ColumnElement[bool]:
    """The SQL form of Viewer.can_view (bot/platform.py): own State's entries, or what visibility allows."""
    if everything:
        return and_(True)
    allowed = and_(model.visibility.in_(list(visibilities)), model.status != EntryStatus.WITHDRAWN)
    return or_(model.state_code == own_state, allowed) if own_state else allowed


def _has_bit(column, value: int) -> ColumnElement[bool]:
    return column.op("&")(value) != 0


# -------------------------------------------------------------------------------------- matching

OFFER_FIELDS = (Offer.id, Offer.state_code, Offer.kinds, Offer.areas, Offer.regions, Offer.countries,
                Offer.languages, Offer.amount, Offer.currency, Offer.starts_on, Offer.ends_on)
NEED_FIELDS = (Need.id, Need.state_code, Need.kinds, Need.area, StateParty.region, Need.amount, Need.currency,
               Need.starts_on, Need.ends_on)


def offer_candidates(session: Session, *, area: Area, kinds: int, exclude_state: str,
                     fresh_since: datetime) -> Sequence[Row]:
    """Current offers covering the area and at least one kind wanted, from other States (plain rows:
    ranking reads thousands of them and needs no ORM objects)."""
    query = select(*OFFER_FIELDS).where(
        Offer.status.in_(CURRENT), Offer.confirmed_at >= fresh_since, Offer.state_code != exclude_state,
        _has_bit(Offer.areas, bit(area)), _has_bit(Offer.kinds, kinds),
    )
    return session.execute(query).all()


def need_candidates(session: Session, *, areas: Collection[Area], kinds: int, exclude_state: str,
                    fresh_since: datetime) -> Sequence[Row]:
    query = (
        select(*NEED_FIELDS)
        .join(StateParty, StateParty.code == Need.state_code)
        .where(
            Need.status.in_(CURRENT), Need.confirmed_at >= fresh_since, Need.state_code != exclude_state,
            Need.area.in_(list(areas)), _has_bit(Need.kinds, kinds),
        )
    )
    return session.execute(query).all()


def matches_for(session: Session, *, need_id: int | None = None, offer_id: int | None = None) -> list[Match]:
    query = select(Match).order_by(Match.score.desc(), Match.id)
    if need_id is not None:
        query = query.where(Match.need_id == need_id)
    if offer_id is not None:
        query = query.where(Match.offer_id == offer_id)
    return list(session.scalars(query))


def matches_waiting_for(session: Session, state_code: str) -> list[Match]:
    """Matches the State has not answered yet, on either side, that nobody dismissed."""
    need_side = and_(Need.state_code == state_code, Match.need_answer == Answer.WAITING)
    offer_side = and_(Offer.state_code == state_code, Match.offer_answer == Answer.WAITING)
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
           own_state: str | None, everything: bool, fresh_since: datetime) -> tuple[list[Entry], int]:
    """One page of entries the viewer may see, newest first, and how many there are in all."""
    conditions: list[ColumnElement[bool]] = [visible(model, visibilities, own_state, everything)]
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


def entries_of_state(session: Session, model: type[Entry], state_code: str) -> list[Entry]:
    query = (
        select(model)
        .where(model.state_code == state_code, model.status != EntryStatus.WITHDRAWN)
        .order_by(model.updated_at.desc())
    )
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
