"""`/pfp calendar`: the Convention's coming dates for everyone; ISU staff add, change and remove them."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot import calendar, payloads
from bot.blocks import field_errors
from bot.calendar.blocks import (
    ADD,
    EDIT,
    EVENT_FORM,
    REMOVE,
    calendar_message,
    event_form,
    read_event_metadata,
    saved_text,
)
from bot.errors import FieldErrors
from bot.registration.people import is_isu
from handlers.commands import Subcommands


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("calendar")(show_calendar)
    app.action(ADD)(open_form)
    app.action(EDIT)(open_form)
    app.action(REMOVE)(remove)
    app.view(EVENT_FORM)(submit_event)


def show_calendar(ack: Ack, context: BoltContext, **_: object) -> None:
    today = context["clock"].now().date()
    text, blocks = calendar_message(context["tr"], calendar.upcoming(context["db"], today),
                                    keeper=is_isu(context["person"]))
    ack(text=text, blocks=[b.to_dict() for b in blocks])


def open_form(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    session, person, now = context["db"], context["person"], context["clock"].now()
    trigger = payloads.trigger_id(body)
    if action["action_id"] == EDIT:
        event_id = payloads.reference(action, "event")
        calendar.check_can_change(person, change="edit", subject=f"event:{event_id}", now=now)
        event = calendar.find_event(session, event_id)
    else:
        calendar.check_can_change(person, change="add", subject="event:new", now=now)
        event = None
    view = event_form(context["tr"], event, channel=payloads.channel_of(body))
    ack()
    context["notifier"].open_view(trigger, view)


def submit_event(ack: Ack, view: dict, context: BoltContext) -> None:
    session, person, tr, now = context["db"], context["person"], context["tr"], context["clock"].now()
    event_id, channel = read_event_metadata(view)
    try:
        form = calendar.read_event_form(payloads.form_values(view))
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    event = (calendar.add_event(session, person, form, now=now) if event_id is None
             else calendar.edit_event(session, person, event_id, form, now=now))
    session.commit()
    ack()
    context["notifier"].tell(context, saved_text(tr, event, created=event_id is None), channel=channel)


def remove(ack: Ack, action: dict, context: BoltContext) -> None:
    session, tr = context["db"], context["tr"]
    event = calendar.remove_event(session, context["person"], payloads.reference(action, "event"),
                                  now=context["clock"].now())
    session.commit()
    ack()
    context["notifier"].tell(context, tr.mrkdwn("Removed from the calendar: {title}.", title=event.title))
