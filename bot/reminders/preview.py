"""What the reminders would send on a day, to whom and in which language, without sending anything:
ISU staff check a campaign before it starts (`pfp reminders preview --on 2027-03-01`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.reminders.blocks import article7_message
from bot.reminders.rules import Article7Reminder, article7_due, recipient_of
from bot.settings import ReminderSettings
from storage import ledger


@dataclass(frozen=True)
class Planned:
    reminder: Article7Reminder
    recipient: str  # the focal point's Slack id
    language: str
    text: str


def planned_on(session: Session, day: date, settings: ReminderSettings) -> list[Planned]:
    """The reminders of `day` not already done, as their recipients would read them."""
    due = [r for r in article7_due(session, day, settings) if r.day == day]
    done = ledger.finished(session, [r.key for r in due])
    planned = []
    for reminder in due:
        person = recipient_of(session, reminder)
        if reminder.key in done or person is None:
            continue
        text, _ = article7_message(Translator(person.locale), reminder, today=day)
        planned.append(Planned(reminder, person.slack_user_id, Translator(person.locale).language, text))
    return sorted(planned, key=lambda p: (p.reminder.state_code, p.reminder.offset))
