"""What partnerships for completion cost when there are many of them, on SQLite and (if set) PostgreSQL: the
App Home of someone who oversees them all (ISU staff, the Committee), `/partnership show`, the export and the
Committee's report, with 10,000 needs and offers and 2,000 partnerships of two to four parties, each active one
with a year of quarterly check-in answers.

Prints figures; asserts nothing about speed. Every timed call opens its own session, as a request does. Run:
    .venv/bin/python -m tests.benchmarks.bench_partnerships [--partnerships 2000] [--entries 10000] [--repeat 20]
with PFP_TEST_DATABASE_URL set for the PostgreSQL figures.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.i18n import Translator
from bot.partnerships.blocks import partnership_view
from bot.partnerships.export import Reader, export_partnerships
from bot.partnerships.home import figures as home_figures
from bot.partnerships.home import home_partnerships
from bot.partnerships.report import account, render
from bot.partnerships.terms import Commitment, Kind, Rhythm, Target, Terms
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import (
    CheckInAnswer,
    Need,
    Partnership,
    PartnershipParty,
    PartnershipStatus,
    Person,
    PersonRole,
    ProgressRating,
    Role,
    partnership_needs,
)
from storage.partnerships import answers_of
from tests.benchmarks.bench_platform import figures, load, timed
from tests.conftest import POSTGRES_URL, MovableClock, postgres_schema

LIMIT_MS = 300.0  # a Home or a modal filled after the acknowledgement: well within what a person waits


def seed(sessions: sessionmaker[Session], now: datetime, count: int, seed: int = 11) -> int:
    """`count` partnerships between the delegates' States, most active with answers; returns an ISU person's id."""
    rng = random.Random(seed)
    with sessions() as session:
        people = {p.state_code: p.id for p in session.scalars(select(Person).where(Person.state_code.is_not(None)))}
        needs = session.execute(select(Need.id, Need.state_code)).all()
        isu = Person(slack_user_id="UBENCHISU", locale="en", created_at=now, is_focal_point=False)
        isu.roles.append(PersonRole(role=Role.ISU, granted_at=now))
        session.add(isu)
        session.flush()
        states = sorted(people)
        for number in range(count):
            need_id, state = rng.choice(needs)
            partners = rng.sample([s for s in states if s != state], rng.randint(1, 3))
            activated = now - timedelta(days=rng.randint(30, 720))
            status = rng.choices(list(PartnershipStatus), weights=[15, 70, 12, 3])[0]
            terms = Terms(targets=[Target(Decimal(rng.choice((100, 250, 400))), "hectares released",
                                          (now + timedelta(days=rng.randint(-200, 700))).date())
                                   for _ in range(rng.randint(1, 4))],
                          commitments=[Commitment(p, Decimal(rng.choice((50, 100, 250))) * 1000, "EUR", now.year)
                                       for p in partners[:2]], rhythm=Rhythm.QUARTERLY)
            partnership = Partnership(
                state_code=state, kind=rng.choice(list(Kind)).value, status=status, version=1,
                terms=terms.to_json(), created_by=people[state], created_at=activated - timedelta(days=7),
                updated_at=activated, activated_at=activated if status != PartnershipStatus.PROPOSED else None,
                completed_at=now - timedelta(days=3) if status == PartnershipStatus.COMPLETED else None)
            partnership.parties = [PartnershipParty(state_code=code, responsibilities=f"Part {number} of {code}.",
                                                    confirmed_version=1) for code in (state, *partners)]
            session.add(partnership)
            session.flush()
            session.execute(insert(partnership_needs), [{"partnership_id": partnership.id, "need_id": need_id}])
            if partnership.activated_at is not None:
                answers = []
                due = activated.date()
                for _ in range(4):
                    due += timedelta(days=91)
                    if due > now.date():
                        break
                    answers += [{"partnership_id": partnership.id, "party_id": party.id, "due": due,
                                 "rating": rng.choice(list(ProgressRating)), "figures": {"0": str(rng.randint(0, 300))},
                                 "disbursed": {str(now.year): {"EUR": str(rng.randint(0, 100) * 1000)}},
                                 "comment": "On its way.", "answered_by": "UBENCH", "answered_at": now}
                                for party in partnership.parties]
                if answers:
                    session.execute(insert(CheckInAnswer), answers)
        session.commit()
        return isu.id


def run(backend: str, url: str, entries: int, count: int, repeat: int) -> None:
    engine = make_engine(url)
    now = MovableClock().now()
    started = time.perf_counter()
    upgrade(engine)
    sessions = make_session_factory(engine)
    delegates = load(sessions, now, entries)
    isu_id = seed(sessions, now, count)
    if backend == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    print(f"[{backend}] {entries} needs + {entries} offers and {count} partnerships loaded in "
          f"{time.perf_counter() - started:.1f} s; fresh session per call; OVER marks a p95 above "
          f"{LIMIT_MS:.0f} ms")
    tr = Translator("en")
    year = now.year

    def home(session: Session, person_id: int) -> None:
        home_partnerships(tr, home_figures(session, session.get_one(Person, person_id), now=now))

    def show(session: Session) -> None:
        partnership = session.scalar(select(Partnership).where(Partnership.status == PartnershipStatus.ACTIVE)
                                     .order_by(Partnership.id.desc()).limit(1))
        partnership_view(tr, partnership, answers_of(session, [partnership.id])[partnership.id], today=now.date())

    kh = delegates["KH"].id
    cases = [
        ("App Home, ISU staff (every partnership)", lambda s: home(s, isu_id)),
        ("App Home, a party's delegate (KH)", lambda s: home(s, kh)),
        ("/partnership show, an active one", show),
        ("export partnerships, json, as ISU staff", lambda s: export_partnerships(
            s, Reader.of(s.get_one(Person, isu_id)), fmt="json", now=now)),
        ("report committee, md", lambda s: render(account(s, year, now=now), "md")),
        ("report committee, docx (with the chart)", lambda s: render(account(s, year, now=now), "docx")),
    ]
    for label, work in cases:
        samples = timed(sessions, repeat, work)
        print(figures(label, samples, limit_ms=LIMIT_MS))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partnerships", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=10_000, help="needs, and as many offers")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.entries, args.partnerships, args.repeat)
    if POSTGRES_URL:
        with ExitStack() as stack:
            run("postgresql", stack.enter_context(postgres_schema()), args.entries, args.partnerships, args.repeat)
    else:
        print("PostgreSQL: set PFP_TEST_DATABASE_URL for its figures")


if __name__ == "__main__":
    main()
