"""`pfp reminders preview --on DAY` (needs only DATABASE_URL) and `pfp reminders tick [--at MOMENT]`
(one scheduler tick, now or as if the clock read MOMENT, through the same ledger as the scheduler)."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from datetime import UTC, date, datetime


def add_parser(commands) -> None:
    reminders = commands.add_parser("reminders", help="preview the reminders of a day, or run one tick")
    actions = reminders.add_subparsers(dest="action", required=True, metavar="{preview,tick}")
    preview = actions.add_parser("preview", help="what would be sent on a day, to whom, in which language; "
                                 "sends nothing (needs only DATABASE_URL)")
    preview.add_argument("--on", required=True, metavar="YYYY-MM-DD", help="the day to preview")
    tick = actions.add_parser("tick", help="send what is due now (or as if the clock read --at) and not yet sent")
    tick.add_argument("--at", metavar="2027-03-01T09:00Z", help="the moment to act as if it were (UTC if no offset)")


def day_of(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def moment_of(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _FixedClock:
    def __init__(self, moment: datetime) -> None:
        self._moment = moment

    def now(self) -> datetime:
        return self._moment


def preview(args: argparse.Namespace, engine, settings) -> int:
    from bot.reminders.preview import planned_on
    from storage.db import make_session_factory

    day = day_of(args.on)
    if day is None:
        print("pfp: --on: write the day as YYYY-MM-DD, for example 2027-03-01.", file=sys.stderr)
        return 2
    with make_session_factory(engine)() as session:
        planned = planned_on(session, day, settings)
    for line in planned:
        print(f"{line.reminder.state_code}  {line.recipient}  {line.language}  {line.reminder.key}\n    {line.text}")
    print(f"pfp: {len(planned)} reminders would be sent on {day.isoformat()}, each at 09:00 or later where its "
          "recipient is (a weekend moves it to Monday).")
    return 0


def tick(args: argparse.Namespace, engine, settings, clock) -> int:
    from bot.slack import make_notifier
    from scheduled.scheduler import run_jobs
    from storage.db import make_session_factory

    if args.at is not None:
        moment = moment_of(args.at)
        if moment is None:
            print("pfp: --at: write the moment as 2027-03-01T09:00Z (ISO 8601).", file=sys.stderr)
            return 2
        clock = _FixedClock(moment)
    owner = f"{socket.gethostname()}:{os.getpid()}"
    outcomes = run_jobs(make_session_factory(engine), clock, make_notifier(settings), settings.reminders,
                        owner=owner, isu_channel=settings.isu_channel)
    shown = ", ".join(f"{count} {outcome.value}" for outcome, count in sorted(outcomes.items())) or "nothing due"
    print(f"pfp: reminders at {clock.now().isoformat()}: {shown}.")
    return 0
