"""People and roles: meeting someone for the first time, bootstrapping ISU staff, granting roles.

Every change of role is audited with the state before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import N_, Conflict, NotAuthorised, Refusal
from bot.i18n import DEFAULT_LANGUAGE, language_of
from storage import audit
from storage.models import Person, PersonRole, Role
from storage.people import add_person, get_person


def snapshot(person: Person) -> dict[str, Any]:
    """What an audit entry keeps of a person's standing."""
    return {
        "state": person.state_code,
        "organisation": person.organisation_id,
        "focal_point": person.is_focal_point,
        "roles": sorted(role.role.value for role in person.roles),
    }


def meet(session: Session, slack_user_id: str, *, now: datetime, fetch_locale: Callable[[], str | None]) -> Person:
    """The person behind a Slack user ID, created on first contact with their Slack language."""
    person = get_person(session, slack_user_id)
    if person is not None:
        return person
    language = language_of(fetch_locale()) if fetch_locale else DEFAULT_LANGUAGE
    # One statement that does nothing when two first requests race: the other one created them.
    add_person(session, slack_user_id, locale=language, now=now)
    person = get_person(session, slack_user_id)
    assert person is not None
    return person


def is_isu(person: Person | None) -> bool:
    return person is not None and person.has_role(Role.ISU)


def _grant(session: Session, person: Person, role: Role, *, by: str | None, now: datetime, detail: str) -> bool:
    if person.has_role(role):
        return False
    before = snapshot(person)
    person.roles.append(PersonRole(role=role, granted_at=now, granted_by=by))
    audit.record(
        session, at=now, actor=by, action="role.granted", subject=f"person:{person.slack_user_id}",
        before=before, after=snapshot(person), detail=detail,
    )
    return True


def bootstrap_admins(session: Session, slack_user_ids: tuple[str, ...], *, now: datetime) -> int:
    """Makes the people named in PFP_ADMINS ISU staff; returns how many were newly granted."""
    granted = 0
    for slack_user_id in slack_user_ids:
        person = meet(session, slack_user_id, now=now, fetch_locale=lambda: None)
        granted += _grant(session, person, Role.ISU, by=None, now=now, detail="PFP_ADMINS")
    return granted


def require_role_admin(session: Session, actor: Person, *, target_id: str, role: Role, grant: bool,
                       now: datetime) -> None:
    """Only ISU staff grant or revoke roles; anyone else is refused, and the attempt is audited."""
    if is_isu(actor):
        return
    raise NotAuthorised(N_("Only ISU staff can grant or revoke roles."), refusal=Refusal(
        actor.slack_user_id, "role.refused", f"person:{target_id}", f"{'grant' if grant else 'revoke'} {role.value}"))


def change_role(
    session: Session, *, actor: Person, target: Person, role: Role, grant: bool, now: datetime
) -> bool:
    """ISU staff grant or revoke a role; returns False when there was nothing to change."""
    require_role_admin(session, actor, target_id=target.slack_user_id, role=role, grant=grant, now=now)
    if grant:
        changed = _grant(session, target, role, by=actor.slack_user_id, now=now, detail="/pfp admin grant")
    else:
        held = [r for r in target.roles if r.role == role]
        if held and role == Role.ISU and target.id == actor.id:
            raise Conflict(N_("You cannot remove your own ISU role: ask another ISU staff member."))
        changed = bool(held)
        if changed:
            before = snapshot(target)
            target.roles.remove(held[0])
            audit.record(
                session, at=now, actor=actor.slack_user_id, action="role.revoked",
                subject=f"person:{target.slack_user_id}", before=before, after=snapshot(target),
                detail="/pfp admin revoke",
            )
    return changed
