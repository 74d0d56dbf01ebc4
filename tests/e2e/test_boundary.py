"""The door to the bot, tried as an attacker and as a careless client would: nothing is parsed before
the signature is checked, a forgery is refused (401) and audited without a single outbound request, a
signed body the bot cannot read is 400 with one line in the log, and floods cannot fill the database."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.sandbox.slack import SlackStandIn
from storage import audit
from storage.models import AuditEntry, Person
from tests.e2e.flows import block_action

FORM, JSON_TYPE = "application/x-www-form-urlencoded", "application/json"


@pytest.fixture
def attacker():
    """A loopback server standing for an address an attacker chose: nothing may ever reach it."""
    with SlackStandIn() as server:
        yield server


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def no_traceback(log) -> bool:
    return "Traceback" not in log.text and not any(record.exc_info for record in log.records)


def rejected(bot) -> list[AuditEntry]:
    with bot.session() as session:
        return audit.entries(session, action="request.rejected")


def people(bot) -> int:
    with bot.session() as session:
        return session.scalar(select(func.count()).select_from(Person))


def forged_command(attacker, user_id: str = "UVICTIM1") -> bytes:
    return urlencode({
        "command": "/pfp", "text": "nonsense", "user_id": user_id, "team_id": "T0TEAM", "channel_id": "C0GENERAL",
        "trigger_id": "1.2.3", "response_url": attacker.new_response_url(),
    }).encode()


@pytest.mark.parametrize("timestamp", ["abc", "", "1.79e9", "-1", " 1700000000", "1e3", "¹²³"])
def test_a_timestamp_that_is_not_a_number_is_refused_with_no_outbound_request(bot, attacker, log, timestamp):
    bot.fake.clear()
    body = forged_command(attacker)
    response = bot.slack.post(body, FORM, headers={"X-Slack-Request-Timestamp": timestamp},
                              signature="v0=" + "a" * 64)
    bot.settle()
    assert response.status == 401
    assert attacker.calls == [] and bot.fake.calls == []  # no apology to the victim, nowhere
    [entry] = rejected(bot)
    assert (entry.subject, entry.count) == ("source:127.0.0.1", 1)
    assert people(bot) == 1  # only the ISU admin from PFP_ADMINS: the victim was never met
    assert no_traceback(log)


UNREADABLE = {
    "payload-not-json": (b"payload=%7Bnot", FORM),
    "payload-null": (b"payload=null", FORM),
    "not-utf8": (b"payload=\xff\xfe\xfa", FORM),
    "form-labelled-json": (b"command=%2Fpfp&text=help&user_id=UX1", JSON_TYPE),
    "actions-null": (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "UX1"},
                                                       "actions": None})}).encode(), FORM),
    "json-array": (b"[1, 2, 3]", JSON_TYPE),
    "text-plain": (b"hello", "text/plain"),
    "empty": (b"", FORM),
    "repeated-field": (b"command=%2Fpfp&command=%2Fneed&user_id=UX1", FORM),
    "user-a-number": (urlencode({"payload": json.dumps({"type": "block_actions", "user": 5,
                                                        "actions": [{"action_id": "x"}]})}).encode(), FORM),
    "event-a-string": (json.dumps({"type": "event_callback", "event": "app_home_opened"}).encode(), JSON_TYPE),
    "authorizations-a-number": (json.dumps({"type": "event_callback", "authorizations": 7,
                                            "event": {"type": "app_home_opened"}}).encode(), JSON_TYPE),
    "view-without-callback": (urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "UX1"},
                                                                "view": {"id": "V1"}})}).encode(), FORM),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_an_unsigned_body_is_refused_whatever_it_holds(bot, log, case):
    body, content_type = UNREADABLE[case]
    response = bot.slack.post(body, content_type, headers={"X-Slack-Signature": None})
    assert response.status == 401
    assert bot.fake.calls_to("*") == [] or all(c.method == "auth.test" for c in bot.fake.calls)
    assert len(rejected(bot)) == 1
    assert no_traceback(log)


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_signed_body_the_bot_cannot_read_is_400_with_one_log_line(bot, log, case):
    body, content_type = UNREADABLE[case]
    bot.fake.clear()
    log.clear()
    response = bot.slack.post(body, content_type)
    bot.settle()
    assert response.status == 400
    assert bot.fake.calls == []
    assert rejected(bot) == []  # it was Slack's signature: nothing to audit as a forgery
    # (waitress may add its own "Task queue depth" warning when its threads are busy: not ours to count)
    lines = [r for r in log.records if r.levelno >= logging.WARNING and not r.name.startswith("waitress")]
    assert len(lines) == 1 and lines[0].getMessage().startswith("refused a signed request the bot cannot read")
    assert no_traceback(log)


def test_a_signed_body_changed_after_signing_is_refused(bot):
    timestamp = int(time.time())
    body = urlencode({"command": "/pfp", "text": "help", "user_id": "UX1"}).encode()
    response = bot.slack.post(body.replace(b"help", b"whoami"), FORM, timestamp=timestamp,
                              signature=bot.slack.sign(body, timestamp))
    assert response.status == 401
    assert len(rejected(bot)) == 1


def test_a_flood_of_forgeries_is_one_audit_row_per_source_and_minute_with_a_count(bot):
    body = urlencode({"command": "/pfp", "text": "help", "user_id": "UX1"}).encode()
    for _ in range(40):
        assert bot.slack.post(body, FORM, signature="v0=" + "0" * 64).status == 401
    [entry] = rejected(bot)
    assert (entry.count, entry.subject, entry.detail) == (40, "source:127.0.0.1", "bad signature or stale timestamp")
    bot.clock.advance(minutes=1)
    bot.slack.post(body, FORM, headers={"X-Slack-Signature": None})
    assert [(e.count, e.detail) for e in rejected(bot)] == [(40, "bad signature or stale timestamp"), (1, "unsigned")]


def test_a_body_larger_than_any_slack_payload_is_refused_unread(bot):
    response = bot.slack.post(b"x=" + b"a" * (1024 * 1024 + 10), FORM, signature="v0=" + "0" * 64)
    assert response.status == 413


@pytest.mark.parametrize("text", ["show payload", "payload", "edit payload=1"])
def test_a_command_containing_the_word_payload_reaches_its_listener(bot, text):
    response = bot.slack.command("/need", text, user_id="UX1")
    assert response.status == 200
    assert "`/need show 12`" in response.json()["text"]  # the command's own usage, not a 404


def test_a_command_typed_in_a_channel_named_payload_team_works(bot):
    response = bot.slack.command("/pfp", "help", user_id="UX1", channel_name="payload-team")
    assert response.status == 200
    assert "/pfp register" in response.json()["text"]


def test_an_interaction_signed_by_slack_still_works_after_the_door(bot):
    response = bot.slack.interaction(block_action("UX1", "home.register", "", channel="C0GENERAL",
                                                  message_ts="1.2", response_url=bot.fake.new_response_url()))
    bot.settle()
    assert response.status == 200
    assert bot.fake.wait_for("views.open")
