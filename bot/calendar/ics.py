"""The Convention's calendar as an iCalendar file (RFC 5545) that delegates subscribe to: every stored
event, and the Article 7 deadlines of this year and the next ones.

Every event is all-day (DTEND is the day after the last, as the standard says) with a UID that never
changes (`event-12@pfp`, `article7-2027@pfp`), so a calendar application updates an event it already
has instead of adding it twice. The same data and clock give the same bytes: DTSTAMP is the clock's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from bot.calendar.rules import ARTICLE7, Occurrence
from bot.errors import N_
from bot.i18n import DEFAULT_LANGUAGE, Translator
from storage import calendar as queries
from storage.models import ConventionEvent

PRODID = "-//Anti-Personnel Mine Ban Convention ISU//pfp//EN"
CALENDAR_NAME = N_("Anti-Personnel Mine Ban Convention")
ARTICLE7_DESCRIPTION = N_(
    "The Article 7 transparency reports covering 1 January to 31 December {year} are due by 30 April {due}."
)
ARTICLE7_YEARS_AHEAD = 2  # this year's deadline and the next two


def event_uid(event_id: int) -> str:
    return f"event-{event_id}@pfp"


def article7_uid(year: int) -> str:
    return f"article7-{year}@pfp"


def export_calendar(session: Session, *, now: datetime, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The whole calendar as iCalendar bytes (UTF-8, CRLF line ends). Titles and places are shown as ISU
    staff typed them; the calendar's name and the deadlines are in `language`."""
    tr = Translator(language)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", tr._(CALENDAR_NAME))
    components = [(stored.starts_on, event_uid(stored.id), _stored(stored, now))
                  for stored in queries.all_events(session)]
    for year in range(now.year, now.year + ARTICLE7_YEARS_AHEAD + 1):
        deadline = Occurrence.article7(year)
        components.append((deadline.starts_on, article7_uid(year), _deadline(deadline, now, tr)))
    for _day, _uid, component in sorted(components, key=lambda item: item[:2]):
        calendar.add_component(component)
    return calendar.to_ical()


def _all_day(uid: str, first: date, last: date, summary: str, now: datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", now)
    event.add("dtstart", first)
    event.add("dtend", last + timedelta(days=1))  # exclusive: the day after the last day
    event.add("summary", summary)
    return event


def _stored(stored: ConventionEvent, now: datetime) -> Event:
    event = _all_day(event_uid(stored.id), stored.starts_on, stored.ends_on, stored.title, now)
    if stored.place:
        event.add("location", stored.place)
    event.add("categories", [stored.kind.value])
    event.add("created", stored.created_at)
    event.add("last-modified", stored.updated_at)
    return event


def _deadline(deadline: Occurrence, now: datetime, tr: Translator) -> Event:
    event = _all_day(article7_uid(deadline.starts_on.year), deadline.starts_on, deadline.ends_on,
                     deadline.heading(tr), now)
    event.add("description", tr._(ARTICLE7_DESCRIPTION, year=deadline.covers, due=deadline.starts_on.year))
    event.add("categories", [ARTICLE7])
    event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: nobody is busy
    return event
