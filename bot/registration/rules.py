"""Registration: a person asks to be recorded as a delegate (and maybe the focal point) of a State
Party, or as speaking for an organisation (a UN agency, the ICRC, civil society, an operator, a company);
ISU staff approve or decline. Only an approval changes who represents a State or an organisation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import N_, Conflict, FieldErrors, NotAuthorised, NotFound, Refusal
from bot.i18n import country_names_folded, fold, is_territory
from bot.registration.people import is_isu, snapshot
from bot.text import SlackUser, StateCode
from storage import audit
from storage.models import OrganisationType, Person, RegistrationRequest, RequestStatus, StateParty
from storage.people import (
    close_request,
    find_or_add_organisation,
    focal_point_of,
    get_request,
    pending_request_of,
)
from storage.states import PARTIES, get_state

# Block IDs of the registration modal, named once so the form and its errors agree.
STATE_BLOCK = "state"
FOCAL_POINT_BLOCK = "focal_point"
POSITION_BLOCK = "position"
POSITION_MAX = 200
ORGANISATION_BLOCK, ORGANISATION_TYPE_BLOCK, SEAT_BLOCK = "organisation", "organisation_type", "seat"
ORGANISATION_MAX = 200


@dataclass(frozen=True)
class RegistrationForm:
    state_code: str
    wants_focal_point: bool
    position: str | None


@dataclass(frozen=True)
class OrganisationForm:
    name: str
    type: OrganisationType
    seat_country: str
    position: str | None


@dataclass(frozen=True)
class Decision:
    request: RegistrationRequest
    approved: bool
    replaced_focal_point: Person | None


def pending_request(session: Session, person: Person) -> RegistrationRequest | None:
    return pending_request_of(session, person.id)


def states_parties_on(session: Session, day: date) -> list[StateParty]:
    """The States Parties on a day: bound by the Convention, not withdrawn, not yet to be bound. The one
    answer to "which States?" for registration, the forms, browse and matching; kept in memory, as
    every request reads it (storage.states.PartiesCache)."""
    return PARTIES.parties_on(session, day)


def check_can_register(session: Session, person: Person) -> None:
    """Refuses a second registration before the person fills in the form."""
    pending = pending_request_of(session, person.id)
    if pending is not None:
        raise Conflict(
            N_("You already asked to register on {date}; ISU staff will answer soon. You will get a direct message."),
            date=pending.requested_at.date(),
        )
    if person.state_code is not None and person.is_focal_point:
        raise Conflict(
            N_("You are already registered as the focal point of {state}. To change this, write to ISU staff."),
            state=StateCode(person.state_code),
        )


def check_can_register_organisation(session: Session, person: Person) -> None:
    """A State's delegate speaks for their State: they do not also register for an organisation."""
    check_can_register(session, person)
    if person.state_code is not None:
        raise Conflict(N_("You are registered as a delegate of {state}, so you cannot also speak for an organisation. "
                          "To change this, write to ISU staff."), state=StateCode(person.state_code))
    if person.organisation is not None:
        raise Conflict(N_("You are already registered for {organisation}. To change this, write to ISU staff."),
                       organisation=person.organisation.name)


def _position(values: dict[str, str | None], errors: dict[str, tuple[str, dict[str, object]]]) -> str | None:
    position = (values.get(POSITION_BLOCK) or "").strip() or None
    if position is not None and len(position) > POSITION_MAX:
        errors[POSITION_BLOCK] = (
            N_("Please shorten this to {limit} characters (it has {length})."),
            {"limit": POSITION_MAX, "length": len(position)},
        )
    return position


def validate_organisation(values: dict[str, str | None]) -> OrganisationForm:
    """The organisation's form: its name (never a country's: an organisation does not register as a State),
    its type and the country of its seat; every problem on its own field."""
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    name = " ".join((values.get(ORGANISATION_BLOCK) or "").split())
    if not name:
        errors[ORGANISATION_BLOCK] = (N_("Write the name of your organisation."), {})
    elif len(name) > ORGANISATION_MAX:
        errors[ORGANISATION_BLOCK] = (N_("Please shorten this to {limit} characters (it has {length})."),
                                      {"limit": ORGANISATION_MAX, "length": len(name)})
    elif fold(name) in country_names_folded():
        errors[ORGANISATION_BLOCK] = (
            N_("{name} is the name of a country: an organisation cannot register as a State. To represent a "
               "State Party, type `/pfp register`."), {"name": name})
    kind = values.get(ORGANISATION_TYPE_BLOCK)
    if kind not in {t.value for t in OrganisationType}:
        errors[ORGANISATION_TYPE_BLOCK] = (N_("Please choose one of the options."), {})
    seat = (values.get(SEAT_BLOCK) or "").strip().upper()
    if not is_territory(seat):
        errors[SEAT_BLOCK] = (N_("Choose the country of its seat from the list."), {})
    position = _position(values, errors)
    if errors:
        raise FieldErrors(errors)
    return OrganisationForm(name=name, type=OrganisationType(kind), seat_country=seat, position=position)


def validate(session: Session, person: Person, values: dict[str, str | None], *, today: date) -> RegistrationForm:
    """Checks the modal's values; every problem is reported at once, on its own field."""
    errors: dict[str, tuple[str, dict[str, object]]] = {}
    code = (values.get(STATE_BLOCK) or "").strip().upper()
    state = get_state(session, code) if code else None
    if not code:
        errors[STATE_BLOCK] = (N_("Choose the State you represent."), {})
    elif state is None and is_territory(code):
        errors[STATE_BLOCK] = (N_("{state} is not a State Party to the Convention."), {"state": StateCode(code)})
    elif state is None:
        errors[STATE_BLOCK] = (N_("We do not know the State '{code}'. Choose a State from the list."), {"code": code})
    elif state.withdrawal_effective is not None and state.withdrawal_effective <= today:
        errors[STATE_BLOCK] = (
            N_("{state} withdrew from the Convention on {date} and is no longer a State Party."),
            {"state": StateCode(code), "date": state.withdrawal_effective},
        )
    elif not state.is_party_on(today):
        errors[STATE_BLOCK] = (
            N_("{state} is not yet a State Party: the Convention enters into force for it on {date}."),
            {"state": StateCode(code), "date": state.entry_into_force},
        )
    focal = values.get(FOCAL_POINT_BLOCK)
    if focal not in ("yes", "no"):
        errors[FOCAL_POINT_BLOCK] = (N_("Say whether you are your State's focal point."), {})
    position = _position(values, errors)
    if not errors and person.organisation_id is not None:
        errors[STATE_BLOCK] = (N_("You speak for {organisation}: an organisation cannot register as a State. To "
                                  "change this, write to ISU staff."), {"organisation": person.organisation.name})
    if not errors and person.state_code == code and (focal == "no" or person.is_focal_point):
        errors[STATE_BLOCK] = (N_("You are already registered as a delegate of {state}."), {"state": StateCode(code)})
    if errors:
        raise FieldErrors(errors)
    return RegistrationForm(state_code=code, wants_focal_point=focal == "yes", position=position)


def submit(session: Session, person: Person, form: RegistrationForm | OrganisationForm, *,
           now: datetime) -> RegistrationRequest:
    if isinstance(form, OrganisationForm):
        check_can_register_organisation(session, person)
        request = RegistrationRequest(
            person_id=person.id, organisation_name=form.name, organisation_type=form.type,
            organisation_country=form.seat_country, wants_focal_point=False, position=form.position,
            status=RequestStatus.PENDING, requested_at=now)
        after = {"organisation": form.name, "type": form.type.value, "seat": form.seat_country,
                 "position": form.position}
    else:
        check_can_register(session, person)
        request = RegistrationRequest(
            person_id=person.id,
            state_code=form.state_code,
            wants_focal_point=form.wants_focal_point,
            position=form.position,
            status=RequestStatus.PENDING,
            requested_at=now,
        )
        after = {"state": form.state_code, "focal_point": form.wants_focal_point, "position": form.position}
    session.add(request)
    try:
        session.flush()
    except IntegrityError:  # another submission by the same person got in first
        session.rollback()
        check_can_register(session, person)
        raise
    audit.record(
        session, at=now, actor=person.slack_user_id, action="registration.requested",
        subject=f"registration:{request.id}", after=after,
    )
    return request


def record_review_message(session: Session, request: RegistrationRequest, *, channel: str, ts: str) -> None:
    request.review_channel = channel
    request.review_ts = ts


def decide(session: Session, *, request_id: int, actor: Person, approve: bool, now: datetime) -> Decision:
    """ISU staff approve or decline a request; anybody else is refused and the attempt audited."""
    subject = f"registration:{request_id}"
    if not is_isu(actor):
        raise NotAuthorised(
            N_("Only ISU staff can approve or decline registrations. Nothing was changed."),
            refusal=Refusal(actor.slack_user_id, "registration.decision_refused", subject,
                            "approve" if approve else "decline"),
        )
    request = get_request(session, request_id)
    if request is None:
        raise NotFound(N_("This registration request no longer exists."))
    status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    if not close_request(session, request, status=status, decided_by=actor.slack_user_id, decided_at=now):
        session.rollback()
        session.refresh(request)
        message = (
            N_("This request was already approved by {who} on {date}.")
            if request.status == RequestStatus.APPROVED
            else N_("This request was already declined by {who} on {date}.")
        )
        raise Conflict(message, who=SlackUser(request.decided_by), date=request.decided_at)

    person = request.person
    before = snapshot(person)
    replaced: Person | None = None
    if approve and request.organisation_name is not None:
        organisation = find_or_add_organisation(
            session, name=request.organisation_name, key=fold(request.organisation_name),
            type=request.organisation_type or OrganisationType.INTERNATIONAL,
            seat_country=request.organisation_country or "ZZ", now=now)
        person.state_code, person.is_focal_point, person.organisation = None, False, organisation
        session.flush()
    elif approve:
        if person.state_code != request.state_code:
            person.is_focal_point = False
        if request.wants_focal_point:
            replaced = focal_point_of(session, request.state_code)
            if replaced is not None and replaced.id != person.id:
                replaced_before = snapshot(replaced)
                replaced.is_focal_point = False
                session.flush()  # one focal point per State, enforced by a unique index
                audit.record(
                    session, at=now, actor=actor.slack_user_id, action="role.changed",
                    subject=f"person:{replaced.slack_user_id}", before=replaced_before, after=snapshot(replaced),
                    detail=f"focal point replaced through registration:{request.id}",
                )
            else:
                replaced = None
            person.is_focal_point = True
        person.state_code = request.state_code
    audit.record(
        session, at=now, actor=actor.slack_user_id,
        action="registration.approved" if approve else "registration.declined",
        subject=subject, before=before, after=snapshot(person),
    )
    if approve and before != snapshot(person):
        audit.record(
            session, at=now, actor=actor.slack_user_id, action="role.changed",
            subject=f"person:{person.slack_user_id}", before=before, after=snapshot(person),
            detail=f"registration:{request.id}",
        )
    return Decision(request=request, approved=approve, replaced_focal_point=replaced)
