"""`/need` and `/offer`: post, show and edit entries; the entry buttons (edit, still current, partly
met, met, withdraw). Matches found when an entry is saved are announced to both States."""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext

from bot import payloads
from bot.blocks import field_errors
from bot.errors import N_, FieldErrors, PfpError
from bot.platform import flows
from bot.platform import rules as p
from bot.platform.blocks import (
    CONFIRM,
    EDIT,
    NEED_FORM,
    OFFER_FORM,
    STATUS_ACTIONS,
    entry_heading,
    entry_title,
    form_title,
    need_form,
    offer_form,
    read_entry_value,
    read_metadata,
    status_message,
)
from bot.registration.rules import states_parties_on
from bot.reminders.blocks import POST_NEED, POST_OFFER
from handlers import browse, home
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_now, open_then_fill

_NUMBERED = re.compile(r"^(show|edit)\s+#?(\d{1,9})$", re.IGNORECASE)
USAGE = N_("Type `{command}` to post, `{command} list` to browse, `{command} show 12` or `{command} edit 12`.")


def register(app: App, pfp: Subcommands) -> None:
    for command in ("/need", "/offer"):
        app.command(command)(entry_command)
    for callback in (NEED_FORM, OFFER_FORM):
        app.view(callback)(submit_entry)
    for action in (EDIT, CONFIRM, *STATUS_ACTIONS):
        app.action(action)(entry_button)
    app.action(POST_NEED)(post_button)
    app.action(POST_OFFER)(post_button)


def post_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """"Post a need" or "Post an offer", from a reminder: the same form as `/need` or `/offer`."""
    trigger = payloads.trigger_id(body)
    side: p.Side = "need" if action["action_id"] == POST_NEED else "offer"
    p.require_poster(context["person"], side)
    ack()
    open_now(body, context, trigger, lambda: _form(context, side, None, payloads.channel_of(body)))


def _form(context: BoltContext, side: p.Side, entry: p.Entry | None, channel: str | None):
    tr, now = context["tr"], context["clock"].now()
    if side == "need":
        return need_form(tr, entry, channel=channel)  # type: ignore[arg-type]
    return offer_form(tr, entry, states_parties_on(context["db"], now.date()), channel=channel)  # type: ignore[arg-type]


def entry_command(ack: Ack, command: dict, body: dict, context: BoltContext) -> None:
    side: p.Side = "need" if command["command"] == "/need" else "offer"
    text = payloads.command_text(command)
    person, tr = context["person"], context["tr"]
    channel = payloads.channel_of(command)
    if text.lower() == "list":
        browse.open_browse(ack, context, body, side=side)
        return
    trigger = payloads.trigger_id(command)
    if text.lower() in ("", "new"):
        p.require_poster(person, side)
        ack()
        open_now(body, context, trigger, lambda: _form(context, side, None, channel))
        return
    match = _NUMBERED.match(text)
    if match is None:
        raise PfpError(USAGE, command=command["command"])
    number = int(match.group(2))
    ack()
    if match.group(1).lower() == "edit":
        open_then_fill(context, trigger, form_title(tr, side), lambda: _edit_form(context, side, number, channel),
                       body=body)
    else:
        open_then_fill(context, trigger, entry_title(tr, side), lambda: flows.entry_modal(
            context["db"], person, side, number, tr=tr, now=context["clock"].now()), body=body)


def _edit_form(context: BoltContext, side: p.Side, number: int, channel: str | None):
    entry = p.editable(context["db"], context["person"], side, number, now=context["clock"].now(), action="edit")
    return _form(context, side, entry, channel)


def submit_entry(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    side: p.Side = "need" if view["callback_id"] == NEED_FORM else "offer"
    session, person, tr = context["db"], context["person"], context["tr"]
    now = context["clock"].now()
    entry_id, channel = read_metadata(view)
    values = payloads.form_values(view)
    p.require_poster(person, side)  # refused before the acknowledgement: it needs no database
    try:
        form = (
            p.read_need_form(values, language=tr.language)
            if side == "need"
            else p.read_offer_form(values, language=tr.language,
                                   known_states={s.code for s in states_parties_on(session, now.date())})
        )
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def store_and_tell() -> None:
        entry = p.post(session, person, form, now=now) if entry_id is None else p.edit(
            session, person, side, entry_id, form, now=now)
        session.commit()
        notifier = context["notifier"]
        flows.entry_saved(notifier, session, context["settings"], entry, tr=tr, created=entry_id is None, now=now,
                          tell=lambda text, blocks: notifier.tell(context, text, blocks, channel=channel))

    after_ack(body, context, store_and_tell)


def entry_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    side, entry_id = read_entry_value(action)
    action_id = action["action_id"]
    if action_id == EDIT:
        trigger = payloads.trigger_id(body)
        ack()
        open_then_fill(context, trigger, form_title(context["tr"], side),
                       lambda: _edit_form(context, side, entry_id, payloads.channel_of(body)),
                       body=body, stacked=payloads.container_type(body) == "modal")
        return
    ack()

    def change() -> None:
        session, person, tr, now = context["db"], context["person"], context["tr"], context["clock"].now()
        if action_id == CONFIRM:
            entry = p.confirm_current(session, person, side, entry_id, now=now)
            text = tr.mrkdwn("{heading} is confirmed as still current. Thank you.", heading=entry_heading(tr, entry))
        else:
            entry = p.change_status(session, person, side, entry_id, STATUS_ACTIONS[action_id], now=now)
            text = status_message(tr, entry)
        session.commit()
        context["notifier"].tell(context, text)
        if payloads.container_type(body) == "home":
            home.publish(context)

    after_ack(body, context, change)
