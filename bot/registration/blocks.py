"""Block Kit of registration: the form, the ISU's review message and its outcome, who you are, and
the App Home built around it."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks import country_options, section, state_options
from bot.errors import N_
from bot.i18n import Translator, territories
from bot.registration.rules import (
    FOCAL_POINT_BLOCK,
    ORGANISATION_BLOCK,
    ORGANISATION_MAX,
    ORGANISATION_TYPE_BLOCK,
    POSITION_BLOCK,
    POSITION_MAX,
    SEAT_BLOCK,
    STATE_BLOCK,
)
from bot.text import SlackUser, StateCode
from storage.models import OrganisationType, Person, RegistrationRequest, RequestStatus, Role, StateParty

REGISTRATION_CALLBACK = "registration"
APPROVE_ACTION = "registration.approve"
DECLINE_ACTION = "registration.decline"
REGISTER_ACTION = "home.register"
ORGANISATION_CALLBACK = "registration.organisation"
REGISTER_ORGANISATION_ACTION = "home.register_organisation"

ORGANISATION_TYPES = {
    OrganisationType.INTERNATIONAL: N_("International or regional organisation (a UN agency, the ICRC...)"),
    OrganisationType.CIVIL_SOCIETY: N_("Civil society"),
    OrganisationType.OPERATOR: N_("Operator (demining, victim assistance)"),
    OrganisationType.PRIVATE: N_("Private company"),
}


def form_title(tr: Translator) -> str:
    return tr._("Register")


def registration_modal(tr: Translator, states: list[StateParty]) -> View:
    options, groups = state_options(tr, states)
    state_select = StaticSelectElement(
        action_id=STATE_BLOCK, placeholder=tr._("Choose a State Party"), options=options, option_groups=groups
    )
    yes = Option(value="yes", text=tr._("Yes, I am the focal point my State named"))
    no = Option(value="no", text=tr._("No, I am a member of the delegation"))
    return View(
        type="modal",
        callback_id=REGISTRATION_CALLBACK,
        title=form_title(tr),
        submit=tr._("Send to ISU"),
        close=tr._("Cancel"),
        blocks=[
            section(tr.mrkdwn("Tell us which State Party you represent. ISU staff will check and confirm.")),
            ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
                "Speaking for an organisation (a UN agency, civil society, an operator, a company)? Type "
                "`/pfp register organisation` instead."))]),
            InputBlock(block_id=STATE_BLOCK, label=tr._("State Party"), element=state_select),
            InputBlock(
                block_id=FOCAL_POINT_BLOCK,
                label=tr._("Are you your State's focal point?"),
                element=RadioButtonsElement(action_id=FOCAL_POINT_BLOCK, options=[yes, no]),
            ),
            InputBlock(
                block_id=POSITION_BLOCK,
                label=tr._("Your position (optional)"),
                optional=True,
                element=PlainTextInputElement(
                    action_id=POSITION_BLOCK,
                    max_length=POSITION_MAX,
                    placeholder=tr._("e.g. First Secretary, Permanent Mission in Geneva"),
                ),
            ),
        ],
    )


def organisation_modal(tr: Translator) -> View:
    """For people of a partner beyond States: the organisation's name, its type and the country of its seat."""
    options, groups = country_options(tr, territories())
    types = [Option(value=t.value, text=tr._(label)[:75]) for t, label in ORGANISATION_TYPES.items()]
    return View(
        type="modal", callback_id=ORGANISATION_CALLBACK, title=form_title(tr), submit=tr._("Send to ISU"),
        close=tr._("Cancel"),
        blocks=[
            section(tr.mrkdwn("Tell us which organisation you speak for. ISU staff will check and confirm. Your "
                              "organisation can then offer assistance and be a partner in partnerships.")),
            InputBlock(block_id=ORGANISATION_BLOCK, label=tr._("Organisation"), element=PlainTextInputElement(
                action_id=ORGANISATION_BLOCK, max_length=ORGANISATION_MAX,
                placeholder=tr._("e.g. United Nations Development Programme"))),
            InputBlock(block_id=ORGANISATION_TYPE_BLOCK, label=tr._("Type of organisation"),
                       element=RadioButtonsElement(action_id=ORGANISATION_TYPE_BLOCK, options=types)),
            InputBlock(block_id=SEAT_BLOCK, label=tr._("Country of its seat"), element=StaticSelectElement(
                action_id=SEAT_BLOCK, placeholder=tr._("Choose a country"), options=options, option_groups=groups)),
            InputBlock(block_id=POSITION_BLOCK, label=tr._("Your position (optional)"), optional=True,
                       element=PlainTextInputElement(action_id=POSITION_BLOCK, max_length=POSITION_MAX)),
        ],
    )


def represented(tr: Translator, request: RegistrationRequest) -> str:
    """Whom a request is for, as its reader names it: a State, or an organisation (with its type and seat)."""
    if request.state_code is not None:
        return tr.country(request.state_code)
    return request.organisation_name or ""


def _request_summary(tr: Translator, request: RegistrationRequest, previous_state: str | None) -> str:
    if request.organisation_name is not None:
        text = tr.mrkdwn("{who} asks to be registered as speaking for *{organisation}* ({type}, seat in {seat}).",
                         who=SlackUser(request.person.slack_user_id), organisation=request.organisation_name,
                         type=tr._(ORGANISATION_TYPES[OrganisationType(request.organisation_type)]),
                         seat=StateCode(request.organisation_country or "ZZ"))
        if request.position:
            text += "\n" + tr.mrkdwn("Position: {position}", position=request.position)
        return text
    text = tr.mrkdwn(
        "{who} asks to be registered as a delegate of *{state}*.",
        who=SlackUser(request.person.slack_user_id), state=StateCode(request.state_code),
    )
    if request.wants_focal_point:
        text += "\n" + tr.mrkdwn("They say they are its *focal point*; approving replaces the current one.")
    if request.position:
        text += "\n" + tr.mrkdwn("Position: {position}", position=request.position)
    if previous_state and previous_state != request.state_code:
        text += "\n" + tr.mrkdwn(
            "They are now registered for {state}; approving moves them.", state=StateCode(previous_state)
        )
    return text


def review_blocks(tr: Translator, request: RegistrationRequest) -> list[Block]:
    """The message in the ISU channel, with the buttons only ISU staff may use."""
    value = json.dumps({"request": request.id})
    return [
        section(_request_summary(tr, request, request.person.state_code)),
        ActionsBlock(
            block_id=f"registration:{request.id}",
            elements=[
                ButtonElement(text=tr._("Approve"), action_id=APPROVE_ACTION, value=value, style="primary"),
                ButtonElement(text=tr._("Decline"), action_id=DECLINE_ACTION, value=value, style="danger"),
            ],
        ),
    ]


def decided_blocks(tr: Translator, request: RegistrationRequest) -> list[Block]:
    """The ISU message after a decision: same summary, buttons replaced by who decided and when."""
    outcome = (
        N_("Approved by {who} on {date}.")
        if request.status == RequestStatus.APPROVED
        else N_("Declined by {who} on {date}.")
    )
    assert request.decided_by is not None and request.decided_at is not None
    return [
        section(_request_summary(tr, request, None)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=tr.mrkdwn(outcome, who=SlackUser(request.decided_by), date=request.decided_at)
                )
            ]
        ),
    ]


def decision_message(tr: Translator, request: RegistrationRequest) -> str:
    if request.organisation_name is not None:
        if request.status == RequestStatus.APPROVED:
            return tr.mrkdwn("ISU staff approved your registration for {organisation}. You can now offer assistance "
                             "with `/offer` and be a partner in partnerships. Type `/pfp help` to see what you can do.",
                             organisation=request.organisation_name)
        return tr.mrkdwn("ISU staff declined your registration for {organisation}. If you think this is a mistake, "
                         "write to the ISU or type `/pfp register organisation` to try again.",
                         organisation=request.organisation_name)
    if request.status == RequestStatus.APPROVED and request.wants_focal_point:
        return tr.mrkdwn(
            "ISU staff approved your registration: you are now the focal point of {state}. "
            "Reminders for your State will come to you. Type `/pfp help` to see what you can do.",
            state=StateCode(request.state_code),
        )
    if request.status == RequestStatus.APPROVED:
        return tr.mrkdwn(
            "ISU staff approved your registration as a delegate of {state}. Type `/pfp help` to see what you can do.",
            state=StateCode(request.state_code),
        )
    return tr.mrkdwn(
        "ISU staff declined your registration as a delegate of {state}. If you think this is a mistake, "
        "write to the ISU or type `/pfp register` to try again.",
        state=StateCode(request.state_code),
    )


def submitted_view(tr: Translator, represents: str) -> View:
    """Replaces the form once it is sent, so the person knows what happens next (`represents` as shown)."""
    return View(
        type="modal",
        title=tr._("Register"),
        close=tr._("Close"),
        blocks=[
            section(
                tr.mrkdwn(
                    "Thank you. Your request to represent {state} has gone to ISU staff. "
                    "You will get a direct message with their answer.",
                    state=represents,
                )
            )
        ],
    )


def replaced_focal_point_message(tr: Translator, request: RegistrationRequest) -> str:
    return tr.mrkdwn(
        "ISU staff approved {who} as the new focal point of {state}. You remain a registered delegate; "
        "reminders for your State will now go to them.",
        who=SlackUser(request.person.slack_user_id), state=StateCode(request.state_code),
    )


def whoami_text(tr: Translator, person: Person, pending: RegistrationRequest | None) -> str:
    lines = [tr.mrkdwn("You are {who}.", who=SlackUser(person.slack_user_id))]
    if person.state_code and person.is_focal_point:
        lines.append(tr.mrkdwn("You are the focal point of *{state}*.", state=StateCode(person.state_code)))
    elif person.state_code:
        lines.append(tr.mrkdwn("You are a delegate of *{state}*.", state=StateCode(person.state_code)))
    elif person.organisation is not None:
        lines.append(tr.mrkdwn("You speak for *{organisation}*.", organisation=person.organisation.name))
    elif pending is None:
        lines.append(tr.mrkdwn("You are not registered for a State yet: type `/pfp register`."))
    if pending is not None:
        lines.append(
            tr.mrkdwn(
                "Your request of {date} for {state} is waiting for ISU staff.",
                date=pending.requested_at.date(), state=represented(tr, pending),
            )
        )
    if person.has_role(Role.ISU):
        lines.append(tr.mrkdwn("You are ISU staff: you approve registrations and grant roles."))
    if person.has_role(Role.COMMITTEE):
        lines.append(tr.mrkdwn("You are a member of the Committee on the Enhancement of Cooperation and Assistance."))
    return "\n".join(lines)


def home_view(tr: Translator, person: Person, pending: RegistrationRequest | None, extra: list[Block]) -> View:
    blocks: list[Block] = [
        section(tr.mrkdwn("*Platform for Partnerships*")),
        section(whoami_text(tr, person, pending)),
    ]
    if person.state_code is None and person.organisation_id is None and pending is None:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=tr._("Register"), action_id=REGISTER_ACTION, style="primary"),
            ButtonElement(text=tr._("Register for an organisation"), action_id=REGISTER_ORGANISATION_ACTION)]))
    blocks += extra
    help_text = tr.render("help.md.j2", isu=person.has_role(Role.ISU))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=help_text)]))
    return View(type="home", blocks=blocks[:100])  # Slack's limit for a view
