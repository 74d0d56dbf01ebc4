"""How long a reminders tick takes to work out what is due, and `preview` a day, in a workspace the size
the issue names: every State Party with a focal point, 1,000 people, 20,000 entries and a year of ledger
rows; on SQLite and (if set) PostgreSQL. Prints figures; asserts nothing about speed. Run:

    .venv/bin/python -m tests.benchmarks.bench_reminders [--repeat 20]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update

from bot.reminders.preview import planned_on
from bot.reminders.rules import article7_due
from bot.settings import ReminderSettings
from storage import ledger
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Delivery, DeliveryStatus, Person
from tests.benchmarks.bench_platform import figures, load, timed
from tests.conftest import POSTGRES_URL, postgres_schema

SETTINGS = ReminderSettings()
TICK = datetime(2027, 3, 1, 10, tzinfo=UTC)  # the first reminder of the season is due for everyone


def run(backend: str, url: str, repeat: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    now = datetime(2026, 11, 23, tzinfo=UTC)
    started = time.perf_counter()
    delegates = load(sessions, now, 10_000)  # 10,000 needs and 10,000 offers, one delegate per State
    with sessions() as session:
        session.execute(update(Person).values(is_focal_point=True))  # each State's delegate is its focal point
        session.execute(insert(Person), [
            {"slack_user_id": f"UBENCHD{i:05d}", "locale": "fr", "state_code": None, "is_focal_point": False,
             "created_at": now} for i in range(1000 - len(delegates))
        ])
        year = [
            {"key": ledger.delivery_key("article7", code, str(2026), f"{offset:+d}d"), "rule": "article7",
             "state_code": code, "due_at": now - timedelta(days=200), "status": DeliveryStatus.SENT, "attempts": 1,
             "created_at": now, "updated_at": now}
            for code in delegates for offset in SETTINGS.article7_days
        ] + [
            {"key": ledger.delivery_key(rule, code, f"{week}", "+0d"), "rule": rule, "state_code": code,
             "due_at": now - timedelta(weeks=week), "status": DeliveryStatus.SENT, "attempts": 1,
             "created_at": now, "updated_at": now}
            for rule in ("platform", "stale") for code in delegates for week in range(52)
        ]
        session.execute(insert(Delivery), year)
        session.commit()
    print(f"[{backend}] {len(delegates)} States with a focal point, 1,000 people, 20,000 entries, "
          f"{len(year)} ledger rows (loaded in {time.perf_counter() - started:.1f} s)")

    def work_out(session):
        due = article7_due(session, TICK.date(), SETTINGS)
        return due, ledger.finished(session, [r.key for r in due])

    with sessions() as session:
        due, done = work_out(session)
    print(figures("tick: what is due, and which are done", timed(sessions, repeat, work_out),
                  f"{len(due)} due, {len(done)} done", limit_ms=1000))
    with sessions() as session:
        planned = planned_on(session, TICK.date(), SETTINGS)
    print(figures("preview of a day (every message rendered)",
                  timed(sessions, max(3, repeat // 4), lambda session: planned_on(session, TICK.date(), SETTINGS)),
                  f"{len(planned)} messages", limit_ms=2000))
    print(f"  resident memory at most {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.repeat)
    if POSTGRES_URL:
        with ExitStack() as stack:
            run("postgresql", stack.enter_context(postgres_schema()), args.repeat)
    else:
        print("PostgreSQL: set PFP_TEST_DATABASE_URL for its figures")


if __name__ == "__main__":
    main()
