"""The Platform for Partnerships' speed requirement, measured on SQLite and (if set) PostgreSQL:

    With 10,000 needs and 10,000 offers in the database, ranking the matches for one new entry takes at
    most 50 ms, and one page of browse results at most 50 ms, including the query.

Prints figures; asserts nothing about speed. Each backend gets a fresh database, migrated and loaded with
the States Parties, then 10,000 needs and 10,000 offers spread like real ones (areas, kinds, States and
regions, languages, amounts, periods, visibilities, mostly open, some stale). Every timed call opens its
own session, as a request does. Run:
    .venv/bin/python -m tests.benchmarks.bench_platform [--entries 10000] [--repeat 50]
with PFP_TEST_DATABASE_URL set for the PostgreSQL figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from bot.platform import rules as p
from bot.platform.matching import rank
from bot.registration.people import meet
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Need, Offer, Person, StateParty
from storage.states import list_parties_on, sync_reference
from storage.taxonomy import (
    Area,
    Challenge,
    EntryStatus,
    Kind,
    Language,
    Ownership,
    Region,
    Visibility,
    to_mask,
)
from tests.conftest import POSTGRES_URL, MovableClock, postgres_schema
from tests.ranking_reference import rank_everything

LIMIT_MS = 50.0
BUDGET_S, MIN_SAMPLES = 2.0, 10  # keeps the slow cases from stretching the run past a couple of minutes
WORDS = ("survey", "clearance", "detector", "training", "database", "victims", "prosthetics", "rehabilitation",
         "province", "districts", "community", "liaison", "equipment", "vehicles", "mapping", "quality",
         "management", "national", "authority", "stockpile", "destruction", "education", "schools", "radio")


def weighted(rng: random.Random, choices: dict[Any, float]) -> Any:
    return rng.choices(list(choices), weights=list(choices.values()))[0]


def some(rng: random.Random, members: list, low: int, high: int) -> list:
    return rng.sample(members, rng.randint(low, min(high, len(members))))


def prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


class Generator:
    """Rows for bulk inserts, deterministic for a seed."""

    def __init__(self, rng: random.Random, now: datetime, states: list[StateParty], posters: dict[str, int]):
        self.rng, self.now, self.posters = rng, now, posters
        affected = {s.code for s in states if s.article5_deadline or s.victim_assistance}
        self.states = [s.code for s in states]
        self.affected = [c for c in self.states if c in affected]
        self.donors = [c for c in self.states if c not in affected]

    def _common(self, state: str) -> dict[str, Any]:
        rng = self.rng
        # 70% confirmed within the six months (current), 30% older (stale unless re-confirmed).
        age = rng.uniform(0, 180) if rng.random() < 0.7 else rng.uniform(183, 720)
        confirmed = self.now - timedelta(days=age, minutes=rng.randint(0, 1440))
        created = confirmed - timedelta(days=rng.uniform(0, 200))
        amount = currency = None
        if rng.random() < 0.6:
            amount = Decimal(rng.choice((5, 10, 25, 50, 100, 250, 500, 1000, 2500)) * 1000).quantize(Decimal("0.01"))
            currency = weighted(rng, {"USD": 50, "EUR": 30, "CHF": 10, "GBP": 5, "JPY": 5})
        starts = ends = None
        if rng.random() < 0.5:
            starts = (self.now + timedelta(days=rng.randint(-200, 400))).date()
            ends = starts + timedelta(days=rng.randint(30, 1100)) if rng.random() < 0.8 else None
        return {
            "state_code": state, "posted_by": self.posters[state], "title": prose(rng, rng.randint(4, 10))[:150],
            "description": prose(rng, rng.randint(40, 120)), "kinds": to_mask(some(rng, list(Kind), 1, 3)),
            "amount": amount, "currency": currency, "starts_on": starts, "ends_on": ends,
            "visibility": weighted(rng, {Visibility.PUBLIC: 50, Visibility.STATES: 35, Visibility.ISU: 15}),
            "status": weighted(rng, {EntryStatus.OPEN: 75, EntryStatus.PARTLY_MET: 10, EntryStatus.MET: 10,
                                     EntryStatus.WITHDRAWN: 5}),
            "created_at": created, "updated_at": confirmed, "confirmed_at": confirmed,
        }

    def need(self) -> dict[str, Any]:
        rng = self.rng
        state = rng.choice(self.affected) if rng.random() < 0.75 else rng.choice(self.states)
        return {
            **self._common(state),
            "area": weighted(rng, {Area.CLEARANCE: 40, Area.VICTIM_ASSISTANCE: 25, Area.RISK_EDUCATION: 15,
                                   Area.NATIONAL_CAPACITY: 15, Area.STOCKPILE_DESTRUCTION: 5}),
            "challenges": to_mask(some(rng, list(Challenge), 1, 3)), "location": prose(rng, 3),
            "consent_to_mapping": rng.random() < 0.7, "ownership": to_mask(some(rng, list(Ownership), 0, 5)),
        }

    def offer(self) -> dict[str, Any]:
        rng = self.rng
        state = rng.choice(self.donors) if rng.random() < 0.8 else rng.choice(self.states)
        where = rng.random()
        regions, countries = 0, []
        if where < 0.3:
            regions = to_mask(some(rng, list(Region), 1, 2))
        elif where < 0.5:
            countries = sorted(some(rng, self.affected, 1, 5))
            regions = to_mask(some(rng, list(Region), 0, 1))
        languages = [Language.ENGLISH] if rng.random() < 0.8 else []
        languages += some(rng, [lang for lang in Language if lang != Language.ENGLISH], 0 if languages else 1, 2)
        return {
            **self._common(state), "areas": to_mask(some(rng, list(Area), 1, 3)), "regions": regions,
            "countries": countries, "capacity": prose(rng, 6) if rng.random() < 0.5 else None,
            "languages": to_mask(languages), "contact": None,
        }


def load(sessions: sessionmaker[Session], now: datetime, entries: int, seed: int = 2026) -> dict[str, Person]:
    """States, one registered delegate per State, then the needs and offers; returns the delegates by State."""
    with sessions() as session:
        sync_reference(session, now)
        session.commit()
        states = list_parties_on(session, now.date())
        session.execute(insert(Person), [
            {"slack_user_id": f"UBENCH{s.code}", "locale": "en", "state_code": s.code, "is_focal_point": False,
             "created_at": now} for s in states
        ])
        session.commit()
        delegates = {s.code: meet(session, f"UBENCH{s.code}", now=now, fetch_locale=lambda: None) for s in states}
        generator = Generator(random.Random(seed), now, states, {c: d.id for c, d in delegates.items()})
        for model, make in ((Need, generator.need), (Offer, generator.offer)):
            for start in range(0, entries, 2000):
                session.execute(insert(model), [make() for _ in range(min(2000, entries - start))])
        session.commit()
        return delegates


def new_entries(sessions: sessionmaker[Session], delegates: dict[str, Person], now: datetime) -> list[
        tuple[str, Need | Offer]]:
    """What a delegate posts through the form: the entries whose matches are then ranked."""
    def need(area: Area, kinds: list[Kind], **more: Any) -> p.NeedForm:
        values = dict(challenges=[Challenge.FINANCIAL], title="Benchmark need", description="A new need.",
                      amount=Decimal("100000.00"), currency="USD", starts_on=date(2027, 1, 1),
                      ends_on=date(2027, 12, 31), location=None, visibility=Visibility.PUBLIC,
                      consent_to_mapping=True, ownership=[])
        return p.NeedForm(area=area, kinds=kinds, **{**values, **more})

    def offer(areas: list[Area], kinds: list[Kind], **more: Any) -> p.OfferForm:
        values = dict(regions=[], countries=[], title="Benchmark offer", description="A new offer.",
                      amount=Decimal("250000.00"), currency="EUR", capacity=None, languages=[Language.ENGLISH],
                      starts_on=None, ends_on=None, contact=None, visibility=Visibility.STATES)
        return p.OfferForm(areas=areas, kinds=kinds, **{**values, **more})

    posts = [
        ("need KH clearance, 2 kinds", "KH", need(Area.CLEARANCE, [Kind.FINANCIAL, Kind.EQUIPMENT])),
        ("need SN victim assistance, 1 kind", "SN", need(Area.VICTIM_ASSISTANCE, [Kind.EXPERTISE])),
        ("need CO risk education, 3 kinds", "CO", need(Area.RISK_EDUCATION,
                                                       [Kind.FINANCIAL, Kind.KNOW_HOW, Kind.BEST_PRACTICE])),
        ("need UA stockpile destruction, all", "UA", need(Area.STOCKPILE_DESTRUCTION, list(Kind))),
        ("need IQ national capacity, 2 kinds", "IQ", need(Area.NATIONAL_CAPACITY, [Kind.EXPERTISE, Kind.KNOW_HOW])),
        ("offer JP clearance, equipment, 3 countries", "JP", offer([Area.CLEARANCE], [Kind.EQUIPMENT],
                                                                   countries=["AO", "KH", "LK"])),
        ("offer FR 2 areas, 2 kinds, Africa, French", "FR", offer(
            [Area.CLEARANCE, Area.VICTIM_ASSISTANCE], [Kind.EXPERTISE, Kind.KNOW_HOW], regions=[Region.AFRICA],
            languages=[Language.FRENCH])),
        ("offer NO 3 areas, 3 kinds, anywhere", "NO", offer(
            [Area.CLEARANCE, Area.RISK_EDUCATION, Area.VICTIM_ASSISTANCE],
            [Kind.FINANCIAL, Kind.EQUIPMENT, Kind.EXPERTISE])),
        ("offer DE everything, anywhere (worst case)", "DE", offer(list(Area), list(Kind))),
    ]
    with sessions() as session:
        entries = [(label, p.post(session, session.merge(delegates[state]), form, now=now))
                   for label, state, form in posts]
        session.commit()
        return entries


def timed(sessions: sessionmaker[Session], repeat: int, work: Callable[[Session], Any],
          budget: float = BUDGET_S) -> list[float]:
    """Up to `repeat` timed calls, fewer (at least MIN_SAMPLES) once `budget` seconds are spent."""
    with sessions() as session:
        work(session)  # warm up: statement caches, the first connection
    samples: list[float] = []
    while len(samples) < repeat and (len(samples) < MIN_SAMPLES or sum(samples) < budget):
        started = time.perf_counter()
        with sessions() as session:
            work(session)
        samples.append(time.perf_counter() - started)
    return samples


def figures(label: str, samples: list[float], note: str = "", limit_ms: float = LIMIT_MS) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    flag = f"  OVER {limit_ms:.0f} ms" if p95 * 1000 > limit_ms else ""
    return (f"  {label:<46} n={len(samples):>2}  median {statistics.median(samples) * 1000:6.1f}  "
            f"p95 {p95 * 1000:6.1f}  max {ordered[-1] * 1000:6.1f} ms  {note}{flag}")


def run(backend: str, url: str, entries: int, repeat: int) -> None:
    engine = make_engine(url)
    now = MovableClock().now()
    started = time.perf_counter()
    upgrade(engine)
    sessions = make_session_factory(engine)
    delegates = load(sessions, now, entries)
    if backend == "postgresql":
        with engine.begin() as connection:  # what autovacuum does after a bulk load; plans depend on it
            connection.execute(text("ANALYZE"))
    print(f"[{backend}] {entries} needs + {entries} offers loaded in {time.perf_counter() - started:.1f} s; "
          f"up to {repeat} timed calls each ({BUDGET_S:.0f} s budget, at least {MIN_SAMPLES}), "
          "fresh session per call; OVER marks a p95 above 50 ms")

    print(f"[{backend}] rank(): the best matches for one new entry")
    for label, entry in new_entries(sessions, delegates, now):
        with sessions() as session:
            fitting = len(rank_everything(session, entry, now))
        samples = timed(sessions, repeat, lambda session, entry=entry: rank(session, entry, now=now))
        print(figures(label, samples, f"{fitting:>5} entries fit"))

    print(f"[{backend}] browse(): one page of entries")
    viewers = {"delegate KH": delegates["KH"], "outsider": None}
    combos = {
        "default": {},
        "area+kind": {"area": Area.CLEARANCE.value, "kind": Kind.EQUIPMENT.value},
        "region africa": {"region": Region.AFRICA.value},
        "page 5 (offset 50)": {"page": 5},
    }
    for side in ("need", "offer"):
        for viewer_label, person in viewers.items():
            for combo_label, changes in combos.items():
                filters = p.browse_filters(side=side, **changes)
                with sessions() as session:
                    page, total = p.browse(session, person, filters, now=now)
                samples = timed(sessions, repeat, lambda session, person=person, filters=filters:
                                p.browse(session, person, filters, now=now))
                print(figures(f"{side}s, {viewer_label}, {combo_label}", samples,
                              f"{len(page):>2} of {total:>5} shown"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000, help="needs, and as many offers")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.entries, args.repeat)
    if POSTGRES_URL:
        with ExitStack() as stack:
            run("postgresql", stack.enter_context(postgres_schema()), args.entries, args.repeat)
    else:
        print("PostgreSQL: set PFP_TEST_DATABASE_URL for its figures")


if __name__ == "__main__":
    main()
