"""Consent: every view, export and notification honours the visibility the posting State chose.

An outsider (someone in the workspace who is not a registered delegate) and a delegate of another State
try every way in; restricted titles must never reach them."""

from __future__ import annotations

import json

from bot.platform.blocks import BROWSE_FILTER, BROWSE_PAGE, OPEN
from bot.platform.export import export_platform
from storage.taxonomy import Visibility
from tests.e2e.flows import block_action, button, delegate, need_values, offer_values, post_entry, shown_view

KH, NO, OUTSIDER, OTHER = "UKHMER1", "UNORWAY1", "UOUTSIDER", "UFRANCE1"
TITLES = {
    "public": "PUBLIC-need-title",
    "states": "STATES-need-title",
    "isu": "ISU-ONLY-need-title",
}


def everything_sent_to(bot, user_id: str, since: int) -> str:
    """Every body the bot sent to Slack for this person since call number `since`."""
    dm = bot.fake.dm_channel_id(user_id)
    sent = []
    for call in bot.fake.calls[since:]:
        body = call.body
        if call.method == "response_url" or body.get("user_id") == user_id or body.get("user") == user_id \
                or body.get("channel") == dm or call.method in ("views.open", "views.update", "views.push"):
            sent.append(body)
    return json.dumps(sent, ensure_ascii=False)


def post_three_needs(bot) -> dict[str, int]:
    delegate(bot, KH, "KH")
    ids = {}
    for visibility, title in TITLES.items():
        post_entry(bot, KH, "need", need_values(title=title, visibility=visibility))
    with bot.session() as session:
        from sqlalchemy import select

        from storage.models import Need

        for need in session.scalars(select(Need)):
            ids[need.visibility.value] = need.id
    return ids


def browse_everything(bot, user_id: str) -> None:
    """Opens browse and walks every status, both sides, and the next page."""
    bot.slack.command("/pfp", "browse", user_id=user_id)
    bot.settle()
    view = shown_view(bot)
    for action, value in [("status", "current"), ("status", "stale"), ("status", "met"), ("status", "withdrawn"),
                          ("side", "offer"), ("side", "need"), ("region", "asia"), ("state", "KH")]:
        payload = block_action(user_id, f"{BROWSE_FILTER}.{action}", value, channel="C0GENERAL",
                               message_ts="1.1", response_url=bot.fake.new_response_url())
        payload["actions"][0]["selected_option"] = {"value": value}
        payload["view"] = {"id": "V0BROWSE", "type": "modal", "hash": "h", "private_metadata": view["private_metadata"]}
        payload["container"] = {"type": "view", "view_id": "V0BROWSE"}
        del payload["response_url"]
        bot.slack.interaction(payload)
        bot.settle()
        view = shown_view(bot)
    payload = block_action(user_id, f"{BROWSE_PAGE}.next", "1", channel="C0GENERAL", message_ts="1.1",
                           response_url=bot.fake.new_response_url())
    payload["view"] = {"id": "V0BROWSE", "type": "modal", "hash": "h", "private_metadata": view["private_metadata"]}
    bot.slack.interaction(payload)
    bot.settle()


def try_every_way_in(bot, user_id: str, ids: dict[str, int]) -> str:
    since = len(bot.fake.calls)
    browse_everything(bot, user_id)
    for need_id in ids.values():
        bot.slack.command("/need", f"show {need_id}", user_id=user_id)
        button(bot, user_id, OPEN, json.dumps({"side": "need", "id": need_id}))
        bot.slack.command("/need", f"edit {need_id}", user_id=user_id)
    bot.slack.command("/need", "list", user_id=user_id)
    bot.slack.event({"type": "app_home_opened", "user": user_id, "channel": "D0", "tab": "home"})
    bot.settle()
    return everything_sent_to(bot, user_id, since)


def test_an_outsider_sees_only_public_entries_anywhere(bot):
    ids = post_three_needs(bot)
    seen = try_every_way_in(bot, OUTSIDER, ids)
    assert TITLES["public"] in seen
    assert TITLES["states"] not in seen
    assert TITLES["isu"] not in seen
    assert f"There is no need number {ids['isu']}" in seen  # not even told it exists


def test_a_delegate_of_another_state_sees_public_and_states_entries_but_not_confidential_ones(bot):
    ids = post_three_needs(bot)
    delegate(bot, OTHER, "FR")
    seen = try_every_way_in(bot, OTHER, ids)
    assert TITLES["public"] in seen and TITLES["states"] in seen
    assert TITLES["isu"] not in seen


def test_the_posting_state_and_isu_staff_see_all_of_it(bot):
    ids = post_three_needs(bot)
    from tests.conftest import ADMIN

    for user_id in (KH, ADMIN):
        seen = try_every_way_in(bot, user_id, ids)
        assert all(title in seen for title in TITLES.values()), user_id


def test_match_notifications_honour_the_needs_visibility(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values(title=TITLES["isu"], visibility="isu"))
    since = len(bot.fake.calls)
    post_entry(bot, NO, "offer", offer_values())
    to_donor = everything_sent_to(bot, NO, since)
    assert TITLES["isu"] not in to_donor and "may help" not in to_donor
    # The needing State may see a public offer, so it is told.
    assert "may be able to help" in everything_sent_to(bot, KH, since)


def test_the_default_export_holds_public_entries_only(bot):
    post_three_needs(bot)
    with bot.session() as session:
        for fmt in ("csv", "json"):
            exported = export_platform(session, visibility=Visibility.PUBLIC, fmt=fmt, now=bot.clock.now())
            assert TITLES["public"] in exported
            assert TITLES["states"] not in exported and TITLES["isu"] not in exported
