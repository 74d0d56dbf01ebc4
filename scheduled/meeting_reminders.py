"""The day-before reminders of individualised meetings, to each invitee who accepted."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.meetings.blocks import day_before_message
from bot.meetings.reminders import MEETING, meeting_reminders_due, to_invitee
from bot.notifier import Notifier
from bot.reminders.delivery import Zones, deliver_all, time_zones
from bot.settings import ReminderSettings
from storage.models import MeetingInvitation

RULE = MEETING


def run(session: Session, clock: Clock, notifier: Notifier, settings: ReminderSettings, *, owner: str,
        isu_channel: str | None = None, zones: Zones | None = None) -> Counter:
    now = clock.now()
    zones = zones or time_zones(notifier)

    def compose(reminder, tr, _today):
        return day_before_message(tr, session.get_one(MeetingInvitation, reminder.invitation_id))

    return deliver_all(session, notifier, meeting_reminders_due(session, now, zones), compose, now=now, owner=owner,
                       settings=settings, destine=to_invitee(zones))
