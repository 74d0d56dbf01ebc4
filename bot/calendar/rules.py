"""The calendar of the Convention's year: the meetings ISU staff enter (Intersessional Meetings, the
Meeting of the States Parties, Review Conferences, others), and the Article 7 deadline, a rule of the
Convention that is never stored.

Only ISU staff change the calendar (the `pfp` command line acts as the ISU); every change is audited
with the event before and after. These functions never commit: the caller owns the transaction (the
command line through `bot.work.unit_of_work`). A refused change raises `NotAuthorised` carrying its
audit entry, which the edge keeps when it undoes the rest.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from typing import Any, Final, Literal

from sqlalchemy.orm import Session

from bot.errors import N_, Conflict, NotAuthorised, NotFound, Refusal
from bot.forms import FormReader
from bot.i18n import Translator
from bot.registration.people import is_isu
from storage import audit
from storage import calendar as queries
from storage.models import ConventionEvent, EventKind, Person

ARTICLE7: Final = "article7"  # the kind of the built-in deadline in listings; never a stored kind
ARTICLE7_TITLE = N_("Article 7 transparency reports due (covering {year})")
# The meetings that close the Convention's year; a Review Conference takes the MSP's place.
MAIN_MEETINGS: tuple[EventKind, ...] = (EventKind.MSP, EventKind.REVIEW_CONFERENCE)

TITLE_MAX, PLACE_MAX = 200, 200

# The form's field names; a modal's block IDs and the command line's options map onto them.
F_KIND, F_TITLE, F_STARTS, F_ENDS, F_PLACE = "kind", "title", "starts_on", "ends_on", "place"


def article7_deadline(year: int) -> date:
    """The day Article 7 transparency reports are due in `year`: 30 April, for the year before."""
    return date(year, 4, 30)


# ------------------------------------------------------------------------------------------ who acts


class CommandLine:
    """The `pfp` command, run by an administrator on the server: it acts as the ISU, and is audited as
    the command line (no Slack user)."""

    def __repr__(self) -> str:
        return "COMMAND_LINE"


COMMAND_LINE: Final = CommandLine()
Actor = Person | CommandLine


def _audited_as(actor: Actor) -> tuple[str | None, str | None]:
    """(actor, detail) for the audit log."""
    if isinstance(actor, CommandLine):
        return None, "command line"
    return actor.slack_user_id, None


def check_can_change(actor: Actor, *, change: str, subject: str, now: datetime) -> None:
    """Refuses anyone but ISU staff before a form opens, as the change itself would."""
    _require_isu(None, actor, change=change, subject=subject, now=now)


def _require_isu(session: Session | None, actor: Actor, *, change: str, subject: str, now: datetime) -> None:
    """Anyone but ISU staff (and the command line) is refused before anything changes; the attempt is
    audited, for the caller to commit (see `unit_of_work`)."""
    if isinstance(actor, CommandLine) or is_isu(actor):
        return
    raise NotAuthorised(N_("Only ISU staff can change the Convention's calendar. Nothing was changed."),
                        refusal=Refusal(actor.slack_user_id, "event.change_refused", subject, change, at=now))


# --------------------------------------------------------------------------------------------- form


@dataclass(frozen=True)
class EventForm:
    kind: EventKind
    title: str
    starts_on: date
    ends_on: date
    place: str | None


def read_event_form(values: Mapping[str, Any]) -> EventForm:
    """An event from submitted values (kind, title, ISO dates, place); raises FieldErrors naming every
    field with a problem."""
    reader = FormReader(values)
    kind = reader.one(F_KIND, EventKind)
    title = reader.text(F_TITLE, TITLE_MAX, required=True, one_line=True)
    starts, ends = reader.period(F_STARTS, F_ENDS, required=True)
    place = reader.text(F_PLACE, PLACE_MAX, required=False, one_line=True)
    reader.done()
    return EventForm(kind=kind, title=title, starts_on=starts, ends_on=ends, place=place)  # type: ignore[arg-type]


def snapshot(event: ConventionEvent) -> dict[str, Any]:
    """An event as the audit log keeps it: plain JSON values."""
    values: dict[str, Any] = {}
    for column in event.__table__.columns:
        value = getattr(event, column.key)
        if isinstance(value, EventKind):
            value = value.value
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        values[column.key] = value
    return values


# ------------------------------------------------------------------------------------------ changes


def find_event(session: Session, event_id: int) -> ConventionEvent:
    event = queries.get_event(session, event_id)
    if event is None:
        raise NotFound(N_("There is no event number {number} in the calendar."), number=event_id)
    return event


def add_event(session: Session, actor: Actor, form: EventForm, *, now: datetime) -> ConventionEvent:
    _require_isu(session, actor, change="add", subject="event:new", now=now)
    who, detail = _audited_as(actor)
    event = ConventionEvent(kind=form.kind, title=form.title, starts_on=form.starts_on, ends_on=form.ends_on,
                            place=form.place, created_at=now, updated_at=now, created_by=who)
    session.add(event)
    session.flush()
    audit.record(session, at=now, actor=who, action="event.added", subject=f"event:{event.id}",
                 after=snapshot(event), detail=detail)
    return event


def edit_event(session: Session, actor: Actor, event_id: int, form: EventForm, *, now: datetime) -> ConventionEvent:
    _require_isu(session, actor, change="edit", subject=f"event:{event_id}", now=now)
    event = find_event(session, event_id)
    before = snapshot(event)
    event.kind, event.title, event.place = form.kind, form.title, form.place
    event.starts_on, event.ends_on = form.starts_on, form.ends_on
    event.updated_at = now
    session.flush()
    who, detail = _audited_as(actor)
    audit.record(session, at=now, actor=who, action="event.edited", subject=f"event:{event.id}", before=before,
                 after=snapshot(event), detail=detail)
    return event


def remove_event(session: Session, actor: Actor, event_id: int, *, now: datetime) -> ConventionEvent:
    """Deletes the event; the audit log keeps what it was. Returns it, for the caller to say what went."""
    _require_isu(session, actor, change="remove", subject=f"event:{event_id}", now=now)
    event = find_event(session, event_id)
    if requests := queries.meeting_requests_for(session, event_id):
        raise Conflict(N_("{count} individualised meeting requests are for this occasion, so it cannot be removed. "
                          "Change its dates instead."), count=requests)
    before = snapshot(event)
    session.delete(event)
    session.flush()
    who, detail = _audited_as(actor)
    audit.record(session, at=now, actor=who, action="event.removed", subject=f"event:{event_id}", before=before,
                 detail=detail)
    return event


# ------------------------------------------------------------------------------------------ listing


@dataclass(frozen=True)
class Occurrence:
    """One date of the Convention's year as listings, reminders and the iCalendar file see it: a stored
    event, or the Article 7 deadline of one year."""

    kind: EventKind | Literal["article7"]
    starts_on: date
    ends_on: date  # the last day, included
    title: str | None = None  # as ISU staff typed it; None for the Article 7 deadline (see `heading`)
    place: str | None = None
    event_id: int | None = None  # None for the Article 7 deadline
    covers: int | None = None  # the Article 7 deadline: the calendar year its reports cover

    @property
    def is_article7_deadline(self) -> bool:
        return self.kind == ARTICLE7

    def heading(self, tr: Translator) -> str:
        """The title in the reader's language: the deadline's is translated, an event's shown as typed."""
        if self.title is None:
            return tr._(ARTICLE7_TITLE, year=self.covers)
        return self.title

    @classmethod
    def of_event(cls, event: ConventionEvent) -> Occurrence:
        return cls(kind=event.kind, starts_on=event.starts_on, ends_on=event.ends_on, title=event.title,
                   place=event.place, event_id=event.id)

    @classmethod
    def article7(cls, year: int) -> Occurrence:
        """The deadline of `year` (30 April), for the reports covering the year before."""
        deadline = article7_deadline(year)
        return cls(kind=ARTICLE7, starts_on=deadline, ends_on=deadline, covers=year - 1)


def _in_date_order(occurrence: Occurrence) -> tuple[date, bool, date, int]:
    # On the same day the deadline comes first; then shorter events, then the older entry.
    return (occurrence.starts_on, not occurrence.is_article7_deadline, occurrence.ends_on,
            occurrence.event_id or 0)


def _deadlines_from(today: date) -> Iterator[Occurrence]:
    """Every Article 7 deadline from today on (today's included), without end."""
    first = today.year if today <= article7_deadline(today.year) else today.year + 1
    return (Occurrence.article7(year) for year in count(first))


def upcoming(session: Session, today: date, limit: int | None = None) -> list[Occurrence]:
    """The coming dates in order: stored events not over yet (one under way today is listed) merged with
    the Article 7 deadlines. Without a limit, the deadlines up to the last stored event, and at least the
    next one; with a limit, the first `limit` dates, deadlines filling in past the last event."""
    if limit is not None and limit <= 0:
        return []
    events = [Occurrence.of_event(event) for event in queries.events_not_over(session, today, limit=limit)]
    horizon = max((event.starts_on for event in events), default=today)
    listing: list[Occurrence] = []
    for occurrence in heapq.merge(events, _deadlines_from(today), key=_in_date_order):
        if limit is not None and len(listing) == limit:
            break
        if (limit is None and occurrence.is_article7_deadline and occurrence.starts_on > horizon
                and any(o.is_article7_deadline for o in listing)):
            break
        listing.append(occurrence)
    return listing


def next_meeting(session: Session, today: date, kinds: Collection[EventKind]) -> Occurrence | None:
    """The coming (or under way) meeting of one of `kinds`: `(EventKind.INTERSESSIONAL,)` or `MAIN_MEETINGS`."""
    events = queries.events_not_over(session, today, kinds, limit=1)
    return Occurrence.of_event(events[0]) if events else None
