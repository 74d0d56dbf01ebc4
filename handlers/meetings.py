"""`/meeting`: individualised meetings. The request form; in the ISU channel Approve and schedule, Ask
for more information and Decline; the requester's Answer and Withdraw; the invitees' Accept and Decline.
Every listener acknowledges first, then works (handlers/modals.py)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext

from bot import payloads
from bot.blocks import field_errors
from bot.errors import FieldErrors
from bot.meetings import blocks, flows, rules
from bot.meetings.blocks import (
    ACCEPT_INVITATION,
    ANSWER,
    ANSWER_FORM,
    APPROVE,
    ASK,
    ASK_FORM,
    CHALLENGE_TO_NEED,
    DECLINE,
    DECLINE_FORM,
    DECLINE_INVITATION,
    DRAFT,
    FINALISE,
    OUTCOMES_FORM,
    RECORD,
    REQUEST_FORM,
    SCHEDULE_FORM,
    WITHDRAW,
)
from bot.meetings.rules import F_ANSWER, F_QUESTION, F_REASON, Move
from bot.platform.blocks import form_title, need_form
from bot.registration.people import is_isu
from bot.registration.rules import states_parties_on
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_then_fill

# Which move each button and modal makes.
BUTTONS = {APPROVE: Move.SCHEDULE, ASK: Move.ASK, DECLINE: Move.DECLINE, ANSWER: Move.ANSWER, RECORD: Move.RECORD}
MOVE_BUTTONS = {WITHDRAW: Move.WITHDRAW, DRAFT: Move.DRAFT, FINALISE: Move.FINALISE}  # no form: the move at once
FORMS = {ASK_FORM: (Move.ASK, F_QUESTION), DECLINE_FORM: (Move.DECLINE, F_REASON), ANSWER_FORM: (Move.ANSWER, F_ANSWER)}
FORM_OF = {Move.ASK: ASK_FORM, Move.DECLINE: DECLINE_FORM, Move.ANSWER: ANSWER_FORM}


def register(app: App, pfp: Subcommands) -> None:
    app.command("/meeting")(meeting_command)
    app.view(REQUEST_FORM)(submit_request)
    for action_id in BUTTONS:
        app.action(action_id)(open_move_form)
    for action_id in MOVE_BUTTONS:
        app.action(action_id)(move_button)
    app.view(SCHEDULE_FORM)(submit_schedule)
    app.view(OUTCOMES_FORM)(submit_outcomes)
    app.action(CHALLENGE_TO_NEED)(challenge_to_need)
    for callback_id in FORMS:
        app.view(callback_id)(submit_text)
    app.action(ACCEPT_INVITATION)(answer_invitation)
    app.action(DECLINE_INVITATION)(answer_invitation)


def meeting_command(ack: Ack, command: dict, body: dict, context: BoltContext) -> None:
    word = payloads.command_text(command).split(" ")[0].lower()
    if word == "list":
        ack()
        after_ack(body, context, lambda: _list(context))
        return
    trigger = payloads.trigger_id(command)
    ack()
    _open_request_form(context, body, trigger)


def _list(context: BoltContext) -> None:
    person = context["person"]
    text, shown = blocks.list_message(context["tr"], rules.requests_for(context["db"], person), isu=is_isu(person))
    context["notifier"].tell(context, text, shown)


def _open_request_form(context: BoltContext, body: dict, trigger: str) -> None:
    session, person, tr = context["db"], context["person"], context["tr"]
    today = context["clock"].now().date()

    def build():  # type: ignore[no-untyped-def]
        state = rules.check_can_request(session, person, today)
        return blocks.request_form(tr, events=rules.occasions(session, today),
                                   parties=states_parties_on(session, today), state=state)

    open_then_fill(context, trigger, blocks.form_title(tr), build, body=body)


def submit_request(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    session, person, tr, now = context["db"], context["person"], context["tr"], context["clock"].now()
    try:
        form = rules.read_request_form(session, person, payloads.form_values(view), today=now.date())
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()

    def store_and_tell() -> None:
        request = rules.submit(session, person, form, now=now)
        session.commit()
        flows.request_submitted(session, context["notifier"], context["settings"], request)

    after_ack(body, context, store_and_tell)


def open_move_form(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    request_id, seen = blocks.read_button(action)
    trigger = payloads.trigger_id(body)
    move = BUTTONS[action["action_id"]]
    rules.check_staff(context["person"], request_id=request_id, move_=move)  # refused at once: no database
    ack()

    def build():  # type: ignore[no-untyped-def]
        request = rules.check_move(context["db"], request_id=request_id, actor=context["person"], move_=move,
                                   seen=seen)
        tr = context["tr"]
        if move == Move.SCHEDULE:
            return blocks.schedule_form(tr, request, context["clock"].now().date())
        if move == Move.RECORD:
            return blocks.outcomes_form(tr, request)
        return blocks.text_form(tr, request, FORM_OF[move])

    open_then_fill(context, trigger, blocks.form_title(context["tr"]), build, body=body)


def _decide(body: dict, context: BoltContext, request_id: int, seen, move: Move, **values) -> None:  # type: ignore[no-untyped-def]
    session, person, now = context["db"], context["person"], context["clock"].now()

    def decide() -> None:
        request = rules.decide(session, request_id=request_id, actor=person, move_=move, seen=seen, now=now,
                               **values)
        session.commit()
        flows.moved(session, context["notifier"], context["settings"], request, move=move, actor=person,
                    text=values.get("text"), now=now)

    after_ack(body, context, decide)


def submit_schedule(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr, now = context["tr"], context["clock"].now()
    request_id, seen = blocks.read_form_metadata(view)
    try:
        schedule = rules.read_schedule(payloads.form_values(view), language=tr.language, today=now.date())
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()
    _decide(body, context, request_id, seen, Move.SCHEDULE, schedule=schedule)


def submit_text(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr = context["tr"]
    move, field = FORMS[view["callback_id"]]
    request_id, seen = blocks.read_form_metadata(view)
    try:
        text = rules.read_text(payloads.form_values(view), field, rules.QUESTION_MAX, language=tr.language)
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()
    _decide(body, context, request_id, seen, move, text=text)


def move_button(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """Withdraw, Draft the report, Mark final: the move at once (their confirmation is Slack's dialog)."""
    request_id, seen = blocks.read_button(action)
    ack()
    _decide(body, context, request_id, seen, MOVE_BUTTONS[action["action_id"]])


def submit_outcomes(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr = context["tr"]
    request_id, seen = blocks.read_form_metadata(view)
    try:
        outcomes = rules.read_outcomes(payloads.form_values(view), language=tr.language)
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack()
    _decide(body, context, request_id, seen, Move.RECORD, outcomes=outcomes)


def challenge_to_need(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    """A challenge the meeting identified, as a need's form pre-filled; the State chooses its visibility and
    gives its consent in the form, as for any need."""
    request_id, index = blocks.read_challenge_button(action)
    trigger = payloads.trigger_id(body)
    ack()

    def build():  # type: ignore[no-untyped-def]
        challenge = rules.challenge_of(context["db"], context["person"], request_id=request_id, index=index)
        return need_form(context["tr"], None, channel=None, prefill={
            "title": challenge[:150], "description": context["tr"]._(
                "{challenge}\n(Identified in individualised meeting #{number}.)", challenge=challenge,
                number=request_id)})

    open_then_fill(context, trigger, form_title(context["tr"], "need"), build, body=body)


def answer_invitation(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    invitation_id = blocks.read_invitation_button(action)
    ack()

    def answer() -> None:
        session = context["db"]
        invitation = rules.answer_invitation(session, invitation_id=invitation_id, person=context["person"],
                                             accept=action["action_id"] == ACCEPT_INVITATION,
                                             now=context["clock"].now())
        session.commit()
        flows.invitation_answered(session, context["notifier"], context["settings"], invitation)

    after_ack(body, context, answer)
