"""The App Home tab: who you are here, your State's entries and matches, your partnerships, and for ISU
staff how much the platform is used (and, with the Committee, how the partnerships go)."""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot import calendar
from bot.calendar.blocks import next_dates
from bot.meetings import rules as meeting_rules
from bot.meetings.blocks import home_meetings
from bot.partnerships import home as partnerships_home
from bot.platform import matching
from bot.platform import rules as p
from bot.platform.blocks import home_sections, usage_sections
from bot.registration.blocks import home_view
from bot.registration.people import is_isu
from bot.registration.rules import pending_request
from handlers.commands import Subcommands
from handlers.modals import after_ack


def register(app: App, pfp: Subcommands) -> None:
    app.event("app_home_opened")(publish_home)


def publish_home(body: dict, event: dict, context: BoltContext) -> None:
    if event.get("tab") == "home" and context["person"] is not None:
        after_ack(body, context, lambda: publish(context))


def publish(context: BoltContext) -> None:
    session, person, tr, now = context["db"], context["person"], context["tr"], context["clock"].now()
    extra = next_dates(tr, calendar.upcoming(session, now.date(), limit=3))
    if person.state_code is not None or person.organisation_id is not None:
        entries = p.own_entries(session, person)
        due = [e for e in entries if p.is_due_for_update(e, now)]
        extra += home_sections(tr, entries=entries, waiting=matching.waiting_for(session, person), due=due, now=now)
    extra += home_meetings(tr, open_requests=meeting_rules.open_requests(meeting_rules.requests_for(session, person)),
                           invitations=meeting_rules.coming_invitations(session, person, now))
    extra += partnerships_home.home_partnerships(tr, partnerships_home.figures(session, person, now=now))
    if is_isu(person):
        extra += usage_sections(tr, *p.usage(session, now=now))
    view = home_view(tr, person, pending_request(session, person), extra)
    context["notifier"].publish_home(person.slack_user_id, view)
