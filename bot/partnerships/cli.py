"""`pfp export partnerships --format csv|json [--as U123 | --visibility ...]` and `pfp report committee --year
2027 --format docx|md [--language fr] [--output FILE]`: from the database alone, no Slack settings needed."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_USER = re.compile(r"[UW][A-Z0-9]{2,31}")  # a Slack user ID, as the people table keeps it
_YEAR = re.compile(r"(19|20)[0-9]{2}")


def add_parser(commands) -> None:
    report = commands.add_parser("report", help="reports drafted from the database (needs only DATABASE_URL)")
    kinds = report.add_subparsers(dest="report", required=True, metavar="{committee}")
    committee = kinds.add_parser(
        "committee", help="the Committee on the Enhancement of Cooperation and Assistance's annual account of the "
        "partnerships for completion, for the Meeting of the States Parties",
        description="Draft the Committee's account of the partnerships for completion for a year: partnerships "
        "formed, active, at risk and completed; by area, kind and type of partner; targets met; commitments made "
        "and disbursed by currency; the needs that found no partner in six months (named only where the State "
        "consented to the Committee's mapping). Reads only DATABASE_URL.")
    committee.add_argument("--year", required=True, help="the year accounted for, e.g. 2027")
    committee.add_argument("--format", dest="fmt", choices=["docx", "md"], required=True, help="docx or md")
    committee.add_argument("--language", choices=["en", "fr", "es"], default="en",
                           help="the report's language (default en)")
    committee.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")


def export(args: argparse.Namespace, *, clock, database_for, fail, write_out, database_error) -> int:
    """`pfp export partnerships`: only what the reader may see. `--as` reads as that person; otherwise the
    level of `--visibility` (public by default, which sees no partnership: their terms are the parties')."""
    import sys

    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.partnerships.export import Reader, collect, render
    from storage.db import make_session_factory
    from storage.people import get_person
    from storage.taxonomy import Visibility

    as_user = getattr(args, "as_user", None)
    if as_user is not None and not _USER.fullmatch(as_user):
        return fail(f"'{as_user[:40]}' is not a Slack user ID (such as U0123ABCD).")
    if as_user is not None and args.visibility != "public":
        return fail("give --as or --visibility, not both: --as reads as that person.")
    opened = database_for("partnerships", no_file=" (an export never creates one).",
                          no_table="the database has no partnerships yet: run `pfp db upgrade` (or check "
                                   "DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    try:
        now = clock.now()
        with make_session_factory(engine)() as session:
            if as_user is not None:
                person = get_person(session, as_user)
                if person is None:
                    return fail(f"nobody with the Slack ID {as_user} has used the bot: check the ID.")
                reader = Reader.of(person)
            else:
                reader = Reader.level(Visibility(args.visibility))
            records = collect(session, reader, now=now)
            data = render(records, fmt=args.fmt, reader=reader, now=now).encode("utf-8")
    except (OperationalError, DBAPIError) as error:
        return fail(database_error(url, error))
    finally:
        engine.dispose()
    if records:
        print(f"pfp: this export holds partnerships' terms, which are their parties' (read as {reader.name}); "
              "do not publish it.", file=sys.stderr)
    return write_out(data, args.output, f"{len(records)} partnerships ({args.fmt}, read as {reader.name})")


def report(args: argparse.Namespace, *, clock, database_for, fail, write_out, database_error) -> int:
    """`pfp report committee`: the draft, written; or one line saying what to do."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.partnerships import report as committee
    from storage.db import make_session_factory

    if not _YEAR.fullmatch(args.year):
        return fail(f"'{args.year[:20]}' is not a year: write it as 2027.")
    opened = database_for("partnerships", no_file=" (a report never creates one).",
                          no_table="the database has no partnerships yet: run `pfp db upgrade` (or check "
                                   "DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    url, engine = opened
    try:
        with make_session_factory(engine)() as session:
            account = committee.account(session, int(args.year), now=clock.now())
            data = committee.render(account, args.fmt, language=args.language)
    except (OperationalError, DBAPIError) as error:
        return fail(database_error(url, error))
    finally:
        engine.dispose()
    return write_out(data, args.output, f"{committee.filename(account.year, args.fmt, args.language)} "
                                        f"({len(data)} bytes)")
