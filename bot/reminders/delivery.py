"""Sending one reminder exactly once: claim it in the ledger, send it, mark it sent. Slack carries the
reminder's key in the message's metadata, so a sender that takes over a dead one's claim first looks in
the recipient's direct messages and marks it sent instead of sending it twice."""

from __future__ import annotations

import enum
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.notifier import Notifier
from bot.reminders.rules import GENEVA, is_daytime, moment, recipient_of, zone_of
from bot.settings import ReminderSettings
from storage import ledger
from storage.ledger import Claim
from storage.models import Person

log = logging.getLogger(__name__)
EVENT_TYPE = "pfp_reminder"  # Slack message metadata: {"event_type": ..., "event_payload": {"key": ...}}
# Slack's answers meaning the person cannot receive anything: recorded once, never retried.
GONE = {"user_not_found", "account_inactive", "user_disabled", "cannot_dm_bot"}


class Outcome(enum.StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"  # found in Slack after a take-over
    DONE = "done"  # the ledger has it: sent, skipped or undeliverable, or another sender holds it
    WAITING = "waiting"  # not yet its moment, or night or weekend where the recipient is
    SKIPPED = "skipped"  # its moment passed by more than the grace
    NO_RECIPIENT = "no focal point"
    UNDELIVERABLE = "undeliverable"
    FAILED = "failed"  # Slack refused for now: released, tried again at a later tick


class Reminder(Protocol):
    """What every reminder has: its ledger key and rule, the State it is for, and the day it is due."""

    @property
    def key(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def state_code(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def grace(self) -> timedelta | None: ...  # its own, or None for the setting


# The words of a reminder for its recipient: (reminder, translator, today) -> (text, blocks).
Compose = Callable[[Any, Translator, date], tuple[str, list]]


@dataclass(frozen=True)
class Destination:
    """Where a reminder goes: a person's DM (`address` their user id), or a channel (the ISU's)."""

    address: str
    zone: ZoneInfo
    tr: Translator
    direct: bool = True


Destine = Callable[[Session, Any], "Destination | None"]
Zones = Callable[[str], "str | None"]  # a person's Slack id -> their time zone's name, None if Slack cannot tell


def time_zones(notifier: Notifier) -> Zones:
    """Each person's time zone from Slack's users.info, asked once per person for as long as this lives: a
    tick makes one and hands it to every job, so a person several jobs reach is looked up once."""
    return cache(notifier.timezone_of)


def to_focal_point(zones: Zones) -> Destine:
    """The State's focal point now, in their language and time zone (Slack's users.info)."""
    def destine(session: Session, reminder: Any) -> Destination | None:
        person: Person | None = recipient_of(session, reminder)
        if person is None:
            return None
        return Destination(person.slack_user_id, zone_of(zones(person.slack_user_id)), Translator(person.locale))
    return destine


def to_channel(channel: str) -> Destine:
    """A channel read by many (the ISU's): the Convention's working language, Geneva's hours."""
    return lambda _session, _reminder: Destination(channel, GENEVA, Translator(), direct=False)


def deliver_all(session: Session, notifier: Notifier, reminders: list[Reminder], compose: Compose, *,
                now: datetime, owner: str, settings: ReminderSettings, destine: Destine) -> Counter:
    """A tick's reminders of one rule: those the ledger has finished are passed over in one query, the
    others delivered one by one."""
    outcomes: Counter[Outcome] = Counter()
    done = ledger.finished(session, [reminder.key for reminder in reminders])
    outcomes[Outcome.DONE] += len(done)
    for reminder in reminders:
        if reminder.key not in done:
            outcomes[deliver(session, notifier, reminder, compose, now=now, owner=owner, settings=settings,
                             destine=destine)] += 1
    return outcomes


def deliver(session: Session, notifier: Notifier, reminder: Reminder, compose: Compose, *, now: datetime,
            owner: str, settings: ReminderSettings, destine: Destine) -> Outcome:
    """One reminder the ledger has not finished (deliver_all asked it, in one query), one unit of work per
    step: each ledger change is committed before the next step, so another scheduler sees a claim before
    this one sends."""
    where = destine(session, reminder)
    if where is None:
        return Outcome.NO_RECIPIENT
    zone = where.zone
    due_at = moment(reminder.day, zone, settings)
    if now < due_at:
        return Outcome.WAITING
    if now > due_at + (reminder.grace or settings.grace):
        recorded = ledger.record_skipped(session, key=reminder.key, rule=reminder.rule,
                                         state_code=reminder.state_code, due_at=due_at, now=now)
        session.commit()
        return Outcome.SKIPPED if recorded else Outcome.DONE
    if not is_daytime(now, zone, settings):
        return Outcome.WAITING
    claim = ledger.claim(session, key=reminder.key, rule=reminder.rule, state_code=reminder.state_code,
                         due_at=due_at, owner=owner, now=now, lease=settings.lease)
    session.commit()
    if claim is None:
        return Outcome.DONE
    user_id = where.address
    try:
        if claim is Claim.TAKEN_OVER:  # the dead sender may have sent it: Slack knows
            found = notifier.find_sent(user_id, EVENT_TYPE, reminder.key, direct=where.direct)
            if found is not None:
                ledger.mark_sent(session, key=reminder.key, owner=owner, channel=found[0], ts=found[1],
                                 recipient=user_id, now=now)
                session.commit()
                return Outcome.ALREADY_SENT
        text, blocks = compose(reminder, where.tr, now.date())
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": reminder.key}}
        channel, ts = (notifier.direct_message(user_id, text, blocks, metadata=metadata) if where.direct
                       else notifier.post(user_id, text, blocks, metadata=metadata))
    except SlackApiError as error:
        reason = str(error.response.get("error") or "unknown")
        if reason in GONE:
            ledger.mark_undeliverable(session, key=reminder.key, owner=owner, recipient=user_id, error=reason, now=now)
            outcome = Outcome.UNDELIVERABLE
        else:
            ledger.mark_failed(session, key=reminder.key, owner=owner, error=reason, now=now)
            outcome = Outcome.FAILED
        session.commit()
        log.warning("reminder %s to %s: %s", reminder.key, user_id, reason)
        return outcome
    ledger.mark_sent(session, key=reminder.key, owner=owner, channel=channel, ts=ts, recipient=user_id, now=now)
    session.commit()
    return Outcome.SENT
