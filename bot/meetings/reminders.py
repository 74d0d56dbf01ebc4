"""The day before a meeting, each invitee who accepted is reminded once, in their language, in daytime
where they are, through the reminders' ledger (bot/reminders/delivery.py): exactly once, whatever
crashes, restarts or second schedulers happen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.reminders.delivery import Destination, Destine
from bot.reminders.rules import zone_of
from storage import meetings as queries
from storage.ledger import delivery_key
from storage.models import MeetingInvitation

MEETING = "meeting"  # the rule's name, in the ledger's keys and for /pfp admin reminders pause
LOOK_AHEAD = timedelta(days=5)  # meetings starting within this are looked at (a weekend and a holiday)


@dataclass(frozen=True)
class MeetingReminder:
    """The reminder to one invitee who accepted, on the last weekday before the meeting's day."""

    invitation_id: int
    meeting_id: int
    person_id: int
    state_code: str  # the requesting State's (the ledger counts reminders by State)
    day: date
    rule = MEETING
    grace = timedelta(hours=8)  # that day's working hours; never sent on the meeting's day

    @property
    def key(self) -> str:
        return delivery_key(MEETING, f"person-{self.person_id}", f"meeting-{self.meeting_id}", "-1d")


def reminder_day(meeting_day: date) -> date:
    """The last weekday before the meeting's day (a Monday meeting is recalled on the Friday)."""
    day = meeting_day - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def meeting_reminders_due(session: Session, now: datetime, zones: Callable[[str], str | None]) -> list[MeetingReminder]:
    """Reminders for the accepted invitations to meetings starting soon, each on the day before the
    meeting's day where the invitee is."""
    due = []
    for invitation in queries.accepted_for_meetings_between(session, now, now + LOOK_AHEAD):
        meeting = invitation.meeting
        assert meeting.starts_at is not None
        local_day = meeting.starts_at.astimezone(zone_of(zones(invitation.person.slack_user_id))).date()
        due.append(MeetingReminder(invitation.id, meeting.id, invitation.person_id, meeting.state_code,
                                   reminder_day(local_day)))
    return due


def to_invitee(zones: Callable[[str], str | None]) -> Destine:
    """The invitee themself, in their language and time zone."""
    def destine(session: Session, reminder: MeetingReminder) -> Destination | None:
        invitation = session.get(MeetingInvitation, reminder.invitation_id)
        if invitation is None:
            return None
        person = invitation.person
        return Destination(person.slack_user_id, zone_of(zones(person.slack_user_id)), Translator(person.locale))
    return destine
