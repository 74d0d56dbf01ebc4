"""Signed payloads the bot did not write, or that Slack would not send, over real HTTP: each is refused
politely, in the person's language, with nothing stored and no traceback; never "something went
wrong". Also the amounts a person may type, a refused `/pfp admin`, and a post the channel refuses."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.middleware import APOLOGY
from bot.payloads import NO_TRIGGER, STALE_BUTTON, STALE_FORM, UNKNOWN_USER
from bot.platform.blocks import ACCEPT_MATCH, BROWSE_PAGE, CONFIRM, DISMISS_MATCH, EDIT, MET, OPEN
from storage import audit
from storage.models import Match, Need, Person, RegistrationRequest
from tests.conftest import ADMIN, ISU_CHANNEL, PLATFORM_CHANNEL
from tests.e2e.flows import (
    block_action,
    button,
    delegate,
    ephemeral_texts,
    form_submission,
    need_values,
    offer_values,
    post_entry,
    view_submission,
)

KH, NO = "UKHMER1", "UNORWAY1"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def assert_calm(log) -> None:
    """No traceback and no error in the log: what was refused was foreseen."""
    assert "Traceback" not in log.text and not any(r.exc_info for r in log.records), log.text
    assert not [r for r in log.records if r.levelno >= logging.ERROR], log.text


def count(bot, model) -> int:
    with bot.session() as session:
        return session.scalar(select(func.count()).select_from(model))


# ------------------------------------------------------------------------------- numbers in buttons

BAD_NUMBERS = ["1e400", "-1e400", "1e30", "99999999999999999999999", "9223372036854775808", "2147483648", "-1",
               "0", '"12"', "1.5", "true", "null", "NaN", "Infinity", "[1]", '{"id": 1}']


@pytest.mark.parametrize("number", BAD_NUMBERS)
@pytest.mark.parametrize("action_id", [EDIT, CONFIRM, MET, OPEN])
def test_an_entry_button_with_a_number_the_bot_never_wrote_is_out_of_date(bot, log, action_id, number):
    delegate(bot, KH, "KH")
    button(bot, KH, action_id, f'{{"side": "need", "id": {number}}}')
    assert ephemeral_texts(bot)[-1] == STALE_BUTTON
    assert_calm(log)


@pytest.mark.parametrize("number", BAD_NUMBERS)
@pytest.mark.parametrize(("action_id", "key"), [(ACCEPT_MATCH, "match"), (DISMISS_MATCH, "match"),
                                                 ("registration.approve", "request")])
def test_a_match_or_request_button_with_a_bad_number_is_out_of_date(bot, log, action_id, key, number):
    delegate(bot, KH, "KH")
    user = ADMIN if key == "request" else KH
    button(bot, user, action_id, f'{{"{key}": {number}}}')
    assert ephemeral_texts(bot)[-1] == STALE_BUTTON
    assert_calm(log)


@pytest.mark.parametrize("value", [None, 5, ["x"], {"side": "need"}, "x" * 2001, '{"side": "other", "id": 1}'])
def test_a_button_value_of_the_wrong_shape_is_out_of_date(bot, log, value):
    delegate(bot, KH, "KH")
    payload = block_action(KH, MET, "", channel="C0GENERAL", message_ts="1.2", response_url=bot.fake.new_response_url())
    payload["actions"][0]["value"] = value
    assert bot.slack.interaction(payload).status == 200
    bot.settle()
    assert ephemeral_texts(bot)[-1] == STALE_BUTTON
    assert_calm(log)


@pytest.mark.parametrize("page", ["99999999999999999999999", "1e400", "-5", "x", None])
def test_a_browse_page_past_any_real_one_shows_a_page_not_an_overflow(bot, log, page):
    delegate(bot, KH, "KH")
    payload = block_action(KH, f"{BROWSE_PAGE}.next", "", channel="C0GENERAL", message_ts="1.2",
                           response_url=bot.fake.new_response_url())
    payload["actions"][0]["value"] = page
    payload["view"] = {"id": "V0BROWSE", "type": "modal", "hash": "h", "private_metadata": json.dumps({"side": "need"})}
    assert bot.slack.interaction(payload).status == 200
    bot.settle()
    [update] = bot.fake.calls_to("views.update")
    assert update.body["view_id"] == "V0BROWSE"
    assert_calm(log)


# -------------------------------------------------------------------------- forms and their metadata


@pytest.mark.parametrize("metadata", [5, ["x"], "[]", "not json", '{"id": 1e400}', '{"id": "12"}', '{"id": -3}',
                                      "x" * 3001])
def test_a_form_whose_private_metadata_the_bot_did_not_write_is_out_of_date(bot, log, metadata):
    delegate(bot, KH, "KH")
    payload = form_submission(KH, "need_form", need_values())
    payload["view"]["private_metadata"] = metadata
    response = bot.slack.interaction(payload)
    bot.settle()
    assert response.status == 200
    assert response.json() == {"response_action": "errors", "errors": {"area": STALE_FORM}}
    assert count(bot, Need) == 0
    assert_calm(log)


@pytest.mark.parametrize("state", [
    None, "values", {"values": ["x"]}, {"values": {"title": "x"}}, {"values": {"title": {"title": 5}}},
    {"values": {"area": {"area": {"type": "static_select", "selected_option": "clearance"}}}},
    {"values": {"kinds": {"kinds": {"type": "checkboxes", "selected_options": "expertise"}}}},
    {"values": {"kinds": {"kinds": {"type": "checkboxes", "selected_options": [{"value": 5}]}}}},
    {"values": {"title": {"title": {"type": "plain_text_input", "value": ["x"]}}}},
])
@pytest.mark.parametrize("callback", ["need_form", "offer_form", "registration"])
def test_a_form_state_not_shaped_as_slack_sends_it_is_out_of_date(bot, log, callback, state):
    delegate(bot, KH, "KH")
    payload = form_submission(KH, callback, need_values())
    payload["view"]["state"] = state
    response = bot.slack.interaction(payload)
    bot.settle()
    assert response.status == 200
    assert response.json()["errors"] == {"area": STALE_FORM}
    assert count(bot, Need) == 0 and count(bot, RegistrationRequest) == 0
    assert_calm(log)


@pytest.mark.parametrize("blocks", ["not a list", None, [5, "x"], [{"type": "input", "block_id": 7}]])
def test_an_error_on_a_form_whose_blocks_are_odd_is_still_answered(bot, log, blocks):
    payload = view_submission("UNEW1", {"state": "FR", "focal_point": "yes"})
    payload["view"]["blocks"], payload["view"]["state"] = blocks, "not a state"
    response = bot.slack.interaction(payload)
    bot.settle()
    assert response.status == 200 and response.text == ""  # the modal closes; the person hears by DM
    dm = [c.body["text"] for c in bot.fake.calls_to("chat.postMessage")]
    assert dm == [STALE_FORM]
    assert_calm(log)


# ----------------------------------------------------------------------------- commands and people


def raw_command(bot, **fields) -> object:
    form = {"command": "/need", "text": "", "user_id": KH, "team_id": "T0TEAM", "channel_id": "C0GENERAL",
            "response_url": bot.fake.new_response_url(), "trigger_id": "1.2.3"}
    form.update(fields)
    return bot.slack.post(urlencode({k: v for k, v in form.items() if v is not None}).encode(), FORM)


@pytest.mark.parametrize(("command", "text"), [("/need", ""), ("/offer", "list"), ("/pfp", "register"),
                                               ("/pfp", "browse"), ("/need", "show 1")])
def test_a_command_without_a_trigger_id_says_so_instead_of_failing(bot, log, command, text):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values())
    with bot.session() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == KH))
        person.is_focal_point, person.state_code = False, None  # so /pfp register may open its form
        session.commit()
    if command == "/need":
        delegate(bot, KH, "KH")
    response = raw_command(bot, command=command, text=text, trigger_id=None)
    assert response.status == 200
    assert response.json()["text"] == NO_TRIGGER
    assert_calm(log)


@pytest.mark.parametrize("user_id", ["ucol0001", "U", "U-1", "x" * 40, "<@U1>", "Ucol0001", "UCOL 01"])
def test_a_user_id_not_shaped_like_slacks_is_refused_and_never_met(bot, log, user_id):
    before = count(bot, Person)
    response = raw_command(bot, command="/pfp", text="whoami", user_id=user_id)
    assert response.status == 200
    assert response.json()["text"] == UNKNOWN_USER
    assert count(bot, Person) == before
    assert bot.fake.calls_to("users.info") == []
    assert_calm(log)


def test_an_interaction_without_a_user_is_refused_politely(bot, log):
    payload = block_action(KH, MET, "{}", channel="C0GENERAL", message_ts="1.2", response_url=bot.fake.new_response_url())
    del payload["user"]
    assert bot.slack.interaction(payload).status == 200
    bot.settle()
    assert ephemeral_texts(bot) == [UNKNOWN_USER]
    assert_calm(log)


def test_a_refused_admin_grant_writes_no_person_for_its_target(bot):
    before = count(bot, Person)
    response = bot.slack.command("/pfp", "admin grant <@UTARGET1> isu", user_id="UDELEG1")
    assert response.json()["text"] == "Only ISU staff can grant or revoke roles."
    assert count(bot, Person) == before + 1  # the one asking, met by the request itself; not the target
    with bot.session() as session:
        assert session.scalar(select(Person).where(Person.slack_user_id == "UTARGET1")) is None
        [refusal] = audit.entries(session, action="role.refused")
    assert (refusal.actor, refusal.subject) == ("UDELEG1", "person:UTARGET1")


@pytest.mark.parametrize("mention", ["<@ucol0001>", "<@Ucol0001|maria>", "<@u1>"])
def test_a_lowercase_user_id_in_admin_is_no_one(bot, mention):
    before = count(bot, Person)
    response = bot.slack.command("/pfp", f"admin grant {mention} committee", user_id=ADMIN)
    assert response.json()["text"] == ("Type `/pfp admin grant @person isu`, `/pfp admin revoke @person committee` "
                                       "or `/pfp admin article7 received KH 2027`.")
    assert count(bot, Person) == before


# ---------------------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(("amount", "error"), [
    ("NaN", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("nan", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("sNaN", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("Infinity", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("-Infinity", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("inf", "Write the amount in figures, for example 250000 or 250,000.50."),
    ("1e30", "This amount is too large: up to 9,999,999,999,999 is accepted. Check the number of zeros."),
    ("1e13", "This amount is too large: up to 9,999,999,999,999 is accepted. Check the number of zeros."),
    ("-5", "The amount cannot be negative."),
])
def test_an_amount_that_is_not_money_is_a_field_error_saying_what_is_accepted(bot, log, amount, error):
    delegate(bot, KH, "KH")
    response = post_entry(bot, KH, "need", need_values(amount=amount))
    assert response.json() == {"response_action": "errors", "errors": {"amount": error}}
    assert count(bot, Need) == 0
    assert_calm(log)


def test_the_amount_error_is_in_the_readers_language(bot):
    delegate(bot, KH, "KH", locale="fr-FR")
    response = post_entry(bot, KH, "need", need_values(amount="1e30"))
    error = response.json()["errors"]["amount"]
    assert "9\u202f999\u202f999\u202f999\u202f999" in error and error != APOLOGY


# ---------------------------------------------------------------- a post the platform channel refuses


def test_a_refused_announcement_keeps_the_entry_its_matches_and_tells_the_isu(bot, log):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, NO, "offer", offer_values(countries=["KH"], visibility="states"))
    bot.fake.clear()
    bot.fake.respond_to("chat.postMessage", lambda call: (
        {"ok": False, "error": "not_in_channel"} if call.body.get("channel") == PLATFORM_CHANNEL
        else {"channel": call.body.get("channel"), "ts": "1700000001.000100"}))

    post_entry(bot, KH, "need", need_values())

    assert count(bot, Need) == 1
    [match] = list(_matches(bot))  # matching ran although the announcement failed
    told = ephemeral_texts(bot) + [c.body["text"] for c in bot.fake.calls_to("chat.postEphemeral")]
    assert any(t.startswith("Saved: Need #") for t in told), told
    assert APOLOGY not in told
    isu = [c.body["text"] for c in bot.fake.calls_to("chat.postMessage") if c.body.get("channel") == ISU_CHANNEL]
    assert isu == [f"The bot could not announce need #{match.need_id} in <#{PLATFORM_CHANNEL}> (Slack said: "
                   "`not_in_channel`). Invite the bot to that channel with `/invite @pfp`, or correct "
                   "PFP_PLATFORM_CHANNEL. The entry itself is saved."]
    dms = [c for c in bot.fake.calls_to("chat.postMessage") if c.body.get("channel", "").startswith("D")]
    assert len(dms) == 2  # both focal points hear of the match
    assert_calm(log)


def _matches(bot):
    with bot.session() as session:
        return list(session.scalars(select(Match)))
