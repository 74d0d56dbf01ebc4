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
    form_title,
    read_event_metadata,
    saved_text,
)
from bot.errors import FieldErrors
from bot.registration.people import is_isu
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_now, open_then_fill


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
    person, tr, now = context["person"], context["tr"], context["clock"].now()
    trigger, channel = payloads.trigger_id(body), payloads.channel_of(body)
    if action["action_id"] == EDIT:
        event_id = payloads.reference(action, "event")
        calendar.check_can_change(person, change="edit", subject=f"event:{event_id}", now=now)
        ack()
        open_then_fill(context, trigger, form_title(tr), body=body, build=lambda: event_form(
            tr, calendar.find_event(context["db"], event_id), channel=channel))
        return
    calendar.check_can_change(person, change="add", subject="event:new", now=now)
    ack()
    open_now(body, context, trigger, lambda: event_form(tr, None, channel=channel))


def submit_event(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    session, person, tr, now = context["db"], context["person"], context["tr"], context["clock"].now()
    event_id, channel = read_event_metadata(view)
    calendar.check_can_change(person, change="add" if event_id is None else "edit",
                              subject="event:new" if event_id is None else f"event:{event_id}", now=now)
    try:
        form = calendar.read_event_form(payloads.form_values(view))
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def store_and_tell() -> None:
        event = (calendar.add_event(session, person, form, now=now) if event_id is None
                 else calendar.edit_event(session, person, event_id, form, now=now))
        session.commit()
        context["notifier"].tell(context, saved_text(tr, event, created=event_id is None), channel=channel)

    after_ack(body, context, store_and_tell)


def remove(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    event_id = payloads.reference(action, "event")
    ack()

    def remove_and_tell() -> None:
        event = calendar.remove_event(context["db"], context["person"], event_id, now=context["clock"].now())
        context["db"].commit()
        context["notifier"].tell(context, context["tr"].mrkdwn("Removed from the calendar: {title}.",
                                                               title=event.title))

    after_ack(body, context, remove_and_tell)
