"""Bolt listeners, one module per capability; each exposes `register(app, pfp)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import (
    admin,
    article7,
    browse,
    calendar,
    help,
    home,
    matches,
    meetings,
    partnerships,
    platform,
    registration,
)
from handlers.commands import Subcommands


def register(app: App) -> None:
    pfp = Subcommands()
    # Bolt tries every listener in turn until one matches (about 8 µs each): the most used first.
    app.command("/pfp")(pfp)
    for module in (platform, browse, meetings, help, registration, admin, home, matches, calendar, article7,
                   partnerships):
        module.register(app, pfp)
