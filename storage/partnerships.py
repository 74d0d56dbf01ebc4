"""Queries of partnerships for completion: the partnerships, their parties and the needs they serve."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, lazyload

from storage.models import (
    CheckInAnswer,
    Match,
    Need,
    Organisation,
    Partnership,
    PartnershipParty,
    PartnershipStatus,
    Person,
    ProgressRating,
    partnership_needs,
)
from storage.people import contact_of_organisation, focal_point_of
from storage.taxonomy import Answer, Area, EntryStatus


def get_partnership(session: Session, partnership_id: int) -> Partnership | None:
    return session.get(Partnership, partnership_id)


def locked_partnership(session: Session, partnership_id: int) -> Partnership | None:
    """The partnership, its row locked until the unit of work ends (PostgreSQL; SQLite has one writer):
    two parties answering at once are taken one after the other, so the last to confirm sees the others."""
    return session.get(Partnership, partnership_id, with_for_update=True, populate_existing=True)


def organisations(session: Session) -> list[Organisation]:
    """Every organisation ISU staff approved someone for, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name_key)))


def get_match(session: Session, match_id: int) -> Match | None:
    return session.get(Match, match_id)


def active_partnerships(session: Session) -> list[Partnership]:
    """Every active partnership, oldest first: those whose parties check in."""
    query = select(Partnership).where(Partnership.status == PartnershipStatus.ACTIVE).order_by(Partnership.id)
    return list(session.scalars(query))


def needs_by_id(session: Session, need_ids: list[int]) -> list[Need]:
    return list(session.scalars(select(Need).where(Need.id.in_(need_ids)).order_by(Need.id))) if need_ids else []


def activate_if_all_confirmed(session: Session, partnership: Partnership, **values: object) -> bool:
    """Active once every party confirmed the terms as they stand; True when this call made it so."""
    session.flush()
    unconfirmed = exists().where(
        PartnershipParty.partnership_id == partnership.id,
        or_(PartnershipParty.confirmed_version.is_(None), PartnershipParty.confirmed_version != Partnership.version))
    changed = session.execute(
        update(Partnership)
        .where(and_(Partnership.id == partnership.id, Partnership.status == PartnershipStatus.PROPOSED, ~unconfirmed))
        .values(status=PartnershipStatus.ACTIVE, **values).execution_options(synchronize_session=False))
    if changed.rowcount == 1:
        session.refresh(partnership)
        return True
    return False


def contact_of(session: Session, party: PartnershipParty) -> Person | None:
    """Who the bot writes to for a party: its State's focal point, or its organisation's first person."""
    if party.state_code is not None:
        return focal_point_of(session, party.state_code)
    return contact_of_organisation(session, party.organisation_id) if party.organisation_id else None


def partnerships_of(session: Session, *, state_code: str | None = None, organisation_id: int | None = None,
                    everyone: bool = False, limit: int | None = None) -> list[Partnership]:
    """Those a State or an organisation is a party to (all of them with `everyone`: ISU staff and the
    Committee), newest first."""
    query = select(Partnership).order_by(Partnership.created_at.desc(), Partnership.id.desc())
    if not everyone:
        if state_code is None and organisation_id is None:
            return []
        party = (PartnershipParty.state_code == state_code if state_code is not None
                 else PartnershipParty.organisation_id == organisation_id)
        query = query.where(Partnership.id.in_(select(PartnershipParty.partnership_id).where(party)))
    return list(session.scalars(query.limit(limit) if limit is not None else query))


def status_counts(session: Session) -> dict[PartnershipStatus, int]:
    """How many partnerships stand at each status."""
    query = select(Partnership.status, func.count()).group_by(Partnership.status)
    return {PartnershipStatus(status): count for status, count in session.execute(query)}


def active_terms(session: Session) -> list[Partnership]:
    """Every active partnership, its parties and needs left unread: enough to read how it goes
    from its parties' last answers, for the whole picture those who oversee them see."""
    query = (select(Partnership).where(Partnership.status == PartnershipStatus.ACTIVE)
             .options(lazyload(Partnership.parties), lazyload(Partnership.needs)).order_by(Partnership.id))
    return list(session.scalars(query))


def latest_answers_of(session: Session, partnership_ids: list[int]) -> dict[int, list[CheckInAnswer]]:
    """Each party's last check-in answer, by partnership: all a partnership's progress reads (progress.py)."""
    found: dict[int, list[CheckInAnswer]] = {pid: [] for pid in partnership_ids}
    if not partnership_ids:
        return found
    last = (select(CheckInAnswer.party_id, func.max(CheckInAnswer.due).label("due"))
            .where(CheckInAnswer.partnership_id.in_(partnership_ids)).group_by(CheckInAnswer.party_id).subquery())
    query = (select(CheckInAnswer)
             .join(last, and_(CheckInAnswer.party_id == last.c.party_id, CheckInAnswer.due == last.c.due))
             .options(lazyload(CheckInAnswer.party)))
    for answer in session.scalars(query):
        found[answer.partnership_id].append(answer)
    return found


def answers_of(session: Session, partnership_ids: list[int]) -> dict[int, list[CheckInAnswer]]:
    """The check-in answers of these partnerships, by partnership, oldest first."""
    found: dict[int, list[CheckInAnswer]] = {pid: [] for pid in partnership_ids}
    if partnership_ids:
        query = (select(CheckInAnswer).where(CheckInAnswer.partnership_id.in_(partnership_ids))
                 .order_by(CheckInAnswer.due, CheckInAnswer.answered_at))
        for answer in session.scalars(query):
            found[answer.partnership_id].append(answer)
    return found


# ------------------------------------------------------------- the Committee's account, the export, the App Home


def partnerships_alive_between(session: Session, start: datetime, end: datetime) -> list[Partnership]:
    """Those that existed at some moment of [start, end): proposed before `end`, and neither completed nor
    withdrawn before `start` (a withdrawal's moment is its last update), oldest first."""
    query = (select(Partnership)
             .where(Partnership.created_at < end,
                    or_(Partnership.completed_at.is_(None), Partnership.completed_at >= start),
                    or_(Partnership.status != PartnershipStatus.WITHDRAWN, Partnership.updated_at >= start))
             .order_by(Partnership.created_at, Partnership.id))
    return list(session.scalars(query))


def _without_partner(created_before: datetime) -> ColumnElement[bool]:
    """A need still current, posted before `created_before`, served by no partnership that was not withdrawn
    and with no match both sides accepted."""
    linked = (select(partnership_needs.c.need_id)
              .join(Partnership, Partnership.id == partnership_needs.c.partnership_id)
              .where(partnership_needs.c.need_id == Need.id, Partnership.status != PartnershipStatus.WITHDRAWN)
              .exists())
    matched = (select(Match.id)
               .where(Match.need_id == Need.id, Match.need_answer == Answer.ACCEPTED,
                      Match.offer_answer == Answer.ACCEPTED)
               .exists())
    return and_(Need.status.in_([EntryStatus.OPEN, EntryStatus.PARTLY_MET]), Need.created_at < created_before,
                ~linked, ~matched)


def needs_without_partner(session: Session, *, created_before: datetime, consenting_only: bool = False,
                          limit: int | None = None) -> list[Need]:
    """The needs that found no partner (see _without_partner), oldest first; with `consenting_only`, only
    those whose State consented to the Committee's mapping."""
    query = select(Need).where(_without_partner(created_before)).order_by(Need.created_at, Need.id)
    if consenting_only:
        query = query.where(Need.consent_to_mapping.is_(True))
    return list(session.scalars(query.limit(limit) if limit is not None else query))


def needs_without_partner_by_area(session: Session, *, created_before: datetime) -> dict[Area, int]:
    """How many needs found no partner, by area: every one counted, whatever its visibility or consent."""
    query = select(Need.area, func.count()).where(_without_partner(created_before)).group_by(Need.area)
    return {Area(area): count for area, count in session.execute(query)}


def save_answer(session: Session, *, partnership_id: int, party_id: int, due: date, rating: ProgressRating,
                figures: dict[int, Decimal], disbursed: dict[int, dict[str, Decimal]], comment: str | None,
                answered_by: str, answered_at: datetime) -> CheckInAnswer:
    """A party's answer to one check-in, replacing any earlier one to it: one statement on the unique
    (party, due), so two answers at once cannot both be inserted."""
    values = {
        "rating": rating, "comment": comment, "answered_by": answered_by, "answered_at": answered_at,
        "figures": {str(index): str(figure) for index, figure in figures.items()},
        "disbursed": {str(year): {currency: str(amount) for currency, amount in amounts.items()}
                      for year, amounts in disbursed.items()},
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(CheckInAnswer).values(partnership_id=partnership_id, party_id=party_id, due=due,
                                                     **values)
    statement = statement.on_conflict_do_update(index_elements=[CheckInAnswer.party_id, CheckInAnswer.due],
                                                set_=values).returning(CheckInAnswer.id)
    answer_id = session.execute(statement).scalar_one()
    return session.get_one(CheckInAnswer, answer_id, populate_existing=True)
