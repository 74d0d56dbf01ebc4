"""Forming a partnership for completion, and nobody bound by another's word: every party (the affected
State among them) confirms the terms; the partnership is active only once all have confirmed the terms as
they stand, and a change proposed is a new version that goes back to all of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import payloads
from bot.errors import N_, Conflict, NotAuthorised, NotFound, PfpError, Refusal
from bot.forms import FormReader
from bot.partnerships.terms import Kind, Ownership, Rhythm, Terms, read_commitments, read_targets
from bot.registration.people import is_isu
from bot.registration.rules import states_parties_on
from bot.text import StateCode
from storage import audit
from storage.models import Partnership, PartnershipParty, PartnershipStatus, Person, Role
from storage.partnerships import (
    activate_if_all_confirmed,
    get_partnership,
    locked_partnership,
    needs_by_id,
    partnerships_of,
)

RESPONSIBILITIES_MAX = 1500
PARTIES_MAX = 12
F_STATE, F_PARTNERS, F_KIND = "state", "partners", "kind"
F_TARGETS, F_COMMITMENTS, F_OWNERSHIP, F_RHYTHM = "targets", "commitments", "ownership", "rhythm"
F_TELL_ISU = "tell_isu"  # a checkbox: the ISU hears when a target is missed
RESPONSIBILITIES = "responsibilities."  # + the party's State code: one input each


@dataclass(frozen=True)
class Proposal:
    """What the one forming a partnership puts to the others."""

    state_code: str  # the affected State it serves
    kind: Kind
    responsibilities: dict[str, str]  # each party's (the affected State's too), by State code
    terms: Terms
    need_ids: tuple[int, ...] = ()
    source: str | None = None  # "match:12", "meeting:4"


@dataclass(frozen=True)
class Parties:
    """The form's first step: the State it serves, its partners and the kind of partnership."""

    state_code: str
    partners: tuple[str, ...]
    kind: Kind

    def to_json(self) -> dict:
        return {"state": self.state_code, "partners": list(self.partners), "kind": self.kind.value}

    @classmethod
    def from_json(cls, data: dict, *, known_states: set[str]) -> Parties:
        """From the second step's metadata, which the bot wrote; anything else is a form out of date."""
        state, partners, kind = data.get("state"), data.get("partners"), data.get("kind")
        if (state not in known_states or not isinstance(partners, list) or not partners
                or any(p not in known_states or p == state for p in partners) or kind not in {k.value for k in Kind}):
            raise payloads.OutOfDate(payloads.STALE_FORM)
        return cls(state, tuple(partners), Kind(kind))


def read_parties_form(values: Mapping[str, Any], *, language: str, known_states: set[str]) -> Parties:
    form = FormReader(values, language)
    state = form.raw(F_STATE)
    if state not in known_states:
        form.errors[F_STATE] = (N_("Choose the State from the list."), {})
    partners = values.get(F_PARTNERS)
    if not isinstance(partners, list) or any(p not in known_states for p in partners):
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


def read_terms_form(values: Mapping[str, Any], parties: Parties, *, language: str,
                    today: date) -> tuple[dict[str, str], Terms]:
    """The form's second step: what each party will do, and the terms; every problem on its own field."""
    form = FormReader(values, language)
    responsibilities = {code: form.text(RESPONSIBILITIES + code, RESPONSIBILITIES_MAX, required=True) or ""
                        for code in (parties.state_code, *parties.partners)}
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


def form(session: Session, actor: Person, proposal: Proposal, *, now: datetime) -> Partnership:
    """A proposed partnership, confirmed already by the actor's own State (they proposed it); the others
    are asked. The actor must speak for one of the parties, or be ISU staff."""
    if actor.state_code not in proposal.responsibilities and not is_isu(actor):
        raise NotAuthorised(N_("Only the delegates of a party to the partnership, or ISU staff, can propose it."),
                            refusal=Refusal(actor.slack_user_id, "partnership.refused", "partnership:new"))
    parties = {s.code for s in states_parties_on(session, now.date())}
    if proposal.state_code not in proposal.responsibilities:
        raise PfpError(N_("Say what {state} itself will do: the affected State is a party too."),
                       state=StateCode(proposal.state_code))
    strangers = sorted(code for code in proposal.responsibilities if code not in parties)
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
    partnership.parties = [PartnershipParty(state_code=code, responsibilities=text[:RESPONSIBILITIES_MAX])
                           for code, text in proposal.responsibilities.items()]
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


def propose_change(session: Session, actor: Person, partnership_id: int, terms: Terms, *, version: int,
                   now: datetime) -> Partnership:
    """New terms: a new version, confirmed by the actor's State only; it goes back to every other party."""
    partnership = _party_to(session, actor, partnership_id, action="change")
    if partnership.status not in (PartnershipStatus.PROPOSED, PartnershipStatus.ACTIVE):
        raise Conflict(N_("This partnership has ended: its terms can no longer change."))
    if version != partnership.version:
        raise Conflict(N_("The terms changed since you read them: read the new terms, then propose your change."))
    before = snapshot(partnership)
    partnership.version += 1
    partnership.terms = terms.to_json()
    partnership.status = PartnershipStatus.PROPOSED
    partnership.updated_at = now
    _confirm_own(partnership, actor, now=now)
    session.flush()
    audit.record(session, at=now, actor=actor.slack_user_id, action="partnership.change_proposed",
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


def _party_to(session: Session, actor: Person, partnership_id: int, *, action: str) -> Partnership:
    partnership = locked_partnership(session, partnership_id)
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
