"""The iCalendar file people subscribe to, parsed back with the icalendar library: every stored event as an
all-day event, the Article 7 deadlines of this year and the next ones, stable UIDs, the same bytes for
the same data and clock. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from icalendar import Calendar

from bot.calendar import COMMAND_LINE, EventForm, add_event, unit_of_work
from bot.calendar.ics import export_calendar
from storage.models import EventKind

# The clock fixture says 23 November 2026.
MSP_2026 = EventForm(kind=EventKind.MSP, title="Twenty-Second Meeting of the States Parties",
                     starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 24), place="Geneva")
MSP_2027 = EventForm(kind=EventKind.MSP, title="Twenty-Third Meeting of the States Parties",
                     starts_on=date(2027, 11, 29), ends_on=date(2027, 12, 3),
                     place="Palais des Nations; Geneva, Switzerland")
PLEDGING = EventForm(kind=EventKind.OTHER, title="Pledging conference, Article 5 deadlines", starts_on=date(2027, 2, 10),
                     ends_on=date(2027, 2, 10), place=None)


@pytest.fixture
def calendar_data(database, clock):
    with database() as session, unit_of_work(session):
        ids = [add_event(session, COMMAND_LINE, form, now=clock.now()).id for form in (MSP_2027, MSP_2026, PLEDGING)]
    return database, dict(zip(("msp_2027", "msp_2026", "pledging"), ids, strict=True))


def exported(database, clock, **options) -> bytes:
    with database() as session:
        return export_calendar(session, now=clock.now(), **options)


def events_by_uid(data: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(data)
    found = {}
    for event in calendar.walk("VEVENT"):
        found[str(event["uid"])] = {
            "start": event.decoded("dtstart"), "end": event.decoded("dtend"), "summary": str(event["summary"]),
            "location": str(event["location"]) if "location" in event else None,
            "categories": [str(c) for c in event["categories"].cats], "stamp": event.decoded("dtstamp"),
            "description": str(event.get("description", "")),
        }
    return found


def test_the_file_names_the_convention_and_holds_every_stored_event_and_the_deadlines(calendar_data, clock):
    database, ids = calendar_data
    data = exported(database, clock)
    calendar = Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "Anti-Personnel Mine Ban Convention"
    assert str(calendar["version"]) == "2.0" and "pfp" in str(calendar["prodid"])
    events = events_by_uid(data)
    assert set(events) == {f"event-{ids['msp_2027']}@pfp", f"event-{ids['msp_2026']}@pfp",
                           f"event-{ids['pledging']}@pfp", "article7-2026@pfp", "article7-2027@pfp",
                           "article7-2028@pfp"}

    msp = events[f"event-{ids['msp_2027']}@pfp"]
    assert (msp["start"], msp["end"]) == (date(2027, 11, 29), date(2027, 12, 4))  # DTEND is the day after
    assert not isinstance(msp["start"], datetime) and not isinstance(msp["end"], datetime)  # all-day
    assert (msp["summary"], msp["location"], msp["categories"]) == (
        "Twenty-Third Meeting of the States Parties", "Palais des Nations; Geneva, Switzerland", ["msp"])
    past = events[f"event-{ids['msp_2026']}@pfp"]  # over already, still in the calendar
    assert (past["start"], past["end"]) == (date(2026, 11, 20), date(2026, 11, 25))
    one_day = events[f"event-{ids['pledging']}@pfp"]
    assert (one_day["start"], one_day["end"], one_day["location"]) == (date(2027, 2, 10), date(2027, 2, 11), None)
    assert one_day["summary"] == "Pledging conference, Article 5 deadlines" and one_day["categories"] == ["other"]

    deadline = events["article7-2027@pfp"]
    assert (deadline["start"], deadline["end"]) == (date(2027, 4, 30), date(2027, 5, 1))
    assert deadline["summary"] == "Article 7 transparency reports due (covering 2026)"
    assert deadline["categories"] == ["article7"] and "31 December 2026" in deadline["description"]
    assert {event["stamp"] for event in events.values()} == {clock.now()}


def test_the_same_data_and_clock_give_the_same_bytes_and_only_the_stamp_follows_the_clock(calendar_data, clock):
    database, _ids = calendar_data
    first = exported(database, clock)
    assert exported(database, clock) == first
    clock.advance(hours=5)
    later = exported(database, clock)
    changed = {line for line in set(first.splitlines()) ^ set(later.splitlines())}
    assert changed and all(line.startswith(b"DTSTAMP:") for line in changed)
    assert first.endswith(b"END:VCALENDAR\r\n")


def test_the_deadlines_follow_the_clocks_year(database, clock):
    clock.advance(days=60)  # 22 January 2027
    assert set(events_by_uid(exported(database, clock))) == {"article7-2027@pfp", "article7-2028@pfp",
                                                              "article7-2029@pfp"}


def test_the_file_in_french_translates_the_name_and_the_deadline_not_what_isu_staff_typed(calendar_data, clock):
    database, ids = calendar_data
    data = exported(database, clock, language="fr")
    assert str(Calendar.from_ical(data)["x-wr-calname"]) == "Convention sur l'interdiction des mines antipersonnel"
    events = events_by_uid(data)
    assert events["article7-2027@pfp"]["summary"].startswith("Date limite")
    assert "2026" in events["article7-2027@pfp"]["summary"]
    assert events[f"event-{ids['msp_2027']}@pfp"]["summary"] == MSP_2027.title
