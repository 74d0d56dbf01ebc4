"""Before each Intersessional Meetings and Meeting of the States Parties (recommendation 14(d)): every
focal point asked for new or updated Platform information, exactly once per meeting and offset."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.notifier import Notifier
from bot.platform.rules import state_entries
from bot.reminders.blocks import platform_message
from bot.reminders.delivery import Zones, deliver_all, time_zones, to_focal_point
from bot.reminders.rules import PLATFORM, platform_due
from bot.settings import ReminderSettings

RULE = PLATFORM


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    now = clock.now()

    def compose(reminder, tr, today):
        return platform_message(tr, reminder, state_entries(session, reminder.state_code), today=today, now=now)

    return deliver_all(session, notifier, platform_due(session, now.date(), settings), compose, now=now, owner=owner,
                       settings=settings, destine=to_focal_point(zones or time_zones(notifier)))
