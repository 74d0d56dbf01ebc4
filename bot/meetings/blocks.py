"""Block Kit of individualised meetings: the request form, the ISU's review message and modals, the
requester's message, the invitations, the list, and the meeting as an iCalendar file."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot import payloads
from bot.blocks import notice_view, section, state_options
from bot.calendar.blocks import KINDS
from bot.errors import N_
from bot.i18n import Translator
from bot.meetings import rules
from bot.meetings.rules import (
    F_ANSWER,
    F_CHALLENGES,
    F_COMMITMENTS,
    F_DATES,
    F_DAY,
    F_END,
    F_LANGUAGE,
    F_MEASURES,
    F_OCCASION,
    F_OVERRIDE,
    F_PLACE,
    F_QUESTION,
    F_REASON,
    F_ROLES,
    F_SHARING,
    F_SITUATION,
    F_SOLUTIONS,
    F_START,
    F_STATE,
    F_STATES,
    F_TIMING,
    F_ZONE,
    GENEVA,
    OTHERS,
    S,
)
from bot.partnerships.blocks import form_from_meeting_button
from bot.text import SlackUser, StateCode
from storage.models import (
    ConventionEvent,
    InvitationAnswer,
    MeetingInvitation,
    MeetingRequest,
    MeetingStatus,
    MeetingTiming,
    ReportSharing,
    Role,
    StateParty,
)

REQUEST_FORM, SCHEDULE_FORM, ASK_FORM, ANSWER_FORM, DECLINE_FORM = (
    "meeting_request", "meeting_schedule", "meeting_ask", "meeting_answer", "meeting_decline")
APPROVE, ASK, DECLINE, ANSWER, WITHDRAW = (
    "meeting.approve", "meeting.ask", "meeting.decline", "meeting.answer", "meeting.withdraw")
ACCEPT_INVITATION, DECLINE_INVITATION = "meeting.invitation.accept", "meeting.invitation.decline"
RECORD, DRAFT, FINALISE, CHALLENGE_TO_NEED = "meeting.record", "meeting.draft", "meeting.finalise", "meeting.to_need"
OUTCOMES_FORM = "meeting_outcomes"
NEW_REQUEST = "meeting.new"

STATUSES = {
    S.REQUESTED: N_("Requested: waiting for ISU staff"),
    S.INFORMATION_ASKED: N_("More information asked: waiting for the requesting State"),
    S.SCHEDULED: N_("Scheduled"),
    S.HELD: N_("Held"),
    S.REPORT_DRAFTED: N_("Report drafted"),
    S.REPORT_FINAL: N_("Report final"),
    S.DECLINED: N_("Declined"),
    S.WITHDRAWN: N_("Withdrawn by the requesting State"),
}
TIMINGS = {MeetingTiming.LEAD_UP: N_("In the lead-up to it"), MeetingTiming.MARGINS: N_("On its margins")}
SHARINGS = {
    ReportSharing.ALL: N_("With all States Parties and observers"),
    ReportSharing.ANONYMISED: N_("As an anonymised summary, naming no State and no person"),
    ReportSharing.NONE: N_("Not at all"),
}
ROLES = {
    Role.PRESIDENT: N_("The President of the Convention"),
    Role.COMMITTEE: N_("Members of the Committee on the Enhancement of Cooperation and Assistance"),
    Role.OTHER_COMMITTEE: N_("Other committees"),
}
OTHER_LABELS = {
    "observers": N_("Observer States (names)"),
    "organisations": N_("International and regional organisations (names)"),
    "civil_society": N_("Civil-society organisations (names)"),
    "operators": N_("Operators (names)"),
}
LANGUAGE_NAMES = {"en": N_("English"), "fr": N_("French"), "es": N_("Spanish")}
ANSWERS = {InvitationAnswer.ACCEPTED: N_("accepted"), InvitationAnswer.DECLINED: N_("declined"),
           InvitationAnswer.PENDING: N_("no answer yet")}
ZONES = ("Europe/Zurich", "UTC", "America/New_York", "America/Bogota", "Africa/Dakar", "Africa/Nairobi",
         "Asia/Bangkok", "Asia/Phnom_Penh", "Asia/Tokyo", "Australia/Sydney")


def _value(request: MeetingRequest, **extra: Any) -> str:
    """A button's value: the request and the status its message showed, so a late press is recognised."""
    return json.dumps({"meeting": request.id, "seen": request.status.value, **extra})


def read_button(action: dict[str, Any]) -> tuple[int, MeetingStatus | None]:
    data = payloads.value_object(action)
    request_id = payloads.record_id(data.get("meeting"))
    seen = data.get("seen")
    try:
        return request_id, MeetingStatus(seen) if seen is not None else None
    except ValueError:
        raise payloads.OutOfDate(payloads.STALE_BUTTON) from None


def read_form_metadata(view: dict[str, Any]) -> tuple[int, MeetingStatus | None]:
    """The request a modal acts on, and the status it stood at when the modal opened."""
    data = payloads.metadata(view)
    request_id = payloads.record_id(data.get("meeting"), message=payloads.STALE_FORM)
    try:
        return request_id, MeetingStatus(data["seen"]) if data.get("seen") is not None else None
    except (ValueError, TypeError):
        raise payloads.OutOfDate(payloads.STALE_FORM) from None


def title(tr: Translator, request: MeetingRequest) -> str:
    return tr._("Individualised meeting request #{number}: {state}", number=request.id,
                state=StateCode(request.state_code))


# ------------------------------------------------------------------------------------------ the form


def form_title(tr: Translator) -> str:
    return tr._("Individualised meeting")


def request_form(tr: Translator, *, events: list[ConventionEvent], parties: list[StateParty],
                 state: StateParty | None) -> View:
    """`/meeting`: the request, by the annex's headings. ISU staff (state None) choose the State."""
    def text(block: str, label: str, *, multiline: bool = False, optional: bool = False, hint: str | None = None,
             limit: int = rules.TEXT_MAX) -> InputBlock:
        return InputBlock(block_id=block, label=tr._(label), optional=optional, hint=tr._(hint) if hint else None,
                          element=PlainTextInputElement(action_id=block, multiline=multiline, max_length=limit))

    occasions = [Option(value=str(e.id), text=f"{e.title} ({e.starts_on.isoformat()})"[:75]) for e in events]
    options, groups = state_options(tr, parties)
    languages = [Option(value=code, text=tr._(name)) for code, name in LANGUAGE_NAMES.items()]
    sharings = [Option(value=s.value, text=tr._(label)[:75]) for s, label in SHARINGS.items()]
    blocks: list[Block] = []
    if state is None:
        blocks += [
            InputBlock(block_id=F_STATE, label=tr._("On behalf of which State Party"), element=StaticSelectElement(
                action_id=F_STATE, options=options, option_groups=groups, placeholder=tr._("Choose a State"))),
            InputBlock(block_id=F_OVERRIDE, label=tr._("Eligibility"), optional=True, element=CheckboxesElement(
                action_id=F_OVERRIDE, options=[Option(value="yes", text=tr._(
                    "Request it although no outstanding obligations are recorded (audited)"))])),
        ]
    else:
        blocks.append(section(tr.mrkdwn(
            "*{state}* asks for an informal meeting with the President, the ISU, the Committee and those in a "
            "position to help. It is voluntary and confidential: only your delegation, ISU staff and, once it is "
            "scheduled, those invited see it.", state=StateCode(state.code))))
    blocks += [
        InputBlock(block_id=F_OCCASION, label=tr._("Occasion"), element=StaticSelectElement(
            action_id=F_OCCASION, options=occasions, placeholder=tr._("Choose the meeting"))),
        InputBlock(block_id=F_TIMING, label=tr._("When"), element=RadioButtonsElement(
            action_id=F_TIMING, options=[Option(value=t.value, text=tr._(label)) for t, label in TIMINGS.items()],
            initial_option=Option(value=MeetingTiming.LEAD_UP.value, text=tr._(TIMINGS[MeetingTiming.LEAD_UP])))),
    ]
    for i, name in enumerate(F_DATES):
        blocks.append(InputBlock(block_id=name, label=tr._("Preferred date {number}", number=i + 1), optional=i == 2,
                                 element=DatePickerElement(action_id=name)))
    blocks += [
        InputBlock(block_id=F_ROLES, label=tr._("Whom to invite"), optional=True, element=CheckboxesElement(
            action_id=F_ROLES, options=[Option(value=r.value, text=tr._(label)[:75]) for r, label in ROLES.items()])),
        InputBlock(block_id=F_STATES, label=tr._("States in a position to assist"), optional=True,
                   element=StaticMultiSelectElement(action_id=F_STATES, options=options, option_groups=groups,
                                                    placeholder=tr._("Choose States"))),
        *[text(name, OTHER_LABELS[name], optional=True, limit=rules.NAMES_MAX,
               hint=N_("Separate the names with commas.")) for name in OTHERS],
        text(F_SITUATION, N_("Current status of implementation and the challenges"), multiline=True),
        text(F_SOLUTIONS, N_("The solutions you propose"), multiline=True),
        InputBlock(block_id=F_LANGUAGE, label=tr._("Language of the meeting"), element=StaticSelectElement(
            action_id=F_LANGUAGE, options=languages,
            initial_option=next(o for o in languages if o.value == tr.language))),
        InputBlock(block_id=F_SHARING, label=tr._("How the report may be shared"), element=RadioButtonsElement(
            action_id=F_SHARING, options=sharings)),
    ]
    return View(type="modal", callback_id=REQUEST_FORM, title=form_title(tr),
                submit=tr._("Send the request"), close=tr._("Cancel"), blocks=blocks)


def submitted_view(tr: Translator, request: MeetingRequest) -> View:
    return notice_view(tr, form_title(tr), tr.mrkdwn(
        "Your request #{number} is with ISU staff. You will get a direct message when they answer.",
        number=request.id))


# ------------------------------------------------------------------------------------------ what it says


def _names(tr: Translator, request: MeetingRequest) -> str:
    invited = [tr._(ROLES[Role(r)]) for r in request.invite_roles]
    invited += [tr.country(code) for code in request.invited_states]
    invited += [request.invited_others[name] for name in OTHERS if request.invited_others.get(name)]
    return ", ".join(invited) or tr._("nobody chosen yet")


def summary(tr: Translator, request: MeetingRequest) -> str:
    """What the request says, in mrkdwn (the delegate's text is escaped)."""
    dates = ", ".join(tr.date(date.fromisoformat(d)) for d in request.preferred_dates)
    lines = [
        tr.mrkdwn("*Occasion:* {title} ({kind}), {when}", title=request.event.title,
                  kind=tr._(KINDS[request.event.kind]), when=tr._(TIMINGS[request.timing]).lower())
        if request.event.title.casefold() != tr._(KINDS[request.event.kind]).casefold() else
        tr.mrkdwn("*Occasion:* {title}, {when}", title=request.event.title, when=tr._(TIMINGS[request.timing]).lower()),
        tr.mrkdwn("*Preferred dates:* {dates}", dates=dates),
        tr.mrkdwn("*To invite:* {names}", names=_names(tr, request)),
        tr.mrkdwn("*Language:* {language} · *Report:* {sharing}", language=tr._(LANGUAGE_NAMES[request.language]),
                  sharing=tr._(SHARINGS[request.sharing]).lower()),
        tr.mrkdwn("*Status of implementation and challenges:*\n{text}", text=request.situation),
        tr.mrkdwn("*Proposed solutions:*\n{text}", text=request.solutions),
    ]
    if request.on_behalf:
        lines.append(tr.mrkdwn("_Requested by ISU staff ({who}) on the State's behalf._",
                               who=SlackUser(request.requester.slack_user_id)))
    if request.eligibility_overridden:
        lines.append(tr.mrkdwn("_The State has no outstanding obligations recorded; ISU staff overrode this._"))
    return "\n".join(lines)


def _exchanges(tr: Translator, request: MeetingRequest) -> list[Block]:
    blocks: list[Block] = []
    for exchange in request.exchanges:
        line = tr.mrkdwn("*Question from {who}:* {question}", who=SlackUser(exchange["asked_by"]),
                         question=exchange["question"])
        if exchange.get("answer"):
            line += "\n" + tr.mrkdwn("*Answer:* {answer}", answer=exchange["answer"])
        blocks.append(section(line))
    return blocks


def when(tr: Translator, request: MeetingRequest) -> str:
    """The meeting's day and hours where it is held, e.g. '12 June 2027, 14:00–16:00 (Europe/Zurich)'."""
    assert request.starts_at is not None and request.ends_at is not None
    zone = ZoneInfo(request.timezone or GENEVA)
    starts, ends = request.starts_at.astimezone(zone), request.ends_at.astimezone(zone)
    return tr._("{day}, {starts}–{ends} ({zone})", day=starts.date(), starts=starts.strftime("%H:%M"),
                ends=ends.strftime("%H:%M"), zone=zone.key)


def schedule_line(tr: Translator, request: MeetingRequest) -> str:
    return tr.mrkdwn("*When:* {when}\n*Where:* {place}", when=when(tr, request), place=request.place or "")


def attendance(tr: Translator, request: MeetingRequest) -> str:
    """Who was invited and what they answered."""
    if not request.invitations:
        return tr.mrkdwn("*Invited:* nobody registered yet for the chosen States and roles.")
    lines = [tr.mrkdwn("*Invited* ({accepted} accepted, {declined} declined, {pending} not yet answered):",
                       accepted=sum(i.answer == InvitationAnswer.ACCEPTED for i in request.invitations),
                       declined=sum(i.answer == InvitationAnswer.DECLINED for i in request.invitations),
                       pending=sum(i.answer == InvitationAnswer.PENDING for i in request.invitations))]
    for invitation in request.invitations:
        lines.append("• " + tr.mrkdwn("{who} ({why}): {answer}", who=SlackUser(invitation.person.slack_user_id),
                                      why=_why(tr, invitation), answer=tr._(ANSWERS[invitation.answer])))
    return "\n".join(lines)


def _why(tr: Translator, invitation: MeetingInvitation) -> str:
    if invitation.category == "state" and invitation.state_code:
        return tr._("focal point of {state}", state=StateCode(invitation.state_code))
    if invitation.category == rules.ORGANISATION:
        organisation = invitation.person.organisation
        return organisation.name if organisation is not None else tr._("an organisation")
    return tr._(ROLES[Role(invitation.category)])


def _status_line(tr: Translator, request: MeetingRequest) -> str:
    line = tr.mrkdwn("*Status:* {status}", status=tr._(STATUSES[request.status]))
    if request.decided_by and request.decided_at and request.status != S.REQUESTED:
        line += tr.mrkdwn(" · {who}, {date}", who=SlackUser(request.decided_by), date=request.decided_at)
    if request.status == S.DECLINED and request.decline_reason:
        line += "\n" + tr.mrkdwn("*Reason:* {reason}", reason=request.decline_reason)
    return line


def review_message(tr: Translator, request: MeetingRequest) -> tuple[str, list[Block]]:
    """The message in the ISU channel, kept current; the buttons show while ISU staff have a decision."""
    blocks: list[Block] = [HeaderBlock(text=title(tr, request)[:150]), section(_status_line(tr, request)),
                           section(summary(tr, request)), *_exchanges(tr, request)]
    if request.starts_at is not None and request.status not in (S.DECLINED, S.WITHDRAWN):
        blocks += [section(schedule_line(tr, request)), section(attendance(tr, request))]
    blocks += outcomes_blocks(tr, request)
    buttons = []
    if request.status in (S.REQUESTED, S.INFORMATION_ASKED):
        buttons = [
            ButtonElement(text=tr._("Approve and schedule"), action_id=APPROVE, value=_value(request), style="primary"),
            ButtonElement(text=tr._("Ask for more information"), action_id=ASK, value=_value(request)),
            ButtonElement(text=tr._("Decline"), action_id=DECLINE, value=_value(request), style="danger"),
        ]
    if request.status in (S.SCHEDULED, S.HELD):
        buttons.append(ButtonElement(text=tr._("Record the outcomes"), action_id=RECORD, value=_value(request)))
    if request.status in (S.HELD, S.REPORT_DRAFTED):
        buttons.append(ButtonElement(text=tr._("Draft the report"), action_id=DRAFT, value=_value(request),
                                     style="primary" if request.status == S.HELD else None))
    if request.status == S.REPORT_DRAFTED:
        buttons.append(ButtonElement(text=tr._("Mark final"), action_id=FINALISE, value=_value(request),
                                     confirm=ConfirmObject(title=tr._("Mark the report final?"),
                                                           text=tr._("It can no longer be changed."),
                                                           confirm=tr._("Mark final"), deny=tr._("Not yet"))))
    if buttons:
        blocks.append(ActionsBlock(block_id=f"meeting:{request.id}", elements=buttons))
    return title(tr, request), blocks


def outcomes_blocks(tr: Translator, request: MeetingRequest) -> list[Block]:
    """What the meeting found, once recorded."""
    if not request.outcomes:
        return []
    lines = [tr.mrkdwn("*Challenges and needs identified:*")]
    lines += [f"{i}. " + tr.mrkdwn("{text}", text=c) for i, c in enumerate(request.outcomes["challenges"], 1)]
    lines.append(tr.mrkdwn("*Measures and plan agreed:*\n{text}", text=request.outcomes["measures"]))
    if request.outcomes.get("commitments"):
        lines.append(tr.mrkdwn("*Commitments:*"))
        lines += ["• " + tr.mrkdwn("{who}: {what} ({by})", who=c["who"], what=c["what"], by=date.fromisoformat(c["by"]))
                  for c in request.outcomes["commitments"]]
    return [section("\n".join(lines))]


def requester_message(tr: Translator, request: MeetingRequest) -> tuple[str, list[Block]]:
    """The requesting delegation's message about its request, kept current: status, schedule, attendance."""
    blocks: list[Block] = [HeaderBlock(text=title(tr, request)[:150]), section(_status_line(tr, request))]
    if request.status == S.INFORMATION_ASKED and request.exchanges:
        blocks.append(section(tr.mrkdwn("*ISU staff ask:* {question}", question=request.exchanges[-1]["question"])))
    if request.starts_at is not None and request.status not in (S.DECLINED, S.WITHDRAWN):
        blocks += [section(schedule_line(tr, request)), section(attendance(tr, request))]
    blocks += outcomes_blocks(tr, request)
    buttons = []
    if request.status == S.INFORMATION_ASKED:
        buttons.append(ButtonElement(text=tr._("Answer"), action_id=ANSWER, value=_value(request), style="primary"))
    if request.status in (S.SCHEDULED, S.HELD):
        buttons.append(ButtonElement(text=tr._("Record the outcomes"), action_id=RECORD, value=_value(request)))
    if (request.outcomes or {}).get("commitments"):  # what was promised can become a partnership for completion
        buttons.append(form_from_meeting_button(tr, request.id))
    if request.status in rules.MOVES[rules.Move.WITHDRAW][0]:
        buttons.append(ButtonElement(text=tr._("Withdraw the request"), action_id=WITHDRAW, value=_value(request),
                                     style="danger", confirm=ConfirmObject(
                                         title=tr._("Withdraw this request?"),
                                         text=tr._("ISU staff and those invited will be told."),
                                         confirm=tr._("Withdraw"), deny=tr._("Keep it"))))
    if buttons:
        blocks.append(ActionsBlock(elements=buttons))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
        "Type `/meeting list` to see your State's requests."))]))
    return title(tr, request), blocks


# What the thread of the review message says after each move; the requester is told the same.
THREAD = {
    rules.Move.ASK: N_("{who} asked for more information: {text}"),
    rules.Move.ANSWER: N_("{who} answered: {text}"),
    rules.Move.SCHEDULE: N_("{who} approved and scheduled the meeting."),
    rules.Move.DECLINE: N_("{who} declined the request: {text}"),
    rules.Move.WITHDRAW: N_("{who} withdrew the request."),
    rules.Move.RECORD: N_("{who} recorded the meeting's outcomes."),
    rules.Move.DRAFT: N_("{who} drafted the report."),
    rules.Move.FINALISE: N_("{who} marked the report final."),
}
TOLD = {
    rules.Move.DRAFT: N_("The draft report of meeting #{number} is ready: it is attached below."),
    rules.Move.FINALISE: N_("The report of meeting #{number} is final: it is attached below."),
    rules.Move.SCHEDULE: N_("ISU staff approved your request #{number}. The meeting is scheduled; invitations are on "
                            "their way."),
    rules.Move.DECLINE: N_("ISU staff declined your request #{number}. Their reason: {text}"),
}


def thread_line(tr: Translator, move: rules.Move, who: str, text: str | None) -> str:
    return tr.mrkdwn(THREAD[move], who=SlackUser(who), text=text or "")


def requester_told(tr: Translator, move: rules.Move, request: MeetingRequest, text: str | None) -> str:
    return tr.mrkdwn(TOLD[move], number=request.id, text=text or "")


# ------------------------------------------------------------------------------------------ the ISU's modals


def _metadata(request: MeetingRequest) -> str:
    return json.dumps({"meeting": request.id, "seen": request.status.value})


def schedule_form(tr: Translator, request: MeetingRequest, today: date) -> View:
    first = date.fromisoformat(request.preferred_dates[0]) if request.preferred_dates else None
    zones = [Option(value=z, text=z) for z in ZONES]
    return View(type="modal", callback_id=SCHEDULE_FORM, title=tr._("Approve and schedule"), submit=tr._("Schedule"),
                close=tr._("Cancel"), private_metadata=_metadata(request), blocks=[
        section(tr.mrkdwn("*{title}*\nPreferred dates: {dates}", title=title(tr, request),
                          dates=", ".join(tr.date(date.fromisoformat(d)) for d in request.preferred_dates))),
        InputBlock(block_id=F_DAY, label=tr._("Date"), element=DatePickerElement(
            action_id=F_DAY, initial_date=(first if first and first >= today else today).isoformat())),
        InputBlock(block_id=F_START, label=tr._("Starts at"), element=TimePickerElement(action_id=F_START,
                                                                                         initial_time="14:00")),
        InputBlock(block_id=F_END, label=tr._("Ends at"), element=TimePickerElement(action_id=F_END,
                                                                                     initial_time="16:00")),
        InputBlock(block_id=F_ZONE, label=tr._("Time zone"), element=StaticSelectElement(
            action_id=F_ZONE, options=zones, initial_option=zones[0])),
        InputBlock(block_id=F_PLACE, label=tr._("Place or video link"), element=PlainTextInputElement(
            action_id=F_PLACE, max_length=rules.PLACE_MAX, placeholder=tr._("e.g. Palais des Nations, room XI"))),
    ])


def text_form(tr: Translator, request: MeetingRequest, callback_id: str) -> View:
    """Ask (the question), Decline (the reason, required) and Answer (the requester's answer)."""
    block, heading, label, submit = {
        ASK_FORM: (F_QUESTION, N_("Ask for more information"), N_("Your question to the requesting State"),
                   N_("Send the question")),
        DECLINE_FORM: (F_REASON, N_("Decline the request"), N_("The reason, for the requesting State"),
                       N_("Decline")),
        ANSWER_FORM: (F_ANSWER, N_("Answer ISU staff"), N_("Your answer"), N_("Send the answer")),
    }[callback_id]
    blocks: list[Block] = [section(tr.mrkdwn("*{title}*", title=title(tr, request)))]
    if callback_id == ANSWER_FORM and request.exchanges:
        blocks.append(section(tr.mrkdwn("*ISU staff ask:* {question}", question=request.exchanges[-1]["question"])))
    blocks.append(InputBlock(block_id=block, label=tr._(label), element=PlainTextInputElement(
        action_id=block, multiline=True, max_length=rules.QUESTION_MAX)))
    return View(type="modal", callback_id=callback_id, title=tr._(heading)[:24], submit=tr._(submit)[:24],
                close=tr._("Cancel"), private_metadata=_metadata(request), blocks=blocks)


def outcomes_form(tr: Translator, request: MeetingRequest) -> View:
    outcomes = request.outcomes or {}
    commitments = "\n".join(f"{c['who']} | {c['what']} | {c['by']}" for c in outcomes.get("commitments") or [])
    return View(type="modal", callback_id=OUTCOMES_FORM, title=tr._("The meeting's outcomes")[:24],
                submit=tr._("Save"), close=tr._("Cancel"), private_metadata=_metadata(request), blocks=[
        section(tr.mrkdwn("*{title}*", title=title(tr, request))),
        InputBlock(block_id=F_CHALLENGES, label=tr._("Challenges and needs identified"),
                   hint=tr._("One a line: each can become a need on the Platform."),
                   element=PlainTextInputElement(action_id=F_CHALLENGES, multiline=True, max_length=rules.TEXT_MAX,
                                                 initial_value="\n".join(outcomes.get("challenges") or []) or None)),
        InputBlock(block_id=F_MEASURES, label=tr._("Measures and plan agreed"), element=PlainTextInputElement(
            action_id=F_MEASURES, multiline=True, max_length=rules.TEXT_MAX,
            initial_value=outcomes.get("measures") or None)),
        InputBlock(block_id=F_COMMITMENTS, label=tr._("Each partner's commitments"), optional=True,
                   hint=tr._("One a line: who | what | by when (YYYY-MM-DD)."),
                   element=PlainTextInputElement(action_id=F_COMMITMENTS, multiline=True, max_length=rules.TEXT_MAX,
                                                 initial_value=commitments or None)),
    ])


def challenges_message(tr: Translator, request: MeetingRequest) -> tuple[str, list[Block]]:
    """To the delegation after the outcomes are recorded: each challenge can be posted as a need, which the
    State then confirms (its visibility and consent are chosen in the need's form)."""
    text = tr.mrkdwn("The outcomes of meeting #{number} are recorded. Post any challenge as a need on the Platform, "
                     "so that those in a position to assist can find it:", number=request.id)
    shown: list[Block] = [section(text)]
    for index, challenge in enumerate((request.outcomes or {}).get("challenges") or []):
        shown.append(section(tr.mrkdwn("{number}. {text}", number=index + 1, text=challenge)))
        shown[-1].accessory = ButtonElement(text=tr._("Post as a need"), action_id=CHALLENGE_TO_NEED,
                                            value=json.dumps({"meeting": request.id, "challenge": index}))
    return text, shown


def read_challenge_button(action: dict[str, Any]) -> tuple[int, int]:
    data = payloads.value_object(action)
    index = data.get("challenge")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < rules.CHALLENGES_MAX:
        raise payloads.OutOfDate(payloads.STALE_BUTTON)
    return payloads.record_id(data.get("meeting")), index


# ------------------------------------------------------------------------------------------ invitations


def agenda(request: MeetingRequest) -> str:
    """The agenda, from the annex's process, in the meeting's language whoever reads it."""
    return Translator(request.language).render("meeting_agenda.md.j2", request=request)


def invitation_message(tr: Translator, invitation: MeetingInvitation) -> tuple[str, list[Block]]:
    request = invitation.meeting
    text = tr.mrkdwn("You are invited to an individualised meeting requested by {state}.",
                     state=StateCode(request.state_code))
    blocks: list[Block] = [
        HeaderBlock(text=tr._("Invitation: individualised meeting with {state}", state=StateCode(
            request.state_code))[:150]),
        section(text + "\n" + schedule_line(tr, request)),
        section(tr.mrkdwn("*Language of the meeting:* {language}\n*Status of implementation and challenges:*\n{text}",
                          language=tr._(LANGUAGE_NAMES[request.language]), text=request.situation)),
        section(tr.mrkdwn("*Proposed solutions:*\n{text}", text=request.solutions)),
        section(agenda(request)),
        DividerBlock(),
    ]
    if invitation.answer == InvitationAnswer.PENDING:
        value = json.dumps({"invitation": invitation.id})
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=tr._("Accept"), action_id=ACCEPT_INVITATION, value=value, style="primary"),
            ButtonElement(text=tr._("Decline"), action_id=DECLINE_INVITATION, value=value),
        ]))
    else:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
            "You {answer} on {date}. It is confidential: please do not share it.",
            answer=tr._(ANSWERS[invitation.answer]), date=invitation.answered_at))]))
        value = json.dumps({"invitation": invitation.id})
        other = DECLINE_INVITATION if invitation.answer == InvitationAnswer.ACCEPTED else ACCEPT_INVITATION
        label = N_("I cannot come after all") if other == DECLINE_INVITATION else N_("I can come after all")
        if request.status == S.SCHEDULED:
            blocks.append(ActionsBlock(elements=[ButtonElement(text=tr._(label), action_id=other, value=value)]))
    return text, blocks


def day_before_message(tr: Translator, invitation: MeetingInvitation) -> tuple[str, list[Block]]:
    """The reminder, the day before, to an invitee who accepted."""
    request = invitation.meeting
    text = tr.mrkdwn("Reminder: the individualised meeting with {state}, which you accepted, is coming up.",
                     state=StateCode(request.state_code))
    return text, [section(text + "\n" + schedule_line(tr, request)), ContextBlock(elements=[MarkdownTextObject(
        text=tr.mrkdwn("It is confidential: please do not share it."))])]


def read_invitation_button(action: dict[str, Any]) -> int:
    return payloads.reference(action, "invitation")


def invitation_answer_line(tr: Translator, invitation: MeetingInvitation) -> str:
    return tr.mrkdwn("{who} ({why}) {answer} the invitation.", who=SlackUser(invitation.person.slack_user_id),
                     why=_why(tr, invitation), answer=tr._(ANSWERS[invitation.answer]))


def no_focal_point_line(tr: Translator, codes: list[str]) -> str:
    return tr.mrkdwn("No invitation for {states}: no focal point is registered.",
                     states=", ".join(tr.country(c) for c in codes))


def withdrawn_for_invitee(tr: Translator, request: MeetingRequest) -> str:
    return tr.mrkdwn("The individualised meeting with {state} on {when} will not take place: the request was "
                     "withdrawn.", state=StateCode(request.state_code), when=when(tr, request))


# ------------------------------------------------------------------------------------------ the list


def list_message(tr: Translator, requests: list[MeetingRequest], *, isu: bool) -> tuple[str, list[Block]]:
    heading = tr.mrkdwn("*Individualised meeting requests*") if isu else tr.mrkdwn("*Your State's meeting requests*")
    blocks: list[Block] = [section(heading)]
    for request in requests[:40]:
        line = tr.mrkdwn("*#{number}* {state} · {title} · {status}", number=request.id,
                         state=StateCode(request.state_code), title=request.event.title,
                         status=tr._(STATUSES[request.status]))
        if request.starts_at is not None and request.status == S.SCHEDULED:
            line += "\n" + tr.mrkdwn("{when} · {place}", when=when(tr, request), place=request.place or "")
        blocks.append(section(line))
    if not requests:
        blocks.append(section(tr.mrkdwn("No requests yet. Type `/meeting` to ask for one.")))
    return heading, blocks


def home_meetings(tr: Translator, *, open_requests: list[MeetingRequest],
                  invitations: list[MeetingInvitation]) -> list[Block]:
    """The App Home: the requests still open (the delegation's; all, for ISU staff) and coming meetings."""
    blocks: list[Block] = []
    if open_requests:
        lines = [tr.mrkdwn("*Open meeting requests*")]
        lines += ["• " + tr.mrkdwn("#{number} {state} · {title} · {status}", number=r.id, state=StateCode(r.state_code),
                                   title=r.event.title, status=tr._(STATUSES[r.status])) for r in open_requests[:10]]
        blocks.append(section("\n".join(lines)))
    if invitations:
        lines = [tr.mrkdwn("*Meetings you are invited to*")]
        lines += ["• " + tr.mrkdwn("{state}: {when} · {answer}", state=StateCode(i.meeting.state_code),
                                   when=when(tr, i.meeting), answer=tr._(ANSWERS[i.answer])) for i in invitations[:10]]
        blocks.append(section("\n".join(lines)))
    return blocks


# ------------------------------------------------------------------------------------------ iCalendar


def meeting_ics(tr: Translator, request: MeetingRequest, *, now: datetime) -> bytes:
    """The scheduled meeting as an iCalendar file, with a UID that never changes (`meeting-7@pfp`), so a
    calendar application updates it rather than adding it twice."""
    assert request.starts_at is not None and request.ends_at is not None
    calendar = Calendar()
    calendar.add("prodid", "-//Anti-Personnel Mine Ban Convention ISU//pfp//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"meeting-{request.id}@pfp")
    event.add("dtstamp", now)
    event.add("dtstart", request.starts_at)
    event.add("dtend", request.ends_at)
    event.add("summary", tr._("Individualised meeting: {state}", state=StateCode(request.state_code)))
    if request.place:
        event.add("location", request.place)
    event.add("description", tr._("Requested by {state} for {occasion}. Confidential.",
                                  state=StateCode(request.state_code), occasion=request.event.title))
    event.add("class", "CONFIDENTIAL")
    calendar.add_component(event)
    return calendar.to_ical()


def ics_name(request: MeetingRequest) -> str:
    return f"meeting-{request.id}.ics"

