"""The calendar of the Convention's year at the domain level, on SQLite and PostgreSQL: who may change it,
what a valid event is, and how stored meetings and the built-in Article 7 deadline make one list."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bot.calendar import (
    COMMAND_LINE,
    MAIN_MEETINGS,
    EventForm,
    add_event,
    article7_deadline,
    edit_event,
    next_meeting,
    read_event_form,
    remove_event,
    unit_of_work,
    upcoming,
)
from bot.errors import FieldErrors, NotAuthorised, NotFound
from bot.i18n import Translator
from bot.registration.people import meet
from storage import audit
from storage.models import AuditEntry, ConventionEvent, EventKind
from tests.conftest import ADMIN

# The clock fixture starts on 23 November 2026, between the 2026 and 2027 Article 7 deadlines.
MSP_2026 = EventForm(kind=EventKind.MSP, title="Twenty-Second Meeting of the States Parties",
                     starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 24), place="Geneva")
INTERSESSIONAL_2027 = EventForm(kind=EventKind.INTERSESSIONAL, title="Intersessional Meetings",
                                starts_on=date(2027, 6, 15), ends_on=date(2027, 6, 18), place="Geneva")
MSP_2027 = EventForm(kind=EventKind.MSP, title="Twenty-Third Meeting of the States Parties",
                     starts_on=date(2027, 11, 29), ends_on=date(2027, 12, 3), place="Geneva")
PLEDGING_2027 = EventForm(kind=EventKind.OTHER, title="Pledging conference", starts_on=date(2027, 2, 10),
                          ends_on=date(2027, 2, 10), place=None)
VALID = {"kind": "msp", "title": "Twenty-Third Meeting of the States Parties", "starts_on": "2027-11-29",
         "ends_on": "2027-12-03", "place": "Geneva"}


def isu_staff(session, clock):
    return meet(session, ADMIN, now=clock.now(), fetch_locale=lambda: None)  # made ISU by PFP_ADMINS


def delegate(session, clock, slack_user_id: str = "UDELEGKH", state_code: str = "KH"):
    person = meet(session, slack_user_id, now=clock.now(), fetch_locale=lambda: None)
    person.state_code = state_code
    session.commit()
    return person


def stored(session) -> list[ConventionEvent]:
    return list(session.scalars(select(ConventionEvent).order_by(ConventionEvent.id)))


def calendar_audit(session) -> list[str]:
    """The actions audited on the calendar, oldest first (PFP_ADMINS leaves role rows of its own)."""
    return list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.startswith("event."))
                                .order_by(AuditEntry.id)))


def today(clock) -> date:
    return clock.now().date()


# ------------------------------------------------------------------------------------ the rule


def test_the_article7_deadline_is_30_april_covering_the_previous_calendar_year(database):
    assert article7_deadline(2027) == date(2027, 4, 30)
    assert article7_deadline(2030) == date(2030, 4, 30)
    with database() as session:  # nothing stored: the rule alone
        [deadline] = upcoming(session, date(2027, 1, 5), limit=1)
    assert (deadline.starts_on, deadline.ends_on, deadline.covers, deadline.event_id, deadline.place) == (
        date(2027, 4, 30), date(2027, 4, 30), 2026, None, None)
    assert deadline.is_article7_deadline and deadline.kind == "article7"
    assert deadline.heading(Translator("en")) == "Article 7 transparency reports due (covering 2026)"
    assert "2026" in deadline.heading(Translator("fr")) and "2026" in deadline.heading(Translator("es"))
    assert deadline.heading(Translator("fr")) != deadline.heading(Translator("en"))


# -------------------------------------------------------------------------------------- who may


def test_isu_staff_add_an_event_audited_and_the_caller_commits(database, clock):
    with database() as session:
        staff = isu_staff(session, clock)
        event = add_event(session, staff, MSP_2027, now=clock.now())
        with database() as other:  # nothing is committed by the domain
            assert stored(other) == []
        session.commit()
        event_id = event.id
    with database() as session:
        [event] = stored(session)
        assert (event.id, event.kind, event.title, event.starts_on, event.ends_on, event.place, event.created_by) == (
            event_id, EventKind.MSP, MSP_2027.title, date(2027, 11, 29), date(2027, 12, 3), "Geneva", ADMIN)
        assert event.created_at == event.updated_at == clock.now()
        [entry] = audit.entries(session, action="event.added")
        assert (entry.actor, entry.subject, entry.before, entry.at) == (ADMIN, f"event:{event_id}", None, clock.now())
        assert entry.after == {
            "id": event_id, "kind": "msp", "title": MSP_2027.title, "starts_on": "2027-11-29",
            "ends_on": "2027-12-03", "place": "Geneva", "created_at": clock.now().isoformat(),
            "updated_at": clock.now().isoformat(), "created_by": ADMIN,
        }


def test_a_change_left_uncommitted_is_not_kept(database, clock):
    with database() as session:
        add_event(session, isu_staff(session, clock), MSP_2027, now=clock.now())
        session.rollback()
    with database() as session:
        assert stored(session) == [] and calendar_audit(session) == []


@pytest.mark.parametrize("change", ["add", "edit", "remove"])
def test_only_isu_staff_change_the_calendar_and_a_refusal_is_audited(database, clock, change):
    with database() as session, unit_of_work(session):
        event_id = add_event(session, isu_staff(session, clock), MSP_2027, now=clock.now()).id
    with database() as session:
        person = delegate(session, clock)
        attempts = {
            "add": lambda: add_event(session, person, INTERSESSIONAL_2027, now=clock.now()),
            "edit": lambda: edit_event(session, person, event_id, INTERSESSIONAL_2027, now=clock.now()),
            "remove": lambda: remove_event(session, person, event_id, now=clock.now()),
        }
        with pytest.raises(NotAuthorised) as refused, unit_of_work(session):
            attempts[change]()
        assert refused.value.message == "Only ISU staff can change the Convention's calendar. Nothing was changed."
    with database() as session:
        [event] = stored(session)
        assert (event.id, event.title, event.kind) == (event_id, MSP_2027.title, EventKind.MSP)  # unchanged
        [entry] = audit.entries(session, action="event.change_refused")  # kept although the change was not
        subject = "event:new" if change == "add" else f"event:{event_id}"
        assert (entry.actor, entry.subject, entry.detail, entry.at) == ("UDELEGKH", subject, change, clock.now())
        assert calendar_audit(session) == ["event.added", "event.change_refused"]


def test_a_refusal_is_checked_before_the_event_is_looked_up(database, clock):
    with database() as session:
        person = delegate(session, clock)
        with pytest.raises(NotAuthorised), unit_of_work(session):
            remove_event(session, person, 999, now=clock.now())  # no such event: not told to a delegate
    with database() as session:
        [entry] = audit.entries(session, action="event.change_refused")
        assert entry.subject == "event:999"


def test_the_command_line_acts_as_the_isu_and_is_audited_as_the_command_line(database, clock):
    with database() as session, unit_of_work(session):
        event_id = add_event(session, COMMAND_LINE, MSP_2027, now=clock.now()).id
    with database() as session:
        [event] = stored(session)
        assert event.created_by is None
        [entry] = audit.entries(session, action="event.added")
        assert (entry.actor, entry.detail, entry.subject) == (None, "command line", f"event:{event_id}")


def test_edit_and_remove_are_audited_with_the_event_before_and_after(database, clock):
    with database() as session, unit_of_work(session):
        event_id = add_event(session, COMMAND_LINE, MSP_2027, now=clock.now()).id
    clock.advance(days=1)
    moved = EventForm(kind=EventKind.MSP, title=MSP_2027.title, starts_on=date(2027, 12, 6),
                      ends_on=date(2027, 12, 10), place="Siem Reap")
    with database() as session, unit_of_work(session):
        edit_event(session, isu_staff(session, clock), event_id, moved, now=clock.now())
    with database() as session:
        [event] = stored(session)
        assert (event.starts_on, event.ends_on, event.place, event.updated_at) == (
            date(2027, 12, 6), date(2027, 12, 10), "Siem Reap", clock.now())
        assert event.created_at < event.updated_at
        [edited] = audit.entries(session, action="event.edited")
        assert (edited.actor, edited.subject) == (ADMIN, f"event:{event_id}")
        assert (edited.before["starts_on"], edited.before["place"]) == ("2027-11-29", "Geneva")
        assert (edited.after["starts_on"], edited.after["place"]) == ("2027-12-06", "Siem Reap")
    with database() as session, unit_of_work(session):
        removed = remove_event(session, isu_staff(session, clock), event_id, now=clock.now())
        assert removed.title == MSP_2027.title
    with database() as session:
        assert stored(session) == []
        [entry] = audit.entries(session, action="event.removed")
        assert (entry.actor, entry.subject, entry.after) == (ADMIN, f"event:{event_id}", None)
        assert entry.before["title"] == MSP_2027.title and entry.before["starts_on"] == "2027-12-06"


def test_an_event_that_does_not_exist_is_not_found_and_nothing_is_kept(database, clock):
    with database() as session:
        staff = isu_staff(session, clock)
        for attempt in (lambda: edit_event(session, staff, 41, MSP_2027, now=clock.now()),
                        lambda: remove_event(session, staff, 41, now=clock.now())):
            with pytest.raises(NotFound) as missing, unit_of_work(session):
                add_event(session, staff, PLEDGING_2027, now=clock.now())  # undone with the failed change
                attempt()
            assert missing.value.message == "There is no event number {number} in the calendar."
            assert missing.value.params == {"number": 41}
    with database() as session:
        assert stored(session) == [] and calendar_audit(session) == []


# ------------------------------------------------------------------------------------- the form


def test_a_valid_form_is_read_with_its_dates_and_blanks_made_none():
    form = read_event_form({**VALID, "title": "  Twenty-Third   Meeting of\nthe States Parties ", "place": " "})
    assert form == EventForm(kind=EventKind.MSP, title="Twenty-Third Meeting of the States Parties",
                             starts_on=date(2027, 11, 29), ends_on=date(2027, 12, 3), place=None)
    one_day = read_event_form({**VALID, "kind": "other", "ends_on": "2027-11-29"})
    assert (one_day.kind, one_day.starts_on, one_day.ends_on) == (EventKind.OTHER, date(2027, 11, 29),
                                                                  date(2027, 11, 29))


def test_an_end_before_the_start_is_refused():
    with pytest.raises(FieldErrors) as refused:
        read_event_form({**VALID, "starts_on": "2027-12-03", "ends_on": "2027-11-29"})
    assert refused.value.errors == {"ends_on": ("The end date is before the start date.", {})}


def test_an_unknown_kind_is_refused():
    with pytest.raises(FieldErrors) as refused:
        read_event_form({**VALID, "kind": "pledging"})
    assert refused.value.errors == {"kind": ("Please choose one of the options.", {})}


def test_every_problem_is_reported_at_once_on_its_own_field():
    with pytest.raises(FieldErrors) as refused:
        read_event_form({"kind": "", "title": "x" * 201, "starts_on": "29/11/2027", "ends_on": "2027-02-30",
                         "place": "G" * 201})
    assert refused.value.errors == {
        "kind": ("Please choose one.", {}),
        "title": ("Please shorten this to {limit} characters (it has {length}).", {"limit": 200, "length": 201}),
        "starts_on": ("Write the date as YYYY-MM-DD, for example 2027-11-29.", {}),
        "ends_on": ("Write the date as YYYY-MM-DD, for example 2027-11-29.", {}),
        "place": ("Please shorten this to {limit} characters (it has {length}).", {"limit": 200, "length": 201}),
    }
    with pytest.raises(FieldErrors) as empty:
        read_event_form({})
    assert empty.value.errors == {"kind": ("Please choose one.", {}), "title": ("Please fill this in.", {}),
                                  "starts_on": ("Please fill this in.", {}), "ends_on": ("Please fill this in.", {})}


@pytest.mark.parametrize("raw", ["20271129", "2027-W48-1", "2027-11-29T10:00", "1996-12-31", "2101-01-01",
                                 "9999-12-31", "0001-01-01", " "])
def test_dates_are_plain_iso_days_within_the_conventions_time(raw):
    with pytest.raises(FieldErrors) as refused:
        read_event_form({**VALID, "starts_on": raw, "ends_on": "2027-12-03"})
    [(field, (message, _params))] = refused.value.errors.items()
    assert field == "starts_on"
    assert message in ("Write the date as YYYY-MM-DD, for example 2027-11-29.", "Choose a date between {first} and {last}.",
                       "Please fill this in.")


# ----------------------------------------------------------------------------------- the listing


def test_upcoming_merges_the_article7_deadlines_in_date_order_and_leaves_out_past_events(database, clock):
    with database() as session, unit_of_work(session):
        for form in (MSP_2027, MSP_2026, INTERSESSIONAL_2027, PLEDGING_2027):
            add_event(session, COMMAND_LINE, form, now=clock.now())
    clock.advance(days=2)  # 25 November 2026: the 2026 MSP (20-24 November) is over
    with database() as session:
        listing = upcoming(session, today(clock))
    assert [(o.starts_on, o.heading(Translator()), o.kind) for o in listing] == [
        (date(2027, 2, 10), "Pledging conference", EventKind.OTHER),
        (date(2027, 4, 30), "Article 7 transparency reports due (covering 2026)", "article7"),
        (date(2027, 6, 15), "Intersessional Meetings", EventKind.INTERSESSIONAL),
        (date(2027, 11, 29), "Twenty-Third Meeting of the States Parties", EventKind.MSP),
    ]
    assert [o.place for o in listing] == [None, None, "Geneva", "Geneva"]
    assert [o.event_id is None for o in listing] == [False, True, False, False]


def test_an_event_under_way_today_is_still_upcoming_and_limit_cuts_the_list(database, clock):
    with database() as session, unit_of_work(session):
        add_event(session, COMMAND_LINE, MSP_2026, now=clock.now())  # 20-24 November 2026; today is the 23rd
        add_event(session, COMMAND_LINE, MSP_2027, now=clock.now())
    with database() as session:
        assert [o.starts_on for o in upcoming(session, today(clock))] == [
            date(2026, 11, 20), date(2027, 4, 30), date(2027, 11, 29)]
        assert [o.starts_on for o in upcoming(session, today(clock), limit=2)] == [date(2026, 11, 20),
                                                                                  date(2027, 4, 30)]
        assert upcoming(session, today(clock), limit=0) == []
        # With a limit, the yearly deadlines fill the list past the last stored event.
        assert [o.starts_on for o in upcoming(session, today(clock), limit=5)] == [
            date(2026, 11, 20), date(2027, 4, 30), date(2027, 11, 29), date(2028, 4, 30), date(2029, 4, 30)]
        # The last day of a meeting is still upcoming; the day after, it is gone.
        assert upcoming(session, date(2026, 11, 24))[0].starts_on == date(2026, 11, 20)
        assert upcoming(session, date(2026, 11, 25))[0].starts_on == date(2027, 4, 30)


def test_the_deadline_is_upcoming_on_its_day_and_the_next_one_the_day_after(database, clock):
    with database() as session:
        assert [o.starts_on for o in upcoming(session, date(2027, 4, 30))] == [date(2027, 4, 30)]
        assert [o.starts_on for o in upcoming(session, date(2027, 5, 1))] == [date(2028, 4, 30)]
        [deadline] = upcoming(session, date(2027, 5, 1))
        assert deadline.covers == 2027
        # Every deadline up to the last stored event is listed, and the next one at least.
        add_event(session, COMMAND_LINE, EventForm(kind=EventKind.REVIEW_CONFERENCE, title="Sixth Review Conference",
                                                   starts_on=date(2029, 11, 26), ends_on=date(2029, 11, 30),
                                                   place=None), now=clock.now())
        assert [o.starts_on for o in upcoming(session, date(2027, 5, 1))] == [
            date(2028, 4, 30), date(2029, 4, 30), date(2029, 11, 26)]


def test_next_meeting_is_the_coming_one_of_the_kinds_asked_for(database, clock):
    with database() as session, unit_of_work(session):
        for form in (MSP_2026, PLEDGING_2027, MSP_2027, INTERSESSIONAL_2027):
            add_event(session, COMMAND_LINE, form, now=clock.now())
    with database() as session:
        intersessional = next_meeting(session, today(clock), (EventKind.INTERSESSIONAL,))
        assert intersessional is not None and intersessional.starts_on == date(2027, 6, 15)
        main = next_meeting(session, today(clock), MAIN_MEETINGS)
        assert main is not None and (main.title, main.kind) == (MSP_2026.title, EventKind.MSP)  # under way
        later = next_meeting(session, date(2026, 11, 25), MAIN_MEETINGS)
        assert later is not None and later.title == MSP_2027.title
        assert next_meeting(session, date(2027, 12, 4), MAIN_MEETINGS) is None
        assert MAIN_MEETINGS == (EventKind.MSP, EventKind.REVIEW_CONFERENCE)
