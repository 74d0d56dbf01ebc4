"""The demo workspace the sandbox loads on its first start: delegates and focal points of affected States
(French- and Spanish-speaking among them, one in UTC+9), a donor's focal point, an operator's officer, ISU
officers, a member of the Committee and the President's office, each with a language and a time zone; the
ISU, platform and general channels; the Convention's coming meetings in the calendar; and two partnerships
for completion, one whose first check-in is a week away and one at risk. Everyone and everything is
recorded as the bot's flows would leave them, through the same domain functions as the bot's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from bot import payloads
from bot.calendar.rules import EventForm, add_event
from bot.i18n import fold
from bot.partnerships import answers, rules
from bot.partnerships.check_ins import add_months, check_in_dates
from bot.partnerships.terms import Commitment, Kind, Ownership, Rhythm, Target, Terms
from bot.platform.rules import NeedForm, OfferForm, post
from bot.registration.people import meet
from storage.models import EventKind, OrganisationType, Partnership, Person, PersonRole, ProgressRating, Role
from storage.people import find_or_add_organisation, get_person
from storage.taxonomy import Area, Challenge, Language, Region, Visibility
from storage.taxonomy import Kind as Assistance
from storage.taxonomy import Ownership as NeedOwnership

ISU_CHANNEL, PLATFORM_CHANNEL, GENERAL_CHANNEL = "C0ISU", "C0PLATFORM", "C0GENERAL"
CHANNELS = ((ISU_CHANNEL, "isu"), (PLATFORM_CHANNEL, "platform"), (GENERAL_CHANNEL, "general"))


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    type: OrganisationType
    seat_country: str


MAG = DemoOrganisation("Mines Advisory Group", OrganisationType.OPERATOR, "GB")


@dataclass(frozen=True)
class DemoPerson:
    user_id: str
    name: str
    locale: str
    tz: str
    state: str | None = None
    focal_point: bool = False
    role: Role | None = None
    organisation: DemoOrganisation | None = None


PEOPLE = (
    DemoPerson("U0SOKHA01", "Sokha Chan (Cambodia, focal point)", "fr-FR", "Asia/Phnom_Penh", "KH", True),
    DemoPerson("U0MARIA01", "María Gómez (Colombia, focal point)", "es-419", "America/Bogota", "CO", True),
    DemoPerson("U0AMINA01", "Aminata Diallo (Senegal, focal point)", "fr-FR", "Africa/Dakar", "SN", True),
    DemoPerson("U0INGRID1", "Ingrid Berg (Norway, focal point)", "en-GB", "Europe/Oslo", "NO", True),
    DemoPerson("U0FATIMA1", "Fatima Haddad (Mines Advisory Group)", "en-GB", "Europe/London", organisation=MAG),
    DemoPerson("U0KENJI01", "Kenji Sato (Japan, Committee)", "en-US", "Asia/Tokyo", "JP", True, Role.COMMITTEE),
    DemoPerson("U0ANNA001", "Anna Keller (ISU)", "en-GB", "Europe/Zurich", role=Role.ISU),
    DemoPerson("U0MARC001", "Marc Dubois (ISU)", "fr-FR", "Europe/Zurich", role=Role.ISU),
    DemoPerson("U0PRESID1", "The President's office", "en-GB", "Europe/Zurich", role=Role.PRESIDENT),
)
ADMINS = tuple(p.user_id for p in PEOPLE if p.role == Role.ISU)
CAMBODIA, COLOMBIA, NORWAY, FATIMA = "U0SOKHA01", "U0MARIA01", "U0INGRID1", "U0FATIMA1"
# The first check-in of Cambodia's partnership comes a week after the sandbox's first start, so that "+1 week"
# brings it; not sooner, since a reminder more than its grace late (2 days) is recorded as skipped, not sent.
FIRST_CHECK_IN_AFTER = timedelta(days=7)


def is_loaded(session: Session) -> bool:
    return get_person(session, PEOPLE[0].user_id) is not None


def load(session: Session, now: datetime) -> None:
    """The demo people, the coming meetings and the partnerships; the caller commits."""
    for demo in PEOPLE:
        person = meet(session, demo.user_id, now=now, fetch_locale=lambda d=demo: d.locale)
        person.state_code, person.is_focal_point = demo.state, demo.focal_point
        if demo.role is not None and not person.has_role(demo.role):
            person.roles.append(PersonRole(role=demo.role, granted_at=now, granted_by=None))
        if demo.organisation is not None:
            person.organisation = find_or_add_organisation(
                session, name=demo.organisation.name, key=fold(demo.organisation.name), type=demo.organisation.type,
                seat_country=demo.organisation.seat_country, now=now)
    session.flush()
    keeper = get_person(session, ADMINS[0])  # the ISU keeps the calendar
    for kind, title, first, last in meetings(now.date()):
        add_event(session, keeper, EventForm(kind=kind, title=title, starts_on=first, ends_on=last, place="Geneva"),
                  now=now)
    partnerships(session, now)


def meetings(today: date) -> list[tuple[EventKind, str, date, date]]:
    """The next Intersessional Meetings (mid-June) and Meeting of the States Parties (early December)."""
    year = today.year if today < date(today.year, 6, 15) else today.year + 1
    msp_year = today.year if today < date(today.year, 12, 1) else today.year + 1
    return [
        (EventKind.INTERSESSIONAL, "Intersessional Meetings", date(year, 6, 16), date(year, 6, 19)),
        (EventKind.MSP, "Meeting of the States Parties", date(msp_year, 12, 1), date(msp_year, 12, 5)),
    ]


# ------------------------------------------------------------------------------------------ partnerships


def first_check_in_activation(today: date, rhythm: Rhythm = Rhythm.QUARTERLY) -> date:
    """The day a partnership became active for its first check-in to fall on `today` + FIRST_CHECK_IN_AFTER:
    or, where no day does (no 31 May comes three months after a day of February), on the latest day before
    it that one does. Never a check-in by tomorrow: the sandbox's first start asks nobody yet."""
    for back in range(FIRST_CHECK_IN_AFTER.days - 1):
        wanted = today + FIRST_CHECK_IN_AFTER - timedelta(days=back)
        activated = add_months(wanted, -int(rhythm))
        if check_in_dates(activated, rhythm, until=wanted) == [wanted]:
            return activated
    raise AssertionError("no day in the week")  # pragma: no cover -- some day of 7 always is


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def partnerships(session: Session, now: datetime) -> None:
    """Cambodia with Norway and Mines Advisory Group, serving Cambodia's clearance need, active since three
    months less a week (its first check-in a week away); and Colombia with Norway, active for longer, at risk:
    Norway said so at the first check-in. Formed, confirmed and answered as the flows would have done it."""
    people = {user_id: get_person(session, user_id) for user_id in (CAMBODIA, COLOMBIA, NORWAY, FATIMA)}
    sokha, maria, ingrid, fatima = (people[u] for u in (CAMBODIA, COLOMBIA, NORWAY, FATIMA))
    assert sokha and maria and ingrid and fatima
    mag = rules.party_key(fatima)
    assert mag is not None
    today = now.date()

    # Mines Advisory Group's public offer, posted for the organisation.
    post(session, fatima, OfferForm(
        kinds=[Assistance.EXPERTISE, Assistance.EQUIPMENT], areas=[Area.CLEARANCE],
        regions=[Region.ASIA, Region.AFRICA], countries=[], title="Clearance teams and mine detection dogs",
        description="Multi-task clearance teams (manual, mechanical and mine detection dogs) for land release, "
                    "with training of national deminers.",
        amount=None, currency=None, capacity="up to six teams", languages=[Language.ENGLISH, Language.FRENCH],
        starts_on=None, ends_on=None, contact=None, visibility=Visibility.PUBLIC), now=now)

    # Cambodia: triangular, its first check-in a week away.
    activated = _at(first_check_in_activation(today))
    proposed = activated - timedelta(days=12)
    need = post(session, sokha, NeedForm(
        area=Area.CLEARANCE, kinds=[Assistance.FINANCIAL, Assistance.EXPERTISE],
        challenges=[Challenge.FINANCIAL, Challenge.TECHNICAL], title="Clearance of the K5 belt in Pailin",
        description="About 1,200 hectares of confirmed hazardous areas remain along the K5 mine belt in Pailin "
                    "province; national teams cover a third of it.",
        amount=Decimal(1_500_000), currency="USD", starts_on=None, ends_on=None, location="Pailin",
        visibility=Visibility.PUBLIC, consent_to_mapping=True,
        ownership=[NeedOwnership.NATIONAL_AUTHORITY, NeedOwnership.REALISTIC_PLAN]), now=proposed - timedelta(days=20))
    cambodia = rules.form(session, sokha, rules.Proposal(
        state_code="KH", kind=Kind.TRIANGULAR, need_ids=(need.id,),
        responsibilities={
            "KH": "The Cambodian Mine Action Centre tasks the teams, quality-assures and hands the land released "
                  "back to the villages, and reports to the national database.",
            "NO": "Funds the clearance teams in Pailin.",
            mag: "Deploys four multi-task clearance teams and two mine detection dog teams on the K5 belt, and "
                 "trains 40 national deminers; assists survivors with the provincial hospital.",
        },
        terms=Terms(
            targets=[Target(Decimal(350), "hectares released", date(today.year + 1, 12, 31)),
                     Target(Decimal(200), "survivors assisted", date(today.year + 1, 6, 30),
                            {"women": 70, "men": 90, "girls": 20, "boys": 20})],
            commitments=[Commitment("Norway", Decimal(250_000), "EUR", today.year),
                         Commitment("Mines Advisory Group", in_kind="four clearance teams and two mine detection "
                                                                   "dog teams")],
            ownership=[Ownership.LEADERSHIP, Ownership.AUTHORITY, Ownership.PLAN],
            rhythm=Rhythm.QUARTERLY, tell_isu=True)), now=proposed)
    rules.confirm(session, ingrid, cambodia.id, version=1, now=proposed + timedelta(days=5))
    rules.confirm(session, fatima, cambodia.id, version=1, now=activated)

    # Colombia: bilateral, active for over four months; Norway says its part is at risk.
    activated = _at(add_months(today, -4) - timedelta(days=20))
    colombia = rules.form(session, maria, rules.Proposal(
        state_code="CO", kind=Kind.BILATERAL,
        responsibilities={
            "CO": "The national mine action authority surveys and clears the banks of the Meta river, and runs "
                  "risk education in the schools nearby.",
            "NO": "Funds the survey and clearance teams, and the risk education materials.",
        },
        terms=Terms(
            targets=[Target(Decimal(80), "hectares released", date(today.year + 1, 3, 31)),
                     Target(Decimal(1500), "people reached by risk education", date(today.year + 1, 3, 31))],
            commitments=[Commitment("Norway", Decimal(180_000), "EUR", activated.year)],
            ownership=[Ownership.AUTHORITY, Ownership.UNDERSTANDING], rhythm=Rhythm.QUARTERLY)),
        now=activated - timedelta(days=10))
    rules.confirm(session, ingrid, colombia.id, version=1, now=activated)
    first = check_in_dates(activated.date(), Rhythm.QUARTERLY, until=today)[0]
    answered = _at(first + timedelta(days=2), 14)
    _answer(session, maria, colombia, first, answers.Answer(
        ProgressRating.ON_TRACK, {0: Decimal(12), 1: Decimal(400)}, {}, "Survey under way; access roads repaired."),
        now=answered)
    _answer(session, ingrid, colombia, first, answers.Answer(
        ProgressRating.AT_RISK, {}, {activated.year: {"EUR": Decimal(40_000)}},
        "The second tranche waits for next year's budget to be approved: the teams may stop in the spring."),
        now=answered)


def _answer(session: Session, person: Person, partnership: Partnership, due: date, answer: answers.Answer, *,
            now: datetime) -> None:
    party = rules.party_of(person, partnership)
    assert party is not None
    answers.record(session, person, answers.CheckInRef(partnership.id, party.id, due), answer, now=now,
                   message=payloads.STALE_FORM)
