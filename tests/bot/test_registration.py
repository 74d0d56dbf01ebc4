"""Registration decisions at the domain level, where a race can be staged without timing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.errors import Conflict
from bot.registration.people import meet
from bot.registration.rules import RegistrationForm, decide, submit
from storage.models import Person, RegistrationRequest, RequestStatus
from storage.people import get_request
from tests.conftest import ADMIN
from tests.races import after_first_read


def test_two_isu_staff_deciding_at_once_cannot_both_win(database, clock):
    with database() as setup:
        delegate = meet(setup, "UDELEG1", now=clock.now(), fetch_locale=lambda: None)
        request_id = submit(setup, delegate, RegistrationForm("FR", False, None), now=clock.now()).id
        setup.commit()
    first, second = database(), database()

    # The second reviewer's decision reads the request while it is still pending; the first reviewer's
    # approval then commits before the second one writes.
    def approve_first():
        admin = meet(first, ADMIN, now=clock.now(), fetch_locale=lambda: None)
        decide(first, request_id=request_id, actor=admin, approve=True, now=clock.now())
        first.commit()

    staged = after_first_read(second, RegistrationRequest, approve_first)

    try:
        admin_second = meet(second, ADMIN, now=clock.now(), fetch_locale=lambda: None)
        with pytest.raises(Conflict) as refused:
            decide(second, request_id=request_id, actor=admin_second, approve=False, now=clock.now())
        assert staged
        assert refused.value.message == "This request was already approved by {who} on {date}."
    finally:
        first.close()
        second.close()
    with database() as check:
        assert get_request(check, request_id).status == RequestStatus.APPROVED
        assert check.get(Person, delegate.id).state_code == "FR"


def test_two_submissions_racing_leave_one_pending_request(database, clock):
    with database() as setup:
        meet(setup, "UDELEG1", now=clock.now(), fetch_locale=lambda: None)
        setup.commit()
    first, second = database(), database()

    # Both submissions pass the "nothing pending" check before either one is saved.
    def submit_first():
        submit(first, meet(first, "UDELEG1", now=clock.now(), fetch_locale=lambda: None),
               RegistrationForm("FR", False, None), now=clock.now())
        first.commit()

    staged = after_first_read(second, RegistrationRequest, submit_first)

    try:
        person = meet(second, "UDELEG1", now=clock.now(), fetch_locale=lambda: None)
        with pytest.raises(Conflict) as refused:
            submit(second, person, RegistrationForm("DE", True, None), now=clock.now())
        assert staged
        assert refused.value.message.startswith("You already asked to register on {date}")
    finally:
        first.close()
        second.close()
    with database() as check:
        assert list(check.scalars(select(RegistrationRequest.state_code))) == ["FR"]
