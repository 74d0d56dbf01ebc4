"""The `pfp` command: `pfp serve`, `pfp db upgrade`, `pfp states sync`, `pfp export`, `pfp calendar`,
`pfp article7`, `pfp report`."""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.clock import Clock
from bot.meetings import cli as meetings_cli
from bot.partnerships import cli as partnerships_cli
from bot.reminders import cli as reminders_cli
from bot.settings import Settings, SettingsError, database_url_from_env, slack_settings_given

EXIT_CONFIG = 2
_NO_FILE = ", or run `pfp db upgrade` to create it."


def _fail(message: str) -> int:
    print(f"pfp: {message}", file=sys.stderr)
    return EXIT_CONFIG


def _database_error(url: str, error: Exception) -> str:
    reason = str(getattr(error, "orig", error)).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":  # a file, not a server
        return (f"cannot open the SQLite database file {parsed.database} ({reason[:160]}): check DATABASE_URL, and "
                "that its folder exists and this user may write there.")
    shown = parsed.render_as_string(hide_password=True)
    return (
        f"cannot reach the database at {shown} ({reason[:160]}): check DATABASE_URL and that the database server "
        "is running."
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pfp")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def main(argv: list[str] | None = None, *, clock: Clock | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pfp", description="Platform for Partnerships Slack bot")
    parser.add_argument("--version", action="version", version=f"pfp {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the bot (HTTP on PORT, or Socket Mode when SLACK_APP_TOKEN is set; "
                        "with no Slack settings at all, the sandbox)")
    commands.add_parser("sandbox", help="try the whole bot in a browser on this machine, with no Slack workspace")
    commands.add_parser("health", help="exit 0 when the database answers and Slack accepts the bot token (a health "
                        "check for Socket Mode, which has no /healthz), else say what fails and exit 1")
    db = commands.add_parser("db", help="database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply the schema migrations")
    states = commands.add_parser("states", help="States Parties reference data")
    states.add_argument("action", choices=["sync"], help="sync: add and update States from the reference file")
    states.add_argument("--file", type=Path, help="a CSV file in the format of storage/reference/states_parties.csv")
    export = commands.add_parser(
        "export",
        help="write Platform entries for the Convention's website, or the partnerships (needs only DATABASE_URL, "
        "no Slack settings)",
        description="Write the Platform for Partnerships entries (needs and offers; never withdrawn ones), or the "
        "partnerships for completion a reader may see, as CSV or JSON. Reads only DATABASE_URL (default "
        "sqlite:///pfp.sqlite3), from the environment or .env; Slack settings are not needed.",
    )
    export.add_argument("what", choices=["platform", "partnerships"],
                        help="platform: the needs and offers; partnerships: the partnerships for completion")
    export.add_argument("--format", dest="fmt", choices=["csv", "json"], required=True, help="csv or json")
    export.add_argument(
        "--visibility", choices=["public", "states", "isu"], default="public",
        help="public (default): the public entries only; states: also those visible to States Parties; "
        "isu: also the confidential ones, for the ISU (partnerships: public and states see none, isu all)",
    )
    export.add_argument("--as", dest="as_user", metavar="SLACK_USER",
                        help="partnerships only: what this person may see (their State's or organisation's "
                        "partnerships; all of them for ISU staff and the Committee)")
    export.add_argument("--output", type=Path, metavar="FILE", help="write to FILE (UTF-8) instead of standard output")
    _calendar_parser(commands)
    _article7_parser(commands)
    reminders_cli.add_parser(commands)
    meetings_cli.add_parser(commands)
    partnerships_cli.add_parser(commands)
    commands.add_parser("scheduler", help="run the reminders' scheduler alone (with PFP_SCHEDULER=off in pfp serve)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces each of its internal plugins at INFO on every start: noise around the one line
    # an administrator needs to read (e.g. "cannot reach the database").
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    if args.command == "export" and args.what == "partnerships":  # the same
        from bot.clock import SystemClock

        return partnerships_cli.export(args, clock=clock or SystemClock(), database_for=_database_for, fail=_fail,
                                       write_out=_write_out, database_error=_database_error)
    if args.command == "export":  # talks to the database only: no Slack settings required
        if args.as_user is not None:
            return _fail("--as is for `pfp export partnerships`; the Platform's export reads at a --visibility.")
        return _export(args)
    if args.command == "report":  # the same
        from bot.clock import SystemClock

        return partnerships_cli.report(args, clock=clock or SystemClock(), database_for=_database_for, fail=_fail,
                                       write_out=_write_out, database_error=_database_error)
    if args.command == "calendar":  # the same
        from bot.clock import SystemClock

        return _calendar(args, clock or SystemClock())
    if args.command == "reminders" and args.action == "preview":  # the same: it sends nothing
        return _preview(args)
    if args.command == "meeting":  # the same
        return meetings_cli.run(args, database_for=_database_for, fail=_fail, write_out=_write_out)
    if args.command == "article7":  # the same
        from bot.clock import SystemClock

        return _article7(args, clock or SystemClock())
    if args.command == "health":
        return _health()
    if args.command in ("db", "states"):  # the database alone: no Slack settings needed
        return _database_maintenance(args, clock)
    if args.command == "sandbox" or (args.command == "serve" and not slack_settings_given()):
        return _sandbox()
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        return _fail(str(error))

    from bot.clock import SystemClock
    from bot.startup import prepare_database
    from storage.db import make_engine

    engine = make_engine(settings.database_url)
    clock = clock or SystemClock()
    try:
        prepare_database(engine, settings, clock)
        if args.command == "reminders":
            return reminders_cli.tick(args, engine, settings, clock)
        if args.command == "scheduler":
            return _scheduler_alone(settings, engine, clock)
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(settings.database_url, error))
    return _serve(settings, engine, clock)


def _health() -> int:
    """One line, and 0 only when both the database and Slack answer (no migration, nothing written)."""
    from slack_sdk.errors import SlackApiError

    from bot.slack import make_web_client
    from storage.db import make_engine, ping

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        return _fail(str(error))
    engine = make_engine(settings.database_url)
    try:
        ping(engine)
    except (OperationalError, DBAPIError) as error:
        print(f"pfp: unhealthy: {_database_error(settings.database_url, error)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    try:
        make_web_client(settings).auth_test()
    except (SlackApiError, OSError) as error:
        reason = error.response.get("error") if isinstance(error, SlackApiError) else error.__class__.__name__
        print(f"pfp: unhealthy: Slack at {settings.slack_api_url} did not accept the bot token ({reason}).",
              file=sys.stderr)
        return 1
    print("pfp: healthy: the database answers and Slack accepts the bot token.")
    return 0


def _database_maintenance(args: argparse.Namespace, clock: Clock | None) -> int:
    """`pfp db upgrade` and `pfp states sync`: DATABASE_URL is all they read."""
    from bot.clock import SystemClock
    from storage.db import make_engine, upgrade

    try:
        url = database_url_from_env()
    except SettingsError as error:
        return _fail(str(error))
    engine = make_engine(url)
    try:
        upgrade(engine)
        if args.command == "db":
            print("pfp: the database schema is up to date.")
            return 0
        return _sync_states(engine, clock or SystemClock(), args.file)
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(url, error))
    finally:
        engine.dispose()


def _database_for(table: str, *, no_file: str, no_table: str):
    """DATABASE_URL alone, for the commands that never talk to Slack: (url, engine) on an existing database
    holding `table`, or the exit status after one line saying what to do. Never creates a SQLite file."""
    from sqlalchemy import inspect

    from storage.db import make_engine

    try:
        url = database_url_from_env()
    except SettingsError as error:
        return _fail(str(error))
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).exists():
        return _fail(f"there is no database file at {parsed.database}: check DATABASE_URL{no_file}")
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table(table):
            engine.dispose()
            return _fail(no_table)
    except (OperationalError, DBAPIError) as error:
        engine.dispose()
        return _fail(_database_error(url, error))
    return url, engine


def _sync_states(engine, clock, path: Path | None) -> int:
    from storage.db import make_session_factory
    from storage.states import REFERENCE_FILE, count_states, sync_reference

    with make_session_factory(engine)() as session:
        try:
            added, updated = sync_reference(session, clock.now(), path or REFERENCE_FILE)
        except (OSError, ValueError) as error:
            return _fail(f"cannot read the States Parties file: {error}")
        session.commit()
        held = count_states(session)
    if added == updated == 0:  # e.g. what the bot's first start loaded: "0 added" would read as a failure
        print(f"pfp: States Parties: the database already holds all {held} as the reference file has them "
              "(the bot loads them when it first starts); nothing to change.")
    else:
        print(f"pfp: States Parties: {added} added, {updated} updated; the database holds {held}.")
    return 0


def _export(args: argparse.Namespace) -> int:

    from bot.clock import SystemClock
    from bot.platform.export import collect, render
    from storage.db import make_session_factory
    from storage.taxonomy import Visibility

    opened = _database_for("needs", no_file=" (an export never creates one).",
                           no_table="the database has no Platform tables yet: run `pfp db upgrade` (or check "
                                    "DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    visibility = Visibility(args.visibility)
    try:
        now = SystemClock().now()
        with make_session_factory(engine)() as session:
            records = collect(session, visibility=visibility, now=now)
        data = render(records, fmt=args.fmt, visibility=visibility, now=now).encode("utf-8")
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(url, error))
    finally:
        engine.dispose()
    if visibility != Visibility.PUBLIC:
        print(f"pfp: this export includes entries that are not public (visibility: {args.visibility}); "
              "do not publish it.", file=sys.stderr)
    return _write_out(data, args.output, f"{len(records)} entries ({args.fmt}, visibility: {args.visibility})")


# ------------------------------------------------------------------------------------------- calendar

_EVENT_ID = re.compile(r"[1-9][0-9]{0,8}")  # within every database's integer


def _calendar_parser(commands) -> None:
    from storage.models import EventKind

    calendar = commands.add_parser(
        "calendar",
        help="the Convention's calendar: meetings ISU staff enter, and the 30 April Article 7 deadline "
        "(needs only DATABASE_URL)",
        description="Keep the Convention's calendar as the ISU: the Intersessional Meetings, the Meeting of the States "
        "Parties, Review Conferences and other meetings. The Article 7 deadline (30 April) is built in. Reads only "
        "DATABASE_URL, from the environment or .env; Slack settings are not needed.",
    )
    actions = calendar.add_subparsers(dest="action", required=True, metavar="{add,list,remove,export}")
    add = actions.add_parser("add", help="add a meeting", description="Add a meeting to the calendar.")
    add.add_argument("--kind", help=f"one of: {', '.join(kind.value for kind in EventKind)}")
    add.add_argument("--title", help='for example "Twenty-Third Meeting of the States Parties"')
    add.add_argument("--starts", metavar="YYYY-MM-DD", help="the first day")
    add.add_argument("--ends", metavar="YYYY-MM-DD", help="the last day (the same as --starts for one day)")
    add.add_argument("--place", help='for example "Geneva" (optional)')
    actions.add_parser("list", help="the coming dates, with the Article 7 deadlines, one a line")
    remove = actions.add_parser("remove", help="remove a meeting by its number (see list)")
    remove.add_argument("event_id", metavar="ID", help="the event's number, as `pfp calendar list` shows it")
    export = actions.add_parser("export", help="the calendar as an iCalendar (.ics) file to subscribe to")
    export.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    export.add_argument("--language", choices=["en", "fr", "es"], default="en",
                        help="the language of the calendar's name and of the Article 7 deadlines (default: en)")


def _calendar(args: argparse.Namespace, clock: Clock) -> int:
    """`pfp calendar ...`, acting as the ISU. Input is checked before the database is opened: bad input
    touches nothing."""

    from storage.db import make_session_factory

    form = event_id = None
    if args.action == "add":
        form = _calendar_form(args)
        if form is None:
            return EXIT_CONFIG
    if args.action == "remove":
        if not _EVENT_ID.fullmatch(args.event_id):
            return _fail("ID: write the event's number as `pfp calendar list` shows it, for example 3.")
        event_id = int(args.event_id)
    opened = _database_for("convention_events", no_file=_NO_FILE,
                           no_table="the database has no calendar yet: run `pfp db upgrade` (or check DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    now = clock.now()
    try:
        with make_session_factory(engine)() as session:
            if form is not None:
                return _calendar_add(session, form, now)
            if event_id is not None:
                return _calendar_remove(session, event_id, now)
            if args.action == "list":
                return _calendar_list(session, now)
            return _calendar_export(session, now, output=args.output, language=args.language)
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(url, error))
    finally:
        engine.dispose()


def _calendar_form(args: argparse.Namespace):
    """The event `pfp calendar add` describes, or None once every problem is printed, naming its option."""
    from bot import calendar
    from bot.errors import FieldErrors
    from storage.models import EventKind

    options = {calendar.F_KIND: ("--kind", args.kind), calendar.F_TITLE: ("--title", args.title),
               calendar.F_STARTS: ("--starts", args.starts), calendar.F_ENDS: ("--ends", args.ends),
               calendar.F_PLACE: ("--place", args.place)}
    try:
        return calendar.read_event_form({field: value for field, (_option, value) in options.items()})
    except FieldErrors as problems:
        for field, (message, params) in problems.errors.items():
            line = f"pfp: {options[field][0]}: {_english(message, **params)}"
            if field == calendar.F_KIND:
                line += f" The kinds are: {', '.join(kind.value for kind in EventKind)}."
            print(line, file=sys.stderr)
        return None


def _calendar_add(session, form, now) -> int:
    from bot import calendar

    with calendar.unit_of_work(session, now=now):
        event = calendar.add_event(session, calendar.COMMAND_LINE, form, now=now)
    _write_stdout(f"pfp: added event {event.id}: {event.title}, {_days(event.starts_on, event.ends_on)}.\n")
    return 0


def _calendar_remove(session, event_id: int, now) -> int:
    from bot import calendar
    from bot.errors import NotFound

    try:
        with calendar.unit_of_work(session, now=now):
            event = calendar.remove_event(session, calendar.COMMAND_LINE, event_id, now=now)
    except NotFound as missing:
        return _fail(f"{_english(missing.message, **missing.params)} Type `pfp calendar list` to see the numbers.")
    _write_stdout(f"pfp: removed event {event_id}: {event.title}, {_days(event.starts_on, event.ends_on)}.\n")
    return 0


def _calendar_list(session, now) -> int:
    from bot.calendar import upcoming
    from bot.i18n import Translator

    tr = Translator("en")
    _write_stdout("".join(f"{_calendar_line(occurrence, tr)}\n" for occurrence in upcoming(session, now.date())))
    return 0


def _calendar_export(session, now, *, output: Path | None, language: str) -> int:
    from bot.calendar.ics import export_calendar

    return _write_out(export_calendar(session, now=now, language=language), output,
                      f"the calendar (iCalendar, {language})")


# ------------------------------------------------------------------------------------------- article7

_STATE = re.compile(r"[A-Za-z]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _article7_parser(commands) -> None:
    article7 = commands.add_parser(
        "article7",
        help="the Article 7 transparency reports received, by State and year (needs only DATABASE_URL)",
        description="Record, as the ISU, the Article 7 transparency reports received: the reminders stop for a "
        "State and year once its report is recorded. YEAR is the year of the 30 April deadline: 2027 for the "
        "report covering 2026. Reads only DATABASE_URL, from the environment or .env; Slack settings are not "
        "needed.",
    )
    actions = article7.add_subparsers(dest="action", required=True, metavar="{received,import,list}")
    received = actions.add_parser("received", help="record one State's report as received",
                                  description="Record one State's Article 7 report as received.")
    received.add_argument("state", metavar="STATE", help="the State's two-letter ISO code, for example KH")
    received.add_argument("year", metavar="YEAR", help="the year of the 30 April deadline, for example 2027")
    received.add_argument("--on", metavar="YYYY-MM-DD", help="the day it was received (default: today)")
    imported = actions.add_parser(
        "import", help="record the reports listed in a CSV file (all or nothing)",
        description="Record the reports listed in a CSV file, UTF-8, with a header line: state,year,received_on "
        "(an ISO code, the deadline's year, an optional YYYY-MM-DD day; received today when left out). Any bad "
        "line refuses the whole file, and every bad line is named.")
    imported.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file")
    listed = actions.add_parser("list", help="the reports received and the States Parties missing for a year")
    listed.add_argument("year", metavar="YEAR", help="the year of the 30 April deadline, for example 2027")


def _article7(args: argparse.Namespace, clock: Clock) -> int:
    """`pfp article7 ...`, acting as the ISU. Input is checked, and a file read, before the database is
    opened: bad input touches nothing."""

    from bot.errors import PfpError
    from storage.db import make_session_factory

    text = received_on = None
    if args.action == "import":
        text = _read_text(args.file)
        if text is None:
            return EXIT_CONFIG
    else:
        if args.action == "received" and not _STATE.fullmatch(args.state):
            return _fail("STATE: write the State's two-letter ISO code, for example KH.")
        if not _YEAR.fullmatch(args.year):
            return _fail("YEAR: write the year of the 30 April deadline as four figures, for example 2027 for the "
                         "report covering 2026.")
        if args.action == "received" and args.on is not None:
            received_on = _iso_day(args.on)
            if received_on is None:
                return _fail("--on: write the day as YYYY-MM-DD, for example 2027-04-12.")
    opened = _database_for("article7_reports", no_file=_NO_FILE,
                           no_table="the database has no Article 7 reports yet: run `pfp db upgrade` (or check "
                                    "DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    now = clock.now()
    try:
        with make_session_factory(engine)() as session:
            if args.action == "received":
                return _article7_received(session, args.state.upper(), int(args.year), received_on, now)
            if args.action == "import":
                return _article7_import(session, args.file, text, now)
            return _article7_list(session, int(args.year), now)
    except PfpError as error:
        return _fail(_english(error.message, **error.params))
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(url, error))
    finally:
        engine.dispose()


def _read_text(path: Path) -> str | None:
    """A file's text, or None once the one line saying why not is printed."""
    try:
        data = path.read_bytes()
    except OSError as error:
        _fail(f"cannot read {path}: {error.strerror or error}.")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        _fail(f'{path} is not UTF-8 text: save it again as CSV UTF-8 (a spreadsheet\'s "CSV UTF-8" format).')
        return None


def _iso_day(text: str):
    from datetime import date

    if not _DAY.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _article7_received(session, state_code: str, year: int, received_on, now) -> int:
    from bot.calendar import COMMAND_LINE
    from bot.reminders.article7 import mark_received
    from bot.work import unit_of_work
    from storage.models import ReportSource

    with unit_of_work(session, now=now):
        recording = mark_received(session, COMMAND_LINE, state_code=state_code, year=year, now=now,
                                  source=ReportSource.COMMAND, received_on=received_on)
    report, name = recording.report, f"{_english_country(state_code)} ({state_code})"
    if recording.new:
        _write_stdout(f"pfp: recorded the Article 7 report of {name} for {year} (covering {year - 1}), received on "
                      f"{report.received_on.isoformat()}.\n")
    else:
        _write_stdout(f"pfp: the Article 7 report of {name} for {year} was already recorded on "
                      f"{report.recorded_at.date().isoformat()} (received on {report.received_on.isoformat()}); "
                      "nothing changed.\n")
    return 0


def _article7_import(session, path: Path, text: str, now) -> int:
    from bot.reminders.article7 import ImportRefused, import_reports
    from bot.work import unit_of_work

    try:
        with unit_of_work(session, now=now):
            new = import_reports(session, text, now=now)
    except ImportRefused as refused:
        for problem in refused.problems:
            print(f"pfp: {path} line {problem.line}: {_english(problem.message, **problem.params)}", file=sys.stderr)
        return _fail(_english(refused.message, **refused.params))
    _write_stdout(f"pfp: imported {path}: {new} new report{'' if new == 1 else 's'} recorded.\n")
    return 0


def _article7_list(session, year: int, now) -> int:
    """The year's reports received (State, day, how), then the States Parties missing, each by code."""
    from bot.i18n import Translator
    from bot.reminders.article7 import standing

    year_standing = standing(session, year, today=now.date())
    lines = [f"Article 7 reports for {year} (due {Translator('en').date(year_standing.deadline)}, covering "
             f"{year_standing.covers}): {len(year_standing.received)} received, {len(year_standing.missing)} missing."]
    lines += [f"received  {r.state_code}  {r.received_on.isoformat()}  {r.source.value:<7}  "
              f"{_english_country(r.state_code)}" for r in year_standing.received]
    lines += [f"missing   {code}  {'':<10}  {'':<7}  {_english_country(code)}" for code in year_standing.missing]
    _write_stdout("".join(f"{line}\n" for line in lines))
    return 0


def _english_country(code: str) -> str:
    from bot.i18n import country_name

    return country_name(code, "en")


def _english(message: str, **params) -> str:
    """A domain message as the command line shows it: in English, like the rest of it."""
    from bot.i18n import Translator

    return Translator("en")._(message, **params)


def _days(first, last) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def _calendar_line(occurrence, tr) -> str:
    """One date of `pfp calendar list`: number (- for the built-in deadline), days, kind, title (place)."""
    number = "-" if occurrence.event_id is None else str(occurrence.event_id)
    place = f" ({occurrence.place})" if occurrence.place else ""
    kind = str(occurrence.kind)
    return f"{number:>4}  {_days(occurrence.starts_on, occurrence.ends_on):<24}  {kind:<17}  " \
           f"{occurrence.heading(tr)}{place}"


def _write_out(data: bytes, output: Path | None, what: str) -> int:
    """A file's bytes to standard output, or to `output` with one line saying what was written there."""
    if output is None:
        _write_stdout(data)
        return 0
    try:
        output.write_bytes(data)
    except OSError as error:
        return _fail(f"cannot write {output}: {error.strerror or error}.")
    _write_stdout(f"pfp: wrote {what} to {output}.\n")
    return 0


def _write_stdout(data: bytes | str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data.encode("utf-8") if isinstance(data, str) else data)  # UTF-8 whatever the console
    sys.stdout.buffer.flush()


def _sandbox() -> int:
    from bot.sandbox.run import run
    from bot.settings import sandbox_settings_from_env

    try:
        port, database_url = sandbox_settings_from_env()
    except SettingsError as error:
        return _fail(str(error))
    return run(port=port, database_url=database_url)


def _serve(settings: Settings, engine, clock) -> int:
    from slack_bolt.error import BoltError

    from bot.app import create_app
    from bot.metrics import Metrics
    from bot.slack import make_notifier

    # The process's one set of metrics, shown at /metrics: HTTP mode only, Socket Mode has no HTTP server.
    metrics = None if settings.socket_mode else Metrics()
    notifier = make_notifier(settings, metrics=metrics)  # the listeners' and the scheduler's: one pace for both
    try:
        app = create_app(settings, engine=engine, clock=clock, notifier=notifier)
    except BoltError as error:
        return _fail(
            f"Slack did not accept the bot token ({error}): check SLACK_BOT_TOKEN and SLACK_API_URL, "
            "and that the app is installed in the workspace."
        )
    except OSError as error:  # URLError, refused or timed-out connections: Slack never answered auth.test
        reason = getattr(error, "reason", None) or error
        return _fail(
            f"cannot reach Slack at {settings.slack_api_url} ({reason}): check SLACK_API_URL and that this "
            "machine can open HTTPS connections to Slack."
        )
    scheduler = _scheduler(settings, engine, clock, notifier, metrics) if settings.reminders.in_serve else None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler
        from slack_sdk.errors import SlackApiError

        logging.getLogger("pfp").info("connecting to Slack in Socket Mode")
        try:
            SocketModeHandler(app, settings.slack_app_token).start()
        except SlackApiError as error:
            return _fail(
                f"Slack did not accept the app-level token ({error.response.get('error')}): check SLACK_APP_TOKEN "
                "(Basic Information -> App-Level Tokens, scope connections:write) and that Socket Mode is on."
            )
        finally:
            if scheduler is not None:
                scheduler.stop()
        return 0

    from bot.server import create_server, make_wsgi_app

    wsgi = make_wsgi_app(app, engine, signing_secret=settings.slack_signing_secret, clock=clock,
                         scheduler_role=scheduler.role if scheduler is not None else None, metrics=metrics)
    server = create_server(wsgi, host=settings.host, port=settings.port)
    # `docker stop` and systemd send SIGTERM: leave the loop the same way Ctrl-C does, and close cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("pfp").info("serving Slack requests on http://%s:%s/slack/events", settings.host, settings.port)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        if scheduler is not None:
            scheduler.stop()
    logging.getLogger("pfp").info("stopped")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from bot.settings import reminder_settings_from_env
    from storage.db import make_engine

    try:
        url, reminders = database_url_from_env(), reminder_settings_from_env()
    except SettingsError as error:
        return _fail(str(error))
    engine = make_engine(url)
    try:
        return reminders_cli.preview(args, engine, reminders)
    except (OperationalError, DBAPIError) as error:
        return _fail(_database_error(url, error))
    finally:
        engine.dispose()


def _scheduler(settings: Settings, engine, clock, notifier, metrics=None):
    """The reminders' scheduler, started: in `pfp serve`, or alone (`pfp scheduler`)."""
    from scheduled.scheduler import Scheduler

    scheduler = Scheduler(engine, clock, notifier, settings.reminders, every=settings.reminders.every,
                          leadership_every=settings.reminders.leadership, isu_channel=settings.isu_channel,
                          metrics=metrics)
    scheduler.start()
    return scheduler


def _scheduler_alone(settings: Settings, engine, clock) -> int:
    import threading

    from bot.slack import make_notifier

    scheduler = _scheduler(settings, engine, clock, make_notifier(settings))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    logging.getLogger("pfp").info("scheduler running: a tick every %s", settings.reminders.every)
    try:
        threading.Event().wait()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        scheduler.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
