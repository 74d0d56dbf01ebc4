"""`/meeting` answers politely until its feature lands."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.blocks import message
from handlers.commands import Subcommands


def register(app: App, pfp: Subcommands) -> None:
    app.command("/meeting")(coming_soon)


def coming_soon(ack: Ack, command: dict, context: BoltContext) -> None:
    ack(**message(context["tr"].mrkdwn(
        "`{command}` is coming soon. Meanwhile, type `/pfp register` so you are ready to use it.",
        command=command["command"],
    )))
