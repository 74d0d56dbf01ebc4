"""The delivery ledger's speed with a year of rows, measured on SQLite and (if set) PostgreSQL.

Prints figures; asserts nothing about speed. Each backend gets a fresh database, migrated, then a year
of deliveries: 200 States x 10 rules x 25 occasions = 50,000 rows, mostly sent, some skipped,
undeliverable, failed, or claimed by a sender that died. Then it times what a scheduler does on each
tick (claim and mark sent, a claim refused on a done key, a take-over, a skip), what reports read
(`outcomes`, `unfinished`), and four schedulers racing over the same new keys. Every timed call opens
its own session and commits as a sender does. Run:
    .venv/bin/python -m tests.benchmarks.bench_ledger [--occasions 25] [--repeat 200]
with PFP_TEST_DATABASE_URL set for the PostgreSQL figures.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import string
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session, sessionmaker

from storage import ledger
from storage.db import make_engine, make_session_factory, upgrade
from storage.models import Delivery, DeliveryStatus
from tests.conftest import POSTGRES_URL, postgres_schema

RULES = ("article7", "article5_extension", "msp", "intersessional", "committee_va", "committee_article5",
         "focal_point_welcome", "entry_stale", "meeting_request", "isu_digest")
STATES = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)][:200]
YEAR_START = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
NOW = datetime(2028, 1, 1, 9, 0, tzinfo=UTC)  # the year is behind us
LEASE = timedelta(minutes=10)
BUDGET_S, MIN_SAMPLES = 2.0, 20
OUTCOMES = {DeliveryStatus.SENT: 92, DeliveryStatus.SKIPPED: 4, DeliveryStatus.UNDELIVERABLE: 2,
            DeliveryStatus.FAILED: 1.5, DeliveryStatus.CLAIMED: 0.5}


def a_year(rng: random.Random, occasions: int) -> list[dict[str, Any]]:
    """Rows as the ledger leaves them after a year of claims and marks."""
    rows = []
    for rule, state, occasion in itertools.product(RULES, STATES, range(occasions)):
        due_at = YEAR_START + timedelta(days=365 * occasion / occasions, hours=rng.randint(0, 8))
        status = rng.choices(list(OUTCOMES), weights=list(OUTCOMES.values()))[0]
        done_at = due_at + timedelta(seconds=rng.uniform(0.2, 30))
        row = {
            "key": f"{rule}|{state}|2027-{occasion:02}|-{rng.choice((60, 30, 7, 1))}d", "rule": rule,
            "state_code": state, "recipient": None, "due_at": due_at, "status": status,
            "claimed_by": None, "lease_until": None, "taken_over_from": None, "attempts": 1, "last_error": None,
            "channel": None, "ts": None, "created_at": due_at, "updated_at": done_at,
        }
        if status is DeliveryStatus.SENT:
            row.update(recipient=f"U{state}FOCAL", channel=f"D{state}", ts=f"{done_at.timestamp():.6f}",
                       claimed_by="scheduler-1")
        elif status is DeliveryStatus.SKIPPED:
            row.update(attempts=0)
        elif status is DeliveryStatus.UNDELIVERABLE:
            row.update(recipient=f"U{state}GONE", last_error=rng.choice(("user_not_found", "account_inactive")),
                       claimed_by="scheduler-1")
        elif status is DeliveryStatus.FAILED:
            row.update(last_error="ratelimited", claimed_by="scheduler-1", attempts=rng.randint(1, 3))
        else:  # its sender died: the lease lapsed long ago
            row.update(claimed_by="scheduler-dead", lease_until=due_at + LEASE)
        rows.append(row)
    return rows


def load(sessions: sessionmaker[Session], occasions: int, seed: int = 2027) -> dict[DeliveryStatus, list[str]]:
    """Fills the ledger; returns the keys by status, for the timed calls to pick from."""
    rows = a_year(random.Random(seed), occasions)
    with sessions() as session:
        for start in range(0, len(rows), 5000):
            session.execute(insert(Delivery), rows[start:start + 5000])
        session.commit()
    keys: dict[DeliveryStatus, list[str]] = {status: [] for status in DeliveryStatus}
    for row in rows:
        keys[row["status"]].append(row["key"])
    return keys


def timed(sessions: sessionmaker[Session], repeat: int, work: Callable[[Session], Any]) -> list[float]:
    """Up to `repeat` timed calls, fewer (at least MIN_SAMPLES) once BUDGET_S seconds are spent."""
    samples: list[float] = []
    while len(samples) < repeat and (len(samples) < MIN_SAMPLES or sum(samples) < BUDGET_S):
        started = time.perf_counter()
        with sessions() as session:
            work(session)
        samples.append(time.perf_counter() - started)
    return samples


def figures(label: str, samples: list[float], note: str = "") -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"  {label:<52} n={len(samples):>3}  median {statistics.median(samples) * 1000:6.2f}  "
            f"p95 {p95 * 1000:6.2f}  max {ordered[-1] * 1000:6.2f} ms  {note}")


def round_trips(sessions: sessionmaker[Session], keys: dict[DeliveryStatus, list[str]], repeat: int) -> None:
    fresh = (f"article7|{state}|2028|-{n}d" for n in itertools.count() for state in STATES)
    lapsed = iter(keys[DeliveryStatus.CLAIMED])
    failed = iter(keys[DeliveryStatus.FAILED])
    sent = itertools.cycle(keys[DeliveryStatus.SENT][::97])

    def claim(session: Session, key: str, owner: str = "scheduler-2") -> ledger.Claim | None:
        got = ledger.claim(session, key=key, rule=key.split("|")[0], state_code=key.split("|")[1], due_at=NOW,
                           owner=owner, now=NOW, lease=LEASE)
        session.commit()  # others must see the claim before the message goes out
        return got

    def claim_and_mark_sent(session: Session, key: str, expected: ledger.Claim) -> None:
        assert claim(session, key) is expected
        assert ledger.mark_sent(session, key=key, owner="scheduler-2", channel="DKH", ts="1830000000.000100",
                                recipient="UKHFOCAL", now=NOW)
        session.commit()

    def refused(session: Session) -> None:
        assert claim(session, next(sent)) is None

    def skip(session: Session) -> None:
        key = next(fresh)
        assert ledger.record_skipped(session, key=key, rule="article7", state_code=None, due_at=NOW, now=NOW)
        session.commit()

    for label, work in (
        ("claim + mark_sent, a new key (2 commits)",
         lambda session: claim_and_mark_sent(session, next(fresh), ledger.Claim.FRESH)),
        ("claim refused: the key is sent", refused),
        ("take-over of a lapsed claim + mark_sent",
         lambda session: claim_and_mark_sent(session, next(lapsed), ledger.Claim.TAKEN_OVER)),
        ("retry of a failed attempt + mark_sent",
         lambda session: claim_and_mark_sent(session, next(failed), ledger.Claim.RETRY)),
        ("record_skipped, a new key", skip),
        ("status_of", lambda session: ledger.status_of(session, next(sent))),
    ):
        # The take-overs and retries have a few hundred rows to use up: fewer samples than `repeat` at most.
        limit = repeat if "lapsed" not in label and "failed" not in label else min(repeat, 150)
        print(figures(label, timed(sessions, limit, work)))


def reports(sessions: sessionmaker[Session], repeat: int) -> None:
    week_ago = NOW - timedelta(days=7)
    for label, work in (
        ("outcomes(): everything", lambda session: ledger.outcomes(session)),
        ("outcomes(rule='article7')", lambda session: ledger.outcomes(session, rule="article7")),
        ("outcomes(since=a week ago)", lambda session: ledger.outcomes(session, since=week_ago)),
        ("outcomes(rule='article7', since=a week ago)",
         lambda session: ledger.outcomes(session, rule="article7", since=week_ago)),
        ("unfinished(now): lapsed and failed, 100 at most", lambda session: ledger.unfinished(session, now=NOW)),
    ):
        with sessions() as session:
            found = work(session)
        size = sum(o.count for o in found) if found and isinstance(found[0], ledger.Outcome) else len(found)
        print(figures(label, timed(sessions, repeat, work), f"{len(found):>4} lines, {size:>6} rows"))


def schedulers_racing(sessions: sessionmaker[Session], schedulers: int = 4, new_keys: int = 500) -> None:
    """`schedulers` threads claim the same new keys, each in its own order, and mark sent those they win."""
    keys = [f"msp|{state}|2028-{n}|-7d" for n in range(new_keys // len(STATES) + 1) for state in STATES][:new_keys]
    barrier = threading.Barrier(schedulers)
    won = [0] * schedulers

    def run(worker: int) -> None:
        owner = f"scheduler-race-{worker}"
        with sessions() as session:
            barrier.wait()
            for key in random.Random(worker).sample(keys, len(keys)):
                got = ledger.claim(session, key=key, rule="msp", state_code=None, due_at=NOW, owner=owner,
                                   now=NOW, lease=LEASE)
                session.commit()
                if got is not None:
                    ledger.mark_sent(session, key=key, owner=owner, channel="D1", ts="1.0", recipient="U1", now=NOW)
                    session.commit()
                    won[worker] += 1

    threads = [threading.Thread(target=run, args=(w,)) for w in range(schedulers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    attempts = schedulers * len(keys)
    print(f"  {schedulers} schedulers x {len(keys)} same new keys: {elapsed:.2f} s, {attempts / elapsed:,.0f} claims/s, "
          f"{sum(won)} sent (each key once: {sum(won) == len(keys)}), won per scheduler {won}")


def plans(sessions: sessionmaker[Session], backend: str) -> None:
    """Which index each report query walks (the first line of the plan)."""
    week_ago = NOW - timedelta(days=7)
    queries = {
        "outcomes(since)": select(Delivery.status).where(Delivery.updated_at >= week_ago),
        "outcomes(rule, since)": select(Delivery.status).where(Delivery.rule == "article7",
                                                               Delivery.updated_at >= week_ago),
        "unfinished(now)": select(Delivery.id).where(
            Delivery.status.in_([DeliveryStatus.CLAIMED, DeliveryStatus.FAILED]), Delivery.due_at <= NOW),
    }
    explain = "EXPLAIN QUERY PLAN " if backend == "sqlite" else "EXPLAIN "
    with sessions() as session:
        for label, query in queries.items():
            compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            lines = [str(r[-1]) for r in session.execute(text(explain + str(compiled)))]
            # The scans only, without PostgreSQL's costs: which index, if any.
            scans = [re.sub(r"\s+\(cost=.*", "", line).strip(" ->") for line in lines
                     if "SCAN" in line.upper() or "SEARCH" in line.upper()]
            print(f"  plan {label:<24} {' / '.join(scans)}")


def run(backend: str, url: str, occasions: int, repeat: int) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    upgrade(engine)
    sessions = make_session_factory(engine)
    keys = load(sessions, occasions)
    if backend == "postgresql":
        with engine.begin() as connection:  # what autovacuum does after a bulk load; plans depend on it
            connection.execute(text("ANALYZE deliveries"))
    else:
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    total = sum(len(k) for k in keys.values())
    mix = ", ".join(f"{len(k)} {status.value}" for status, k in keys.items())
    print(f"[{backend}] {total} deliveries loaded in {time.perf_counter() - started:.1f} s ({mix}); "
          f"up to {repeat} timed calls each ({BUDGET_S:.0f} s budget, at least {MIN_SAMPLES}), fresh session per call")
    print(f"[{backend}] what a scheduler does on each message")
    round_trips(sessions, keys, repeat)
    print(f"[{backend}] what reports read")
    reports(sessions, repeat)
    plans(sessions, backend)
    print(f"[{backend}] many schedulers at once")
    schedulers_racing(sessions)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--occasions", type=int, default=25, help="per State and rule in the year (25: 50,000 rows)")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        run("sqlite", f"sqlite:///{folder}/bench.sqlite3", args.occasions, args.repeat)
    if POSTGRES_URL:
        with ExitStack() as stack:
            run("postgresql", stack.enter_context(postgres_schema()), args.occasions, args.repeat)
    else:
        print("PostgreSQL: set PFP_TEST_DATABASE_URL for its figures")


if __name__ == "__main__":
    main()
