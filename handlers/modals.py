"""Listeners that acknowledge first and work after: the work's errors are handled here, as the one error
handler would, because an error raised out of a listener that already acknowledged makes Bolt wait out
its 3-second timeout (it resets the acknowledgement) and Slack shows the person a failure."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import BoltContext
from slack_sdk.models.views import View

from bot.errors import PfpError
from bot.middleware import handle_error
from bot.work import keep_refusal

log = logging.getLogger(__name__)


def after_ack(body: dict, context: BoltContext, work: Callable[[], None]) -> None:
    """Runs the work that follows the acknowledgement; a problem is told to the person, never raised."""
    try:
        work()
    except Exception as error:
        handle_error(error, body, context, context.client, None, log)


def open_then_fill(context: BoltContext, trigger_id: str, loading: View, build: Callable[[], View],
                   notice: Callable[[str], View]) -> None:
    """A modal that needs data: opened at once with `loading` (the trigger lives 3 seconds), then filled
    with what `build` makes, or with the problem that stopped it, in the reader's words."""
    notifier, session, tr = context["notifier"], context["db"], context["tr"]
    view_id = notifier.open_view(trigger_id, loading)
    try:
        view = build()
    except PfpError as error:
        session.rollback()
        keep_refusal(session, error, now=context["clock"].now())
        view = notice(tr.mrkdwn(error.message, **error.params))
    notifier.update_view(view_id, view)
