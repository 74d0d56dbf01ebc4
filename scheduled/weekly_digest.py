"""The ISU's weekly digest, each Monday in PFP_ISU_CHANNEL, once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.notifier import Notifier
from bot.reminders.blocks import digest_message
from bot.reminders.delivery import Zones, deliver_all, to_channel
from bot.reminders.digest import DIGEST, digest_due, digest_facts
from bot.settings import ReminderSettings

RULE = DIGEST


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    """`zones` is unused: the digest goes to a channel, in Geneva's hours."""
    if isu_channel is None:
        return Counter()
    now = clock.now()
    return deliver_all(session, notifier, digest_due(now.date()),
                       lambda _digest, tr, _today: digest_message(tr, digest_facts(session, now)),
                       now=now, owner=owner, settings=settings, destine=to_channel(isu_channel))
