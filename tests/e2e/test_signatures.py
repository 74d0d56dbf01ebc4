"""Requests not signed by Slack are refused with 401, change nothing, and leave an audit entry
(tests/e2e/test_boundary.py tries the door harder)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from storage import audit
from storage.models import Person
from tests.e2e.flows import view_submission

FORM = "application/x-www-form-urlencoded"
COMMAND = urlencode(
    {"command": "/pfp", "text": "register", "user_id": "UFORGER", "team_id": "T0TEAM", "trigger_id": "1.2.3"}
).encode()


def people(bot) -> int:
    with bot.session() as session:
        return session.scalar(select(func.count()).select_from(Person))


def rejected(bot) -> list:
    with bot.session() as session:
        return audit.entries(session, action="request.rejected")


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda s: {"headers": {"X-Slack-Signature": None, "X-Slack-Request-Timestamp": None}}, id="unsigned"),
        pytest.param(lambda s: {"signature": "v0=" + "0" * 64}, id="wrong-signature"),
        pytest.param(
            lambda s: {"timestamp": (ts := int(time.time()) - 301), "signature": s.sign(COMMAND, ts)}, id="replayed"
        ),
        pytest.param(lambda s: {"signature": s.sign(COMMAND + b"&x=1", int(time.time()))}, id="body-tampered"),
    ],
)
def test_a_request_not_signed_by_slack_is_refused_and_audited(bot, forge):
    before = people(bot)
    response = bot.slack.post(COMMAND, FORM, **forge(bot.slack))
    assert response.status == 401
    assert people(bot) == before  # the would-be person was never even met
    assert bot.fake.calls_to("views.open") == []
    [entry] = rejected(bot)
    # The body is never read before the signature holds, so the row names where it came from, not whom
    # the forger claimed to be.
    assert (entry.actor, entry.subject, entry.count) == (None, "source:127.0.0.1", 1)


def test_a_forged_interaction_cannot_approve_anything(bot):
    body = urlencode({"payload": json.dumps(view_submission("UFORGER", {"state": "FR", "focal_point": "yes"}))})
    response = bot.slack.post(body.encode(), FORM, signature="v0=" + "f" * 64)
    assert response.status == 401
    assert len(rejected(bot)) == 1


def test_a_request_signed_five_minutes_ago_is_still_accepted(bot):
    timestamp = int(time.time()) - 290
    response = bot.slack.post(COMMAND.replace(b"register", b"help"), FORM, timestamp=timestamp,
                              signature=bot.slack.sign(COMMAND.replace(b"register", b"help"), timestamp))
    assert response.status == 200
    assert rejected(bot) == []
