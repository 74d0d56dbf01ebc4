"""`/pfp help` and `/pfp whoami`."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot.blocks import message
from bot.registration.blocks import whoami_text
from bot.registration.people import is_isu
from bot.registration.rules import pending_request
from handlers.commands import Subcommands


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("help")(show_help)
    pfp.add("whoami")(whoami)


def show_help(ack: Ack, context: BoltContext, **_: object) -> None:
    ack(**message(context["tr"].render("help.md.j2", isu=is_isu(context["person"]))))


def whoami(ack: Ack, context: BoltContext, **_: object) -> None:
    person = context["person"]
    ack(**message(whoami_text(context["tr"], person, pending_request(context["db"], person))))
