"""`pfp meeting report ID --format docx|md [--anonymised] [--output FILE]`: a meeting's report (or its
anonymised summary) from the database alone, for the ISU to edit or publish; no Slack settings needed."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

_ID = re.compile(r"[1-9][0-9]{0,8}")  # within every database's integer


def add_parser(commands) -> None:
    meeting = commands.add_parser("meeting", help="individualised meetings: write a meeting's report")
    actions = meeting.add_subparsers(dest="action", required=True, metavar="{report}")
    report = actions.add_parser("report", help="a meeting's report as Word (.docx) or Markdown (needs only "
                                "DATABASE_URL)")
    report.add_argument("id", help="the meeting request's number (see /meeting list)")
    report.add_argument("--format", dest="fmt", choices=["docx", "md"], required=True, help="docx or md")
    report.add_argument("--anonymised", action="store_true",
                        help="the anonymised summary, naming no State and no person")
    report.add_argument("--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")


def run(args: argparse.Namespace, *, database_for, fail, write_out) -> int:
    """The report, written; or one line saying what to do and a non-zero status."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.meetings import report
    from storage.db import make_session_factory
    from storage.meetings import get_request
    from storage.models import ReportSharing

    if not _ID.fullmatch(args.id):
        return fail(f"'{args.id[:20]}' is not a meeting request's number: see /meeting list.")
    opened = database_for("meeting_requests", no_file=" (a report never creates one).",
                          no_table="the database has no meetings yet: run `pfp db upgrade` (or check DATABASE_URL).")
    if isinstance(opened, int):
        return opened
    _url, engine = opened
    try:
        with make_session_factory(engine)() as session:
            request = get_request(session, int(args.id))
            if request is None:
                return fail(f"there is no meeting request #{args.id}: see /meeting list.")
            if request.outcomes is None:
                return fail(f"meeting #{args.id} has no outcomes recorded yet, so there is nothing to report.")
            if args.anonymised and request.sharing != ReportSharing.ANONYMISED:
                return fail(f"{request.state_code} did not agree to an anonymised summary of meeting #{args.id} "
                            f"(it chose: {request.sharing.value}).")
            data = report.render(request, args.fmt, anonymised=args.anonymised)
            name = report.filename(request, args.fmt, anonymised=args.anonymised)
    except (OperationalError, DBAPIError) as error:
        return fail(f"cannot read the database: {error.__class__.__name__}")
    finally:
        engine.dispose()
    return write_out(data, args.output, f"{name} ({len(data)} bytes)")
