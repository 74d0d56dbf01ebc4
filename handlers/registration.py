"""`/pfp register`, the registration modal, and the ISU's Approve and Decline buttons."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext

from bot import payloads
from bot.blocks import field_errors
from bot.errors import FieldErrors
from bot.registration import rules as registration
from bot.registration.blocks import (
    APPROVE_ACTION,
    DECLINE_ACTION,
    ORGANISATION_CALLBACK,
    REGISTER_ACTION,
    REGISTER_ORGANISATION_ACTION,
    REGISTRATION_CALLBACK,
    decided_blocks,
    decision_message,
    form_title,
    organisation_modal,
    registration_modal,
    replaced_focal_point_message,
    review_blocks,
    submitted_view,
)
from bot.review import Review
from handlers.commands import Subcommands
from handlers.modals import after_ack, open_then_fill


def register(app: App, pfp: Subcommands) -> None:
    pfp.add("register")(register_command)
    app.action(REGISTER_ACTION)(register_button)
    app.action(REGISTER_ORGANISATION_ACTION)(register_organisation_button)
    app.view(REGISTRATION_CALLBACK)(submit_registration)
    app.view(ORGANISATION_CALLBACK)(submit_organisation)
    app.action(APPROVE_ACTION)(decide)
    app.action(DECLINE_ACTION)(decide)


def _open_form(ack: Ack, context: BoltContext, body: dict, trigger_id: str) -> None:
    ack()

    def build():  # type: ignore[no-untyped-def]
        session, person = context["db"], context["person"]
        registration.check_can_register(session, person)
        return registration_modal(context["tr"], registration.states_parties_on(session, context["clock"].now().date()))

    open_then_fill(context, trigger_id, form_title(context["tr"]), build, body=body)


def _open_organisation_form(ack: Ack, context: BoltContext, body: dict, trigger_id: str) -> None:
    ack()

    def build():  # type: ignore[no-untyped-def]
        registration.check_can_register_organisation(context["db"], context["person"])
        return organisation_modal(context["tr"])

    open_then_fill(context, trigger_id, form_title(context["tr"]), build, body=body)


def register_command(ack: Ack, args: str, command: dict, context: BoltContext, **_: object) -> None:
    # A command's body is the command.
    if args.lower() in ("organisation", "organization", "organisme", "organización", "organizacion"):
        _open_organisation_form(ack, context, command, payloads.trigger_id(command))
    else:
        _open_form(ack, context, command, payloads.trigger_id(command))


def register_organisation_button(ack: Ack, body: dict, context: BoltContext) -> None:
    _open_organisation_form(ack, context, body, payloads.trigger_id(body))


def register_button(ack: Ack, body: dict, context: BoltContext) -> None:
    _open_form(ack, context, body, payloads.trigger_id(body))


def submit_registration(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    session, person, tr = context["db"], context["person"], context["tr"]
    now = context["clock"].now()
    values = payloads.form_values(view)
    registration.check_can_register(session, person)  # a form left open after a first request was sent
    try:
        form = registration.validate(session, person, values, today=now.date())
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack(response_action="update", view=submitted_view(tr, tr.country(form.state_code)))
    after_ack(body, context, _store_and_tell(context, form))


def submit_organisation(ack: Ack, body: dict, view: dict, context: BoltContext) -> None:
    tr = context["tr"]
    registration.check_can_register_organisation(context["db"], context["person"])
    try:
        form = registration.validate_organisation(payloads.form_values(view))
    except FieldErrors as invalid:
        ack(**field_errors(tr, invalid))
        return
    ack(response_action="update", view=submitted_view(tr, form.name))
    after_ack(body, context, _store_and_tell(context, form))


def _store_and_tell(context: BoltContext,
                    form: registration.RegistrationForm | registration.OrganisationForm) -> Callable[[], None]:
    session, person, now = context["db"], context["person"], context["clock"].now()

    def store_and_tell() -> None:
        request = registration.submit(session, person, form, now=now)
        session.commit()
        where = Review(context["notifier"], context["settings"].isu_channel).post(
            lambda isu: (isu._("New registration request"), review_blocks(isu, request)))
        if where is not None:
            registration.record_review_message(session, request, channel=where[0], ts=where[1])
            session.commit()

    return store_and_tell


def decide(ack: Ack, body: dict, action: dict, context: BoltContext) -> None:
    request_id = payloads.reference(action, "request")
    ack()

    def decide_and_tell() -> None:
        decision = registration.decide(
            context["db"], request_id=request_id, actor=context["person"],
            approve=action["action_id"] == APPROVE_ACTION, now=context["clock"].now(),
        )
        context["db"].commit()
        request, notifier = decision.request, context["notifier"]
        where = (request.review_channel or payloads.channel_of(body), request.review_ts or payloads.message_ts(body))
        Review(notifier, context["settings"].isu_channel).show(
            where, lambda isu: (isu._("Registration request decided"), decided_blocks(isu, request)))
        notifier.notify(request.person, lambda tr: decision_message(tr, request))
        if decision.replaced_focal_point is not None:
            notifier.notify(decision.replaced_focal_point, lambda tr: replaced_focal_point_message(tr, request))

    after_ack(body, context, decide_and_tell)
