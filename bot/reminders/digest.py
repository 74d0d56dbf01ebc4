"""The ISU's weekly digest in PFP_ISU_CHANNEL, each Monday: what changed on the Platform, registrations
waiting, the Article 7 picture, the coming deadlines, States with no focal point, and reminders that could
not be delivered. Once a week, through the same ledger as every reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.calendar import Occurrence, article7_deadline, upcoming
from bot.platform.rules import Entry
from bot.registration.rules import states_parties_on
from storage import article7, ledger
from storage import platform as queries
from storage.ledger import delivery_key
from storage.models import DeliveryStatus, Need, Offer, RegistrationRequest
from storage.people import pending_requests, states_with_a_focal_point

DIGEST = "digest"
AHEAD = timedelta(days=60)  # deadlines shown


@dataclass(frozen=True)
class WeeklyDigest:
    week_start: date  # a Monday
    rule = DIGEST
    state_code = None
    grace = timedelta(days=6)  # any day of its week will do

    @property
    def day(self) -> date:
        return self.week_start

    @property
    def key(self) -> str:
        return delivery_key(DIGEST, "ISU", self.week_start.isoformat(), "+0d")


def digest_due(today: date) -> list[WeeklyDigest]:
    return [WeeklyDigest(today - timedelta(days=today.weekday()))]


@dataclass(frozen=True)
class DigestFacts:
    since: datetime
    new: list[Entry]
    updated: list[Entry]
    waiting: list[RegistrationRequest]
    article7_year: int
    received: int
    missing: list[str]
    coming: list[Occurrence]
    without_focal_point: list[str]
    undeliverable: list[tuple[str, str | None, int]]  # rule, State, how many


def digest_facts(session: Session, now: datetime) -> DigestFacts:
    since, today = now - timedelta(days=7), now.date()
    changed = [*queries.changed_since(session, Need, since), *queries.changed_since(session, Offer, since)]
    year = today.year if today <= article7_deadline(today.year) + timedelta(days=60) else today.year + 1
    parties = [s.code for s in states_parties_on(session, today)]
    received = article7.received_states(session, year)
    focal = states_with_a_focal_point(session)
    return DigestFacts(
        since=since,
        new=[e for e in changed if e.created_at >= since],
        updated=[e for e in changed if e.created_at < since],
        waiting=pending_requests(session),
        article7_year=year,
        received=len(received & set(parties)),
        missing=sorted(code for code in parties if code not in received),
        coming=[o for o in upcoming(session, today) if o.starts_on <= today + AHEAD],
        without_focal_point=sorted(code for code in parties if code not in focal),
        undeliverable=[(o.rule, o.state_code, o.count) for o in ledger.outcomes(session, since=since)
                       if o.status == DeliveryStatus.UNDELIVERABLE],
    )
