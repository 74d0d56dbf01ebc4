"""`/pfp admin grant|revoke @person isu|committee`: ISU staff manage roles; `/pfp admin article7 received KH
2027`: they record a State's Article 7 report as received."""

from __future__ import annotations

import re
from datetime import date

from slack_bolt import Ack, App, BoltContext

from bot.blocks import message
from bot.errors import N_, PfpError
from bot.registration.people import change_role, is_isu, meet, require_role_admin
from bot.reminders import article7, pauses
from bot.reminders.article7_blocks import recorded_text
from bot.text import SlackUser
from handlers.commands import Subcommands
from storage.models import ReportSource, Role

# Slack escapes a mention typed in a slash command as <@U123|name> (manifest: should_escape). Its ids
# are upper case, so only the words are matched without regard to case: `<@ucol0001>` is no one.
_ARGS = re.compile(r"^(?i:(grant|revoke))\s+<@([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>\s+(\w+)$")
# A State's code and the deadline's year, then maybe the day it was received: typed by ISU staff, so the
# code may be in small letters.
_ARTICLE7 = re.compile(r"^(?i:article7)\s+(?i:received)\s+([A-Za-z]{2})\s+([0-9]{4})"
                       r"(?:\s+([0-9]{4}-[0-9]{2}-[0-9]{2}))?$")
USAGE = N_("Type `/pfp admin grant @person isu` or `/pfp admin revoke @person committee`.")
USAGE_ISU = N_("Type `/pfp admin grant @person isu`, `/pfp admin revoke @person committee` or "
               "`/pfp admin article7 received KH 2027`.")
_REMINDERS = re.compile(r"^(?i:reminders)\s+(?i:(pause|resume))\s+(\S+)$")
USAGE_REMINDERS = N_("Type `/pfp admin reminders pause article7` or `/pfp admin reminders resume article7` "
                     "(the series: article7, platform, stale, digest).")
USAGE_ARTICLE7 = N_("Type `/pfp admin article7 received KH 2027`: the State's ISO code and the year of the 30 April "
                    "deadline (2027 for the report covering 2026), then, if it was not received today, the day it "
                    "was, as YYYY-MM-DD.")
ROLE_NAMES = {Role.ISU: N_("ISU staff"), Role.COMMITTEE: N_("committee member"),
              Role.OTHER_COMMITTEE: N_("a member of another committee"),
              Role.PRESIDENT: N_("on the President's team")}


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("admin")(admin)


def admin(ack: Ack, args: str, context: BoltContext, **_: object) -> None:
    if (args.split(maxsplit=1) or [""])[0].lower() == "article7":
        article7_received(ack, args, context)
        return
    if (args.split(maxsplit=1) or [""])[0].lower() == "reminders":
        pause_or_resume(ack, args, context)
        return
    # ISU staff, who may use them, are told of every admin command; anyone else of grant and revoke.
    usage = USAGE_ISU if is_isu(context["person"]) else USAGE
    match = _ARGS.match(args)
    if match is None:
        raise PfpError(usage)
    verb, target_id, role_name = match.group(1).lower(), match.group(2), match.group(3).lower()
    try:
        role = Role(role_name)
    except ValueError:
        raise PfpError(usage) from None
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


def article7_received(ack: Ack, args: str, context: BoltContext) -> None:
    """`/pfp admin article7 received KH 2027 [2027-04-12]`: ISU staff only (the domain refuses anyone else)."""
    match = _ARTICLE7.match(args)
    received_on = None
    if match is not None and match.group(3):
        try:
            received_on = date.fromisoformat(match.group(3))
        except ValueError:
            match = None
    if match is None:
        raise PfpError(USAGE_ARTICLE7)
    session, now = context["db"], context["clock"].now()
    recording = article7.mark_received(session, context["person"], state_code=match.group(1).upper(),
                                       year=int(match.group(2)), now=now, source=ReportSource.COMMAND,
                                       received_on=received_on)
    session.commit()
    ack(**message(recorded_text(context["tr"], recording)))


def pause_or_resume(ack: Ack, args: str, context: BoltContext) -> None:
    """`/pfp admin reminders pause|resume RULE`: ISU staff only (the domain refuses anyone else)."""
    match = _REMINDERS.match(args)
    if match is None:
        raise PfpError(USAGE_REMINDERS)
    paused, rule = match.group(1).lower() == "pause", match.group(2).lower()
    session, tr = context["db"], context["tr"]
    changed = pauses.change(session, context["person"], rule=rule, paused=paused, now=context["clock"].now())
    session.commit()
    if paused:
        text = (tr.mrkdwn("The {rule} reminders are paused: none will be sent until you resume them.", rule=rule)
                if changed else tr.mrkdwn("The {rule} reminders were already paused.", rule=rule))
    else:
        text = (tr.mrkdwn("The {rule} reminders are resumed: those still due will go out.", rule=rule)
                if changed else tr.mrkdwn("The {rule} reminders were not paused.", rule=rule))
    ack(**message(text))
