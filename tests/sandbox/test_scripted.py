"""The sandbox, scripted as a person would use it, without a browser: the same Sandbox calls the page makes.
Colombia posts a need and sees it announced; Norway offers, and both hear of the match; Cambodia asks for a
meeting, ISU staff approve it, Norway accepts; the clock moves to March and Senegal's focal point gets the
Article 7 reminder, in French. Everything goes through the bot's real HTTP endpoint, signed as Slack signs."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from bot.sandbox import demo
from bot.sandbox.clock import SandboxClock
from bot.sandbox.run import start
from tests.e2e.flows import form_submission, need_values, offer_values

COLOMBIA, NORWAY, CAMBODIA, SENEGAL, ANNA = "U0MARIA01", "U0INGRID1", "U0SOKHA01", "U0AMINA01", "U0ANNA001"


@pytest.fixture
def sandbox(tmp_path):
    clock = SandboxClock(datetime(2027, 2, 1, 9, tzinfo=UTC))
    running, _web, stop = start(port=0, database_url=f"sqlite:///{tmp_path / 'sandbox.sqlite3'}", clock=clock,
                                scheduler=False)
    try:
        yield running
    finally:
        stop()


def until(sandbox, found, timeout: float = 10.0):
    """What `found()` gives once the bot's work after its acknowledgement has landed in the stand-in (as
    the page sees it: through the stand-in's change version)."""
    deadline = time.monotonic() + timeout
    version = sandbox.stand_in.version()
    while not (result := found()):
        assert time.monotonic() < deadline, "the bot never got there"
        version = sandbox.stand_in.wait_for_change(version, 0.5)
    return result


def filled(views: list[dict]) -> dict | None:
    """The first modal once it is filled: a form opens with a loading view, then gets its content."""
    return next((v for v in views if v.get("callback_id")), None)


def open_modal(sandbox, person: str, command: str, text: str = "", *, callback_id: str | None = None) -> dict:
    answer = sandbox.command(person, demo.GENERAL_CHANNEL, command, text)
    assert answer["ok"], answer
    return until(sandbox, lambda: next((v for v in sandbox.stand_in.views(person) if v.get("callback_id")
                                        and (callback_id is None or v.get("callback_id") == callback_id)), None))


def values_of(callback_id: str, values: dict, types: dict | None = None) -> dict:
    return form_submission("U0NOBODY", callback_id, values, types=types)["view"]["state"]["values"]


def get(sandbox, path: str) -> tuple[str, dict, bytes]:
    """One GET through the page's WSGI application, as the browser would make it."""
    import io

    from bot.sandbox.web import make_web_app

    answer: dict = {}
    body = b"".join(make_web_app(sandbox)({"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()},
                                          lambda status, headers: answer.update(status=status, headers=dict(headers))))
    return answer["status"], answer["headers"], body


def dm(sandbox, person: str) -> str:
    return json.dumps(sandbox.stand_in.messages(sandbox.stand_in.dm_channel_id(person)), ensure_ascii=False)


def test_a_need_an_offer_their_match_a_meeting_and_an_article7_reminder(sandbox):
    stand_in = sandbox.stand_in
    # Colombia posts a public need; it is announced in the platform channel.
    view = open_modal(sandbox, COLOMBIA, "/need")
    assert view["callback_id"] == "need_form"
    assert sandbox.submit(COLOMBIA, view["id"], values_of("need_form", need_values(visibility="public"))) == {"ok": True}
    assert stand_in.views(COLOMBIA) == []
    until(sandbox, lambda: "Technical survey in the north-west" in json.dumps(stand_in.messages(demo.PLATFORM_CHANNEL)))

    # Norway offers survey teams to the Americas; both focal points hear of the match.
    view = open_modal(sandbox, NORWAY, "/offer")
    sandbox.submit(NORWAY, view["id"], values_of("offer_form", offer_values(regions=["americas"], countries=["CO"])))
    until(sandbox, lambda: "Survey teams and training" in dm(sandbox, COLOMBIA))
    until(sandbox, lambda: "Technical survey in the north-west" in dm(sandbox, NORWAY))

    # Cambodia asks for a meeting at the MSP, inviting Norway; Anna (ISU) approves and schedules it.
    from tests.e2e.test_meetings import TYPES

    view = open_modal(sandbox, CAMBODIA, "/meeting", callback_id="meeting_request")
    occasion = next(o for b in view["blocks"] if b.get("block_id") == "occasion" for o in b["element"]["options"]
                    if "States Parties" in o["text"]["text"])
    request = {"occasion": occasion["value"], "timing": "lead_up", "date_1": "2027-11-15", "date_2": "2027-11-22",
               "invited_states": ["NO"], "invite_roles": [], "situation": "Survey remains in 40 areas.",
               "solutions": "Technical survey.", "language": "fr", "sharing": "none"}
    assert sandbox.submit(CAMBODIA, view["id"], values_of("meeting_request", request, TYPES)) == {"ok": True}
    (review,) = until(sandbox, lambda: [m for m in stand_in.messages(demo.ISU_CHANNEL)
                                         if "meeting.approve" in json.dumps(m)])
    approve = next(e for b in review["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == "meeting.approve")
    assert sandbox.action(ANNA, {"container": "message", "channel": demo.ISU_CHANNEL, "message_ts": review["ts"],
                                 "block_id": "", "action": {"type": "button", **approve}})["ok"]
    schedule = until(sandbox, lambda: filled(stand_in.views(ANNA)))
    sandbox.submit(ANNA, schedule["id"], values_of("meeting_schedule", {
        "day": "2027-11-22", "starts": "14:00", "ends": "16:00", "timezone": "Europe/Zurich", "place": "Room XI"},
        TYPES))
    invitation = until(sandbox, lambda: next((m for m in stand_in.messages(stand_in.dm_channel_id(NORWAY))
                                              if "meeting.invitation.accept" in json.dumps(m)), None))
    accept = next(e for b in invitation["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "meeting.invitation.accept")
    sandbox.action(NORWAY, {"container": "message", "channel": stand_in.dm_channel_id(NORWAY),
                            "message_ts": invitation["ts"], "block_id": "", "action": {"type": "button", **accept}})
    until(sandbox, lambda: "1 accepted" in json.dumps(stand_in.messages(demo.ISU_CHANNEL)))
    # The invitation's .ics, downloadable from the page as from Slack.
    (shared,) = [f for m in stand_in.messages(stand_in.dm_channel_id(NORWAY)) for f in m.get("files") or []]
    status, headers, body = get(sandbox, f"/sandbox/files/{shared['id']}")
    assert status == "200 OK" and body.startswith(b"BEGIN:VCALENDAR") and "attachment" in headers["Content-Disposition"]

    # March: the Article 7 reminders arrive, Senegal's in French, in Dakar's daytime.
    assert sandbox.move_clock({"date": "2027-03-01"})["ok"]
    until(sandbox, lambda: "article 7" in dm(sandbox, SENEGAL).lower())
    assert "rapport" in dm(sandbox, SENEGAL)  # in French


def test_a_command_the_manifest_does_not_declare_is_refused_like_slack(sandbox):
    assert sandbox.command(COLOMBIA, demo.GENERAL_CHANNEL, "/nonsense", "")["ok"] is False


def test_a_form_the_bot_opens_after_its_trigger_died_is_refused_and_the_person_told_why(sandbox):
    stand_in = sandbox.stand_in
    stand_in.delay_next("views.open", 3.2)  # the bot's views.open reaches Slack after the trigger's 3 seconds
    assert sandbox.command(COLOMBIA, demo.GENERAL_CHANNEL, "/need", "")["ok"]
    failure = until(sandbox, lambda: stand_in.failures(COLOMBIA))
    assert failure == [{"method": "views.open", "error": "expired_trigger_id"}]
    assert stand_in.views(COLOMBIA) == []
    assert sandbox.state(COLOMBIA, -1)["failures"] == failure


def test_a_newcomer_registers_from_the_app_home(sandbox):
    guest = sandbox.add_person({"name": "Nadia Haddad", "locale": "fr-FR", "tz": "Africa/Tunis"})["id"]
    assert sandbox.open_home(guest)["ok"]
    home = until(sandbox, lambda: sandbox.stand_in.home(guest))
    register = next(e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert sandbox.action(guest, {"container": "home", "view_id": home["id"], "block_id": "",
                                  "action": {"type": "button", **register}})["ok"]
    form = until(sandbox, lambda: filled(sandbox.stand_in.views(guest)))
    assert form["callback_id"] == "registration"
