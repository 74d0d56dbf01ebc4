"""Individualised meetings (seed 000, annex): an affected State Party asks, voluntarily and in confidence,
for an informal meeting with the President, the ISU, the Committee and those in a position to help, on the
margins of (preferably in the lead-up to) the Intersessional Meetings or the Meeting of the States Parties.

A request moves through one state machine (MOVES), each move one guarded UPDATE (storage/review.py): it
happens only if the request still stands where the person moving it saw it, so two ISU officers pressing
at once take exactly one decision, and the other is told who decided first. These functions never commit.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import N_, Conflict, NotAuthorised, NotFound, Refusal
from bot.forms import FormReader
from bot.i18n import fold
from bot.registration.people import is_isu
from bot.registration.rules import states_parties_on
from bot.text import SlackUser
from storage import audit
from storage import calendar as calendar_queries
from storage import meetings as queries
from storage.models import (
    OPEN_MEETING_STATUSES,
    ConventionEvent,
    EventKind,
    InvitationAnswer,
    MeetingInvitation,
    MeetingRequest,
    MeetingStatus,
    MeetingTiming,
    OrganisationType,
    Person,
    ReportSharing,
    Role,
    StateParty,
)
from storage.people import contact_of_organisation, focal_point_of
from storage.review import move
from storage.states import get_state

S = MeetingStatus
OCCASIONS = (EventKind.INTERSESSIONAL, EventKind.MSP, EventKind.REVIEW_CONFERENCE)
LANGUAGES = ("en", "fr", "es")  # the Convention's working languages
GENEVA = "Europe/Zurich"  # Geneva's time zone (the IANA database names it after Zurich)
INVITABLE_ROLES = (Role.PRESIDENT, Role.COMMITTEE, Role.OTHER_COMMITTEE)
OTHERS = ("observers", "organisations", "civil_society", "operators")  # invited by name
ORGANISATION = "organisation"  # an invitation's category when it goes to an organisation's person
ORGANISATION_CATEGORIES = {"organisations": OrganisationType.INTERNATIONAL,
                           "civil_society": OrganisationType.CIVIL_SOCIETY, "operators": OrganisationType.OPERATOR}
TEXT_MAX, NAMES_MAX, QUESTION_MAX, PLACE_MAX = 3000, 500, 2000, 500

# The request form's fields (block IDs), named once for the form, the reader and their errors.
F_STATE, F_OVERRIDE, F_OCCASION, F_TIMING = "state", "override", "occasion", "timing"
F_DATES = ("date_1", "date_2", "date_3")
F_ROLES, F_STATES = "invite_roles", "invited_states"
F_SITUATION, F_SOLUTIONS, F_LANGUAGE, F_SHARING = "situation", "solutions", "language", "sharing"
# The ISU's modals.
F_DAY, F_START, F_END, F_ZONE, F_PLACE = "day", "starts", "ends", "timezone", "place"
F_QUESTION, F_ANSWER, F_REASON = "question", "answer", "reason"
F_CHALLENGES, F_MEASURES, F_COMMITMENTS = "challenges", "measures", "commitments"
CHALLENGES_MAX = 10


class Move(enum.StrEnum):
    ASK = "ask"  # ISU staff ask for more information
    ANSWER = "answer"  # the requester answers
    SCHEDULE = "schedule"  # ISU staff approve and schedule
    DECLINE = "decline"  # ISU staff decline, with a reason
    WITHDRAW = "withdraw"  # the requester withdraws
    RECORD = "record"  # the requester or ISU staff record the outcomes, once the meeting has started
    DRAFT = "draft"  # ISU staff draft the report
    FINALISE = "finalise"  # ISU staff mark the report final: frozen


# Each move: the statuses it may start from, where it leads, and who may make it.
MOVES: dict[Move, tuple[frozenset[MeetingStatus], MeetingStatus, str]] = {
    Move.ASK: (frozenset({S.REQUESTED}), S.INFORMATION_ASKED, "isu"),
    Move.ANSWER: (frozenset({S.INFORMATION_ASKED}), S.REQUESTED, "requester"),
    Move.SCHEDULE: (frozenset({S.REQUESTED, S.INFORMATION_ASKED}), S.SCHEDULED, "isu"),
    Move.DECLINE: (frozenset({S.REQUESTED, S.INFORMATION_ASKED}), S.DECLINED, "isu"),
    Move.WITHDRAW: (frozenset({S.REQUESTED, S.INFORMATION_ASKED, S.SCHEDULED}), S.WITHDRAWN, "requester"),
    Move.RECORD: (frozenset({S.SCHEDULED, S.HELD}), S.HELD, "requester"),
    Move.DRAFT: (frozenset({S.HELD, S.REPORT_DRAFTED}), S.REPORT_DRAFTED, "isu"),
    Move.FINALISE: (frozenset({S.REPORT_DRAFTED}), S.REPORT_FINAL, "isu"),
}

# What happened to a request, told to the person whose button or form came too late.
NEWS = {
    S.REQUESTED: N_("The question was answered on {date}; the request is back with ISU staff. Nothing was changed."),
    S.INFORMATION_ASKED: N_("{who} asked the requesting State for more information on {date}. Nothing was "
                            "changed."),
    S.SCHEDULED: N_("{who} already approved and scheduled this meeting on {date}. Nothing was changed."),
    S.HELD: N_("This meeting has been held and its outcomes recorded. Nothing was changed."),
    S.REPORT_DRAFTED: N_("This meeting has been held and its report drafted. Nothing was changed."),
    S.REPORT_FINAL: N_("This meeting's report is final. Nothing was changed."),
    S.DECLINED: N_("{who} already declined this request on {date}. Nothing was changed."),
    S.WITHDRAWN: N_("The requesting State withdrew this request on {date}. Nothing was changed."),
}


def is_affected(state: StateParty) -> bool:
    """Outstanding obligations: stockpiles to destroy (Article 4), mined areas to clear (Article 5), or a
    significant number of mine survivors, as the reference data records them."""
    return bool(state.article4 or state.article5_deadline or state.victim_assistance)


def can_see(person: Person | None, request: MeetingRequest) -> bool:
    """A request's details are confidential: its delegation, ISU staff, and those invited once scheduled."""
    if person is None:
        return False
    if is_isu(person) or person.state_code == request.state_code:
        return True
    return request.status != S.REQUESTED and any(i.person_id == person.id for i in request.invitations)


def moved_on(request: MeetingRequest) -> Conflict:
    """The refusal of a move on a request that has moved on since: what happened, by whom, when."""
    return Conflict(NEWS[request.status], who=SlackUser(request.decided_by) if request.decided_by else "ISU",
                    date=(request.decided_at or request.updated_at).date())


# ------------------------------------------------------------------------------------------ asking


def occasions(session: Session, today: date) -> list[ConventionEvent]:
    """The coming Intersessional Meetings, Meetings of the States Parties and Review Conferences."""
    return calendar_queries.events_not_over(session, today, kinds=OCCASIONS)


def check_can_request(session: Session, person: Person, today: date) -> StateParty | None:
    """Before the form opens: a registered delegate of an affected State (their State), or ISU staff (None:
    they choose the State). Anyone else is told why and what to do."""
    if is_isu(person):
        return None
    if person.state_code is None:
        raise NotAuthorised(N_("Only registered delegates can request a meeting for their State. Type "
                               "`/pfp register` to register; ISU staff will confirm it."))
    state = get_state(session, person.state_code)
    assert state is not None
    if not is_affected(state):
        raise NotAuthorised(N_(
            "Individualised meetings are for States Parties with outstanding obligations: stockpiled mines to "
            "destroy (Article 4), mined areas to clear (Article 5), or a significant number of mine survivors. "
            "The records show none for your State. If they are out of date, write to the ISU: ISU staff can "
            "request a meeting on your State's behalf."))
    if not occasions(session, today):
        raise Conflict(N_("No Intersessional Meetings or Meeting of the States Parties is in the calendar yet, so "
                          "there is no occasion to choose. Please ask the ISU when the dates will be known."))
    return state


@dataclass(frozen=True)
class MeetingForm:
    state_code: str
    eligibility_overridden: bool
    event_id: int
    timing: MeetingTiming
    preferred_dates: list[date]
    invite_roles: list[Role]
    invited_states: list[str]
    invited_others: dict[str, str]
    situation: str
    solutions: str
    language: str
    sharing: ReportSharing


def read_request_form(session: Session, person: Person, values: Mapping[str, Any], *, today: date) -> MeetingForm:
    """A request from the form; every problem is named on its field, and nothing is stored."""
    form = FormReader(values, person.locale)
    isu = is_isu(person)
    parties = {s.code: s for s in states_parties_on(session, today)}
    state_code = person.state_code
    if isu:
        state_code = form.raw(F_STATE) or None
        if state_code not in parties:
            form.errors[F_STATE] = (N_("Choose the State Party from the list."), {})
            state_code = None
    overridden = False
    if state_code is not None and state_code in parties and not is_affected(parties[state_code]):
        overridden = isu and "yes" in (values.get(F_OVERRIDE) or [])
        if not overridden:
            form.errors[F_STATE if isu else F_OCCASION] = (N_(
                "This State has no outstanding obligations recorded. ISU staff may still request a meeting for "
                "it: tick the box below to say so."), {})

    coming = {str(e.id): e for e in occasions(session, today)}
    event = coming.get(form.raw(F_OCCASION))
    if event is None:
        form.errors[F_OCCASION] = (N_("Choose the occasion from the list."), {})
    elif state_code is not None:
        first = queries.open_request_for(session, state_code, event.id)
        if first is not None:
            form.errors[F_OCCASION] = (N_(
                "This State already has request #{number} for this occasion (asked on {date}). Use that one, "
                "or withdraw it first."), {"number": first.id, "date": first.created_at.date()})
    timing = form.one(F_TIMING, MeetingTiming)

    days: list[date] = []
    for i, name in enumerate(F_DATES):
        day = form.day(name, required=i < 2)
        if day is None:
            continue
        if day < today:
            form.errors[name] = (N_("This date has passed: choose a coming day."), {})
        elif event is not None and day > event.ends_on:
            form.errors[name] = (N_("This date is after the occasion ends ({last}): choose one before."),
                                 {"last": event.ends_on})
        elif day in days:
            form.errors[name] = (N_("You chose this date already: choose another, or leave it empty."), {})
        else:
            days.append(day)

    roles = form.many(F_ROLES, Role, required=False)
    if any(role not in INVITABLE_ROLES for role in roles):
        form.errors[F_ROLES] = (N_("Please choose among the options."), {})
    invited = values.get(F_STATES) or []
    invited_states = sorted({str(code) for code in invited}) if isinstance(invited, list) else []
    if not isinstance(invited, list) or any(code not in parties for code in invited_states):
        form.errors[F_STATES] = (N_("Choose the States from the list."), {})
    others = {name: text for name in OTHERS if (text := form.text(name, NAMES_MAX, required=False))}

    situation = form.text(F_SITUATION, TEXT_MAX, required=True)
    solutions = form.text(F_SOLUTIONS, TEXT_MAX, required=True)
    language = form.raw(F_LANGUAGE)
    if language not in LANGUAGES:
        form.errors[F_LANGUAGE] = (N_("Please choose one."), {})
    sharing = form.one(F_SHARING, ReportSharing)
    form.done()
    return MeetingForm(
        state_code=state_code, eligibility_overridden=overridden, event_id=event.id,  # type: ignore[union-attr,arg-type]
        timing=timing, preferred_dates=days, invite_roles=roles,  # type: ignore[arg-type]
        invited_states=[c for c in invited_states if c != state_code], invited_others=others,
        situation=situation, solutions=solutions, language=language, sharing=sharing,  # type: ignore[arg-type]
    )


def submit(session: Session, person: Person, form: MeetingForm, *, now: datetime) -> MeetingRequest:
    request = MeetingRequest(
        state_code=form.state_code, requested_by=person.id, on_behalf=person.state_code != form.state_code,
        eligibility_overridden=form.eligibility_overridden, event_id=form.event_id, timing=form.timing,
        preferred_dates=[d.isoformat() for d in form.preferred_dates],
        invite_roles=[r.value for r in form.invite_roles], invited_states=form.invited_states,
        invited_others=form.invited_others, situation=form.situation, solutions=form.solutions,
        language=form.language, sharing=form.sharing, status=S.REQUESTED, exchanges=[],
        created_at=now, updated_at=now,
    )
    session.add(request)
    try:
        session.flush()
    except IntegrityError:  # another submission for the same State and occasion got in first
        session.rollback()
        first = queries.open_request_for(session, form.state_code, form.event_id)
        raise Conflict(N_("This State already has request #{number} for this occasion. Nothing new was stored."),
                       number=first.id if first else "?") from None
    audit.record(session, at=now, actor=person.slack_user_id, action="meeting.requested",
                 subject=f"meeting:{request.id}", after=snapshot(request),
                 detail="eligibility overridden by ISU staff" if form.eligibility_overridden else None)
    return request


def record_messages(request: MeetingRequest, *, review: tuple[str, str] | None = None,
                    requester: tuple[str, str] | None = None) -> None:
    """Where the request's two living messages are, to update them in place."""
    if review is not None:
        request.review_channel, request.review_ts = review
    if requester is not None:
        request.requester_channel, request.requester_ts = requester


# ------------------------------------------------------------------------------------------ moving


def _require(session: Session, request_id: int) -> MeetingRequest:
    request = queries.get_request(session, request_id)
    if request is None:
        raise NotFound(N_("This meeting request no longer exists."))
    return request


def may_move(person: Person, request: MeetingRequest, move_: Move) -> bool:
    who = MOVES[move_][2]
    if who == "isu":
        return is_isu(person)
    return person.state_code == request.state_code or is_isu(person)


def check_staff(actor: Person, *, request_id: int, move_: Move) -> None:
    """The part of check_move that needs no database: a move for ISU staff, made by someone else."""
    if MOVES[move_][2] == "isu" and not is_isu(actor):
        _refuse(actor, request_id, move_)


def _refuse(actor: Person, request_id: int, move_: Move) -> NoReturn:
    message = (N_("Only ISU staff can approve, question or decline meeting requests. Nothing was changed.")
               if MOVES[move_][2] == "isu" else
               N_("Only the requesting State's delegates can do this. Nothing was changed."))
    raise NotAuthorised(message, refusal=Refusal(actor.slack_user_id, "meeting.move_refused",
                                                 f"meeting:{request_id}", move_.value))


def check_move(session: Session, *, request_id: int, actor: Person, move_: Move,
               seen: MeetingStatus | None) -> MeetingRequest:
    """Whether `actor` may make this move on the request as they saw it: a stranger is refused (audited),
    and a request that moved on since tells what happened meanwhile."""
    request = _require(session, request_id)
    if not may_move(actor, request, move_):
        _refuse(actor, request.id, move_)
    allowed = MOVES[move_][0]
    if request.status not in allowed or (seen is not None and request.status != seen):
        raise moved_on(request)
    return request


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime
    ends_at: datetime
    timezone: str
    place: str


def read_schedule(values: Mapping[str, Any], *, language: str, today: date) -> Schedule:
    form = FormReader(values, language)
    day = form.day(F_DAY)
    if day is not None and day < today:
        form.errors[F_DAY] = (N_("This date has passed: choose a coming day."), {})
    starts, ends = form.clock_time(F_START), form.clock_time(F_END)
    if starts is not None and ends is not None and ends <= starts:
        form.errors[F_END] = (N_("The meeting ends before it starts: choose a later end time."), {})
    zone_name = form.raw(F_ZONE) or GENEVA
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        form.errors[F_ZONE] = (N_("Choose the time zone from the list."), {})
        zone = ZoneInfo(GENEVA)
    place = form.text(F_PLACE, PLACE_MAX, required=True, one_line=True)
    form.done()
    assert day is not None and starts is not None and ends is not None and place is not None

    def at(clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=zone).astimezone(ZoneInfo("UTC"))

    return Schedule(starts_at=at(starts), ends_at=at(ends), timezone=zone.key, place=place)


def read_text(values: Mapping[str, Any], name: str, limit: int, *, language: str) -> str:
    """The one text of a question, an answer or a decline's reason: required."""
    form = FormReader(values, language)
    text = form.text(name, limit, required=True)
    form.done()
    assert text is not None
    return text


def read_outcomes(values: Mapping[str, Any], *, language: str) -> dict[str, Any]:
    """What the meeting found: the challenges and needs (one a line), the measures agreed, and each partner's
    commitments, one a line as `who | what | YYYY-MM-DD`; a line that is not is named."""
    form = FormReader(values, language)
    challenges = [line.strip() for line in (form.text(F_CHALLENGES, TEXT_MAX, required=True) or "").splitlines()
                  if line.strip()]
    if len(challenges) > CHALLENGES_MAX:
        form.errors[F_CHALLENGES] = (N_("Please keep to {count} challenges at most, one a line."),
                                     {"count": CHALLENGES_MAX})
    measures = form.text(F_MEASURES, TEXT_MAX, required=True)
    commitments = []
    for number, line in enumerate((form.text(F_COMMITMENTS, TEXT_MAX, required=False) or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        try:
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise ValueError(line)
            by = date.fromisoformat(parts[2])
        except ValueError:
            form.errors[F_COMMITMENTS] = (N_(
                "Line {number} is not written as partner | commitment | date, for example: "
                "Norway | survey teams | 2028-06-30."),
                {"number": number})
            break
        commitments.append({"who": parts[0], "what": parts[1], "by": by.isoformat()})
    form.done()
    return {"challenges": challenges, "measures": measures, "commitments": commitments}


def decide(session: Session, *, request_id: int, actor: Person, move_: Move, seen: MeetingStatus | None,
           now: datetime, text: str | None = None, schedule: Schedule | None = None,
           outcomes: dict[str, Any] | None = None) -> MeetingRequest:
    """Makes one move, if the request still stands where the actor saw it; raises saying what happened
    meanwhile otherwise. `text` is the question, the answer or the reason; `schedule` the approval's."""
    request = check_move(session, request_id=request_id, actor=actor, move_=move_, seen=seen)
    before = snapshot(request)
    values: dict[str, Any] = {"status": MOVES[move_][1], "decided_by": actor.slack_user_id, "decided_at": now,
                              "updated_at": now}
    if move_ == Move.RECORD and request.starts_at is not None and now < request.starts_at:
        raise Conflict(N_("The meeting has not taken place yet: record its outcomes once it has started ({when})."),
                       when=request.starts_at)
    if move_ == Move.ASK:
        values["exchanges"] = [*request.exchanges, {"question": text, "asked_by": actor.slack_user_id,
                                                    "asked_at": now.isoformat()}]
    elif move_ == Move.ANSWER:
        last = dict(request.exchanges[-1]) if request.exchanges else {}
        last.update(answer=text, answered_by=actor.slack_user_id, answered_at=now.isoformat())
        values["exchanges"] = [*request.exchanges[:-1], last]
    elif move_ == Move.DECLINE:
        values["decline_reason"] = text
    elif move_ == Move.RECORD:
        values["outcomes"] = outcomes
    elif move_ == Move.FINALISE:
        from bot.meetings.report import frozen

        values.update(report=frozen(request, now), report_final_at=now)
    elif move_ == Move.SCHEDULE:
        assert schedule is not None
        values.update(starts_at=schedule.starts_at, ends_at=schedule.ends_at, timezone=schedule.timezone,
                      place=schedule.place)
    if not move(session, request, allowed=[seen or request.status], values=values):
        raise moved_on(request)  # someone else moved it between our read and our write
    audit.record(session, at=now, actor=actor.slack_user_id, action=f"meeting.{move_.value}",
                 subject=f"meeting:{request.id}", before=before, after=snapshot(request), detail=text)
    return request


# ------------------------------------------------------------------------------------------ inviting


def invite(session: Session, request: MeetingRequest, *, now: datetime) -> tuple[list[MeetingInvitation], list[str]]:
    """Invitations for a scheduled meeting: the focal points of the invited States and the registered people
    of the invited roles, each once. Returns them, and the invited States that have no focal point."""
    chosen: dict[int, MeetingInvitation] = {i.person_id: i for i in request.invitations}
    without_focal_point: list[str] = []
    for code in request.invited_states:
        focal_point = focal_point_of(session, code)
        if focal_point is None:
            without_focal_point.append(code)
        elif focal_point.id not in chosen:
            chosen[focal_point.id] = MeetingInvitation(person=focal_point, category="state", state_code=code,
                                                       answer=InvitationAnswer.PENDING, created_at=now)
    roles = [Role(r) for r in request.invite_roles if r in {role.value for role in INVITABLE_ROLES}]
    for person, role in queries.people_with_roles(session, roles):
        if person.id not in chosen and person.state_code != request.state_code:
            chosen[person.id] = MeetingInvitation(person=person, category=role.value, state_code=person.state_code,
                                                  answer=InvitationAnswer.PENDING, created_at=now)
    # Organisations named under their category (UNDP under "organisations") that registered are invited
    # through the first of their people; the others stay names in the request, for ISU staff to reach.
    for category, kind in ORGANISATION_CATEGORIES.items():
        names = {fold(name) for name in re.split(r"[,;\n]", request.invited_others.get(category) or "") if name.strip()}
        for organisation in queries.organisations_named(session, names, kind):
            person = contact_of_organisation(session, organisation.id)
            if person is not None and person.id not in chosen:
                chosen[person.id] = MeetingInvitation(person=person, category=ORGANISATION, state_code=None,
                                                      answer=InvitationAnswer.PENDING, created_at=now)
    new = [i for i in chosen.values() if i.id is None]
    request.invitations.extend(new)
    session.flush()
    return new, without_focal_point


def answer_invitation(session: Session, *, invitation_id: int, person: Person, accept: bool,
                      now: datetime) -> MeetingInvitation:
    """The invitee accepts or declines (and may change their mind while the meeting is scheduled)."""
    invitation = queries.get_invitation(session, invitation_id)
    if invitation is None:
        raise NotFound(N_("This invitation no longer exists."))
    if invitation.person_id != person.id:
        raise NotAuthorised(N_("This invitation is for {who}, not for you. Nothing was changed."),
                            who=SlackUser(invitation.person.slack_user_id),
                            refusal=Refusal(person.slack_user_id, "meeting.invitation_refused",
                                            f"meeting:{invitation.meeting_id}", f"invitation:{invitation.id}"))
    meeting = invitation.meeting
    if meeting.status != S.SCHEDULED:
        raise moved_on(meeting)
    answer = InvitationAnswer.ACCEPTED if accept else InvitationAnswer.DECLINED
    if invitation.answer != answer:
        invitation.answer, invitation.answered_at = answer, now
        audit.record(session, at=now, actor=person.slack_user_id, action=f"meeting.invitation_{answer.value}",
                     subject=f"meeting:{meeting.id}", detail=f"invitation:{invitation.id}")
    return invitation


def challenge_of(session: Session, person: Person, *, request_id: int, index: int) -> str:
    """A challenge the meeting identified, for a delegate of the requesting State to post as a need."""
    request = _require(session, request_id)
    if person.state_code != request.state_code:
        raise NotAuthorised(N_("Only the requesting State's delegates can post its challenges as needs."),
                            refusal=Refusal(person.slack_user_id, "meeting.to_need_refused", f"meeting:{request.id}"))
    challenges = (request.outcomes or {}).get("challenges") or []
    if index >= len(challenges):
        raise Conflict(N_("The outcomes of this meeting were changed since: please use the latest message."))
    return challenges[index]


def record_invitation_message(invitation: MeetingInvitation, channel: str, ts: str) -> None:
    invitation.channel, invitation.ts = channel, ts


# ------------------------------------------------------------------------------------------ listing


def requests_for(session: Session, person: Person) -> list[MeetingRequest]:
    """`/meeting list`: a delegate's State's requests and the meetings they are invited to; ISU staff see
    all, by status."""
    if is_isu(person):  # by status, the ones waiting for a decision first, then newest first
        order = {status: rank for rank, status in enumerate(MeetingStatus)}
        return sorted(queries.all_requests(session), key=lambda r: order[r.status])
    own = queries.requests_of_state(session, person.state_code) if person.state_code else []
    invited = [i.meeting for i in queries.invitations_of(session, person.id)]
    seen = {r.id: r for r in [*own, *invited] if can_see(person, r)}  # the one rule of confidentiality
    return sorted(seen.values(), key=lambda r: (r.created_at, r.id), reverse=True)


def coming_invitations(session: Session, person: Person, now: datetime) -> list[MeetingInvitation]:
    """The meetings a person is invited to that are still to come (not those they declined)."""
    return queries.coming_invitations(session, person.id, now)


def open_requests(requests: Collection[MeetingRequest]) -> list[MeetingRequest]:
    return [r for r in requests if r.status in OPEN_MEETING_STATUSES]


def snapshot(request: MeetingRequest) -> dict[str, Any]:
    """A request as the audit log keeps it: plain JSON values."""
    values: dict[str, Any] = {}
    for column in request.__table__.columns:
        value = getattr(request, column.key)
        if isinstance(value, date | datetime):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        values[column.key] = value
    return values

