"""Listeners acknowledge first and work after. The work runs on the app's work pool (bounded, sized for
the database pool, bot/app.py), so a listener thread is free for the next acknowledgement as soon as it
has answered; the work's errors are told to the person here, as the one error handler would (raised out
of a listener that already acknowledged, Bolt would reset the acknowledgement and wait out 3 seconds)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext
from slack_sdk.models.views import View

from bot.blocks import loading_view, notice_view
from bot.errors import PfpError
from bot.middleware import close_context, handle_error
from bot.work import keep_refusal

log = logging.getLogger(__name__)
HANDED_OFF = "handed_off"  # set in the context when the work, not the listener's end, closes the session


def after_ack(body: dict, context: BoltContext, work: Callable[[], None]) -> None:
    """Hands the work that follows the acknowledgement to the work pool; a problem is told to the person,
    never raised. The request's session goes with it and is closed when the work ends."""

    def run() -> None:
        front = context.get("front_door")
        if front is not None:  # the acknowledgements of a burst first, then its work
            front.wait_for_quiet()
        try:
            work()
        except Exception as error:
            handle_error(error, body, context, context.client, None, log)
        finally:
            close_context(context)

    pool = context.get("work")
    if pool is None:  # no pool (a listener called outside the app): the work runs here
        run()
        return
    context[HANDED_OFF] = True
    pool.submit(run)


def open_now(body: dict, context: BoltContext, trigger_id: str, build: Callable[[], View], *,
             stacked: bool = False) -> None:
    """A modal that needs no database (a new form; reference data is kept in memory): built and opened
    right after the acknowledgement, on the listener's thread; a problem is told, never raised."""
    try:
        context["notifier"].open_view(trigger_id, build(), stacked=stacked)
    except Exception as error:
        handle_error(error, body, context, context.client, None, log)


def open_then_fill(context: BoltContext, trigger_id: str, title: str, build: Callable[[], View], *,
                   body: dict, stacked: bool = False) -> None:
    """A modal that needs data: opened at once with a loading view titled `title` (the trigger lives 3
    seconds, and reading the data may take longer under a crowd), then filled on the work pool with what
    `build` makes, or with the refusal that stopped it, in the reader's words."""
    notifier, tr = context["notifier"], context["tr"]
    try:
        view_id = notifier.open_view(trigger_id, loading_view(tr, title), stacked=stacked)
    except Exception as error:  # most often a trigger that expired before it could be used
        handle_error(error, body, context, context.client, None, log)
        return

    def fill() -> None:
        session = context["db"]
        try:
            view = build()
        except PfpError as error:
            session.rollback()
            keep_refusal(session, error, now=context["clock"].now())
            view = notice_view(tr, title, tr.mrkdwn(error.message, **error.params))
        notifier.update_view(view_id, view)

    after_ack(body, context, fill)
