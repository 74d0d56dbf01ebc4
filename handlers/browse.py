"""`/pfp browse` (and `/need list`, `/offer list`): a modal of entries with filters and pages, each
showing only what the person looking may see."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import payloads
from bot.platform import matching
from bot.platform import rules as p
from bot.platform.blocks import BROWSE_FILTER, BROWSE_PAGE, OPEN, browse_view, entry_view, read_entry_value
from bot.registration.people import is_isu
from bot.registration.rules import eligible_states
from handlers.commands import Subcommands
from handlers.replies import show_modal


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
    return browse_view(context["tr"], filters, entries, total, eligible_states(session, now.date()), now=now)


def browse_command(ack: Ack, command: dict, context: BoltContext, client: WebClient, **_: object) -> None:
    open_browse(ack, context, client, command, side="need")


def open_browse(ack: Ack, context: BoltContext, client: WebClient, body: dict, *, side: p.Side) -> None:
    trigger = payloads.trigger_id(body)
    view = _view(context, p.browse_filters(side=side))
    ack()
    client.views_open(trigger_id=trigger, view=view)


def change_filter(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient) -> None:
    view_id, view_hash = payloads.view_ref(body)
    current = payloads.metadata(body["view"])
    name = action["action_id"].rsplit(".", 1)[-1]
    if action["action_id"].startswith(BROWSE_PAGE):
        filters = p.browse_filters(current, page=payloads.plain_value(action))
    else:
        filters = p.browse_filters(current, **{name: payloads.selected_value(action)})
    view = _view(context, filters)
    ack()
    client.views_update(view_id=view_id, hash=view_hash, view=view)


def open_entry(ack: Ack, body: dict, action: dict, context: BoltContext, client: WebClient) -> None:
    session, person, now = context["db"], context["person"], context["clock"].now()
    trigger = payloads.trigger_id(body)
    side, entry_id = read_entry_value(action)
    entry = p.find(session, side, entry_id, p.Viewer.of(person))
    best = matching.best_for(session, entry, person) if side == "need" else []
    can_edit = is_isu(person) or (person is not None and person.state_code == entry.state_code)
    view = entry_view(context["tr"], entry, best, now=now, can_edit=can_edit)
    ack()
    show_modal(client, trigger, view, stacked=payloads.container_type(body) == "modal")
