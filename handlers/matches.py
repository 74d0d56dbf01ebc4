"""Answers to a match: "Start a conversation" (a group DM once both sides accept) or "Not relevant"."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot import payloads
from bot.notifier import attempt
from bot.platform import matching
from bot.platform.blocks import ACCEPT_MATCH, DISMISS_MATCH
from bot.platform.flows import start_conversation
from bot.platform.rules import poster
from handlers.commands import Subcommands
from handlers.modals import after_ack


def register(app: App, pfp: Subcommands) -> None:
    app.action(ACCEPT_MATCH)(answer_match)
    app.action(DISMISS_MATCH)(answer_match)


def answer_match(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    match_id = payloads.reference(action, "match")
    accept = action["action_id"] == ACCEPT_MATCH
    ack()
    after_ack(body, context, lambda: _answer(context, match_id, accept=accept))


def _answer(context: BoltContext, match_id: int, *, accept: bool) -> None:
    session, person, tr = context["db"], context["person"], context["tr"]
    answered = matching.answer(session, person, match_id, accept=accept, now=context["clock"].now())
    session.commit()
    match = answered.match
    other = poster(match.offer if answered.side == "need" else match.need)
    if not accept:
        text = tr.mrkdwn("Noted: this match will not be shown again.")
    elif answered.both_accepted and attempt("open the conversation of a match",
                                            lambda: start_conversation(context["notifier"], session, match),
                                            session=session):
        text = tr.mrkdwn("Both sides agreed: a conversation with {state} is now open in your direct messages.",
                         state=other)
    elif answered.both_accepted:  # the answer is saved; only Slack's group DM failed
        text = tr.mrkdwn("Both sides agreed, and your answer is saved, but Slack did not let the bot open the "
                         "conversation with {state} just now. Write to their focal point directly, or ask the ISU.",
                         state=other)
    else:
        text = tr.mrkdwn("Thank you. When {state} accepts too, the bot will open a conversation with both "
                         "delegations.", state=other)
    context["notifier"].tell(context, text, replace=True)
