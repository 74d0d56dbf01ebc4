"""People, their roles and their registration requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from storage.models import Organisation, OrganisationType, Person, RegistrationRequest, RequestStatus
from storage.review import move


def add_person(session: Session, slack_user_id: str, *, locale: str, now: datetime) -> None:
    """Records someone met for the first time, or nothing if they already are (a race of two first
    requests included): one INSERT ... ON CONFLICT DO NOTHING, on SQLite as on PostgreSQL."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(Person)
        .values(slack_user_id=slack_user_id, locale=locale, created_at=now, is_focal_point=False)
        .on_conflict_do_nothing(index_elements=[Person.slack_user_id])
    )


def get_person(session: Session, slack_user_id: str) -> Person | None:
    # With their roles in the same statement: read before every listener, so one round trip, not two.
    query = select(Person).options(joinedload(Person.roles)).where(Person.slack_user_id == slack_user_id)
    return session.scalars(query).unique().first()


def pending_request_of(session: Session, person_id: int) -> RegistrationRequest | None:
    return session.scalar(
        select(RegistrationRequest).where(
            RegistrationRequest.person_id == person_id,
            RegistrationRequest.status == RequestStatus.PENDING,
        )
    )


def get_request(session: Session, request_id: int) -> RegistrationRequest | None:
    return session.scalar(select(RegistrationRequest).where(RegistrationRequest.id == request_id))


def close_request(
    session: Session, request: RegistrationRequest, *, status: RequestStatus, decided_by: str, decided_at: datetime
) -> bool:
    """Records the decision only if the request is still pending (storage/review.py); False means someone
    else decided first."""
    return move(session, request, allowed=[RequestStatus.PENDING],
                values={"status": status, "decided_by": decided_by, "decided_at": decided_at})


def pending_requests(session: Session) -> list[RegistrationRequest]:
    return list(session.scalars(select(RegistrationRequest).where(RegistrationRequest.status == RequestStatus.PENDING)
                                .order_by(RegistrationRequest.requested_at)))


def states_with_a_focal_point(session: Session) -> set[str]:
    return set(session.scalars(select(Person.state_code).where(Person.is_focal_point)))


def focal_point_of(session: Session, state_code: str) -> Person | None:
    return session.scalar(select(Person).where(Person.state_code == state_code, Person.is_focal_point))


def contact_of_organisation(session: Session, organisation_id: int) -> Person | None:
    """Who the bot writes to for an organisation: the first of its people ISU staff approved."""
    return session.scalar(select(Person).where(Person.organisation_id == organisation_id).order_by(Person.id).limit(1))


def find_or_add_organisation(session: Session, *, name: str, key: str, type: OrganisationType, seat_country: str,
                             now: datetime) -> Organisation:
    """The organisation of that (folded) name, recorded on its first approved registration; two approvals
    racing for a new one record it once (its name_key is unique)."""
    found = session.scalar(select(Organisation).where(Organisation.name_key == key))
    if found is not None:
        return found
    try:
        with session.begin_nested():
            organisation = Organisation(name=name, name_key=key, type=type, seat_country=seat_country, created_at=now)
            session.add(organisation)
        return organisation
    except IntegrityError:
        return session.scalars(select(Organisation).where(Organisation.name_key == key)).one()
