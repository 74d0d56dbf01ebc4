"""The App Home tab: who you are here and what you can do."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.blocks import home_view
from bot.registration import pending_request
from handlers.commands import Subcommands


def register(app: App, pfp: Subcommands) -> None:
    app.event("app_home_opened")(publish_home)


def publish_home(event: dict, context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":
        return
    person = context["person"]
    view = home_view(context["tr"], person, pending_request(context["db"], person))
    client.views_publish(user_id=person.slack_user_id, view=view)
