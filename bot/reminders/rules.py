"""Which reminders are due: worked out afresh at every tick from the calendar, the records and the
ledger (level-triggered), so a bot that was down at the due time sends when it comes back, and a
reminder whose moment passed by more than its grace is recorded as skipped, never sent late.

The Article 7 rule (recommendation 14(b)): every State Party whose report for the year is not recorded
as received hears, through its focal point, 60, 30, 14 and 3 days before 30 April, and once 7 days
after it if the report is still missing (PFP_ARTICLE7_DAYS)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.calendar import Occurrence, article7_deadline, upcoming
from bot.platform.rules import STALE_AFTER, side_of, stale_entries, stale_organisation_offers
from bot.registration.rules import states_parties_on
from bot.settings import ReminderSettings
from storage.article7 import received_states
from storage.ledger import delivery_key
from storage.models import EventKind, Person
from storage.people import contact_of_organisation, focal_point_of, states_with_a_focal_point

ARTICLE7, PLATFORM, STALE = "article7", "platform", "stale"
# The meetings before which the States are asked to bring the Platform up to date.
CAMPAIGN_MEETINGS = (EventKind.INTERSESSIONAL, EventKind.MSP, EventKind.REVIEW_CONFERENCE)
GENEVA = ZoneInfo("Europe/Zurich")  # Geneva's time, for a person whose time zone Slack does not give


@dataclass(frozen=True)
class Article7Reminder:
    """One reminder of the Article 7 deadline of `year`, `offset` days from it, for one State."""

    state_code: str
    year: int  # the deadline's year; its reports cover the year before
    offset: int  # days from 30 April: negative before it
    rule = ARTICLE7
    grace = None  # the setting's

    @property
    def deadline(self) -> date:
        return article7_deadline(self.year)

    @property
    def day(self) -> date:
        return self.deadline + timedelta(days=self.offset)

    @property
    def key(self) -> str:
        """The ledger's key: rule, recipient State, occasion, offset. The focal point may change between
        claim and send; the State is who the reminder is for."""
        return delivery_key(ARTICLE7, self.state_code, str(self.year), f"{self.offset:+d}d")


def article7_due(session: Session, today: date, settings: ReminderSettings) -> list[Article7Reminder]:
    """The Article 7 reminders whose day has come (tomorrow's too, for the recipients ahead in time), for
    every State Party with a focal point whose report is not recorded as received. Past ones are kept:
    the ledger says which are done, and one past its grace is recorded as skipped, not sent. (A State
    with no focal point hears nothing: the ISU's digest names it.)"""
    reachable = states_with_a_focal_point(session)
    due: list[Article7Reminder] = []
    for year in sorted({today.year, today.year + 1}):
        deadline = article7_deadline(year)
        offsets = [o for o in settings.article7_days if (deadline + timedelta(days=o) - today).days <= 1]
        if not offsets:
            continue
        received = received_states(session, year)
        for state in states_parties_on(session, deadline):
            if state.code in reachable and state.code not in received:
                due += [Article7Reminder(state.code, year, offset) for offset in offsets]
    return due


@dataclass(frozen=True)
class PlatformReminder:
    """Recommendation 14(d): ahead of a meeting, a State's focal point is asked for new or updated Platform
    information (its entries, each a click from Still current or Edit)."""

    state_code: str
    meeting: Occurrence
    offset: int  # days from the meeting's first day: negative, before it
    rule = PLATFORM
    grace = None  # the setting's

    @property
    def day(self) -> date:
        return self.meeting.starts_on + timedelta(days=self.offset)

    @property
    def key(self) -> str:
        return delivery_key(PLATFORM, self.state_code, f"event-{self.meeting.event_id}", f"{self.offset:+d}d")


def platform_due(session: Session, today: date, settings: ReminderSettings) -> list[PlatformReminder]:
    """The Platform update reminders whose day has come, for the coming Intersessional Meetings, Meetings
    of the States Parties and Review Conferences, to every State Party with a focal point."""
    reachable = states_with_a_focal_point(session)
    due: list[PlatformReminder] = []
    for meeting in upcoming(session, today):
        if meeting.is_article7_deadline or meeting.kind not in CAMPAIGN_MEETINGS:
            continue
        offsets = [o for o in settings.platform_days if (meeting.starts_on + timedelta(days=o) - today).days <= 1]
        if not offsets:
            continue
        for state in states_parties_on(session, meeting.starts_on):
            if state.code in reachable:
                due += [PlatformReminder(state.code, meeting, offset) for offset in offsets]
    return due


STALE_EVERY = timedelta(days=30)  # a stale entry's nudge comes back at most this often


@dataclass(frozen=True)
class StaleReminder:
    """A nudge about one entry nobody confirmed for six months: Still current, Edit or Withdraw. Each
    confirmation starts a new series, since the key names the day the entry was last confirmed."""

    state_code: str | None
    side: str
    entry_id: int
    confirmed_on: date
    period: int  # the nudge's number in the series: one every 30 days
    organisation_id: int | None = None  # an organisation's offer: its first person hears, as no State's is
    rule = STALE
    grace = STALE_EVERY - timedelta(days=1)  # any day of its period will do: it is a nudge, not a deadline

    @property
    def day(self) -> date:
        return self.confirmed_on + STALE_AFTER + self.period * STALE_EVERY

    @property
    def key(self) -> str:
        owner = self.state_code or f"org-{self.organisation_id}"
        return delivery_key(STALE, owner, f"{self.side}-{self.entry_id}-{self.confirmed_on.isoformat()}",
                            f"{self.period}")


def stale_due(session: Session, now: datetime) -> list[StaleReminder]:
    """This period's nudge for every stale entry of a State with a focal point, and of an organisation."""
    due = []
    for entry in [*stale_entries(session, now, states_with_a_focal_point(session)),
                  *stale_organisation_offers(session, now)]:
        confirmed_on = entry.confirmed_at.date()
        period = (now.date() - (confirmed_on + STALE_AFTER)).days // STALE_EVERY.days
        due.append(StaleReminder(entry.state_code, side_of(entry), entry.id, confirmed_on, max(0, period),
                                 organisation_id=getattr(entry, "organisation_id", None)))
    return due


def recipient_of(session: Session, reminder) -> Person | None:
    """Who hears it: the State's focal point now (not when the reminder was first claimed); for an
    organisation's offer, the first of its people."""
    if getattr(reminder, "organisation_id", None) is not None:
        return contact_of_organisation(session, reminder.organisation_id)
    return focal_point_of(session, reminder.state_code)


def moment(day: date, zone: ZoneInfo, settings: ReminderSettings) -> datetime:
    """When a reminder of `day` goes out: the start of the first daytime hour on a weekday, on or after
    that day, in the recipient's time zone; never at night or on a weekend."""
    start, _ = settings.hours
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(start), tzinfo=zone)


def is_daytime(now: datetime, zone: ZoneInfo, settings: ReminderSettings) -> bool:
    local = now.astimezone(zone)
    start, end = settings.hours
    return local.weekday() < 5 and start <= local.hour < end


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else GENEVA
    except (KeyError, ValueError):  # a zone this machine does not know
        return GENEVA
