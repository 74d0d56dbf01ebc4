"""`/pfp admin grant|revoke @person isu|committee`: ISU staff manage roles."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from bot.blocks import message
from bot.errors import N_, PfpError
from bot.registration.people import change_role, meet, require_role_admin
from bot.text import SlackUser
from handlers.commands import Subcommands
from storage.models import Role

# Slack escapes a mention typed in a slash command as <@U123|name> (manifest: should_escape). Its ids
# are upper case, so only the words are matched without regard to case: `<@ucol0001>` is no one.
_ARGS = re.compile(r"^(?i:(grant|revoke))\s+<@([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>\s+(\w+)$")
USAGE = N_("Type `/pfp admin grant @person isu` or `/pfp admin revoke @person committee`.")
ROLE_NAMES = {Role.ISU: N_("ISU staff"), Role.COMMITTEE: N_("committee member")}


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("admin")(admin)


def admin(ack: Ack, args: str, context: BoltContext, **_: object) -> None:
    match = _ARGS.match(args)
    if match is None:
        raise PfpError(USAGE)
    verb, target_id, role_name = match.group(1).lower(), match.group(2), match.group(3).lower()
    try:
        role = Role(role_name)
    except ValueError:
        raise PfpError(USAGE) from None
    session, tr, now = context["db"], context["tr"], context["clock"].now()
    # Permission first: a refused command must not leave a person record behind for its target.
    require_role_admin(session, context["person"], target_id=target_id, role=role, grant=verb == "grant", now=now)
    target = meet(session, target_id, now=now, fetch_locale=lambda: context["notifier"].locale_of(target_id))
    changed = change_role(session, actor=context["person"], target=target, role=role, grant=verb == "grant", now=now)
    session.commit()
    role_label = tr._(ROLE_NAMES[role])
    if verb == "grant":
        text = (
            tr.mrkdwn("{who} is now {role}.", who=SlackUser(target_id), role=role_label)
            if changed
            else tr.mrkdwn("{who} was already {role}; nothing changed.", who=SlackUser(target_id), role=role_label)
        )
    else:
        text = (
            tr.mrkdwn("{who} is no longer {role}.", who=SlackUser(target_id), role=role_label)
            if changed
            else tr.mrkdwn("{who} was not {role}; nothing changed.", who=SlackUser(target_id), role=role_label)
        )
    ack(**message(text))
