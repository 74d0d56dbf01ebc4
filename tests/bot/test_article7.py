"""Article 7 reports at the domain level, on SQLite and PostgreSQL: who may record one, which States and
years are accepted, a second recording, the audit, and ISU's CSV list imported all or nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.calendar import COMMAND_LINE, unit_of_work
from bot.errors import NotAuthorised
from bot.i18n import Translator
from bot.registration.people import meet
from bot.reminders.article7 import (
    BadDate,
    BadYear,
    ImportRefused,
    UnknownState,
    import_reports,
    mark_received,
    standing,
)
from storage import article7 as queries
from storage import audit
from storage.models import Article7Report, ReportSource
from storage.states import list_parties_on
from tests.conftest import ADMIN

# The clock fixture starts on 23 November 2026: 2027 (the deadline of the report covering 2026) is the
# last year accepted, and 1999 the first.
BUTTON, COMMAND = ReportSource.BUTTON, ReportSource.COMMAND


def isu_staff(session, clock):
    return meet(session, ADMIN, now=clock.now(), fetch_locale=lambda: None)  # made ISU by PFP_ADMINS


def delegate(session, clock, slack_user_id: str = "UDELEGKH", state_code: str | None = "KH"):
    person = meet(session, slack_user_id, now=clock.now(), fetch_locale=lambda: None)
    person.state_code = state_code
    session.commit()
    return person


def reports(session) -> list[tuple[str, int, date, str | None, ReportSource]]:
    rows = session.scalars(select(Article7Report).order_by(Article7Report.state_code, Article7Report.year))
    return [(r.state_code, r.year, r.received_on, r.recorded_by, r.source) for r in rows]


def article7_audit(session) -> list[tuple]:
    return [(e.action, e.actor, e.subject, e.detail, e.after) for e in audit.entries(session)
            if e.action.startswith("article7.")]


def english(error) -> str:
    return Translator("en")._(error.message, **error.params)


# ------------------------------------------------------------------------------------ who may


def test_a_delegate_records_their_own_states_report_with_the_button(database, clock):
    with database() as session:
        person = delegate(session, clock)
        with unit_of_work(session):
            recording = mark_received(session, person, state_code="KH", year=2027, now=clock.now(), source=BUTTON)
        assert recording.new and recording.report.received_on == clock.now().date()
    with database() as session:
        assert reports(session) == [("KH", 2027, date(2026, 11, 23), "UDELEGKH", BUTTON)]
        assert article7_audit(session) == [
            ("article7.received", "UDELEGKH", "article7:KH:2027", None,
             {"state": "KH", "year": 2027, "received_on": "2026-11-23", "source": "button"})]
        assert audit.entries(session, action="article7.received")[0].at == clock.now()
        assert queries.received_states(session, 2027) == {"KH"}


@pytest.mark.parametrize("source", [BUTTON, COMMAND])
def test_isu_staff_record_any_states_report(database, clock, source):
    with database() as session, unit_of_work(session):
        mark_received(session, isu_staff(session, clock), state_code="NO", year=2027, now=clock.now(), source=source,
                      received_on=date(2026, 11, 20))
    with database() as session:
        assert reports(session) == [("NO", 2027, date(2026, 11, 20), ADMIN, source)]


def test_the_command_line_acts_as_the_isu_and_is_audited_as_the_command_line(database, clock):
    with database() as session, unit_of_work(session):
        mark_received(session, COMMAND_LINE, state_code="DE", year=2026, now=clock.now(), source=COMMAND,
                      received_on=date(2026, 4, 29))
    with database() as session:
        assert reports(session) == [("DE", 2026, date(2026, 4, 29), None, COMMAND)]
        [(action, actor, subject, detail, _after)] = article7_audit(session)
        assert (action, actor, subject, detail) == ("article7.received", None, "article7:DE:2026", "command line")


@pytest.mark.parametrize(("who", "their_state", "source", "message"), [
    ("Cambodia's delegate", "KH", BUTTON,
     "Only ISU staff and the delegates of Norway can record its Article 7 report. Nothing was recorded."),
    ("someone not registered", None, BUTTON,
     "Only ISU staff and the delegates of Norway can record its Article 7 report. Nothing was recorded."),
    ("Norway's delegate, by command", "NO", COMMAND,
     "Only ISU staff record reports by command; a delegate presses *Report submitted* in the bot's reminder. "
     "Nothing was recorded."),
])
def test_anyone_else_is_refused_and_the_refusal_is_audited(database, clock, who, their_state, source, message):
    with database() as session:
        person = delegate(session, clock, "UDELEGXX", their_state)
        with pytest.raises(NotAuthorised) as refused, unit_of_work(session):
            mark_received(session, person, state_code="NO", year=2027, now=clock.now(), source=source)
        assert english(refused.value) == message
    with database() as session:
        assert reports(session) == []
        [entry] = audit.entries(session, action="article7.refused")  # kept although the rest was undone
        assert (entry.actor, entry.subject, entry.detail, entry.at) == (
            "UDELEGXX", "article7:NO:2027", source.value, clock.now())
        assert audit.entries(session, action="article7.received") == []


def test_the_permission_is_checked_before_the_state_and_year(database, clock):
    with database() as session:
        person = delegate(session, clock)
        with pytest.raises(NotAuthorised), unit_of_work(session):
            mark_received(session, person, state_code="ZZ", year=1900, now=clock.now(), source=BUTTON)
    with database() as session:
        [entry] = audit.entries(session, action="article7.refused")
        assert entry.subject == "article7:ZZ:1900"


# ------------------------------------------------------------------------------- States and years


@pytest.mark.parametrize("code", ["ZZ", "US", "kh", "K", "KHM"])
def test_an_unknown_state_is_refused_saying_what_is_accepted(database, clock, code):
    with database() as session:
        with pytest.raises(UnknownState) as refused, unit_of_work(session):
            mark_received(session, COMMAND_LINE, state_code=code, year=2027, now=clock.now(), source=COMMAND)
        assert english(refused.value) == (
            f"{code} is not a State Party the bot knows. Write the State's two-letter ISO code in capitals, "
            "for example KH for Cambodia.")
        assert reports(session) == [] and article7_audit(session) == []


@pytest.mark.parametrize("year", [1998, 2028, 2100, 0, -2027])
def test_a_year_before_the_convention_or_after_next_years_deadline_is_refused(database, clock, year):
    with database() as session:
        with pytest.raises(BadYear) as refused, unit_of_work(session):
            mark_received(session, COMMAND_LINE, state_code="KH", year=year, now=clock.now(), source=COMMAND,
                          received_on=date(2026, 11, 1))
        assert english(refused.value) == (
            f"{year} is not a year a report can be recorded for. The year is that of the 30 April deadline "
            "(2027 for the report covering 2026): from 1999, when the Convention entered into force, to 2027, "
            "for a report sent before its deadline.")
        assert reports(session) == []


@pytest.mark.parametrize("year", [1999, 2026, 2027])
def test_the_first_and_last_years_are_accepted(database, clock, year):
    with database() as session, unit_of_work(session):
        mark_received(session, COMMAND_LINE, state_code="KH", year=year, now=clock.now(), source=COMMAND,
                      received_on=date(max(year - 1, 1999), 6, 1))
    with database() as session:
        assert queries.received_states(session, year) == {"KH"}


def test_next_years_deadline_moves_with_the_clock(database, clock):
    clock.advance(days=40)  # 2 January 2027: the report covering 2027 may come early, due 30 April 2028
    with database() as session, unit_of_work(session):
        mark_received(session, COMMAND_LINE, state_code="KH", year=2028, now=clock.now(), source=COMMAND)
    with database() as session:
        assert queries.received_states(session, 2028) == {"KH"}


@pytest.mark.parametrize("received_on", [date(2026, 11, 24), date(2025, 12, 31), date(2000, 1, 1)])
def test_a_report_is_received_between_the_start_of_the_year_it_covers_and_today(database, clock, received_on):
    with database() as session:
        with pytest.raises(BadDate) as refused, unit_of_work(session):
            mark_received(session, COMMAND_LINE, state_code="KH", year=2027, now=clock.now(), source=COMMAND,
                          received_on=received_on)
        assert english(refused.value) == (
            "A report for 2027 (covering 2026) is received between 1 January 2026 and today, 23 November 2026.")
        assert reports(session) == []


# ------------------------------------------------------------------------------------ twice


def test_recording_twice_is_a_polite_answer_and_the_first_recording_stays(database, clock):
    with database() as session, unit_of_work(session):
        mark_received(session, COMMAND_LINE, state_code="KH", year=2027, now=clock.now(), source=COMMAND,
                      received_on=date(2026, 11, 20))
    clock.advance(days=3)
    with database() as session:
        person = delegate(session, clock)
        with unit_of_work(session):
            again = mark_received(session, person, state_code="KH", year=2027, now=clock.now(), source=BUTTON)
    assert not again.new
    assert (again.report.received_on, again.report.recorded_by, again.report.source) == (
        date(2026, 11, 20), None, COMMAND)
    assert again.report.recorded_at == clock.now() - timedelta(days=3)
    with database() as session:
        assert reports(session) == [("KH", 2027, date(2026, 11, 20), None, COMMAND)]
        assert [a for a, *_ in article7_audit(session)] == ["article7.received"]  # one recording, one entry


# ------------------------------------------------------------------------------------ the list


def test_standing_lists_the_received_and_the_missing_states_parties_of_a_year(database, clock):
    with database() as session, unit_of_work(session):
        for code in ("NO", "KH"):
            mark_received(session, COMMAND_LINE, state_code=code, year=2027, now=clock.now(), source=COMMAND)
        mark_received(session, COMMAND_LINE, state_code="DE", year=2026, now=clock.now(), source=COMMAND,
                      received_on=date(2026, 4, 1))
    with database() as session:
        year = standing(session, 2027, today=clock.now().date())
        parties = {s.code for s in list_parties_on(session, date(2027, 4, 30))}
    assert [r.state_code for r in year.received] == ["KH", "NO"]
    assert year.missing == sorted(parties - {"KH", "NO"})
    assert "DE" in year.missing and "EE" not in year.missing  # Estonia's withdrawal took effect in 2025
    assert (year.deadline, year.covers) == (date(2027, 4, 30), 2026)


def test_standing_refuses_a_year_no_report_can_be_recorded_for(database, clock):
    with database() as session, pytest.raises(BadYear):
        standing(session, 2031, today=clock.now().date())


# ------------------------------------------------------------------------------------ import


def imported(database, clock, text: str) -> int:
    with database() as session, unit_of_work(session):
        return import_reports(session, text, now=clock.now())


def problems(database, clock, text: str) -> list[str]:
    with database() as session:
        with pytest.raises(ImportRefused) as refused, unit_of_work(session):
            import_reports(session, text, now=clock.now())
        assert reports(session) == [] and article7_audit(session) == []
    assert english(refused.value) == f"Nothing was imported. Lines with a problem: {len(refused.value.problems)}."
    return [f"line {p.line}: {english(p)}" for p in refused.value.problems]


def test_a_good_file_is_imported_and_counts_what_is_new(database, clock):
    with database() as session, unit_of_work(session):
        mark_received(session, COMMAND_LINE, state_code="NO", year=2026, now=clock.now(), source=COMMAND,
                      received_on=date(2026, 3, 2))
    text = ("\ufeffState,Year,Received_on\r\n"  # a spreadsheet's export: a BOM, capitals, CRLF
            "KH,2027,2026-11-20\r\n"
            " de , 2026 ,\r\n"  # spaces and a lower-case code are fine; no date: received today
            "\r\n"
            "NO,2026,2026-03-02\r\n"  # already recorded: not new, not an error
            ",,\r\n")
    assert imported(database, clock, text) == 2
    with database() as session:
        assert reports(session) == [("DE", 2026, date(2026, 11, 23), None, ReportSource.IMPORT),
                                    ("KH", 2027, date(2026, 11, 20), None, ReportSource.IMPORT),
                                    ("NO", 2026, date(2026, 3, 2), None, COMMAND)]
        assert [(a, actor, s, d, after["source"]) for a, actor, s, d, after in article7_audit(session)][1:] == [
            ("article7.received", None, "article7:KH:2027", "command line", "import"),
            ("article7.received", None, "article7:DE:2026", "command line", "import")]


def test_a_file_without_the_received_on_column_is_imported_as_received_today(database, clock):
    assert imported(database, clock, "state,year\nKH,2027\n") == 1
    with database() as session:
        assert reports(session) == [("KH", 2027, date(2026, 11, 23), None, ReportSource.IMPORT)]


def test_every_bad_line_is_named_and_nothing_is_imported(database, clock):
    text = "\n".join([
        "state,year,received_on",
        "KH,2027,2026-11-20",  # 2: fine, but not imported: the file has problems
        "ZZ,2027,",  # 3: unknown State
        "NO,1998,1998-05-01",  # 4: a year before the Convention
        "DE,2031,",  # 5: a year after next year's deadline
        "AF,twenty,",  # 6: not a year
        "AD,2027,20/11/2026",  # 7: not an ISO date
        "AT,2027,2026-11-30",  # 8: received after today
        "BE,2027",  # 9: a column short
        "BG,2027,2026-11-01,late",  # 10: a column too many
        "kh,2027,2026-11-21",  # 11: the same report as line 2
        "US,1900,tomorrow,x",  # 12: a column too many, nothing else said
    ])
    assert problems(database, clock, text) == [
        "line 3: ZZ is not a State Party the bot knows. Write the State's two-letter ISO code in capitals, for "
        "example KH for Cambodia.",
        "line 4: 1998 is not a year a report can be recorded for. The year is that of the 30 April deadline (2027 "
        "for the report covering 2026): from 1999, when the Convention entered into force, to 2027, for a report "
        "sent before its deadline.",
        "line 5: 2031 is not a year a report can be recorded for. The year is that of the 30 April deadline (2027 "
        "for the report covering 2026): from 1999, when the Convention entered into force, to 2027, for a report "
        "sent before its deadline.",
        "line 6: Write the year as four figures, for example 2027.",
        "line 7: Write the day the report was received as YYYY-MM-DD, for example 2027-04-12, or leave it empty.",
        "line 8: A report for 2027 (covering 2026) is received between 1 January 2026 and today, 23 November 2026.",
        "line 9: This line has 2 values; each line has 3: state, year, received_on.",
        "line 10: This line has 4 values; each line has 3: state, year, received_on.",
        "line 11: The report of KH for 2027 is already on line 2.",
        "line 12: This line has 4 values; each line has 3: state, year, received_on.",
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "KH,2027,2026-11-20\n", "state;year;received_on\nKH;2027;\n",
                                  "year,state\n2027,KH\n", "state,year,received_on,note\n"])
def test_a_file_without_the_header_is_refused_on_its_first_line(database, clock, text):
    assert problems(database, clock, text) == [
        "line 1: The first line names the columns: state,year,received_on (received_on may be left out)."]


def test_a_file_with_the_header_alone_imports_nothing(database, clock):
    assert imported(database, clock, "state,year,received_on\n") == 0


def test_a_line_csv_cannot_read_is_named_where_it_starts(database, clock):
    assert problems(database, clock, 'state,year\nKH,2027\n"NO,2026\nDE,2027\n') == [
        "line 3: This line cannot be read as CSV: check its quotes."]
    assert problems(database, clock, 'state,year\nKH,2027\n"NO"x,2026\nD\x00E,2027\n') == [
        "line 3: This line cannot be read as CSV: check its quotes.",
        "line 4: D\ufffdE is not a State Party the bot knows. Write the State's two-letter ISO code in capitals, "
        "for example KH for Cambodia."]
