"""Wiring shared by every listener: the database session, the acting person, their language, and the
one error handler. (Signatures are checked before Bolt sees a request: bot/boundary.py.)"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot import payloads
from bot.blocks import message
from bot.clock import Clock
from bot.errors import N_, PfpError
from bot.i18n import Translator
from bot.notifier import Notifier
from bot.registration.people import meet
from bot.settings import Settings
from bot.work import FrontDoor, keep_refusal

log = logging.getLogger(__name__)

APOLOGY = N_(
    "Sorry, something went wrong on our side and nothing was saved. Please try again in a few minutes; "
    "if it keeps happening, tell the ISU."
)


def session_and_person(sessions: sessionmaker[Session], clock: Clock, settings: Settings,
                       notifier: Notifier, work: Executor | None = None,
                       front_door: FrontDoor | None = None) -> Callable[..., None]:
    """Global middleware: opens the request's session and finds (or meets) the acting person; hands the
    listener the work pool its work after the acknowledgement runs on (handlers/modals.py)."""

    def middleware(body: dict, context: BoltContext, next: Callable[[], None]) -> None:
        context["work"] = work
        context["front_door"] = front_door
        context["notifier"] = notifier
        context["settings"] = settings
        context["clock"] = clock
        context["tr"] = Translator()
        session = sessions()
        context["db"] = session
        context["person"] = None
        if context.user_id is None:
            if body.get("type") != "event_callback":  # every command and interaction names its person
                raise payloads.OutOfDate(payloads.UNKNOWN_USER)
        else:
            # Met only once the id is one Slack would send: `ucol0001` must not become a second person.
            user_id = payloads.user_id(context.user_id)
            person = meet(session, user_id, now=clock.now(), fetch_locale=lambda: notifier.locale_of(user_id))
            context["person"] = person
            context["tr"] = Translator(person.locale)
            session.commit()  # the person is met even if what they asked for then fails
        next()

    return middleware


def close_session(request: BoltRequest) -> None:
    """Listener completion: the session ends with the listener, whatever happened in it, unless the
    listener handed it to its work after the acknowledgement, which closes it (handlers/modals.py)."""
    if not request.context.get("handed_off"):
        close_context(request.context)


def close_context(context: BoltContext) -> None:
    session = context.get("db")
    if session is not None:
        session.close()


def handle_error(
    error: Exception,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
    logger: logging.Logger,
) -> None:
    """The one error handler: a domain error becomes an ephemeral message saying what to do next;
    anything else is logged and the person gets an apology. Nothing partial is kept."""
    session = context.get("db")
    if session is not None:
        try:
            session.rollback()
            keep_refusal(session, error, now=context["clock"].now())  # the rest is undone; the attempt is kept
            session.close()
        except Exception as failure:  # the database may be the thing that failed
            logger.warning("could not close the session after an error: %s", failure.__class__.__name__)
    if isinstance(error, BoltUnhandledRequestError):
        logger.info("no listener for this request: %s", body.get("type") or body.get("command"))
        if response is not None:
            response.status = 404
        return
    tr: Translator = context.get("tr") or Translator()
    if isinstance(error, PfpError):
        text = tr.mrkdwn(error.message, **error.params)
    else:
        logger.exception("unexpected error while handling a Slack request", exc_info=error)
        text = tr.mrkdwn(APOLOGY)
    _tell(text, body, context, client, response, logger)


def _tell(
    text: str,
    body: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    response: BoltResponse | None,
    logger: logging.Logger,
) -> None:
    """Delivers an error message by the fastest channel this kind of request allows."""
    if response is not None:  # not acknowledged yet: answer in the HTTP response itself
        response.status = 200
        response.headers["content-type"] = ["application/json;charset=utf-8"]
        if body.get("command"):
            response.body = json.dumps({"response_type": "ephemeral", **message(text)})
            return
        if body.get("type") == "view_submission":
            block = _first_input(body.get("view"))
            if block is not None:
                response.body = json.dumps({"response_action": "errors", "errors": {block: text[:150]}})
                return
        response.body = ""
    try:
        (context.get("notifier") or Notifier(client)).tell(context, text)
    except Exception as error:  # Slack, too, may be what failed; the person's change is already undone
        logger.warning("could not tell the person about an error: %s", error.__class__.__name__)


def _first_input(view: object) -> str | None:
    """The first input block of a submitted view, where Slack can show an error; the blocks come back
    as the bot sent them, but a payload it did not write may hold anything there."""
    blocks = view.get("blocks") if isinstance(view, dict) else None
    for block in blocks if isinstance(blocks, list) else []:
        if isinstance(block, dict) and block.get("type") == "input" and isinstance(block.get("block_id"), str):
            return block["block_id"]
    return None
