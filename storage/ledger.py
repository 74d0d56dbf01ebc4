"""The delivery ledger: every scheduled message goes out exactly once, however many schedulers run and
whenever one of them dies.

The protocol is **claim, send, mark sent**. `claim` takes a message by its key for a while (a lease held
by an owner id); the owner sends it, then `mark_sent`. A sender that dies leaves a claim whose lease runs
out; the next `claim` takes it over (`Claim.TAKEN_OVER`), so nothing is lost, and that caller looks in
Slack for the message before sending it again, since the dead owner may have sent it. A key that is sent,
skipped or undeliverable is done and is never claimed again, so nothing is doubled; a failed attempt
releases the claim for a later retry.

Each function is one SQL statement, safe under concurrency: the unique key and the row lock decide who
holds a claim, never a read followed by a write. None of them commits: the caller owns the transaction,
and commits right after `claim` (so others see the claim before it sends) and after each mark.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Delivery, DeliveryStatus

KEY_LENGTH = 200  # the column's length
KEY_SEPARATOR = "|"


class Claim(enum.Enum):
    """What kind of claim the caller now holds (`claim` returns None when it holds none)."""

    FRESH = "fresh"  # nobody had tried this message
    RETRY = "retry"  # the last attempt was marked failed: it did not go out, as far as its sender knew
    TAKEN_OVER = "taken_over"  # the last holder's lease lapsed: it may have sent; look in Slack first


@dataclass(frozen=True)
class Outcome:
    """How many of a rule's messages to one State (or to nobody's State) ended in one status."""

    rule: str
    state_code: str | None
    status: DeliveryStatus
    count: int


def delivery_key(rule: str, recipient: str, occasion: str, offset: str) -> str:
    """The key naming one scheduled message, e.g. `article7|KH|2027|-30d`: the rule, the State or person
    it is for, the occasion (a year, a meeting) and the offset from it."""
    parts = (rule, recipient, occasion, offset)
    if any(not part or KEY_SEPARATOR in part for part in parts):
        # Two different messages must never share a key: no empty part, no separator inside one.
        raise ValueError(f"each part of a delivery key is non-empty and has no {KEY_SEPARATOR!r}: {parts!r}")
    return _checked(KEY_SEPARATOR.join(parts))


def _checked(key: str) -> str:
    # PostgreSQL would refuse a longer key and SQLite would store it: refused the same way on both.
    if len(key) > KEY_LENGTH:
        raise ValueError(f"a delivery key has at most {KEY_LENGTH} characters, not {len(key)}: {key[:40]}...")
    return key


def _insert(session: Session):
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(Delivery)


def _takeable(now: datetime) -> ColumnElement[bool]:
    """A row nobody holds and nobody finished: a failed attempt, or a claim whose lease lapsed."""
    return or_(Delivery.status == DeliveryStatus.FAILED,
               and_(Delivery.status == DeliveryStatus.CLAIMED, Delivery.lease_until <= now))


def claim(session: Session, *, key: str, rule: str, state_code: str | None, due_at: datetime, owner: str,
          now: datetime, lease: timedelta) -> Claim | None:
    """Claims the message `key` for `owner` until `now + lease`; None if someone holds it or it is done.

    One INSERT ... ON CONFLICT DO UPDATE ... WHERE: either a new row, or the existing one taken over when it
    is takeable. The unique key makes concurrent inserts of one key wait for each other, and the update
    re-checks its WHERE on the row it locked, so exactly one caller gets the claim. A claim is never
    granted twice, not even to its own holder while its lease runs: an owner asking twice is two senders.
    Leases are judged by the callers' clocks, so a lease must be far longer than their skew."""
    statement = _insert(session).values(
        key=_checked(key), rule=rule, state_code=state_code, due_at=due_at, status=DeliveryStatus.CLAIMED,
        claimed_by=owner, lease_until=now + lease, attempts=1, created_at=now, updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Delivery.key],
        set_={
            "status": DeliveryStatus.CLAIMED,
            "claimed_by": owner,
            "lease_until": now + lease,
            "attempts": Delivery.attempts + 1,
            # SET reads the row as it was: a lapsed claim names its dead holder, a failed attempt nobody.
            "taken_over_from": case((Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by), else_=None),
            "updated_at": now,
        },
        where=_takeable(now),
    ).returning(Delivery.attempts, Delivery.taken_over_from)
    got = session.execute(statement).first()
    if got is None:
        return None
    if got.attempts == 1:
        return Claim.FRESH  # an updated row has had at least one attempt before this one
    return Claim.TAKEN_OVER if got.taken_over_from is not None else Claim.RETRY


def _release(session: Session, *, key: str, owner: str, status: DeliveryStatus, now: datetime,
             **values: str) -> bool:
    """Ends `owner`'s claim on `key` with `status`; False if it holds no claim on it (any more)."""
    statement = (
        update(Delivery)
        .where(Delivery.key == key, Delivery.status == DeliveryStatus.CLAIMED, Delivery.claimed_by == owner)
        .values(status=status, lease_until=None, updated_at=now, **values)
        .returning(Delivery.id)
    )
    return session.execute(statement).first() is not None


def mark_sent(session: Session, *, key: str, owner: str, channel: str, ts: str, recipient: str,
              now: datetime) -> bool:
    """Records that `owner` sent `key` to `recipient` (Slack's channel and ts); it is never sent again.

    Only the holder may: once its claim was taken over, the new holder decides. A holder whose lease
    lapsed but that nobody took over may still record what it sent."""
    return _release(session, key=key, owner=owner, status=DeliveryStatus.SENT, now=now,
                    channel=channel, ts=ts, recipient=recipient)


def mark_failed(session: Session, *, key: str, owner: str, error: str, now: datetime) -> bool:
    """Releases `owner`'s claim after an attempt that should be retried; the next claim may take it at once."""
    return _release(session, key=key, owner=owner, status=DeliveryStatus.FAILED, now=now, last_error=error)


def mark_undeliverable(session: Session, *, key: str, owner: str, recipient: str, error: str,
                       now: datetime) -> bool:
    """Records that `recipient` cannot receive `key` (e.g. `user_not_found`, `account_inactive`): done, no retry."""
    return _release(session, key=key, owner=owner, status=DeliveryStatus.UNDELIVERABLE, now=now,
                    recipient=recipient, last_error=error)


def record_skipped(session: Session, *, key: str, rule: str, state_code: str | None, due_at: datetime,
                   now: datetime) -> bool:
    """Records that the moment of `key` passed by more than its grace, so it is never sent late. True if this
    recorded it: a new row, or one nobody holds and nobody finished (a failed attempt, a lapsed claim)
    closed as skipped, its attempts and last error kept. A sent, undeliverable or already skipped key,
    and one whose sender holds it now, stays as it is."""
    statement = _insert(session).values(
        key=_checked(key), rule=rule, state_code=state_code, due_at=due_at, status=DeliveryStatus.SKIPPED,
        attempts=0, created_at=now, updated_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=[Delivery.key],
        set_={"status": DeliveryStatus.SKIPPED, "lease_until": None, "updated_at": now},
        where=_takeable(now),
    ).returning(Delivery.id)
    return session.execute(statement).first() is not None


def finished(session: Session, keys: list[str]) -> set[str]:
    """Which of `keys` are done (sent, skipped or undeliverable): one query for a tick's candidates."""
    done = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.UNDELIVERABLE)
    found: set[str] = set()
    for start in range(0, len(keys), 500):  # bounded IN lists, for SQLite's parameter limit
        chunk = keys[start:start + 500]
        found |= set(session.scalars(select(Delivery.key).where(Delivery.key.in_(chunk), Delivery.status.in_(done))))
    return found


def status_of(session: Session, key: str) -> DeliveryStatus | None:
    """Where `key` stands, or None if nobody claimed or skipped it yet."""
    return session.scalar(select(Delivery.status).where(Delivery.key == key))


def outcomes(session: Session, *, rule: str | None = None, since: datetime | None = None) -> list[Outcome]:
    """How many messages ended in each status, by rule and State, for reports (e.g. the ISU digest's
    undeliverable reminders by State): of one rule or all, last changed at or after `since` or ever.
    Claims in flight are counted too, as `claimed`."""
    query = select(Delivery.rule, Delivery.state_code, Delivery.status, func.count()).group_by(
        Delivery.rule, Delivery.state_code, Delivery.status)
    if rule is not None:
        query = query.where(Delivery.rule == rule)
    if since is not None:
        query = query.where(Delivery.updated_at >= since)
    found = [Outcome(*r) for r in session.execute(query)]
    # Sorted here: the two databases disagree on where NULL (no State) sorts.
    return sorted(found, key=lambda o: (o.rule, o.state_code or "", o.status.value))


def unfinished(session: Session, *, now: datetime, limit: int = 100) -> list[Delivery]:
    """Messages due by `now` that nobody holds and nobody finished (failed attempts, lapsed claims), the
    longest overdue first: what a scheduler retries, or records as skipped once their grace is over."""
    query = (
        select(Delivery)
        # The IN, redundant beside _takeable, lets both databases walk ix_deliveries_status_due.
        .where(Delivery.status.in_([DeliveryStatus.CLAIMED, DeliveryStatus.FAILED]), Delivery.due_at <= now,
               _takeable(now))
        .order_by(Delivery.due_at, Delivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))
