"""Two ISU officers deciding one meeting request at once: exactly one decision is taken and the other is
told who decided first. Staged at the domain level (the worst interleaving, without timing) on both
databases, and with truly concurrent requests over HTTP on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.errors import Conflict
from bot.meetings.rules import Move, decide
from bot.registration.people import meet
from storage import audit
from storage.models import (
    ConventionEvent,
    EventKind,
    MeetingRequest,
    MeetingStatus,
    MeetingTiming,
    PersonRole,
    ReportSharing,
    Role,
)
from tests.conftest import ADMIN
from tests.races import after_first_read

SECOND_OFFICER = "UISU0002"


def a_request(session, now: datetime) -> int:
    """Cambodia's request for the MSP, as the form leaves it, and a second ISU officer."""
    khmer = meet(session, "UKHMER1", now=now, fetch_locale=lambda: None)
    khmer.state_code, khmer.is_focal_point = "KH", True
    officer = meet(session, SECOND_OFFICER, now=now, fetch_locale=lambda: None)
    if not officer.has_role(Role.ISU):
        officer.roles.append(PersonRole(role=Role.ISU, granted_at=now, granted_by=ADMIN))
    event = ConventionEvent(kind=EventKind.MSP, title="Twenty-Fifth Meeting of the States Parties",
                            starts_on=date(2027, 11, 29), ends_on=date(2027, 12, 3), created_at=now, updated_at=now)
    session.add(event)
    session.flush()
    request = MeetingRequest(
        state_code="KH", requested_by=khmer.id, on_behalf=False, eligibility_overridden=False, event_id=event.id,
        timing=MeetingTiming.LEAD_UP, preferred_dates=["2027-11-15", "2027-11-22"], invite_roles=[],
        invited_states=[], invited_others={}, situation="Survey remains.", solutions="Technical survey.",
        language="en", sharing=ReportSharing.NONE, status=MeetingStatus.REQUESTED, exchanges=[],
        created_at=now, updated_at=now)
    session.add(request)
    session.commit()
    return request.id


def test_two_officers_deciding_at_once_take_one_decision_and_the_second_is_told_who(database, clock):
    with database() as setup:
        request_id = a_request(setup, clock.now())
    first, second = database(), database()

    # The second officer's decline reads the request while it is still requested; the first officer's
    # question then commits before the decline writes.
    def ask_first():
        officer = meet(first, ADMIN, now=clock.now(), fetch_locale=lambda: None)
        decide(first, request_id=request_id, actor=officer, move_=Move.ASK, seen=MeetingStatus.REQUESTED,
               now=clock.now(), text="Which provinces?")
        first.commit()

    staged = after_first_read(second, MeetingRequest, ask_first)
    try:
        officer = meet(second, SECOND_OFFICER, now=clock.now(), fetch_locale=lambda: None)
        with pytest.raises(Conflict) as refused:
            decide(second, request_id=request_id, actor=officer, move_=Move.DECLINE, seen=MeetingStatus.REQUESTED,
                   now=clock.now(), text="Out of scope.")
        assert staged
        assert refused.value.message.startswith("{who} asked the requesting State for more information")
        assert refused.value.params["who"] == ADMIN
    finally:
        first.close()
        second.close()
    with database() as check:
        request = check.get(MeetingRequest, request_id)
        assert request.status == MeetingStatus.INFORMATION_ASKED and request.decline_reason is None
        assert [e.action for e in audit.entries(check, subject=f"meeting:{request_id}")] == ["meeting.ask"]


def test_many_concurrent_decisions_over_http_each_take_exactly_one(bot, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: the genuinely concurrent leg is PostgreSQL's")
    from tests.e2e.flows import form_submission

    bot.clock.current = datetime(2027, 9, 1, 9, tzinfo=UTC)
    ids = []
    for _ in range(8):  # each request for an occasion of its own: one open request per State and occasion
        with bot.session() as session:
            ids.append(a_request(session, bot.clock.now()))
    bot.fake.set_user(SECOND_OFFICER, locale="en-GB")

    def decline(user_id: str, request_id: int, barrier: threading.Barrier) -> None:
        payload = form_submission(user_id, "meeting_decline", {"reason": f"declined by {user_id}"},
                                  metadata={"meeting": request_id, "seen": "requested"})
        barrier.wait()
        assert bot.slack.interaction(payload).status == 200

    for request_id in ids:
        barrier = threading.Barrier(2)
        threads = [threading.Thread(target=decline, args=(who, request_id, barrier)) for who in (ADMIN, SECOND_OFFICER)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    bot.settle()

    told = [c.body.get("text", "") for c in bot.fake.calls_to("chat.postMessage")]
    with bot.session() as session:
        for request_id in ids:
            request = session.get(MeetingRequest, request_id)
            decisions = audit.entries(session, action="meeting.decline", subject=f"meeting:{request_id}")
            assert request.status == MeetingStatus.DECLINED and len(decisions) == 1
            assert request.decline_reason == f"declined by {request.decided_by}"
        winners = list(session.scalars(select(MeetingRequest.decided_by).where(MeetingRequest.id.in_(ids))))
    # Each loser heard who declined first.
    for winner in winners:
        assert any(f"<@{winner}> already declined this request" in text for text in told)
    assert sum("already declined this request" in text for text in told) == len(ids)
