"""Article 7 transparency reports recorded as received: the reminders stop for a State and year once its
report is recorded.

`year` is always the year of the 30 April deadline (`bot.calendar.article7_deadline`): 2027 is the report
due on 30 April 2027, covering 2026. Accepted years run from 1999, when the Convention entered into force,
to next year's deadline, so a report sent before its deadline (in December, say) can be recorded.

Who records one: ISU staff, for any State (from Slack, or the `pfp` command line, which acts as the ISU);
and a registered delegate of the State, for its own report only, with the **Report submitted** button of
the bot's reminders. A refused attempt raises `NotAuthorised` carrying its audit entry; every recording is
audited. Recording a report already recorded is not an error: nothing changes and the caller is told when
it was. These functions never commit: the caller owns the unit of work.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import COMMAND_LINE, Actor, CommandLine, article7_deadline
from bot.errors import N_, NotAuthorised, NotFound, PfpError, Refusal
from bot.registration.people import is_isu
from bot.text import StateCode
from storage import article7 as queries
from storage import audit
from storage.models import Article7Report, ReportSource, StateParty
from storage.states import get_state, list_parties_on

FIRST_YEAR: Final = 1999  # the Convention entered into force on 1 March 1999
COLUMNS: Final = ("state", "year", "received_on")  # ISU's CSV list of reports received

_CODE = re.compile(r"[A-Z]{2}")
_YEAR = re.compile(r"[0-9]{1,9}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

NOT_YOURS = N_("Only ISU staff and the delegates of {state} can record its Article 7 report. Nothing was recorded.")
ISU_ONLY = N_("Only ISU staff record reports by command; a delegate presses *Report submitted* in the bot's "
              "reminder. Nothing was recorded.")
UNKNOWN_STATE = N_("{code} is not a State Party the bot knows. Write the State's two-letter ISO code in capitals, "
                   "for example KH for Cambodia.")
BAD_YEAR = N_("{year} is not a year a report can be recorded for. The year is that of the 30 April deadline "
              "({example} for the report covering {covered}): from {first}, when the Convention entered into "
              "force, to {last}, for a report sent before its deadline.")
BAD_RECEIVED_ON = N_("A report for {year} (covering {covered}) is received between {first} and today, {today}.")
NOT_A_YEAR = N_("Write the year as four figures, for example 2027.")
NOT_A_DAY = N_("Write the day the report was received as YYYY-MM-DD, for example 2027-04-12, or leave it empty.")
NO_HEADER = N_("The first line names the columns: state,year,received_on (received_on may be left out).")
WRONG_COLUMNS = N_("This line has {found} values; each line has {expected}: {columns}.")
DUPLICATE = N_("The report of {code} for {year} is already on line {first}.")
NOT_CSV = N_("This line cannot be read as CSV: check its quotes.")
IMPORT_REFUSED = N_("Nothing was imported. Lines with a problem: {count}.")


class UnknownState(NotFound):
    """A code that is not a State Party in `state_parties`."""


class BadYear(PfpError):
    """A year no report can be recorded for (before 1999, or after next year's deadline)."""


class BadDate(PfpError):
    """A day of receipt before the year the report covers starts, or after today."""


@dataclass(frozen=True)
class Problem:
    """One bad line of an imported file: its number (the header is line 1) and what is wrong, to translate."""

    line: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)


class ImportRefused(PfpError):
    """A file with at least one bad line: nothing of it was imported; `problems` names every bad line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(IMPORT_REFUSED, count=len(problems))
        self.problems = problems


@dataclass(frozen=True)
class Recording:
    """What `mark_received` did: the report as recorded, and whether this call recorded it."""

    report: Article7Report
    new: bool


def subject(state_code: str, year: int) -> str:
    """The audit log's name for one report: `article7:KH:2027`."""
    return f"article7:{state_code}:{year}"


def snapshot(report: Article7Report) -> dict[str, Any]:
    return {"state": report.state_code, "year": report.year, "received_on": report.received_on.isoformat(),
            "source": report.source.value}


# ------------------------------------------------------------------------------------------ the rules


def _require_may_record(actor: Actor, *, state_code: str, year: int, source: ReportSource, now: datetime) -> None:
    """ISU staff and the command line record any State's report, however; a delegate records only their own
    State's, with the button. Anyone else is refused before anything is looked up; the attempt is audited."""
    if isinstance(actor, CommandLine) or is_isu(actor):
        return
    if source is ReportSource.BUTTON and actor.state_code is not None and actor.state_code == state_code:
        return
    refusal = Refusal(actor.slack_user_id, "article7.refused", subject(state_code, year), source.value, at=now)
    if source is ReportSource.BUTTON:
        raise NotAuthorised(NOT_YOURS, refusal=refusal, state=StateCode(state_code))
    raise NotAuthorised(ISU_ONLY, refusal=refusal)


def last_year(today: date) -> int:
    """The last deadline year a report can be recorded for: next year's."""
    return today.year + 1


def check_year(year: int, *, today: date) -> None:
    if not FIRST_YEAR <= year <= last_year(today):
        raise BadYear(BAD_YEAR, year=str(year), example=str(last_year(today)), covered=str(last_year(today) - 1),
                      first=str(FIRST_YEAR), last=str(last_year(today)))


def check_received_on(received_on: date, *, year: int, today: date) -> None:
    """A report covers the year before its deadline: it cannot arrive before that year starts, nor after today."""
    first = date(year - 1, 1, 1)
    if not first <= received_on <= today:
        raise BadDate(BAD_RECEIVED_ON, year=str(year), covered=str(year - 1), first=first, today=today)


def find_state(session: Session, code: str) -> StateParty:
    """The State Party with this ISO code, written in capitals; anything else is an unknown State."""
    state = get_state(session, code) if _CODE.fullmatch(code) else None
    if state is None:
        raise UnknownState(UNKNOWN_STATE, code=code)
    return state


def _audited_as(actor: Actor) -> tuple[str | None, str | None]:
    """(actor, detail) for the audit log and `recorded_by`."""
    if isinstance(actor, CommandLine):
        return None, "command line"
    return actor.slack_user_id, None


# ------------------------------------------------------------------------------------------ recording


def mark_received(session: Session, actor: Actor, *, state_code: str, year: int, now: datetime,
                  source: ReportSource, received_on: date | None = None) -> Recording:
    """Records the report of `state_code` for `year` (the deadline's year) as received on `received_on`
    (today when not given). Already recorded: nothing changes, and the recording returned says so."""
    _require_may_record(actor, state_code=state_code, year=year, source=source, now=now)
    today = now.date()
    check_year(year, today=today)
    find_state(session, state_code)
    received_on = received_on or today
    check_received_on(received_on, year=year, today=today)
    return _record(session, actor, state_code=state_code, year=year, received_on=received_on, source=source,
                   now=now)


def _record(session: Session, actor: Actor, *, state_code: str, year: int, received_on: date,
            source: ReportSource, now: datetime) -> Recording:
    who, detail = _audited_as(actor)
    new = queries.record_received(session, state_code=state_code, year=year, received_on=received_on,
                                  recorded_by=who, source=source, now=now)
    report = queries.report_of(session, state_code, year)
    assert report is not None  # just inserted, or there before
    if new:
        audit.record(session, at=now, actor=who, action="article7.received", subject=subject(state_code, year),
                     after=snapshot(report), detail=detail)
    return Recording(report=report, new=new)


# ------------------------------------------------------------------------------------------ import


def import_reports(session: Session, text: str, *, now: datetime) -> int:
    """ISU's list of reports received, as CSV with a header (`state,year,received_on`; the received_on
    column, or a value of it, may be left out: received today). All or nothing: any bad line (an unknown
    State, a bad year or day, a wrong number of values, a report twice) refuses the whole file, naming every
    bad line. Reports already recorded are left as they are. Returns how many were new. Acts as the ISU."""
    rows = _read_rows(session, text, today=now.date())
    return sum(_record(session, COMMAND_LINE, state_code=code, year=year, received_on=received_on,
                       source=ReportSource.IMPORT, now=now).new for code, year, received_on in rows)


def _read_rows(session: Session, text: str, *, today: date) -> list[tuple[str, int, date]]:
    """Every line of the file checked, before anything is recorded."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")), strict=True)
    problems: list[Problem] = []
    header = _next_row(reader, problems)
    if header is None or [cell.strip().lower() for cell in header[1]] not in (list(COLUMNS), list(COLUMNS[:2])):
        raise ImportRefused([Problem(1, NO_HEADER)])
    width = len(header[1])
    known = set(session.scalars(select(StateParty.code)))
    rows: list[tuple[str, int, date]] = []
    first_seen: dict[tuple[str, int], int] = {}
    while (got := _next_row(reader, problems)) is not None:
        line, cells = got
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or a spreadsheet's empty row
        read = _read_line(line, cells, width=width, known=known, today=today)
        if isinstance(read, Problem):
            problems.append(read)
            continue
        code, year, _received_on = read
        if (code, year) in first_seen:
            problems.append(Problem(line, DUPLICATE, {"code": code, "year": str(year),
                                                      "first": str(first_seen[code, year])}))
            continue
        first_seen[code, year] = line
        rows.append(read)
    if problems:
        raise ImportRefused(problems)
    return rows


def _next_row(reader, problems: list[Problem]) -> tuple[int, list[str]] | None:
    """(the line a record starts on, its cells); a line CSV cannot read is a problem, and reading goes on."""
    while True:
        line = reader.line_num + 1
        try:
            return line, next(reader)
        except StopIteration:
            return None
        except csv.Error:
            problems.append(Problem(line, NOT_CSV))


def _read_line(line: int, cells: list[str], *, width: int, known: set[str],
               today: date) -> tuple[str, int, date] | Problem:
    if len(cells) != width:
        return Problem(line, WRONG_COLUMNS, {"found": str(len(cells)), "expected": str(width),
                                             "columns": ", ".join(COLUMNS[:width])})
    code, raw_year, raw_day = (cell.strip() for cell in [*cells, ""][:3])
    code = code.upper()
    if code not in known:
        return Problem(line, UNKNOWN_STATE, {"code": _shown(code)})
    if not _YEAR.fullmatch(raw_year):
        return Problem(line, NOT_A_YEAR)
    year = int(raw_year)
    received_on = today
    if raw_day:
        try:
            if not _ISO_DAY.fullmatch(raw_day):
                raise ValueError(raw_day)
            received_on = date.fromisoformat(raw_day)
        except ValueError:
            return Problem(line, NOT_A_DAY)
    try:
        check_year(year, today=today)
        check_received_on(received_on, year=year, today=today)
    except (BadYear, BadDate) as error:
        return Problem(line, error.message, error.params)
    return code, year, received_on


def _shown(cell: str, limit: int = 20) -> str:
    """A cell as a message shows it: control characters replaced, cut short."""
    text = "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in cell)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------ listing


@dataclass(frozen=True)
class YearStanding:
    """Where the reports of one deadline year stand: those received, and the States Parties still missing."""

    year: int
    received: list[Article7Report]
    missing: list[str]  # codes of the States Parties on the deadline day with no report recorded

    @property
    def deadline(self) -> date:
        return article7_deadline(self.year)

    @property
    def covers(self) -> int:
        return self.year - 1


def standing(session: Session, year: int, *, today: date) -> YearStanding:
    """The reports of `year` received, and the States Parties on its 30 April deadline without one."""
    check_year(year, today=today)
    received = queries.reports_of_year(session, year)
    done = {report.state_code for report in received}
    parties = list_parties_on(session, article7_deadline(year))
    return YearStanding(year=year, received=received,
                        missing=sorted(state.code for state in parties if state.code not in done))
