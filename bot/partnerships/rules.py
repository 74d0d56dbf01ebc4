"""Forming a partnership for completion, and nobody bound by another's word: every party (the affected
State among them) confirms the terms; the partnership is active only once all have confirmed the terms as
they stand, and a change proposed is a new version that goes back to all of them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import payloads
from bot.errors import N_, Conflict, FieldErrors, NotAuthorised, NotFound, PfpError, Refusal
from bot.forms import FormReader
from bot.i18n import LANGUAGES, country_name, fold
from bot.partnerships.terms import Kind, Ownership, Rhythm, Terms, read_commitments, read_targets
from bot.platform.rules import CURRENT, Viewer, change_status
from bot.registration.people import is_isu
from bot.registration.rules import states_parties_on
from bot.text import Msg, StateCode
from storage import audit
from storage.meetings import get_request as get_meeting
from storage.models import (
    Match,
    MeetingRequest,
    Need,
    OrganisationType,
    Partnership,
    PartnershipParty,
    PartnershipStatus,
    Person,
    Role,
)
from storage.partnerships import (
    activate_if_all_confirmed,
    get_match,
    get_partnership,
    locked_partnership,
    needs_by_id,
    organisations,
    partnerships_of,
)
from storage.platform import entries_of_state
from storage.taxonomy import Answer, EntryStatus

STATUS_WORDS = {PartnershipStatus.PROPOSED: N_("waiting for confirmations"), PartnershipStatus.ACTIVE: N_("active"),
                PartnershipStatus.COMPLETED: N_("completed"), PartnershipStatus.WITHDRAWN: N_("withdrawn")}
RESPONSIBILITIES_MAX = 1500
PARTIES_MAX = 12
F_STATE, F_PARTNERS, F_KIND = "state", "partners", "kind"
F_TARGETS, F_COMMITMENTS, F_OWNERSHIP, F_RHYTHM = "targets", "commitments", "ownership", "rhythm"
F_NEEDS = "needs"  # the affected State's needs it serves: a multi-select
F_TELL_ISU = "tell_isu"  # a checkbox: the ISU hears when a target is missed
RESPONSIBILITIES = "responsibilities."  # + the party's key (KH, org-12): one input each
ORGANISATION = "org-"  # an organisation's party key: org-12
NEEDS_MAX = 20
_SOURCE = re.compile(r"^(match|meeting):[0-9]{1,9}$")


@dataclass(frozen=True)
class Proposal:
    """What the one forming a partnership puts to the others."""

    state_code: str  # the affected State it serves
    kind: Kind
    responsibilities: dict[str, str]  # each party's (the affected State's too), by party key (KH, org-12)
    terms: Terms
    need_ids: tuple[int, ...] = ()
    source: str | None = None  # "match:12", "meeting:4"


@dataclass(frozen=True)
class Parties:
    """The form's first step: the State it serves, its partners (States or organisations, by party key)
    and the kind of partnership; and, formed from a match or a meeting, the needs it serves and where from."""

    state_code: str
    partners: tuple[str, ...]
    kind: Kind
    need_ids: tuple[int, ...] = ()
    source: str | None = None

    def to_json(self) -> dict:
        return {"state": self.state_code, "partners": list(self.partners), "kind": self.kind.value,
                "needs": list(self.need_ids), "source": self.source}

    @classmethod
    def from_json(cls, data: dict, *, known: set[str]) -> Parties:
        """From the second step's metadata, which the bot wrote; anything else is a form out of date."""
        state, partners, kind = data.get("state"), data.get("partners"), data.get("kind")
        needs, source = data.get("needs", []), data.get("source")
        if (state not in known or state.startswith(ORGANISATION) or not isinstance(partners, list) or not partners
                or any(p not in known or p == state for p in partners) or kind not in {k.value for k in Kind}
                or not isinstance(needs, list) or len(needs) > NEEDS_MAX
                or any(not isinstance(n, int) or isinstance(n, bool) or n < 1 for n in needs)
                or not (source is None or (isinstance(source, str) and _SOURCE.match(source)))):
            raise payloads.OutOfDate(payloads.STALE_FORM)
        return cls(state, tuple(partners), Kind(kind), tuple(needs), source)


def needs_to_serve(session: Session, state_code: str, reader: Person) -> list[Need]:
    """The affected State's current needs that the one forming the partnership may see, newest first (a
    select holds 100): a partner never learns of a need its State kept to the ISU."""
    viewer = Viewer.of(reader)
    return [n for n in entries_of_state(session, Need, state_code) if n.status in CURRENT and viewer.can_view(n)][:100]


def chosen_needs(values: Mapping[str, Any], default: tuple[int, ...]) -> tuple[int, ...]:
    """The needs ticked in the form, or, where it showed none to tick, those it came with (a match's)."""
    if F_NEEDS not in values:
        return default
    chosen = values.get(F_NEEDS) or []
    if not isinstance(chosen, list) or len(chosen) > NEEDS_MAX or not all(
            isinstance(v, str) and v.isdigit() and len(v) <= 9 for v in chosen):
        raise FieldErrors({F_NEEDS: (N_("Choose the needs from the list."), {})})
    return tuple(dict.fromkeys(int(v) for v in chosen))


def party_key(person: Person | None) -> str | None:
    """The party a person speaks for, as forms and proposals name it: their State (KH), or org-12."""
    if person is None:
        return None
    if person.state_code is not None:
        return person.state_code
    return f"{ORGANISATION}{person.organisation_id}" if person.organisation_id is not None else None


def read_parties_form(values: Mapping[str, Any], *, language: str, known: set[str]) -> Parties:
    """`known`: the party keys one may choose, States Parties' codes and organisations' org-12."""
    form = FormReader(values, language)
    state = form.raw(F_STATE)
    if state not in known or state.startswith(ORGANISATION):
        form.errors[F_STATE] = (N_("Choose the State from the list."), {})
    partners = values.get(F_PARTNERS)
    if not isinstance(partners, list) or any(p not in known for p in partners):
        form.errors[F_PARTNERS] = (N_("Choose the partners from the list."), {})
        partners = []
    elif not partners:
        form.errors[F_PARTNERS] = (N_("Choose at least one partner."), {})
    elif state in partners:
        form.errors[F_PARTNERS] = (N_("The affected State is a party already: choose only its partners here."), {})
    elif len(partners) + 1 > PARTIES_MAX:
        form.errors[F_PARTNERS] = (N_("A partnership has from 2 to {count} parties."), {"count": PARTIES_MAX})
    kind = form.one(F_KIND, Kind)
    form.done()
    return Parties(state, tuple(dict.fromkeys(partners)), kind)  # type: ignore[arg-type]


def read_terms_form(values: Mapping[str, Any], parties: Parties | tuple[str, ...], *, language: str,
                    today: date) -> tuple[dict[str, str], Terms]:
    """The form's second step: what each party will do, and the terms; every problem on its own field."""
    form = FormReader(values, language)
    keys = (parties.state_code, *parties.partners) if isinstance(parties, Parties) else parties
    responsibilities = {key: form.text(RESPONSIBILITIES + key, RESPONSIBILITIES_MAX, required=True) or ""
                        for key in keys}
    targets = read_targets(form, F_TARGETS, today=today)
    commitments = read_commitments(form, F_COMMITMENTS, today=today)
    ownership = form.many(F_OWNERSHIP, Ownership, required=False)
    rhythm = {str(int(r)): r for r in Rhythm}.get(form.raw(F_RHYTHM))
    if rhythm is None:
        form.errors[F_RHYTHM] = (N_("Please choose one of the options."), {})
    tell_isu = values.get(F_TELL_ISU) or []
    if not isinstance(tell_isu, list) or any(v != "yes" for v in tell_isu):
        form.errors[F_TELL_ISU] = (N_("Please choose among the options."), {})
    form.done()
    return responsibilities, Terms(targets=targets, commitments=commitments, ownership=ownership,
                                   rhythm=rhythm or Rhythm.QUARTERLY, tell_isu=tell_isu == ["yes"])


def snapshot(partnership: Partnership) -> dict:
    return {"status": partnership.status.value, "version": partnership.version, "kind": partnership.kind,
            "state": partnership.state_code, "terms": partnership.terms,
            "parties": {p.key: p.confirmed_version for p in partnership.parties}}


def known_parties(session: Session, today: date) -> set[str]:
    """Who can be a party: the States Parties on that day, and every organisation ISU staff approved."""
    return ({s.code for s in states_parties_on(session, today)}
            | {f"{ORGANISATION}{o.id}" for o in organisations(session)})


def organisation_names(session: Session) -> dict[str, str]:
    """Organisations' names by party key (org-12), for the forms and messages that name them."""
    return {f"{ORGANISATION}{o.id}": o.name for o in organisations(session)}


@dataclass(frozen=True)
class Draft:
    """A partnership's form filled in from where it came: an accepted match (the need's State, the offer's
    owner as its partner, the need it serves)."""

    parties: Parties
    match: Match | None = None
    meeting: MeetingRequest | None = None


def draft_from_match(session: Session, actor: Person, match_id: int) -> Draft:
    """Only someone of either side of the match (or ISU staff) forms a partnership from it, once both
    sides accepted it; anyone else is refused, and the attempt audited."""
    match = get_match(session, match_id)
    if match is None:
        raise NotFound(N_("This match no longer exists."))
    viewer = Viewer.of(actor)
    if not (is_isu(actor) or viewer.owns(match.need) or viewer.owns(match.offer)):
        raise NotAuthorised(
            N_("Only the delegations on either side of this match, or ISU staff, can form a partnership from it."),
            refusal=Refusal(actor.slack_user_id, "partnership.refused", f"match:{match_id}", "form"))
    if Answer.ACCEPTED != match.need_answer or Answer.ACCEPTED != match.offer_answer:
        raise Conflict(N_("Both sides must accept this match before a partnership is formed from it."))
    offer = match.offer
    partner = offer.state_code or f"{ORGANISATION}{offer.organisation_id}"
    private = offer.organisation is not None and offer.organisation.type == OrganisationType.PRIVATE
    kind = Kind.PUBLIC_PRIVATE if private else Kind.BILATERAL
    return Draft(Parties(match.need.state_code, (partner,), kind, (match.need_id,), f"match:{match.id}"), match)


def draft_from_meeting(session: Session, actor: Person, meeting_id: int) -> Draft:
    """From an individualised meeting's recorded commitments: the requesting State and the States invited
    as its partners. Only the requesting delegation (or ISU staff) forms it; the attempt of anyone else is
    refused and audited."""
    meeting = get_meeting(session, meeting_id)
    if meeting is None or not (is_isu(actor) or actor.state_code == meeting.state_code):
        raise NotAuthorised(
            N_("Only the delegation that requested this meeting, or ISU staff, can form a partnership from it."),
            refusal=Refusal(actor.slack_user_id, "partnership.refused", f"meeting:{meeting_id}", "form"))
    if not (meeting.outcomes or {}).get("commitments"):
        raise Conflict(N_("This meeting has no commitments recorded yet: record its outcomes first."))
    partners = tuple(code for code in dict.fromkeys(meeting.invited_states) if code != meeting.state_code)
    if not partners:
        raise Conflict(N_("No State was invited to this meeting: type `/partnership new` to choose the partners."))
    kind = Kind.BILATERAL if len(partners) == 1 else Kind.MULTI_PARTNER
    return Draft(Parties(meeting.state_code, partners[:PARTIES_MAX - 1], kind, (), f"meeting:{meeting.id}"),
                 meeting=meeting)


def commitments_by_party(draft: Draft) -> dict[str, list[dict[str, str]]]:
    """A meeting's commitments by the party that made them (`who` read as one of the party's names, in any
    of the bot's languages); those of nobody recognised go with the affected State's, to be sorted out."""
    assert draft.meeting is not None
    keys = [draft.parties.state_code, *draft.parties.partners]
    names_of = {key: {fold(country_name(key, language)) for language in LANGUAGES} for key in keys}
    found: dict[str, list[dict[str, str]]] = {key: [] for key in keys}
    for commitment in draft.meeting.outcomes["commitments"]:
        who = fold(commitment["who"])
        key = next((k for k in keys if who == fold(k) or who in names_of.get(k, set())), draft.parties.state_code)
        found[key].append(commitment)
    return found


def _party(key: str, responsibilities: str) -> PartnershipParty:
    if key.startswith(ORGANISATION):
        return PartnershipParty(organisation_id=int(key.removeprefix(ORGANISATION)), responsibilities=responsibilities)
    return PartnershipParty(state_code=key, responsibilities=responsibilities)


def form(session: Session, actor: Person, proposal: Proposal, *, now: datetime) -> Partnership:
    """A proposed partnership, confirmed already by the actor's own State or organisation (they proposed
    it); the others are asked. The actor must speak for one of the parties, or be ISU staff."""
    if party_key(actor) not in proposal.responsibilities and not is_isu(actor):
        raise NotAuthorised(N_("Only the delegates of a party to the partnership, or ISU staff, can propose it."),
                            refusal=Refusal(actor.slack_user_id, "partnership.refused", "partnership:new"))
    known = known_parties(session, now.date())
    if proposal.state_code not in proposal.responsibilities or proposal.state_code.startswith(ORGANISATION):
        raise PfpError(N_("Say what {state} itself will do: the affected State is a party too."),
                       state=StateCode(proposal.state_code))
    strangers = sorted(key for key in proposal.responsibilities if key not in known)
    if strangers and strangers[0].startswith(ORGANISATION):
        raise PfpError(N_("One of the organisations chosen is not registered, so it cannot be a party to this "
                          "partnership. Choose the partners from the list."))
    if strangers:
        raise PfpError(N_("{state} is not a State Party, so it cannot be a party to this partnership."),
                       state=StateCode(strangers[0]))
    if not 2 <= len(proposal.responsibilities) <= PARTIES_MAX:
        raise PfpError(N_("A partnership has from 2 to {count} parties."), count=PARTIES_MAX)
    needs = needs_by_id(session, list(proposal.need_ids))
    if len(needs) != len(set(proposal.need_ids)) or any(n.state_code != proposal.state_code for n in needs):
        raise PfpError(N_("A partnership serves needs of the State it is for; one of those chosen is not."))
    partnership = Partnership(state_code=proposal.state_code, kind=proposal.kind.value,
                              status=PartnershipStatus.PROPOSED, version=1, terms=proposal.terms.to_json(),
                              source=proposal.source, created_by=actor.id, created_at=now, updated_at=now)
    partnership.parties = [_party(key, text[:RESPONSIBILITIES_MAX]) for key, text in proposal.responsibilities.items()]
    partnership.needs = needs
    session.add(partnership)
    session.flush()
    _confirm_own(partnership, actor, now=now)
    audit.record(session, at=now, actor=actor.slack_user_id, action="partnership.proposed",
                 subject=f"partnership:{partnership.id}", after=snapshot(partnership))
    return partnership


def confirm(session: Session, actor: Person, partnership_id: int, *, version: int, now: datetime) -> bool:
    """The actor's State confirms the terms of `version` (the ones they read); True when that made the
    partnership active. A delegate of no party is refused (audited); terms changed meanwhile are named."""
    partnership = _party_to(session, actor, partnership_id, action="confirm")
    if partnership.status != PartnershipStatus.PROPOSED:
        raise Conflict(N_("This partnership is no longer waiting for confirmations: nothing to confirm."))
    if version != partnership.version:
        raise Conflict(N_("The terms changed since you read them: read the new terms, then confirm them."))
    before = snapshot(partnership)
    _confirm_own(partnership, actor, now=now)
    active = activate_if_all_confirmed(session, partnership, activated_at=now, updated_at=now)
    audit.record(session, at=now, actor=actor.slack_user_id, action="partnership.confirmed",
                 subject=f"partnership:{partnership.id}", before=before, after=snapshot(partnership))
    return active


def changeable(session: Session, actor: Person, partnership_id: int, *, version: int) -> Partnership:
    """A partnership the actor may propose a change of: a party's, not ended, as they read it."""
    partnership = _party_to(session, actor, partnership_id, action="change", lock=False)
    _may_change(partnership, version)
    return partnership


def _may_change(partnership: Partnership, version: int) -> None:
    if partnership.status not in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE):
        raise Conflict(N_("This partnership has ended: its terms can no longer change."))
    if version != partnership.version:
        raise Conflict(N_("The terms changed since you read them: read the new terms, then propose your change."))


def read_change_metadata(data: dict) -> tuple[int, int, tuple[str, ...]]:
    """The change form's metadata, which the bot wrote: the partnership, the version read, its parties."""
    parties = data.get("parties")
    if not isinstance(parties, list) or not 2 <= len(parties) <= PARTIES_MAX or not all(
            isinstance(p, str) and len(p) <= 16 for p in parties):
        raise payloads.OutOfDate(payloads.STALE_FORM)
    return (payloads.record_id(data.get("partnership"), message=payloads.STALE_FORM),
            payloads.record_id(data.get("version"), message=payloads.STALE_FORM), tuple(parties))


def propose_change(session: Session, actor: Person, partnership_id: int, terms: Terms, *, version: int,
                   now: datetime, responsibilities: Mapping[str, str] | None = None) -> Partnership:
    """New terms (and responsibilities): a new version, confirmed by the actor's side only; it goes back to
    every other party."""
    partnership = _party_to(session, actor, partnership_id, action="change")
    _may_change(partnership, version)
    if responsibilities is not None and set(responsibilities) != {p.key for p in partnership.parties}:
        raise payloads.OutOfDate(payloads.STALE_FORM)
    before = snapshot(partnership)
    partnership.version += 1
    partnership.terms = terms.to_json()
    for party in partnership.parties if responsibilities is not None else []:
        party.responsibilities = responsibilities[party.key][:RESPONSIBILITIES_MAX]
    partnership.status = PartnershipStatus.PROPOSED
    partnership.updated_at = now
    _confirm_own(partnership, actor, now=now)
    session.flush()
    audit.record(session, at=now, actor=actor.slack_user_id, action="partnership.change_proposed",
                 subject=f"partnership:{partnership.id}", before=before, after=snapshot(partnership))
    return partnership


def may_complete(person: Person | None, partnership: Partnership) -> bool:
    """Completing marks the State's needs met: the affected State's own word, nobody else's."""
    return (partnership.status == PartnershipStatus.ACTIVE and person is not None
            and person.state_code == partnership.state_code)


def complete(session: Session, actor: Person, partnership_id: int, *, now: datetime) -> Partnership:
    """The affected State says the partnership is completed: its needs are marked met (audited as any
    change of a need's status). Anyone else is refused, and the attempt audited."""
    partnership = locked_partnership(session, partnership_id)
    if partnership is None:
        raise _not_found(partnership_id)
    if actor.state_code != partnership.state_code:
        raise NotAuthorised(
            N_("Only the delegates of {state} can say this partnership is completed: it marks their needs met. "
               "Nothing was changed."), state=StateCode(partnership.state_code),
            refusal=Refusal(actor.slack_user_id, "partnership.refused", f"partnership:{partnership_id}", "complete"))
    if partnership.status != PartnershipStatus.ACTIVE:
        raise Conflict(N_("Only an active partnership can be completed; this one is {status}."),
                       status=Msg(STATUS_WORDS[partnership.status]))
    before = snapshot(partnership)
    partnership.status, partnership.completed_at, partnership.updated_at = PartnershipStatus.COMPLETED, now, now
    for need in partnership.needs:
        if need.status in CURRENT:
            change_status(session, actor, "need", need.id, EntryStatus.MET, now=now)
    audit.record(session, at=now, actor=actor.slack_user_id, action="partnership.completed",
                 subject=f"partnership:{partnership.id}", before=before, after=snapshot(partnership))
    return partnership


def still_to_confirm(partnership: Partnership) -> list[PartnershipParty]:
    """The parties that have not confirmed the terms as they stand."""
    return [p for p in partnership.parties if p.confirmed_version != partnership.version]


def speaks_for(person: Person | None, party: PartnershipParty) -> bool:
    """A State's delegates speak for it, an organisation's people for it; nobody for another."""
    if person is None:
        return False
    if party.state_code is not None:
        return person.state_code == party.state_code
    return person.organisation_id is not None and person.organisation_id == party.organisation_id


def party_of(person: Person | None, partnership: Partnership) -> PartnershipParty | None:
    """The party to `partnership` that `person` speaks for, if any."""
    return next((p for p in partnership.parties if speaks_for(person, p)), None)


def oversees(person: Person | None) -> bool:
    """ISU staff and the Committee follow every partnership (they account for them to the Meeting)."""
    return person is not None and (is_isu(person) or person.has_role(Role.COMMITTEE))


def can_see(person: Person | None, partnership: Partnership) -> bool:
    """A partnership's terms are its parties' and those who oversee them, no one else's."""
    if person is None:
        return False
    return oversees(person) or party_of(person, partnership) is not None


def shown(session: Session, person: Person, partnership_id: int) -> Partnership:
    """The partnership for `person` to read; one they may not see is answered as one that does not exist."""
    partnership = get_partnership(session, partnership_id)
    if partnership is None or not can_see(person, partnership):
        raise NotFound(N_("There is no partnership number {number} that you can see. Type `/partnership list` "
                          "to see yours."), number=partnership_id)
    return partnership


def mine(session: Session, person: Person) -> list[Partnership]:
    """The partnerships a person follows: their State's, or all of them for those who oversee them."""
    return partnerships_of(session, state_code=person.state_code, organisation_id=person.organisation_id,
                           everyone=oversees(person))


def get(session: Session, partnership_id: int) -> Partnership:
    partnership = get_partnership(session, partnership_id)
    if partnership is None:
        raise _not_found(partnership_id)
    return partnership


def _not_found(number: int) -> NotFound:
    return NotFound(N_("There is no partnership number {number}. Check the number in the message that asked you."),
                    number=number)


def _party_to(session: Session, actor: Person, partnership_id: int, *, action: str, lock: bool = True) -> Partnership:
    """The partnership, if the actor speaks for one of its parties (locked, to change it); else refused."""
    partnership = (locked_partnership if lock else get_partnership)(session, partnership_id)
    if partnership is None:
        raise _not_found(partnership_id)
    if party_of(actor, partnership) is None:
        raise NotAuthorised(
            N_("Only the delegates of a party to this partnership can answer for it. Nothing was changed."),
            refusal=Refusal(actor.slack_user_id, "partnership.refused", f"partnership:{partnership_id}", action))
    return partnership


def _confirm_own(partnership: Partnership, actor: Person, *, now: datetime) -> None:
    if (party := party_of(actor, partnership)) is not None:
        party.confirmed_version, party.confirmed_by, party.confirmed_at = partnership.version, actor.slack_user_id, now
