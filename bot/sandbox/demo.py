"""The demo workspace the sandbox loads on its first start: delegates and focal points of affected States
(French- and Spanish-speaking among them, one in UTC+9), a donor's focal point, ISU officers, a member of
the Committee and the President's office, each with a language and a time zone; the ISU, platform and
general channels; and the Convention's coming meetings in the calendar. Everyone is recorded as an
approved registration would leave them, through the same domain functions as the bot's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.calendar.rules import EventForm, add_event
from bot.registration.people import meet
from storage.models import EventKind, PersonRole, Role
from storage.people import get_person

ISU_CHANNEL, PLATFORM_CHANNEL, GENERAL_CHANNEL = "C0ISU", "C0PLATFORM", "C0GENERAL"
CHANNELS = ((ISU_CHANNEL, "isu"), (PLATFORM_CHANNEL, "platform"), (GENERAL_CHANNEL, "general"))


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str
    locale: str
    tz: str
    state: str | None = None
    focal_point: bool = False
    role: Role | None = None


PEOPLE = (
    DemoPerson("U0SOKHA01", "Sokha Chan (Cambodia, focal point)", "fr-FR", "Asia/Phnom_Penh", "KH", True),
    DemoPerson("U0MARIA01", "María Gómez (Colombia, focal point)", "es-419", "America/Bogota", "CO", True),
    DemoPerson("U0AMINA01", "Aminata Diallo (Senegal, focal point)", "fr-FR", "Africa/Dakar", "SN", True),
    DemoPerson("U0INGRID1", "Ingrid Berg (Norway, focal point)", "en-GB", "Europe/Oslo", "NO", True),
    DemoPerson("U0KENJI01", "Kenji Sato (Japan, Committee)", "en-US", "Asia/Tokyo", "JP", True, Role.COMMITTEE),
    DemoPerson("U0ANNA001", "Anna Keller (ISU)", "en-GB", "Europe/Zurich", role=Role.ISU),
    DemoPerson("U0MARC001", "Marc Dubois (ISU)", "fr-FR", "Europe/Zurich", role=Role.ISU),
    DemoPerson("U0PRESID1", "The President's office", "en-GB", "Europe/Zurich", role=Role.PRESIDENT),
)
ADMINS = tuple(p.user_id for p in PEOPLE if p.role == Role.ISU)


def is_loaded(session: Session) -> bool:
    return get_person(session, PEOPLE[0].user_id) is not None


def load(session: Session, now: datetime) -> None:
    """The demo people and the coming meetings; the caller commits."""
    for demo in PEOPLE:
        person = meet(session, demo.user_id, now=now, fetch_locale=lambda d=demo: d.locale)
        person.state_code, person.is_focal_point = demo.state, demo.focal_point
        if demo.role is not None and not person.has_role(demo.role):
            person.roles.append(PersonRole(role=demo.role, granted_at=now, granted_by=None))
    session.flush()
    keeper = get_person(session, ADMINS[0])  # the ISU keeps the calendar
    for kind, title, first, last in meetings(now.date()):
        add_event(session, keeper, EventForm(kind=kind, title=title, starts_on=first, ends_on=last, place="Geneva"),
                  now=now)


def meetings(today: date) -> list[tuple[EventKind, str, date, date]]:
    """The next Intersessional Meetings (mid-June) and Meeting of the States Parties (early December)."""
    year = today.year if today < date(today.year, 6, 15) else today.year + 1
    msp_year = today.year if today < date(today.year, 12, 1) else today.year + 1
    return [
        (EventKind.INTERSESSIONAL, "Intersessional Meetings", date(year, 6, 16), date(year, 6, 19)),
        (EventKind.MSP, "Meeting of the States Parties", date(msp_year, 12, 1), date(msp_year, 12, 5)),
    ]
