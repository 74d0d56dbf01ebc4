"""People, their roles and their registration requests."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Person, RegistrationRequest, RequestStatus


def get_person(session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def pending_request_of(session: Session, person_id: int) -> RegistrationRequest | None:
    return session.scalar(
        select(RegistrationRequest).where(
            RegistrationRequest.person_id == person_id,
            RegistrationRequest.status == RequestStatus.PENDING,
        )
    )


def get_request(session: Session, request_id: int, *, for_update: bool = False) -> RegistrationRequest | None:
    query = select(RegistrationRequest).where(RegistrationRequest.id == request_id)
    if for_update:
        # Two ISU staff pressing at once: the second waits, then sees the first decision.
        query = query.with_for_update(of=RegistrationRequest)
    return session.scalar(query)


def focal_point_of(session: Session, state_code: str) -> Person | None:
    return session.scalar(select(Person).where(Person.state_code == state_code, Person.is_focal_point))
