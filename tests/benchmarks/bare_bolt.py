"""The baseline of tests/benchmarks/ack_latency.py: a bare Bolt app that only acknowledges, served by the very
server `pfp serve` uses (bot.server.create_server, same threads and settings), so the difference between the
two is what pfp does before it answers.

It checks Slack's signature as Bolt does by default, asks Slack who it is once at start (auth.test, as pfp
does), and has one listener per command, button and view the benchmark sends, each calling ack() alone.
Run as `pfp serve` is, from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, HOST, PORT:
    .venv/bin/python -m tests.benchmarks.bare_bolt
"""

from __future__ import annotations

import os
import signal
import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.platform.blocks import NEED_FORM
from bot.reminders.article7_blocks import SUBMITTED
from bot.server import EVENTS_PATH, create_server

COMMANDS = ("/pfp", "/need", "/meeting")
ACTIONS = (SUBMITTED,)
VIEWS = (NEED_FORM,)


def acknowledge(ack: Ack) -> None:
    ack()


def create_bare_app(*, token: str, signing_secret: str, api_url: str) -> App:
    app = App(client=WebClient(token=token, base_url=api_url), signing_secret=signing_secret)
    for command in COMMANDS:
        app.command(command)(acknowledge)
    for action in ACTIONS:
        app.action(action)(acknowledge)
    for callback in VIEWS:
        app.view(callback)(acknowledge)
    return app


def main() -> int:
    env = os.environ
    app = create_bare_app(token=env["SLACK_BOT_TOKEN"], signing_secret=env["SLACK_SIGNING_SECRET"],
                          api_url=env["SLACK_API_URL"])
    server = create_server(SlackRequestHandler(app, path=EVENTS_PATH), host=env.get("HOST", "127.0.0.1"),
                           port=int(env["PORT"]))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
