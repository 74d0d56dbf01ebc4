"""The delivery ledger: claim, send, mark sent. A message is sent at most once (a done key is never claimed
again) and at least once (a dead sender's claim is taken over once its lease lapses), on SQLite and
PostgreSQL, one caller at a time, many at once, and along random sequences of operations."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage import ledger
from storage.db import make_session_factory, upgrade
from storage.ledger import Claim, Outcome
from storage.models import Delivery, DeliveryStatus
from tests.races import wait_until_blocked_behind

T = TypeVar("T")

LEASE = timedelta(minutes=10)
KEY = "article7|KH|2027|-30d"
DUE = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
def sessions(engine):
    upgrade(engine)
    return make_session_factory(engine)


def claim(session, owner: str, now: datetime, key: str = KEY, state_code: str | None = "KH") -> Claim | None:
    """A claim committed at once, as a sender does before it sends."""
    got = ledger.claim(session, key=key, rule=key.split("|")[0], state_code=state_code, due_at=DUE, owner=owner,
                       now=now, lease=LEASE)
    session.commit()
    return got


def sent(session, owner: str, now: datetime, key: str = KEY) -> bool:
    done = ledger.mark_sent(session, key=key, owner=owner, channel="D0KH", ts="1700000000.000100",
                            recipient="UKHFOCAL", now=now)
    session.commit()
    return done


def row(session, key: str = KEY) -> Delivery:
    session.expire_all()
    return session.scalars(select(Delivery).where(Delivery.key == key)).one()


# --- One sender at a time ---


def test_a_live_claim_is_refused_to_others_then_taken_over_once_its_lease_lapses(sessions, clock):
    with sessions() as session:
        assert claim(session, "sender-a", clock.now()) is Claim.FRESH
        assert claim(session, "sender-b", clock.now()) is None
        assert claim(session, "sender-a", clock.now()) is None  # not twice to its own holder either
        clock.advance(minutes=9, seconds=59)
        assert claim(session, "sender-b", clock.now()) is None  # a second before the lease ends
        clock.advance(seconds=1)
        assert claim(session, "sender-b", clock.now()) is Claim.TAKEN_OVER
        assert claim(session, "sender-c", clock.now()) is None  # sender-b's lease is new
        assert sent(session, "sender-a", clock.now()) is False  # the dead sender's late word is refused
        assert row(session).status is DeliveryStatus.CLAIMED
        assert sent(session, "sender-b", clock.now()) is True
        delivery = row(session)
        assert (delivery.status, delivery.claimed_by, delivery.taken_over_from) == (
            DeliveryStatus.SENT, "sender-b", "sender-a")
        assert (delivery.channel, delivery.ts, delivery.recipient) == ("D0KH", "1700000000.000100", "UKHFOCAL")
        assert (delivery.attempts, delivery.lease_until, delivery.updated_at) == (2, None, clock.now())
        assert (delivery.rule, delivery.state_code, delivery.due_at) == ("article7", "KH", DUE)


def test_a_holder_whose_lease_lapsed_may_still_mark_it_sent_while_nobody_took_it(sessions, clock):
    with sessions() as session:
        claim(session, "sender-a", clock.now())
        clock.advance(hours=1)
        assert sent(session, "sender-a", clock.now()) is True  # what went out is recorded, late or not
        assert claim(session, "sender-b", clock.now()) is None


def finish(session, outcome: str, clock) -> None:
    if outcome == "skipped":
        assert ledger.record_skipped(session, key=KEY, rule="article7", state_code="KH", due_at=DUE, now=clock.now())
        session.commit()
        return
    claim(session, "sender-a", clock.now())
    if outcome == "sent":
        assert sent(session, "sender-a", clock.now())
    else:
        assert ledger.mark_undeliverable(session, key=KEY, owner="sender-a", recipient="UGONE",
                                         error="account_inactive", now=clock.now())
        session.commit()


@pytest.mark.parametrize("outcome", ["sent", "skipped", "undeliverable"])
def test_a_done_key_is_never_claimed_again(sessions, clock, outcome):
    with sessions() as session:
        finish(session, outcome, clock)
        before = row(session)
        before = (before.status, before.attempts, before.claimed_by, before.updated_at)
        assert before[0] == DeliveryStatus(outcome)
        for later in ({"seconds": 0}, {"minutes": 11}, {"days": 400}):
            clock.advance(**later)
            for owner in ("sender-a", "sender-b"):
                assert claim(session, owner, clock.now()) is None
        assert ledger.mark_failed(session, key=KEY, owner="sender-a", error="late", now=clock.now()) is False
        assert sent(session, "sender-a", clock.now()) is False
        after = row(session)
        assert (after.status, after.attempts, after.claimed_by, after.updated_at) == before
        assert ledger.status_of(session, KEY) is DeliveryStatus(outcome)


def test_a_failed_attempt_is_released_at_once_counted_and_its_error_kept(sessions, clock):
    with sessions() as session:
        assert claim(session, "sender-a", clock.now()) is Claim.FRESH
        assert ledger.mark_failed(session, key=KEY, owner="sender-a", error="ratelimited", now=clock.now())
        session.commit()
        failed = row(session)
        assert (failed.status, failed.attempts, failed.last_error, failed.lease_until) == (
            DeliveryStatus.FAILED, 1, "ratelimited", None)
        assert claim(session, "sender-b", clock.now()) is Claim.RETRY  # no need to wait for the lease
        retried = row(session)
        assert (retried.status, retried.attempts, retried.last_error, retried.taken_over_from) == (
            DeliveryStatus.CLAIMED, 2, "ratelimited", None)
        assert claim(session, "sender-c", clock.now()) is None
        assert ledger.mark_failed(session, key=KEY, owner="sender-b", error="internal_error", now=clock.now())
        session.commit()
        clock.advance(minutes=5)
        assert claim(session, "sender-c", clock.now()) is Claim.RETRY
        assert sent(session, "sender-c", clock.now())
        done = row(session)
        assert (done.status, done.attempts, done.last_error, done.claimed_by) == (
            DeliveryStatus.SENT, 3, "internal_error", "sender-c")


def test_only_the_holder_marks_a_claim_and_only_once(sessions, clock):
    with sessions() as session:
        assert sent(session, "sender-a", clock.now(), key="article7|SN|2027|-30d") is False  # never claimed
        assert ledger.status_of(session, "article7|SN|2027|-30d") is None
        claim(session, "sender-a", clock.now())
        now = clock.now()
        assert ledger.mark_failed(session, key=KEY, owner="sender-b", error="x", now=now) is False
        assert ledger.mark_undeliverable(session, key=KEY, owner="sender-b", recipient="U1", error="x",
                                         now=now) is False
        assert sent(session, "sender-b", now) is False
        assert row(session).status is DeliveryStatus.CLAIMED
        assert sent(session, "sender-a", now) is True
        assert sent(session, "sender-a", now) is False  # a second mark would be a second send
        assert ledger.mark_undeliverable(session, key=KEY, owner="sender-a", recipient="U1", error="x",
                                         now=now) is False
        assert row(session).status is DeliveryStatus.SENT


def test_an_undeliverable_message_keeps_whom_it_was_for_and_why(sessions, clock):
    with sessions() as session:
        claim(session, "sender-a", clock.now())
        assert ledger.mark_undeliverable(session, key=KEY, owner="sender-a", recipient="UGONE",
                                         error="user_not_found", now=clock.now())
        session.commit()
        delivery = row(session)
        assert (delivery.status, delivery.recipient, delivery.last_error, delivery.lease_until) == (
            DeliveryStatus.UNDELIVERABLE, "UGONE", "user_not_found", None)


def test_record_skipped_never_overwrites_a_sent_key(sessions, clock):
    with sessions() as session:
        claim(session, "sender-a", clock.now())
        sent(session, "sender-a", clock.now())
        clock.advance(days=2)
        assert ledger.record_skipped(session, key=KEY, rule="article7", state_code="KH", due_at=DUE,
                                     now=clock.now()) is False
        session.commit()
        delivery = row(session)
        assert (delivery.status, delivery.channel, delivery.ts) == (DeliveryStatus.SENT, "D0KH", "1700000000.000100")


def test_record_skipped_records_a_missed_moment_and_closes_what_nobody_holds(sessions, clock):
    now = clock.now()
    with sessions() as session:
        # Never tried: recorded as skipped, without an attempt.
        assert ledger.record_skipped(session, key=KEY, rule="article7", state_code="KH", due_at=DUE, now=now)
        session.commit()
        skipped = row(session)
        assert (skipped.status, skipped.attempts, skipped.claimed_by, skipped.created_at) == (
            DeliveryStatus.SKIPPED, 0, None, now)
        assert ledger.record_skipped(session, key=KEY, rule="article7", state_code="KH", due_at=DUE,
                                     now=now) is False  # once is enough
        # A live claim: its sender is sending right now, so it is left to finish.
        claim(session, "sender-a", now, key="article7|SN|2027|-30d")
        assert ledger.record_skipped(session, key="article7|SN|2027|-30d", rule="article7", state_code="SN",
                                     due_at=DUE, now=now) is False
        assert row(session, "article7|SN|2027|-30d").status is DeliveryStatus.CLAIMED
        # A failed attempt and a lapsed claim will not be retried now: closed as skipped, history kept.
        claim(session, "sender-a", now, key="article7|CO|2027|-30d")
        ledger.mark_failed(session, key="article7|CO|2027|-30d", owner="sender-a", error="ratelimited", now=now)
        session.commit()
        clock.advance(minutes=30)
        for key, state_code in (("article7|CO|2027|-30d", "CO"), ("article7|SN|2027|-30d", "SN")):
            assert ledger.record_skipped(session, key=key, rule="article7", state_code=state_code, due_at=DUE,
                                         now=clock.now())
            session.commit()
            closed = row(session, key)
            assert (closed.status, closed.attempts, closed.claimed_by, closed.lease_until) == (
                DeliveryStatus.SKIPPED, 1, "sender-a", None)
            assert claim(session, "sender-b", clock.now(), key=key) is None
        assert row(session, "article7|CO|2027|-30d").last_error == "ratelimited"


def test_status_of_a_key(sessions, clock):
    with sessions() as session:
        assert ledger.status_of(session, KEY) is None
        claim(session, "sender-a", clock.now())
        assert ledger.status_of(session, KEY) is DeliveryStatus.CLAIMED
        ledger.mark_failed(session, key=KEY, owner="sender-a", error="fatal_error", now=clock.now())
        assert ledger.status_of(session, KEY) is DeliveryStatus.FAILED  # within the caller's transaction too


def test_outcomes_count_messages_by_rule_state_and_status_since_a_moment(sessions, clock):
    start = clock.now()
    with sessions() as session:
        for state_code in ("KH", "SN", "CO"):
            claim(session, "s", clock.now(), key=f"article7|{state_code}|2027|-30d", state_code=state_code)
            sent(session, "s", clock.now(), key=f"article7|{state_code}|2027|-30d")
        clock.advance(days=7)
        since = clock.now()
        for key, state_code, error in (("article7|KH|2027|-7d", "KH", "account_inactive"),
                                       ("article7|KH|2027|-1d", "KH", "user_not_found"),
                                       ("msp|U0PRESIDENT|22|-7d", None, "user_not_found")):
            claim(session, "s", clock.now(), key=key, state_code=state_code)
            ledger.mark_undeliverable(session, key=key, owner="s", recipient="UGONE", error=error, now=clock.now())
        ledger.record_skipped(session, key="article7|SN|2027|-7d", rule="article7", state_code="SN", due_at=DUE,
                              now=clock.now())
        claim(session, "s", clock.now(), key="article7|CO|2027|-7d", state_code="CO")  # in flight
        session.commit()

        assert ledger.outcomes(session, since=since) == [
            Outcome("article7", "CO", DeliveryStatus.CLAIMED, 1),
            Outcome("article7", "KH", DeliveryStatus.UNDELIVERABLE, 2),
            Outcome("article7", "SN", DeliveryStatus.SKIPPED, 1),
            Outcome("msp", None, DeliveryStatus.UNDELIVERABLE, 1),
        ]
        everything = ledger.outcomes(session, rule="article7")
        assert sum(o.count for o in everything) == 7
        assert Outcome("article7", "KH", DeliveryStatus.SENT, 1) in everything
        assert ledger.outcomes(session, rule="msp", since=start) == [
            Outcome("msp", None, DeliveryStatus.UNDELIVERABLE, 1)]
        assert ledger.outcomes(session, rule="article7", since=clock.now() + timedelta(seconds=1)) == []


def test_unfinished_lists_lapsed_claims_and_failed_attempts_that_are_due(sessions, clock):
    now = clock.now()
    with sessions() as session:
        def add(key: str, due_at: datetime) -> None:
            ledger.claim(session, key=key, rule="article7", state_code=None, due_at=due_at, owner="s",
                         now=clock.now(), lease=LEASE)

        add("lapsed", now - timedelta(hours=2))
        add("failed", now - timedelta(hours=3))
        ledger.mark_failed(session, key="failed", owner="s", error="ratelimited", now=now)
        add("failed, not yet due", now + timedelta(days=1))
        ledger.mark_failed(session, key="failed, not yet due", owner="s", error="ratelimited", now=now)
        add("sent", now - timedelta(hours=4))
        ledger.mark_sent(session, key="sent", owner="s", channel="D1", ts="1.0", recipient="U1", now=now)
        ledger.record_skipped(session, key="skipped", rule="article7", state_code=None, due_at=now, now=now)
        session.commit()
        clock.advance(minutes=15)
        add("live", now - timedelta(hours=1))
        session.commit()
        assert [d.key for d in ledger.unfinished(session, now=clock.now())] == ["failed", "lapsed"]
        assert [d.key for d in ledger.unfinished(session, now=clock.now(), limit=1)] == ["failed"]


def test_a_delivery_key_names_the_rule_recipient_occasion_and_offset(sessions, clock):
    assert ledger.delivery_key("article7", "KH", "2027", "-30d") == "article7|KH|2027|-30d"
    for parts in (("article7", "K|H", "2027", "-30d"), ("article7", "", "2027", "-30d")):
        with pytest.raises(ValueError, match="part"):
            ledger.delivery_key(*parts)
    with pytest.raises(ValueError, match="200"):
        ledger.delivery_key("article7", "KH", "x" * 190, "-30d")
    with sessions() as session, pytest.raises(ValueError, match="200"):
        claim(session, "s", clock.now(), key="article7|" + "x" * 192)  # the same on SQLite, which would store it


# --- Many senders at once ---
#
# Each thread has its own session (its own connection) and commits after each claim, as a scheduler
# does. On PostgreSQL they really run at once: the unique key and row locks decide. On SQLite they are
# serialised by its database lock: a writer waits (the engine's busy timeout, 15 s) rather than failing
# with "database is locked", because each transaction's first statement is its write.


def together(sessions, workers: int, work: Callable[[Session, int], T]) -> list[T]:
    """Runs `work(session, worker)` in `workers` threads, each with its own session, released together."""
    barrier = threading.Barrier(workers, timeout=30)
    results: list[T | None] = [None] * workers
    failures: list[BaseException] = []

    def run(worker: int) -> None:
        try:
            with sessions() as session:
                barrier.wait()
                results[worker] = work(session, worker)
        except BaseException as error:
            failures.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(w,), name=f"sender-{w}") for w in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    if failures:
        raise failures[0]
    return results  # type: ignore[return-value]


def test_eight_senders_claiming_one_key_at_the_same_moment_one_wins(sessions, clock):
    keys = [f"article7|{n:03}|2027|-30d" for n in range(25)]
    for phase, expected in (("first claim", Claim.FRESH), ("take-over", Claim.TAKEN_OVER)):
        for key in keys:
            now = clock.now()
            got = together(sessions, 8, lambda session, worker, key=key, now=now: claim(
                session, f"sender-{worker}", now, key=key))
            assert Counter(got) == Counter({expected: 1, None: 7}), (phase, key)
        clock.advance(minutes=11)  # every lease lapses: the winners all died
    with sessions() as session:
        assert set(session.scalars(select(Delivery.attempts))) == {2}


def test_four_senders_over_200_keys_in_shuffled_orders_win_each_key_once(sessions, clock):
    keys = [f"article7|{n:03}|2027|-30d" for n in range(200)]

    def claim_everything(session: Session, worker: int) -> list[tuple[str, Claim]]:
        order = random.Random(worker).sample(keys, len(keys))
        return [(key, got) for key in order
                if (got := claim(session, f"sender-{worker}", clock.now(), key=key)) is not None]

    for expected in (Claim.FRESH, Claim.TAKEN_OVER):
        won = [pair for pairs in together(sessions, 4, claim_everything) for pair in pairs]
        assert Counter(key for key, _ in won) == Counter(keys)  # every key won, and exactly once
        assert {got for _, got in won} == {expected}
        clock.advance(minutes=11)

    # Every key is now held by a sender whose lease lapsed; each holder marks its own, then all claim again.
    with sessions() as session:
        holders = dict(session.execute(select(Delivery.key, Delivery.claimed_by)).all())

    def mark_mine(session: Session, worker: int) -> int:
        return sum(sent(session, f"sender-{worker}", clock.now(), key=key) for key in keys)

    def claim_any(session: Session, worker: int) -> int:
        return sum(claim(session, f"sender-{worker}", clock.now(), key=key) is not None for key in keys)

    # Two rounds: in one, a sender done marking could legitimately take over a lapsed key another had not
    # marked yet (seen once on a loaded machine), which is not what this checks.
    assert sum(together(sessions, 4, mark_mine)) == len(keys)  # each key marked by its own holder only
    assert sum(together(sessions, 4, claim_any)) == 0  # a sent key is never claimed again
    with sessions() as session:
        assert session.execute(select(Delivery.status, func.count()).group_by(Delivery.status)).all() == [
            (DeliveryStatus.SENT, 200)]
        assert dict(session.execute(select(Delivery.key, Delivery.claimed_by)).all()) == holders


def test_a_late_mark_sent_racing_take_overs_one_of_them_wins_each_key(sessions, clock):
    """The sender that seemed dead comes back and records what it sent while three others take its
    claims over: per key, either its mark stands and nobody takes the key, or one take-over does and its
    mark is refused. Never both, never neither."""
    keys = [f"article7|{n:03}|2027|-30d" for n in range(200)]
    with sessions() as session:
        for key in keys:
            claim(session, "sender-late", clock.now(), key=key)
    clock.advance(minutes=11)

    def race(session: Session, worker: int) -> list[str]:
        if worker == 0:
            return [key for key in keys if sent(session, "sender-late", clock.now(), key=key)]
        order = random.Random(worker).sample(keys, len(keys))
        return [key for key in order if claim(session, f"sender-{worker}", clock.now(), key=key) is not None]

    late, *takers = together(sessions, 4, race)
    wins = Counter(late) + Counter(key for taken in takers for key in taken)
    assert wins == Counter(keys)
    with sessions() as session:
        statuses = dict(session.execute(select(Delivery.key, Delivery.status)).all())
    assert {key for key, status in statuses.items() if status is DeliveryStatus.SENT} == set(late)


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
@pytest.mark.parametrize("kind", ["first claim", "take-over"])
def test_on_postgresql_a_second_claim_waits_for_the_first_and_defers_to_it(sessions, engine, clock, kind,
                                                                            first_ends):
    """Staged, not timed: the first claim's transaction stays open until PostgreSQL shows the second
    waiting on it (on the unique key, or on the row's lock for a take-over). Committed, the claim stands
    and the second gets nothing; rolled back, it never existed and the second gets the claim."""
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: the genuinely concurrent leg is PostgreSQL's")
    if kind == "take-over":
        with sessions() as session:
            claim(session, "sender-dead", clock.now())
        clock.advance(minutes=11)
    expected = Claim.FRESH if kind == "first claim" else Claim.TAKEN_OVER
    now = clock.now()
    with sessions() as first:
        assert ledger.claim(first, key=KEY, rule="article7", state_code="KH", due_at=DUE, owner="sender-a",
                            now=now, lease=LEASE) is expected
        pid = first.connection().connection.driver_connection.info.backend_pid
        got: list[Claim | None] = []

        def second_claim() -> None:
            with sessions() as session:
                got.append(claim(session, "sender-b", now))

        second = threading.Thread(target=second_claim, name="sender-b")
        second.start()
        wait_until_blocked_behind(engine, pid)
        first.commit() if first_ends == "commit" else first.rollback()
        second.join(timeout=30)
    assert got == ([None] if first_ends == "commit" else [expected])
    with sessions() as session:
        assert row(session).claimed_by == ("sender-a" if first_ends == "commit" else "sender-b")


# --- Random sequences of operations against the rules written plainly in Python ---


@dataclass(frozen=True)
class Expected:
    """One ledger row as the rules say it should be."""

    status: DeliveryStatus
    claimed_by: str | None
    lease_until: datetime | None
    attempts: int
    taken_over_from: str | None = None
    last_error: str | None = None
    recipient: str | None = None
    channel: str | None = None
    ts: str | None = None


class Rules:
    """The ledger's rules, one key at a time, with no SQL: what the database must agree with."""

    def __init__(self) -> None:
        self.rows: dict[str, Expected] = {}
        self.updated: dict[str, datetime] = {}

    def _set(self, key: str, row: Expected, now: datetime) -> None:
        self.rows[key], self.updated[key] = row, now

    def _takeable(self, row: Expected, now: datetime) -> bool:
        lapsed = row.status is DeliveryStatus.CLAIMED and row.lease_until <= now
        return lapsed or row.status is DeliveryStatus.FAILED

    def claim(self, key: str, owner: str, now: datetime) -> Claim | None:
        row = self.rows.get(key)
        if row is None:
            self._set(key, Expected(DeliveryStatus.CLAIMED, owner, now + LEASE, attempts=1), now)
            return Claim.FRESH
        if not self._takeable(row, now):
            return None
        dead = row.claimed_by if row.status is DeliveryStatus.CLAIMED else None
        self._set(key, replace(row, status=DeliveryStatus.CLAIMED, claimed_by=owner, lease_until=now + LEASE,
                               attempts=row.attempts + 1, taken_over_from=dead), now)
        return Claim.TAKEN_OVER if dead else Claim.RETRY

    def release(self, key: str, owner: str, now: datetime, status: DeliveryStatus, **values: str) -> bool:
        row = self.rows.get(key)
        if row is None or row.status is not DeliveryStatus.CLAIMED or row.claimed_by != owner:
            return False
        self._set(key, replace(row, status=status, lease_until=None, **values), now)
        return True

    def skip(self, key: str, now: datetime) -> bool:
        row = self.rows.get(key)
        if row is None:
            self._set(key, Expected(DeliveryStatus.SKIPPED, None, None, attempts=0), now)
            return True
        if not self._takeable(row, now):
            return False
        self._set(key, replace(row, status=DeliveryStatus.SKIPPED, lease_until=None), now)
        return True


OWNERS = st.sampled_from(["sender-a", "sender-b", "sender-c"])
# Who marks: mostly the key's holder (or last holder), so marks that count come up, sometimes anyone.
MARKERS = st.sampled_from(["holder", "holder", "holder", "sender-a", "sender-b", "sender-c"])
KEYS = st.sampled_from(["article7|KH|2027|-30d", "article7|KH|2027|-7d", "msp|U0PRESIDENT|22|-1d"])
OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("claim"), OWNERS, KEYS),
    st.tuples(st.just("claim"), OWNERS, KEYS),  # twice as likely as the rest
    # Minutes; a lease is 10, so steps of 5 and 10 often land exactly on a lease's end.
    st.tuples(st.just("advance"), st.sampled_from([1, 5, 5, 10, 10, 30])),
    st.tuples(st.just("sent"), MARKERS, KEYS),
    st.tuples(st.just("failed"), MARKERS, KEYS, st.sampled_from(["ratelimited", "internal_error"])),
    st.tuples(st.just("undeliverable"), MARKERS, KEYS, st.sampled_from(["user_not_found", "account_inactive"])),
    st.tuples(st.just("skipped"), KEYS),
), min_size=10, max_size=40)
START = datetime(2027, 3, 31, 9, 0, tzinfo=UTC)


def in_the_database(session: Session) -> tuple[dict[str, Expected], dict[str, datetime]]:
    columns = (Delivery.status, Delivery.claimed_by, Delivery.lease_until, Delivery.attempts,
               Delivery.taken_over_from, Delivery.last_error, Delivery.recipient, Delivery.channel, Delivery.ts)
    rows = session.execute(select(Delivery.key, Delivery.updated_at, *columns)).all()
    return {r[0]: Expected(*r[2:]) for r in rows}, {r[0]: r[1] for r in rows}


# Each example is dozens of committed statements: a quarter of the profile's examples keeps CI quick.
@settings(max_examples=max(25, settings.default.max_examples // 4))
@given(operations=OPERATIONS)
def test_random_operations_agree_with_the_rules_and_nothing_is_sent_twice(sessions, clock, operations):
    clock.current = START
    event(f"{len(operations) // 10 * 10}+ operations")
    rules = Rules()
    sent_transitions: Counter[str] = Counter()
    with sessions() as session:
        session.execute(delete(Delivery))  # the fixture's database is shared by every example
        session.commit()
        was_sent: set[str] = set()
        for step, (operation, *arguments) in enumerate(operations):
            now = clock.now()
            if operation == "advance":
                clock.advance(minutes=arguments[0])
                continue
            if arguments[0] == "holder":
                held = rules.rows.get(arguments[1])
                arguments[0] = held.claimed_by if held and held.claimed_by else "sender-a"
            if operation == "claim":
                owner, key = arguments
                got = ledger.claim(session, key=key, rule=key.split("|")[0], state_code=None, due_at=START,
                                   owner=owner, now=now, lease=LEASE)
                expected = rules.claim(key, owner, now)
            elif operation == "sent":
                owner, key = arguments
                mark = {"channel": "D0", "ts": f"{step}.000100", "recipient": "U0"}
                got = ledger.mark_sent(session, key=key, owner=owner, now=now, **mark)
                expected = rules.release(key, owner, now, DeliveryStatus.SENT, **mark)
            elif operation == "failed":
                owner, key, error = arguments
                got = ledger.mark_failed(session, key=key, owner=owner, error=error, now=now)
                expected = rules.release(key, owner, now, DeliveryStatus.FAILED, last_error=error)
            elif operation == "undeliverable":
                owner, key, error = arguments
                got = ledger.mark_undeliverable(session, key=key, owner=owner, recipient="U0GONE", error=error,
                                                now=now)
                expected = rules.release(key, owner, now, DeliveryStatus.UNDELIVERABLE, recipient="U0GONE",
                                         last_error=error)
            else:
                [key] = arguments
                got = ledger.record_skipped(session, key=key, rule=key.split("|")[0], state_code=None,
                                            due_at=START, now=now)
                expected = rules.skip(key, now)
            session.commit()
            event(f"{operation}: {got}")  # how often each outcome came up: --hypothesis-show-statistics
            assert got == expected, (step, operation, arguments)
            rows, updated = in_the_database(session)
            assert (rows, updated) == (rules.rows, rules.updated), (step, operation, arguments)
            now_sent = {k for k, row in rows.items() if row.status is DeliveryStatus.SENT}
            sent_transitions.update(now_sent - was_sent)
            assert was_sent <= now_sent  # sent stays sent
            was_sent = now_sent
    assert all(count == 1 for count in sent_transitions.values())
