"""The Article 7 reminders job: one tick works out what is due now and delivers it, exactly once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.notifier import Notifier
from bot.reminders.blocks import article7_message
from bot.reminders.delivery import Zones, deliver_all, time_zones, to_focal_point
from bot.reminders.rules import ARTICLE7, article7_due
from bot.settings import ReminderSettings

RULE = ARTICLE7


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    """One tick: every due Article 7 reminder is sent, skipped or left for later; returns how many of each.
    `zones` is the tick's cache of time zones (scheduler.run_jobs), a fresh one when run alone."""
    now = clock.now()
    due = article7_due(session, now.date(), settings)
    return deliver_all(session, notifier, due, lambda reminder, tr, today: article7_message(tr, reminder, today=today),
                       now=now, owner=owner, settings=settings, destine=to_focal_point(zones or time_zones(notifier)))
