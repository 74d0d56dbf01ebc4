"""The App Home tab, reached through a signed Events API request."""

from __future__ import annotations

from bot.registration.blocks import REGISTER_ACTION, REGISTER_ORGANISATION_ACTION
from tests.e2e.flows import shown_view


def open_home(bot, user_id: str) -> dict:
    response = bot.slack.event({"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home",
                                "event_ts": "1700000000.000200"})
    assert response.status == 200
    bot.settle()
    call = bot.fake.calls_to("views.publish")[-1].body
    assert call["user_id"] == user_id
    return call["view"]


def test_home_invites_an_unregistered_person_to_register_and_the_button_opens_the_form(bot):
    view = open_home(bot, "UDELEG1")
    assert view["type"] == "home"
    buttons = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [REGISTER_ACTION, REGISTER_ORGANISATION_ACTION]

    payload = {
        "type": "block_actions", "user": {"id": "UDELEG1", "team_id": "T0TEAM"}, "team": {"id": "T0TEAM"},
        "api_app_id": "A0APP", "trigger_id": bot.fake.new_trigger_id("UDELEG1"), "container": {"type": "view", "view_id": "V0HOME"},
        "view": {"id": "V0HOME", "type": "home"},
        "actions": [{"action_id": REGISTER_ACTION, "block_id": "home", "type": "button", "action_ts": "1.3"}],
    }
    assert bot.slack.interaction(payload).status == 200
    bot.settle()
    assert shown_view(bot)["callback_id"] == "registration"

    payload["trigger_id"] = bot.fake.new_trigger_id("UDELEG1")
    payload["actions"][0]["action_id"] = REGISTER_ORGANISATION_ACTION
    assert bot.slack.interaction(payload).status == 200
    assert shown_view(bot)["callback_id"] == "registration.organisation"


def test_home_in_spanish(bot):
    bot.fake.set_user("UDELEG1", locale="es-419")
    text = str(open_home(bot, "UDELEG1")["blocks"])
    assert "Plataforma para las Alianzas" in text


def test_the_messages_tab_does_not_publish_a_home(bot):
    bot.slack.event({"type": "app_home_opened", "user": "UDELEG1", "channel": "D0HOME", "tab": "messages"})
    bot.settle()
    assert bot.fake.calls_to("views.publish") == []
