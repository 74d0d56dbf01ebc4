"""Bolt listeners, one module per capability; each exposes `register(app, pfp)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import admin, article7, browse, calendar, help, home, matches, meetings, platform, registration
from handlers.commands import Subcommands


def register(app: App) -> None:
    pfp = Subcommands()
    for module in (help, registration, admin, home, platform, browse, matches, calendar, article7, meetings):
        module.register(app, pfp)
    app.command("/pfp")(pfp)
