"""A year of partnerships for completion (2027, read on 15 November 2027), shared by the export's, the
Committee's report's and the App Home's tests. Needs are posted through the domain (bot.platform.post);
partnerships, their parties and their check-in answers are written as the flows leave them, with the dates
the year's account turns on.

What the account for 2027 should say:
- alive in 2027: P1, P2, P3, P4 (P5 completed in 2026); formed 2 (P1, P3); active 3 (P1, P2, P4); at risk 1
  (P2: Japan says it is behind, and its target's date passed); completed 1 (P4);
- by area: clearance 1, victim assistance 1 (P1 serves both), national capacity 1 (P3), no need 2 (P2, P4);
- by kind: triangular, bilateral, south-south and multi-partner 1 each; by partner: States 3, operators 1,
  international organisations 1;
- targets: 5, met 2; 2027's commitments: EUR 250,000 committed, 100,000 disbursed; USD 80,000 and 20,000;
  one in kind;
- no partner in six months: N3 (named) and N4 (counted only: Colombia did not consent to the mapping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.partnerships.terms import Commitment, Kind, Target, Terms
from bot.platform.rules import NeedForm, OfferForm, post
from bot.registration.people import meet
from storage.models import (
    CheckInAnswer,
    Match,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipParty,
    PartnershipStatus,
    Person,
    PersonRole,
    ProgressRating,
    Role,
)
from storage.taxonomy import Answer, Area, Challenge, Visibility
from storage.taxonomy import Kind as Assistance

NOW = datetime(2027, 11, 15, 9, 0, tzinfo=UTC)
KH, NO, JP, CO, FR, COMMITTEE, HALO = "UKHMER1", "UNORWAY1", "UJAPAN1", "UCOLOMBIA1", "UFRANCE1", "UCOMM1", "UHALO1"
PUBLIC_NEED = "Survey of the north-west"
CONFIDENTIAL_NEED = "SECRET-CONFIDENTIAL prosthetics in Battambang"
NAMED_NEED = "Risk education in Antioquia schools"
UNCONSENTED_NEED = "SECRET-NO-CONSENT clearance of the Meta river banks"
RECENT_NEED = "Mine action authority training"
MATCHED_NEED = "Destruction of the last stockpile"


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


def need(title: str, area: Area, visibility: Visibility, *, consent: bool = True) -> NeedForm:
    return NeedForm(area=area, kinds=[Assistance.FINANCIAL], challenges=[Challenge.FINANCIAL], title=title,
                    description="What it takes.", amount=None, currency=None, starts_on=None, ends_on=None,
                    location=None, visibility=visibility, consent_to_mapping=consent, ownership=[])


@dataclass
class Seeded:
    people: dict[str, int]
    needs: dict[str, int]  # by title
    partnerships: dict[str, int]  # P1..P5


def person(session, user_id: str, *, state: str | None = None, role: Role | None = None,
           organisation: Organisation | None = None) -> Person:
    found = meet(session, user_id, now=at(2025, 1, 1), fetch_locale=lambda: "en-GB")
    found.state_code = state
    found.is_focal_point = state is not None
    found.organisation = organisation
    if role is not None and not found.has_role(role):
        found.roles.append(PersonRole(role=role, granted_at=at(2025, 1, 1), granted_by=None))
    session.flush()
    return found


def partnership(session, creator: Person, state: str, kind: Kind, status: PartnershipStatus, *, parties: list,
                targets: list[Target], commitments: list[Commitment] = (), needs=(), created: datetime,
                activated: datetime | None = None, completed: datetime | None = None) -> Partnership:
    terms = Terms(targets=targets, commitments=list(commitments))
    made = Partnership(state_code=state, kind=kind.value, status=status, version=1, terms=terms.to_json(),
                       created_by=creator.id, created_at=created, updated_at=completed or activated or created,
                       activated_at=activated, completed_at=completed)
    made.parties = [PartnershipParty(state_code=p, responsibilities="Its part.", confirmed_version=1)
                    if isinstance(p, str) else
                    PartnershipParty(organisation_id=p.id, responsibilities="Its part.", confirmed_version=1)
                    for p in [state, *parties]]
    made.needs = list(needs)
    session.add(made)
    session.flush()
    return made


def answer(session, made: Partnership, party_key: str, due: date, *, rating=ProgressRating.ON_TRACK,
           figures=None, disbursed=None) -> None:
    party = next(p for p in made.parties if p.key == party_key)
    session.add(CheckInAnswer(partnership_id=made.id, party_id=party.id, due=due, rating=rating,
                              figures=figures or {}, disbursed=disbursed or {}, answered_by="U0",
                              answered_at=datetime(due.year, due.month, due.day, 12, tzinfo=UTC)))


def seed(session) -> Seeded:
    halo = Organisation(name="HALO Trust", name_key="halo trust", type=OrganisationType.OPERATOR,
                        seat_country="GB", created_at=at(2025, 1, 1))
    undp = Organisation(name="UNDP", name_key="undp", type=OrganisationType.INTERNATIONAL, seat_country="US",
                        created_at=at(2025, 1, 1))
    session.add_all([halo, undp])
    session.flush()
    kh, no, jp = person(session, KH, state="KH"), person(session, NO, state="NO"), person(session, JP, state="JP")
    co, fr = person(session, CO, state="CO"), person(session, FR, state="FR")
    committee = person(session, COMMITTEE, state="ES", role=Role.COMMITTEE)
    halo_person = person(session, HALO, organisation=halo)

    def posted(who: Person, form: NeedForm, when: datetime):
        return post(session, who, form, now=when)

    n1 = posted(kh, need(PUBLIC_NEED, Area.CLEARANCE, Visibility.PUBLIC), at(2026, 1, 10))
    n2 = posted(kh, need(CONFIDENTIAL_NEED, Area.VICTIM_ASSISTANCE, Visibility.ISU), at(2026, 1, 11))
    n3 = posted(co, need(NAMED_NEED, Area.RISK_EDUCATION, Visibility.PUBLIC), at(2026, 3, 1))
    n4 = posted(co, need(UNCONSENTED_NEED, Area.CLEARANCE, Visibility.STATES, consent=False), at(2026, 2, 1))
    n5 = posted(co, need(RECENT_NEED, Area.NATIONAL_CAPACITY, Visibility.PUBLIC), at(2027, 10, 1))
    n6 = posted(kh, need(MATCHED_NEED, Area.STOCKPILE_DESTRUCTION, Visibility.PUBLIC), at(2026, 1, 12))
    offer = post(session, no, OfferForm(
        kinds=[Assistance.FINANCIAL], areas=[Area.STOCKPILE_DESTRUCTION], regions=[], countries=[], title="Funds",
        description="Funds.", amount=None, currency=None, capacity=None, languages=[], starts_on=None, ends_on=None,
        contact=None, visibility=Visibility.PUBLIC), now=at(2026, 2, 1))
    session.add(Match(need_id=n6.id, offer_id=offer.id, score=0.9, reasons=[], need_answer=Answer.ACCEPTED,
                      offer_answer=Answer.ACCEPTED, created_at=at(2026, 2, 1), updated_at=at(2026, 2, 2)))

    p1 = partnership(session, kh, "KH", Kind.TRIANGULAR, PartnershipStatus.ACTIVE, parties=["NO", halo],
                     targets=[Target(Decimal(120), "hectares released", date(2028, 6, 30)),
                              Target(Decimal(300), "survivors assisted", date(2027, 6, 30))],
                     commitments=[Commitment("Norway", Decimal(250_000), "EUR", 2027),
                                  Commitment("Norway", Decimal(100_000), "EUR", 2028),
                                  Commitment("HALO Trust", in_kind="two survey teams")],
                     needs=[n1, n2], created=at(2027, 2, 1), activated=at(2027, 3, 1))
    answer(session, p1, "NO", date(2027, 6, 1), figures={"0": "60", "1": "300"},
           disbursed={"2027": {"EUR": "100000"}})
    p2 = partnership(session, kh, "KH", Kind.BILATERAL, PartnershipStatus.ACTIVE, parties=["JP"],
                     targets=[Target(Decimal(50), "km² surveyed", date(2027, 9, 30))],
                     commitments=[Commitment("Japan", Decimal(80_000), "USD", 2027)],
                     created=at(2026, 5, 1), activated=at(2026, 6, 1))
    answer(session, p2, "JP", date(2027, 9, 1), rating=ProgressRating.BEHIND, figures={"0": "10"},
           disbursed={"2027": {"USD": "20000"}})
    p3 = partnership(session, co, "CO", Kind.SOUTH_SOUTH, PartnershipStatus.PROPOSED, parties=[undp],
                     targets=[Target(Decimal(40), "officers trained", date(2028, 12, 31))], needs=[n5],
                     created=at(2027, 10, 20))
    p4 = partnership(session, kh, "KH", Kind.MULTI_PARTNER, PartnershipStatus.COMPLETED, parties=["NO"],
                     targets=[Target(Decimal(10), "villages reached", date(2027, 4, 30))],
                     created=at(2025, 3, 1), activated=at(2025, 4, 1), completed=at(2027, 5, 10))
    answer(session, p4, "KH", date(2027, 4, 1), figures={"0": "10"})
    p5 = partnership(session, kh, "KH", Kind.BILATERAL, PartnershipStatus.COMPLETED, parties=["NO"],
                     targets=[Target(Decimal(5), "teams trained", date(2026, 6, 30))],
                     created=at(2025, 1, 10), activated=at(2025, 2, 1), completed=at(2026, 8, 1))
    session.commit()
    return Seeded(
        people={"KH": kh.id, "NO": no.id, "JP": jp.id, "FR": fr.id, "COMMITTEE": committee.id,
                "HALO": halo_person.id},
        needs={n.title: n.id for n in (n1, n2, n3, n4, n5, n6)},
        partnerships={"P1": p1.id, "P2": p2.id, "P3": p3.id, "P4": p4.id, "P5": p5.id},
    )
