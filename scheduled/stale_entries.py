"""Stale entries: an entry nobody confirmed for six months brings its State's focal point a nudge with
Still current, Edit and Withdraw, at most once every 30 days per entry."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.notifier import Notifier
from bot.platform.rules import MODELS
from bot.reminders.blocks import stale_message
from bot.reminders.delivery import Zones, deliver_all, time_zones, to_focal_point
from bot.reminders.rules import STALE, stale_due
from bot.settings import ReminderSettings

RULE = STALE


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    now = clock.now()

    def compose(reminder, tr, _today):
        return stale_message(tr, session.get_one(MODELS[reminder.side], reminder.entry_id), now=now)

    return deliver_all(session, notifier, stale_due(session, now), compose, now=now, owner=owner, settings=settings,
                       destine=to_focal_point(zones or time_zones(notifier)))
