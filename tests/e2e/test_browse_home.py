"""Browsing with filters and pages, and the App Home: a State's entries, what needs updating, the
matches waiting for an answer, and for ISU staff how much the platform is used."""

from __future__ import annotations

import json

from bot.platform.blocks import BROWSE_FILTER, BROWSE_PAGE, CONFIRM
from tests.conftest import ADMIN
from tests.e2e.flows import block_action, button, delegate, need_values, offer_values, post_entry, shown_view

KH, NO = "UKHMER1", "UNORWAY1"


def text_of(view: dict) -> str:
    return json.dumps(view, ensure_ascii=False)


def browse_action(bot, user_id: str, view: dict, action_id: str, value: str) -> dict:
    payload = block_action(user_id, action_id, value, channel="C0GENERAL", message_ts="1.1",
                           response_url=bot.fake.new_response_url())
    del payload["response_url"]
    payload["actions"][0]["selected_option"] = {"value": value}
    payload["container"] = {"type": "view", "view_id": "V0BROWSE"}
    payload["view"] = {"id": "V0BROWSE", "type": "modal", "hash": "156.1", "private_metadata": view["private_metadata"]}
    assert bot.slack.interaction(payload).status == 200
    bot.settle()
    update = bot.fake.calls_to("views.update")[-1].body
    assert (update["view_id"], update["hash"]) == ("V0BROWSE", "156.1")
    return update["view"]


def test_browse_pages_and_filters(bot):
    delegate(bot, KH, "KH")
    for n in range(11):
        bot.clock.advance(minutes=1)
        post_entry(bot, KH, "need", need_values(title=f"Clearance need {n}"))
    post_entry(bot, KH, "need", need_values(title="Survivors' rehabilitation", area="victim_assistance",
                                             kinds=["financial"]))
    bot.slack.command("/need", "list", user_id=KH)
    bot.settle()
    first = shown_view(bot)
    assert "Page 1 of 2 · 12 entries" in text_of(first)
    assert "Survivors' rehabilitation" in text_of(first)  # newest first

    second = browse_action(bot, KH, first, f"{BROWSE_PAGE}.next", "1")
    assert "Page 2 of 2 · 12 entries" in text_of(second)
    assert "Clearance need 0" in text_of(second) and "Clearance need 5" not in text_of(second)

    only_va = browse_action(bot, KH, second, f"{BROWSE_FILTER}.area", "victim_assistance")
    assert "Page 1 of 1 · 1 entries" in text_of(only_va)
    assert "Clearance need" not in text_of(only_va)
    by_kind = browse_action(bot, KH, only_va, f"{BROWSE_FILTER}.kind", "expertise")
    assert "Nothing matches these filters." in text_of(by_kind)
    every_area = browse_action(bot, KH, by_kind, f"{BROWSE_FILTER}.area", "*")
    assert "Page 1 of 2 · 11 entries" in text_of(every_area)
    in_europe = browse_action(bot, KH, every_area, f"{BROWSE_FILTER}.region", "europe")
    assert "Nothing matches these filters." in text_of(in_europe)
    offers = browse_action(bot, KH, in_europe, f"{BROWSE_FILTER}.side", "offer")
    assert "Nothing matches these filters." in text_of(offers)


def open_home(bot, user_id: str) -> str:
    bot.slack.event({"type": "app_home_opened", "user": user_id, "channel": "D0", "tab": "home"})
    bot.settle()
    return text_of(bot.fake.calls_to("views.publish")[-1].body["view"])


def test_home_shows_the_states_entries_waiting_matches_and_what_needs_updating(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, NO, "offer", offer_values())
    home = open_home(bot, KH)
    assert "Your State's entries" in home and "Technical survey in the north-west" in home
    assert "Matches waiting for your answer" in home and "Survey teams and training" in home
    assert "Needs updating" not in home

    bot.clock.advance(days=160)
    home = open_home(bot, KH)
    assert "Needs updating" in home
    published = len(bot.fake.calls_to("views.publish"))
    button(bot, KH, CONFIRM, json.dumps({"side": "need", "id": 1}), container="home")
    assert len(bot.fake.calls_to("views.publish")) == published + 1  # the home is refreshed
    assert "Needs updating" not in text_of(bot.fake.calls_to("views.publish")[-1].body["view"])
    assert "confirmed as still current" in bot.fake.calls_to("chat.postMessage")[-1].body["text"]


def test_isu_staff_see_how_much_the_platform_is_used(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    bot.clock.advance(days=40)
    post_entry(bot, NO, "offer", offer_values())
    bot.clock.advance(days=1)
    post_entry(bot, NO, "offer", offer_values(title="Survey teams, revised"), entry_id=1)
    home = open_home(bot, ADMIN)
    assert "How much the platform is used" in home
    assert "Entries posted: 1 / 2" in home
    assert "Entries updated: 1 / 1" in home
    assert "States active: 1 / 2" in home
    assert "Matches made: 1 / 1" in home
    assert "Matches accepted by both sides: 0 / 0" in home
    assert "How much the platform is used" not in open_home(bot, KH)
