"""`/pfp browse` (and `/need list`, `/offer list`): a modal of entries with filters and pages, each
showing only what the person looking may see."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot import payloads
from bot.platform import flows
from bot.platform import rules as p
from bot.platform.blocks import (
    BROWSE_FILTER,
    BROWSE_PAGE,
    OPEN,
    browse_title,
    browse_view,
    entry_title,
    read_entry_value,
)
from bot.registration.rules import states_parties_on
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_then_fill


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("browse")(browse_command)
    app.action({"action_id": _prefix(BROWSE_FILTER)})(change_filter)
    app.action({"action_id": _prefix(BROWSE_PAGE)})(change_filter)
    app.action(OPEN)(open_entry)


def _prefix(action: str):
    import re

    return re.compile(rf"^{re.escape(action)}\.\w+$")


def _view(context: BoltContext, filters: dict):
    session, now = context["db"], context["clock"].now()
    entries, total = p.browse(session, context["person"], filters, now=now)
    return browse_view(context["tr"], filters, entries, total, states_parties_on(session, now.date()), now=now)


def browse_command(ack: Ack, command: dict, context: BoltContext, **_: object) -> None:
    open_browse(ack, context, command, side="need")


def open_browse(ack: Ack, context: BoltContext, body: dict, *, side: p.Side) -> None:
    trigger = payloads.trigger_id(body)
    ack()
    open_then_fill(context, trigger, browse_title(context["tr"]), lambda: _view(context, p.browse_filters(side=side)),
                   body=body)


def change_filter(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    view_id, view_hash = payloads.view_ref(body)
    current = payloads.metadata(body["view"])
    name = action["action_id"].rsplit(".", 1)[-1]
    if action["action_id"].startswith(BROWSE_PAGE):
        filters = p.browse_filters(current, page=payloads.plain_value(action))
    else:
        filters = p.browse_filters(current, **{name: payloads.selected_value(action)})
    ack()
    after_ack(body, context, lambda: context["notifier"].update_view(view_id, _view(context, filters),
                                                                     view_hash=view_hash))


def open_entry(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    trigger = payloads.trigger_id(body)
    side, entry_id = read_entry_value(action)
    ack()
    open_then_fill(context, trigger, entry_title(context["tr"], side),
                   lambda: flows.entry_modal(context["db"], context["person"], side, entry_id, tr=context["tr"],
                                             now=context["clock"].now()),
                   body=body, stacked=payloads.container_type(body) == "modal")
