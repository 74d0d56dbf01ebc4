"""`pfp sandbox` (and `pfp serve` with no Slack settings): the same bot — app factory, handlers, database,
scheduler and HTTP endpoint as `pfp serve` — against the Slack stand-in, with a web page that looks like
Slack, all on 127.0.0.1 (never another interface: nothing here is protected)."""

from __future__ import annotations

import logging
import secrets
import signal
import sys

from bot.sandbox import demo
from bot.sandbox.clock import SandboxClock
from bot.settings import SANDBOX_DATABASE_DEFAULT, ReminderSettings, Settings

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


def sandbox_settings(stand_in, *, database_url: str, port: int) -> Settings:
    """Settings pointing the bot at the stand-in: its token, a fresh signing secret, the demo channels."""
    return Settings(
        slack_bot_token=stand_in.token, slack_signing_secret=secrets.token_hex(16),
        isu_channel=demo.ISU_CHANNEL, platform_channel=demo.PLATFORM_CHANNEL,
        slack_api_url=stand_in.base_url, database_url=database_url, port=port, host=HOST,
        admins=demo.ADMINS, slack_pace_seconds=0.0,  # one person clicking: nothing to pace
        reminders=ReminderSettings(),
    )


def start(*, port: int = 3000, database_url: str | None = None, clock: SandboxClock | None = None,
          scheduler: bool = True):
    """Everything started on loopback; returns (Sandbox, web server, stop function)."""
    from bot.app import create_app
    from bot.clock import SystemClock
    from bot.sandbox.manifest import bot_scopes, slash_commands
    from bot.sandbox.slack import SlackSigner, SlackStandIn
    from bot.sandbox.web import ACK_TIMEOUT, Sandbox, make_web_app
    from bot.server import BackgroundServer, create_server, make_wsgi_app
    from bot.slack import make_notifier
    from bot.startup import prepare_database
    from scheduled.scheduler import Scheduler
    from storage.db import make_engine, make_session_factory

    clock = clock or SandboxClock()
    stand_in = SlackStandIn(scopes=bot_scopes())
    stand_in.ts_clock = lambda: clock.now().timestamp()  # messages dated by the sandbox's time
    stand_in.start()
    for channel_id, name in demo.CHANNELS:
        stand_in.add_channel(channel_id, name)
    for person in demo.PEOPLE:
        stand_in.set_user(person.user_id, name=person.user_id.lower(), real_name=person.name, locale=person.locale,
                          tz=person.tz)
    settings = sandbox_settings(stand_in, database_url=database_url or SANDBOX_DATABASE_DEFAULT, port=port)
    engine = make_engine(settings.database_url)
    prepare_database(engine, settings, clock)
    with make_session_factory(engine)() as session:
        if not demo.is_loaded(session):
            demo.load(session, clock.now())
            session.commit()
    notifier = make_notifier(settings)
    app = create_app(settings, engine=engine, clock=clock, notifier=notifier)
    # Slack signs with the real time, whatever the sandbox's clock says: the door checks the real one.
    bot = BackgroundServer(make_wsgi_app(app, engine, signing_secret=settings.slack_signing_secret,
                                         clock=SystemClock()), host=HOST)
    signer = SlackSigner(f"http://{HOST}:{bot.port}", settings.slack_signing_secret, timeout=ACK_TIMEOUT)
    ticker = Scheduler(engine, clock, notifier, settings.reminders, isu_channel=settings.isu_channel,
                       owner="sandbox")
    if scheduler:
        ticker.start()
    sandbox = Sandbox(stand_in, signer, clock, tick=ticker.tick, commands=slash_commands())
    web = create_server(make_web_app(sandbox), host=HOST, port=port)

    def stop() -> None:
        web.close()
        ticker.stop()
        bot.stop()
        stand_in.stop()
        engine.dispose()

    return sandbox, web, stop


def run(*, port: int, database_url: str | None) -> int:
    _sandbox, web, stop = start(port=port, database_url=database_url)
    address = f"http://{HOST}:{web.effective_port}/"
    # The first line says where to go, and how to connect a real workspace instead.
    print(f"pfp sandbox: open {address} to try the bot with no Slack workspace; to connect a real one, set "
          "SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and PFP_ISU_CHANNEL (README: Create the Slack app).", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        web.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop()
    return 0

