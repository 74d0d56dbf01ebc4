"""Queries of individualised meetings: the requests, their moves, and the invitations."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import (
    OPEN_MEETING_STATUSES,
    InvitationAnswer,
    MeetingInvitation,
    MeetingRequest,
    MeetingStatus,
    Organisation,
    OrganisationType,
    Person,
    PersonRole,
    Role,
)

_NEWEST_FIRST = (MeetingRequest.created_at.desc(), MeetingRequest.id.desc())


def get_request(session: Session, request_id: int) -> MeetingRequest | None:
    return session.get(MeetingRequest, request_id)


def open_request_for(session: Session, state_code: str, event_id: int) -> MeetingRequest | None:
    """The State's request for this occasion that is still open (requested, asked, scheduled)."""
    return session.scalar(select(MeetingRequest).where(
        MeetingRequest.state_code == state_code, MeetingRequest.event_id == event_id,
        MeetingRequest.status.in_(OPEN_MEETING_STATUSES)))


def requests_of_state(session: Session, state_code: str) -> list[MeetingRequest]:
    return list(session.scalars(select(MeetingRequest).where(MeetingRequest.state_code == state_code)
                                .order_by(*_NEWEST_FIRST)))


def all_requests(session: Session, statuses: Collection[MeetingStatus] | None = None) -> list[MeetingRequest]:
    query = select(MeetingRequest).order_by(*_NEWEST_FIRST)
    if statuses is not None:
        query = query.where(MeetingRequest.status.in_(list(statuses)))
    return list(session.scalars(query))


def people_with_roles(session: Session, roles: Collection[Role]) -> list[tuple[Person, Role]]:
    """Everyone holding one of the roles, with the role (a person holding two appears twice)."""
    rows = session.execute(select(Person, PersonRole.role).join(PersonRole, PersonRole.person_id == Person.id)
                           .where(PersonRole.role.in_(list(roles))).order_by(Person.id, PersonRole.role))
    return [(person, role) for person, role in rows]


def organisations_named(session: Session, name_keys: Collection[str], kind: OrganisationType) -> list[Organisation]:
    """The registered organisations of a type whose folded names are among these."""
    if not name_keys:
        return []
    return list(session.scalars(select(Organisation).where(Organisation.name_key.in_(list(name_keys)),
                                                           Organisation.type == kind).order_by(Organisation.id)))


def get_invitation(session: Session, invitation_id: int) -> MeetingInvitation | None:
    return session.get(MeetingInvitation, invitation_id)


def invitation_of(session: Session, meeting_id: int, person_id: int) -> MeetingInvitation | None:
    return session.scalar(select(MeetingInvitation).where(
        MeetingInvitation.meeting_id == meeting_id, MeetingInvitation.person_id == person_id))


def invitations_of(session: Session, person_id: int) -> list[MeetingInvitation]:
    return list(session.scalars(select(MeetingInvitation).where(MeetingInvitation.person_id == person_id)))


def coming_invitations(session: Session, person_id: int, now: datetime) -> list[MeetingInvitation]:
    """A person's invitations to meetings still to come, soonest first."""
    return list(session.scalars(
        select(MeetingInvitation).join(MeetingRequest, MeetingRequest.id == MeetingInvitation.meeting_id)
        .where(MeetingInvitation.person_id == person_id, MeetingRequest.status == MeetingStatus.SCHEDULED,
               MeetingRequest.ends_at >= now, MeetingInvitation.answer != InvitationAnswer.DECLINED)
        .order_by(MeetingRequest.starts_at)))


def accepted_for_meetings_between(session: Session, first: datetime, last: datetime) -> list[MeetingInvitation]:
    """Accepted invitations to scheduled meetings starting in [first, last): the day-before reminders."""
    return list(session.scalars(
        select(MeetingInvitation).join(MeetingRequest, MeetingRequest.id == MeetingInvitation.meeting_id)
        .where(MeetingRequest.status == MeetingStatus.SCHEDULED, MeetingRequest.starts_at >= first,
               MeetingRequest.starts_at < last, MeetingInvitation.answer == InvitationAnswer.ACCEPTED)
        .order_by(MeetingRequest.starts_at, MeetingInvitation.id)))
