"""A partnership's **Confirm** button: a party's delegate confirms the terms it read, for its own State."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.partnerships import blocks, flows, rules
from handlers.commands import Subcommands
from handlers.modals import after_ack


def register(app: App, pfp: Subcommands) -> None:
    app.action(blocks.CONFIRM)(confirm_button)


def confirm_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    partnership_id, version = blocks.read_confirm(action)
    ack()

    def confirm() -> None:
        session, now = context["db"], context["clock"].now()
        active = rules.confirm(session, context["person"], partnership_id, version=version, now=now)
        session.commit()
        partnership = rules.get(session, partnership_id)
        # The terms stay in the message, without the button: nobody confirms twice.
        text, shown = blocks.confirmed_message(context["tr"], partnership, active=active)
        context["notifier"].tell(context, text, shown, replace=True)
        if active:
            flows.tell_active(session, context["notifier"], partnership)

    after_ack(body, context, confirm)
