"""Nobody is bound by another's word: a partnership is active only once every party confirmed its terms as
they stand; a change goes back to all; a stranger is refused and audited; stale terms are named."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest

from bot.errors import Conflict, NotAuthorised, PfpError
from bot.i18n import Translator
from bot.partnerships.rules import Proposal, confirm, form, propose_change
from bot.partnerships.terms import Kind, Ownership, Rhythm, Target, Terms
from bot.registration.people import meet
from bot.work import unit_of_work
from storage import audit
from storage.models import Partnership, PartnershipStatus
from storage.people import get_person
from tests.races import wait_until_blocked_behind

TERMS = Terms(targets=[Target(Decimal("120"), "hectares released", date(2028, 6, 30))],
              ownership=[Ownership.PLAN, Ownership.FUNDING], rhythm=Rhythm.QUARTERLY)


def delegate(session, user_id: str, state: str, now):  # type: ignore[no-untyped-def]
    meet(session, user_id, now=now, fetch_locale=lambda: "en").state_code = state


def proposal(**changes) -> Proposal:  # type: ignore[no-untyped-def]
    values = {"state_code": "KH", "kind": Kind.TRIANGULAR, "terms": TERMS,
              "responsibilities": {"KH": "Releases the land and reports each quarter.",
                                   "NO": "Funds two survey teams.", "JP": "Trains the teams."}}
    return Proposal(**{**values, **changes})


@pytest.fixture
def people(database, clock):  # type: ignore[no-untyped-def]
    with database() as session:
        for user_id, state in (("UKH", "KH"), ("UNO", "NO"), ("UJP", "JP"), ("UFR", "FR")):
            delegate(session, user_id, state, clock.now())
        session.commit()
    return database


def person(session, user_id: str):  # type: ignore[no-untyped-def]
    return get_person(session, user_id)


def test_active_only_once_every_party_confirmed(people, clock):
    with people() as session, unit_of_work(session):
        partnership = form(session, person(session, "UKH"), proposal(), now=clock.now())
        number = partnership.id
    assert [p.confirmed_version for p in partnership.parties] == [1, None, None]  # Cambodia proposed it
    with people() as session, unit_of_work(session):
        assert confirm(session, person(session, "UNO"), number, version=1, now=clock.now()) is False
    with people() as session, unit_of_work(session):
        assert confirm(session, person(session, "UJP"), number, version=1, now=clock.now()) is True
    with people() as session:
        done = session.get(Partnership, number)
        assert (done.status, done.activated_at) == (PartnershipStatus.ACTIVE, clock.now())
        assert Terms.from_json(done.terms) == TERMS


def test_a_change_goes_back_to_every_other_party(people, clock):
    with people() as session, unit_of_work(session):
        number = form(session, person(session, "UKH"), proposal(), now=clock.now()).id
    for user_id in ("UNO", "UJP"):
        with people() as session, unit_of_work(session):
            confirm(session, person(session, user_id), number, version=1, now=clock.now())
    changed = Terms(targets=[Target(Decimal("150"), "hectares released", date(2028, 12, 31))])
    with people() as session, unit_of_work(session):
        again = propose_change(session, person(session, "UNO"), number, changed, version=1, now=clock.now())
        assert (again.status, again.version) == (PartnershipStatus.PROPOSED, 2)
        assert {p.state_code: p.confirmed_version for p in again.parties} == {"KH": 1, "NO": 2, "JP": 1}
    with people() as session, pytest.raises(Conflict, match="The terms changed since you read them"):
        confirm(session, person(session, "UJP"), number, version=1, now=clock.now())  # what they read is gone
    for user_id in ("UKH", "UJP"):
        with people() as session, unit_of_work(session):
            confirm(session, person(session, user_id), number, version=2, now=clock.now())
    with people() as session:
        assert session.get(Partnership, number).status == PartnershipStatus.ACTIVE


def test_a_delegate_of_no_party_cannot_confirm_and_is_audited(people, clock):
    with people() as session, unit_of_work(session):
        number = form(session, person(session, "UKH"), proposal(), now=clock.now()).id
    with people() as session, pytest.raises(NotAuthorised), unit_of_work(session, now=clock.now()):
        confirm(session, person(session, "UFR"), number, version=1, now=clock.now())
    with people() as session:
        [refused] = audit.entries(session, action="partnership.refused")
        assert (refused.actor, refused.subject) == ("UFR", f"partnership:{number}")
        assert all(p.confirmed_version is None for p in session.get(Partnership, number).parties
                   if p.state_code != "KH")


def test_proposing_for_others_only_is_refused_and_nothing_is_stored(people, clock):
    with people() as session, pytest.raises(NotAuthorised), unit_of_work(session, now=clock.now()):
        form(session, person(session, "UFR"), proposal(), now=clock.now())
    with people() as session:
        assert session.query(Partnership).count() == 0
        assert len(audit.entries(session, action="partnership.refused")) == 1


@pytest.mark.parametrize(("by", "changes", "said"), [
    ("UNO", {"responsibilities": {"NO": "Funds.", "JP": "Trains."}}, "Say what Cambodia itself will do"),
    ("UKH", {"responsibilities": {"KH": "Clears.", "US": "Funds."}}, "United States is not a State Party"),
    ("UKH", {"responsibilities": {"KH": "Clears."}}, "A partnership has from 2 to 12 parties."),
    ("UKH", {"need_ids": (999,)}, "A partnership serves needs of the State it is for"),
])
def test_a_proposal_that_does_not_hold_is_refused_and_nothing_is_stored(people, clock, by, changes, said):
    with people() as session, pytest.raises(PfpError) as refused, unit_of_work(session, now=clock.now()):
        form(session, person(session, by), proposal(**changes), now=clock.now())
    assert Translator().mrkdwn(refused.value.message, **refused.value.params).startswith(said)
    with people() as session:
        assert session.query(Partnership).count() == 0


def test_the_last_two_parties_confirming_at_once_make_it_active(people, clock, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: the genuinely concurrent leg is PostgreSQL's")
    with people() as session, unit_of_work(session):
        number = form(session, person(session, "UKH"), proposal(), now=clock.now()).id
    results: list[bool] = []

    def second() -> None:
        with people() as session, unit_of_work(session):
            results.append(confirm(session, person(session, "UJP"), number, version=1, now=clock.now()))

    with people() as first:
        results.append(confirm(first, person(first, "UNO"), number, version=1, now=clock.now()))
        pid = first.connection().connection.driver_connection.info.backend_pid
        other = threading.Thread(target=second)
        other.start()
        wait_until_blocked_behind(engine, pid)  # Japan's confirmation waits for Norway's to end
        first.commit()
    other.join(timeout=10)
    assert results == [False, True]  # Japan's, taken second, saw Norway's and made it active
    with people() as session:
        assert session.get(Partnership, number).status == PartnershipStatus.ACTIVE
