"""Queries of the Convention's calendar: the meetings ISU staff entered."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import ConventionEvent, EventKind, MeetingRequest

_IN_DATE_ORDER = (ConventionEvent.starts_on, ConventionEvent.ends_on, ConventionEvent.id)


def get_event(session: Session, event_id: int) -> ConventionEvent | None:
    return session.get(ConventionEvent, event_id)


def events_not_over(session: Session, day: date, kinds: Collection[EventKind] | None = None,
                    limit: int | None = None) -> list[ConventionEvent]:
    """Events whose last day is `day` or later (under way or to come), in date order."""
    query = select(ConventionEvent).where(ConventionEvent.ends_on >= day).order_by(*_IN_DATE_ORDER)
    if kinds is not None:
        query = query.where(ConventionEvent.kind.in_(list(kinds)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def all_events(session: Session) -> list[ConventionEvent]:
    """Every stored event, past ones too, in date order."""
    return list(session.scalars(select(ConventionEvent).order_by(*_IN_DATE_ORDER)))


def meeting_requests_for(session: Session, event_id: int) -> int:
    """How many individualised meeting requests name this event as their occasion."""
    return session.scalar(select(func.count()).select_from(MeetingRequest).where(MeetingRequest.event_id == event_id))
