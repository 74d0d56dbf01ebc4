"""`pfp calendar`: ISU staff keep the Convention's calendar from the command line. Through `bot.cli.main`
with the test clock on SQLite and PostgreSQL, and as a real subprocess that has nothing but DATABASE_URL.

Bad input is one line per problem naming the option, exit status 2, and nothing stored.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot import cli
from storage import audit
from storage.db import make_engine, upgrade
from storage.models import AuditEntry, ConventionEvent, EventKind
from tests.test_cli import assert_no_traceback, pfp

MSP = ["--kind", "msp", "--title", "Twenty-Third Meeting of the States Parties", "--starts", "2027-11-29",
       "--ends", "2027-12-03", "--place", "Geneva"]
INTERSESSIONAL = ["--kind", "intersessional", "--title", "Intersessional Meetings", "--starts", "2027-06-15",
                  "--ends", "2027-06-18", "--place", "Geneva"]


@pytest.fixture
def calendar_db(engine, database_url, monkeypatch, tmp_path):
    """A migrated database that `pfp` finds through DATABASE_URL alone (no .env, no Slack settings)."""
    upgrade(engine)
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PFP_ISU_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return engine


def run(clock, *args: str) -> int:
    return cli.main(["calendar", *args], clock=clock)


def stored(engine) -> list[ConventionEvent]:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return list(session.scalars(select(ConventionEvent).order_by(ConventionEvent.id)))


def calendar_audit(engine) -> list[AuditEntry]:
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        return [entry for entry in audit.entries(session) if entry.action.startswith("event.")]


def test_add_list_and_remove_events(calendar_db, clock, capsys):
    assert run(clock, "add", *MSP) == 0
    assert run(clock, "add", *INTERSESSIONAL) == 0
    added = capsys.readouterr()
    assert added.out.splitlines() == [
        "pfp: added event 1: Twenty-Third Meeting of the States Parties, 2027-11-29 to 2027-12-03.",
        "pfp: added event 2: Intersessional Meetings, 2027-06-15 to 2027-06-18.",
    ]
    assert added.err == ""
    [msp, intersessional] = stored(calendar_db)
    assert (msp.kind, msp.starts_on, msp.ends_on, msp.place, msp.created_by) == (
        EventKind.MSP, date(2027, 11, 29), date(2027, 12, 3), "Geneva", None)
    assert msp.created_at == clock.now() and intersessional.kind == EventKind.INTERSESSIONAL

    assert run(clock, "list") == 0
    # The clock says 23 November 2026: the 2027 deadline, then the meetings, in date order.
    assert capsys.readouterr().out.splitlines() == [
        "   -  2027-04-30                article7           Article 7 transparency reports due (covering 2026)",
        "   2  2027-06-15 to 2027-06-18  intersessional     Intersessional Meetings (Geneva)",
        "   1  2027-11-29 to 2027-12-03  msp                Twenty-Third Meeting of the States Parties (Geneva)",
    ]

    clock.advance(days=1)
    assert run(clock, "remove", "1") == 0
    assert capsys.readouterr().out == (
        "pfp: removed event 1: Twenty-Third Meeting of the States Parties, 2027-11-29 to 2027-12-03.\n")
    assert [event.id for event in stored(calendar_db)] == [2]
    assert [(e.action, e.actor, e.detail, e.subject) for e in calendar_audit(calendar_db)] == [
        ("event.added", None, "command line", "event:1"), ("event.added", None, "command line", "event:2"),
        ("event.removed", None, "command line", "event:1")]
    assert calendar_audit(calendar_db)[-1].at == clock.now()


def test_an_empty_calendar_lists_the_next_article7_deadline(calendar_db, clock, capsys):
    clock.advance(days=200)  # 11 June 2027: the 2027 deadline has passed
    assert run(clock, "list") == 0
    assert capsys.readouterr().out.splitlines() == [
        "   -  2028-04-30                article7           Article 7 transparency reports due (covering 2027)"]


def test_bad_input_is_one_line_per_problem_naming_the_option_and_nothing_is_stored(calendar_db, clock, capsys):
    status = run(clock, "add", "--kind", "pledging", "--title", " ", "--starts", "29/11/2027", "--ends", "2027-02-30",
                 "--place", "G" * 201)
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "pfp: --kind: Please choose one of the options. The kinds are: intersessional, msp, review_conference, other.",
        "pfp: --title: Please fill this in.",
        "pfp: --starts: Write the date as YYYY-MM-DD, for example 2027-11-29.",
        "pfp: --ends: Write the date as YYYY-MM-DD, for example 2027-11-29.",
        "pfp: --place: Please shorten this to 200 characters (it has 201).",
    ]
    assert stored(calendar_db) == [] and calendar_audit(calendar_db) == []


def test_an_end_before_the_start_is_refused(calendar_db, clock, capsys):
    assert run(clock, "add", *MSP[:-4], "--ends", "2027-11-28") == 2
    assert capsys.readouterr().err.splitlines() == ["pfp: --ends: The end date is before the start date."]
    assert stored(calendar_db) == []


def test_missing_options_are_each_named(calendar_db, clock, capsys):
    assert run(clock, "add") == 2
    assert capsys.readouterr().err.splitlines() == [
        "pfp: --kind: Please choose one. The kinds are: intersessional, msp, review_conference, other.",
        "pfp: --title: Please fill this in.",
        "pfp: --starts: Please fill this in.",
        "pfp: --ends: Please fill this in.",
    ]
    assert run(clock, "add", *MSP[:-4], "--ends", "2101-01-01") == 2
    assert capsys.readouterr().err == "pfp: --ends: Choose a date between 1 January 1997 and 31 December 2100.\n"
    assert stored(calendar_db) == []


@pytest.mark.parametrize("number", ["7", "abc", "0", "-1", "99999999999999999999"])
def test_removing_an_event_that_is_not_there_is_one_line(calendar_db, clock, capsys, number):
    assert run(clock, "add", *MSP) == 0
    capsys.readouterr()
    assert run(clock, "remove", "--", number) == 2
    [line] = capsys.readouterr().err.splitlines()
    if number == "7":
        assert line == "pfp: There is no event number 7 in the calendar. Type `pfp calendar list` to see the numbers."
    else:
        assert line == "pfp: ID: write the event's number as `pfp calendar list` shows it, for example 3."
    assert [event.id for event in stored(calendar_db)] == [1]
    assert [e.action for e in calendar_audit(calendar_db)] == ["event.added"]


def test_export_writes_the_icalendar_file(calendar_db, clock, capsys, tmp_path):
    assert run(clock, "add", *MSP) == 0
    capsys.readouterr()
    target = tmp_path / "convention.ics"
    assert run(clock, "export", "--output", str(target)) == 0
    assert capsys.readouterr().out == f"pfp: wrote the calendar (iCalendar, en) to {target}.\n"
    calendar = Calendar.from_ical(target.read_bytes())
    uids = sorted(str(event["uid"]) for event in calendar.walk("VEVENT"))
    assert uids == ["article7-2026@pfp", "article7-2027@pfp", "article7-2028@pfp", "event-1@pfp"]
    assert {event.decoded("dtstamp") for event in calendar.walk("VEVENT")} == {clock.now()}

    assert run(clock, "export", "--output", str(tmp_path / "no-such-folder" / "convention.ics")) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("pfp: cannot write ") and "No such file or directory" in line


def test_export_writes_to_standard_output_without_a_file(calendar_db, clock, capsysbinary):
    assert run(clock, "export", "--language", "es") == 0
    data = capsysbinary.readouterr().out
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert Calendar.from_ical(data)["x-wr-calname"] == "Convención sobre la Prohibición de las Minas Antipersonal"


def test_a_database_without_the_calendar_is_one_line(tmp_path, monkeypatch, capsys, clock):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "absent.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert cli.main(["calendar", "list"], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"pfp: there is no database file at {missing}") and "DATABASE_URL" in line
    assert not missing.exists()  # never created

    empty = tmp_path / "empty.sqlite3"
    make_engine(f"sqlite:///{empty}").connect().close()  # a file, no tables
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert cli.main(["calendar", "add", *MSP], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == "pfp: the database has no calendar yet: run `pfp db upgrade` (or check DATABASE_URL)."

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    assert cli.main(["calendar", "list"], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "cannot reach the database" in line and "DATABASE_URL" in line


# ------------------------------------------------------------------------------------ as a subprocess


def test_pfp_calendar_as_an_administrator_runs_it_with_only_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'pfp.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    variables = {"DATABASE_URL": url}  # no Slack settings at all
    today = datetime.now(UTC).date()  # the subprocess reads the system clock
    starts, ends = today + timedelta(days=400), today + timedelta(days=404)

    added = pfp(tmp_path, "calendar", "add", "--kind", "review_conference", "--title", "Sixth Review Conference",
                "--starts", starts.isoformat(), "--ends", ends.isoformat(), "--place", "Genève",
                variables=variables)
    assert added.returncode == 0, added.stderr
    assert added.stdout == f"pfp: added event 1: Sixth Review Conference, {starts} to {ends}.\n"
    assert_no_traceback(added)

    listed = pfp(tmp_path, "calendar", "list", variables=variables)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert f"   1  {starts} to {ends}  review_conference  Sixth Review Conference (Genève)" in lines
    deadlines = [line for line in lines if "article7" in line]
    assert deadlines and all(re.match(r"   -  \d{4}-04-30  ", line) for line in deadlines)
    assert lines == sorted(lines, key=lambda line: line[6:16])  # in date order

    exported = pfp(tmp_path, "calendar", "export", variables=variables)
    assert exported.returncode == 0, exported.stderr
    events = {str(e["uid"]): e for e in Calendar.from_ical(exported.stdout).walk("VEVENT")}
    assert events["event-1@pfp"].decoded("dtend") == ends + timedelta(days=1)
    assert str(events["event-1@pfp"]["location"]) == "Genève"
    assert f"article7-{today.year}@pfp" in events

    bad = pfp(tmp_path, "calendar", "add", "--kind", "msp", "--title", "Twenty-Third Meeting of the States Parties",
              "--starts", "2027-12-03", "--ends", "2027-11-29", variables=variables)
    assert bad.returncode == 2
    assert bad.stderr.splitlines() == ["pfp: --ends: The end date is before the start date."]
    assert_no_traceback(bad)

    gone = pfp(tmp_path, "calendar", "remove", "1", variables=variables)
    assert gone.returncode == 0, gone.stderr
    missing = pfp(tmp_path, "calendar", "remove", "1", variables=variables)
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [
        "pfp: There is no event number 1 in the calendar. Type `pfp calendar list` to see the numbers."]
    assert_no_traceback(missing)


def test_pfp_calendar_without_an_action_is_a_usage_error(tmp_path):
    result = pfp(tmp_path, "calendar", variables={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert result.returncode == 2
    assert "add" in result.stderr and "export" in result.stderr
    assert_no_traceback(result)
    assert not Path(tmp_path / "x.sqlite3").exists()
