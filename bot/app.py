"""The app factory: one Bolt App per call, built from settings; no import-time globals."""

from __future__ import annotations

from concurrent.futures import Executor, ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.listener.listener_completion_handler import CustomListenerCompletionHandler
from sqlalchemy import Engine

from bot.clock import Clock, SystemClock
from bot.middleware import close_session, handle_error, session_and_person
from bot.notifier import Notifier
from bot.settings import Settings
from bot.slack import make_notifier
from bot.work import FrontDoor
from storage.db import POOL_SIZE, make_engine, make_session_factory

# Listener threads only read the request, check what needs no database, acknowledge and open a loading
# view; they wait on Slack, not on the processor, so there are plenty. The work after the acknowledgement
# uses the database: one worker per pooled connection, less the two the middleware and the scheduler use.
LISTENERS = 32
WORKERS = POOL_SIZE - 2


class PfpApp(App):
    """Bolt's App, with the front door its HTTP endpoint counts the requests waiting for an answer through,
    and its work after acknowledgements waits on (bot/work.py)."""

    front_door: FrontDoor


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
    listener_executor: Executor | None = None,
    work_executor: Executor | None = None,
) -> PfpApp:
    import handlers

    engine = engine or make_engine(settings.database_url)
    clock = clock or SystemClock()
    sessions = make_session_factory(engine)
    # The one way out to Slack, for listeners (through the context) and jobs alike: `pfp serve` hands the
    # same notifier to its scheduler, so both keep to one pace.
    notifier = notifier or make_notifier(settings)
    app = PfpApp(
        client=notifier.client,
        signing_secret=settings.slack_signing_secret or None,
        # Over HTTP the signature is checked before Bolt parses anything (bot/boundary.py); in Socket
        # Mode, Slack's own connection vouches for what arrives.
        request_verification_enabled=False,
        # Acknowledge within Slack's 3 seconds; the rest of the work goes on in the work pool.
        process_before_response=False,
        raise_error_for_unhandled_request=True,
        listener_executor=listener_executor or ThreadPoolExecutor(LISTENERS, thread_name_prefix="pfp-listener"),
    )
    work = work_executor or ThreadPoolExecutor(WORKERS, thread_name_prefix="pfp-work")
    app.front_door = FrontDoor()
    app.use(session_and_person(sessions, clock, settings, notifier, work, app.front_door))
    app.error(handle_error)
    app.listener_runner.listener_completion_handler = CustomListenerCompletionHandler(
        logger=app.logger, func=close_session
    )
    handlers.register(app)
    return app
