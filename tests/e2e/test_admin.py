"""`/pfp admin grant|revoke`: only ISU staff change roles, and every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import audit
from storage.models import Person, Role
from tests.conftest import ADMIN


def admin(bot, text: str, user_id: str = ADMIN) -> str:
    response = bot.slack.command("/pfp", f"admin {text}", user_id=user_id)
    assert response.status == 200, response.text
    return response.json()["text"]


def roles_of(bot, slack_user_id: str) -> set[Role]:
    with bot.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))
        return {r.role for r in person.roles} if person else set()


def test_isu_staff_grant_and_revoke_roles_with_an_audit_trail(bot):
    assert admin(bot, "grant <@UCOMM1|maria> committee") == "<@UCOMM1> is now committee member."
    assert roles_of(bot, "UCOMM1") == {Role.COMMITTEE}
    assert admin(bot, "grant <@UCOMM1> isu") == "<@UCOMM1> is now ISU staff."
    assert admin(bot, "grant <@UCOMM1> ISU") == "<@UCOMM1> was already ISU staff; nothing changed."
    assert admin(bot, "revoke <@UCOMM1> committee") == "<@UCOMM1> is no longer committee member."
    assert roles_of(bot, "UCOMM1") == {Role.ISU}
    assert admin(bot, "revoke <@UCOMM1> committee") == "<@UCOMM1> was not committee member; nothing changed."
    with bot.session() as session:
        trail = [(e.action, e.actor, e.before["roles"], e.after["roles"]) for e in audit.entries(session)
                 if e.subject == "person:UCOMM1"]
    assert trail == [
        ("role.granted", ADMIN, [], ["committee"]),
        ("role.granted", ADMIN, ["committee"], ["committee", "isu"]),
        ("role.revoked", ADMIN, ["committee", "isu"], ["isu"]),
    ]


def test_the_first_isu_staff_come_from_pfp_admins(bot):
    assert roles_of(bot, ADMIN) == {Role.ISU}
    with bot.session() as session:
        [entry] = audit.entries(session, subject=f"person:{ADMIN}")
    assert (entry.action, entry.actor, entry.detail) == ("role.granted", None, "PFP_ADMINS")


def test_a_delegate_cannot_grant_roles_and_the_attempt_is_audited(bot):
    text = admin(bot, "grant <@UDELEG1> isu", user_id="UDELEG1")
    assert text == "Only ISU staff can grant or revoke roles."
    assert roles_of(bot, "UDELEG1") == set()
    with bot.session() as session:
        [entry] = audit.entries(session, action="role.refused")
    assert (entry.actor, entry.subject, entry.detail) == ("UDELEG1", "person:UDELEG1", "grant isu")


def test_isu_staff_cannot_remove_their_own_isu_role(bot):
    text = admin(bot, f"revoke <@{ADMIN}> isu")
    assert text == "You cannot remove your own ISU role: ask another ISU staff member."
    assert roles_of(bot, ADMIN) == {Role.ISU}


@pytest.mark.parametrize(
    "text", ["", "grant", "grant <@UX1>", "grant bob isu", "grant <@UX1> chair", "promote <@UX1> isu",
             "grant <!channel> isu"],
)
def test_a_malformed_admin_command_explains_the_syntax(bot, text):
    assert admin(bot, text) == ("Type `/pfp admin grant @person isu`, `/pfp admin revoke @person committee` or "
                                "`/pfp admin article7 received KH 2027`.")  # ISU staff are told of every one
    with bot.session() as session:
        assert audit.entries(session, action="role.granted")[1:] == []


def test_isu_staff_grant_the_roles_meetings_invite(bot):
    assert admin(bot, "grant <@UPRES1> president") == "<@UPRES1> is now on the President's team."
    assert admin(bot, "grant <@UOTHER1> other_committee") == "<@UOTHER1> is now a member of another committee."
