"""An organisation's offers: posted by its people, matched like a State's (never as "another State", never
to itself), shown and exported under its name, and kept to the visibility it chose."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.platform.blocks import ACCEPT_MATCH, EDIT, WITHDRAW
from storage.models import Match, Need, Offer
from storage.taxonomy import EntryStatus
from tests.e2e.flows import (
    button,
    delegate,
    ephemeral_texts,
    need_values,
    offer_values,
    organisation_member,
    post_entry,
    shown_view,
)

KH, MAG, UNDP, FR = "UKHMER1", "UORGMAG1", "UORGUNDP1", "UFRANCE1"


def dms_to(bot, user_id: str) -> list[dict]:
    channel = bot.fake.dm_channel_id(user_id)
    return [c.body for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == channel]


def offers(bot) -> list[Offer]:
    with bot.session() as session:
        return list(session.scalars(select(Offer).order_by(Offer.id)))


def matches(bot) -> list[Match]:
    with bot.session() as session:
        return list(session.scalars(select(Match).order_by(Match.id)))


def test_an_organisation_offers_and_is_matched_to_a_states_need(bot):
    delegate(bot, KH, "KH")
    organisation_id = organisation_member(bot, MAG, "Mines Advisory Group")
    post_entry(bot, KH, "need", need_values())

    post_entry(bot, MAG, "offer", offer_values(countries=["KH"]))

    [offer] = offers(bot)
    assert (offer.state_code, offer.organisation_id) == (None, organisation_id)
    [match] = matches(bot)
    [to_need] = [d for d in dms_to(bot, KH) if "may be able to help" in d["text"]]
    assert to_need["text"].startswith("Mines Advisory Group may be able to help with your need")
    [to_offer] = [d for d in dms_to(bot, MAG) if "may help" in d["text"]]
    assert "Cambodia" in to_offer["text"]

    value = json.dumps({"match": match.id})
    button(bot, MAG, ACCEPT_MATCH, value)
    assert "When Cambodia accepts too" in bot.fake.calls_to("response_url")[-1].body["text"]
    button(bot, KH, ACCEPT_MATCH, value)
    intro = bot.fake.calls_to("chat.postMessage")[-1].body
    assert f"<@{KH}> (Cambodia) and <@{MAG}> (Mines Advisory Group)" in intro["text"]


def test_a_need_posted_after_an_organisations_offer_finds_it(bot):
    delegate(bot, KH, "KH")
    organisation_member(bot, MAG, "Mines Advisory Group")
    post_entry(bot, MAG, "offer", offer_values())
    post_entry(bot, KH, "need", need_values())
    [match] = matches(bot)
    assert match.offer.organisation_id is not None


def test_an_organisation_does_not_post_needs(bot):
    organisation_member(bot, MAG, "Mines Advisory Group")
    response = bot.slack.command("/need", "", user_id=MAG)
    assert "Needs for assistance are posted by States Parties" in response.json()["text"]
    answer = post_entry(bot, MAG, "need", need_values())  # a form left open, or forged
    assert "Needs for assistance are posted by States Parties" in answer.json()["errors"]["area"]
    with bot.session() as session:
        assert session.scalars(select(Need)).all() == []


def test_an_organisations_offer_keeps_the_visibility_it_chose(bot):
    organisation_member(bot, MAG, "Mines Advisory Group")
    organisation_member(bot, UNDP, "UNDP", type="international", seat="US")
    delegate(bot, FR, "FR")
    post_entry(bot, MAG, "offer", offer_values(visibility="states"))
    [offer] = offers(bot)

    bot.slack.command("/offer", f"show {offer.id}", user_id=MAG)  # its own: always
    assert "Mines Advisory Group" in str(shown_view(bot)["blocks"])
    bot.slack.command("/offer", f"show {offer.id}", user_id=FR)  # a State's delegate: "states" allows it
    assert "Survey teams and training" in str(shown_view(bot)["blocks"])
    bot.slack.command("/offer", f"show {offer.id}", user_id=UNDP)  # another organisation: not a State
    assert f"There is no offer number {offer.id}" in str(shown_view(bot)["blocks"])
    bot.slack.command("/offer", f"show {offer.id}", user_id="UNOBODY1")
    assert f"There is no offer number {offer.id}" in str(shown_view(bot)["blocks"])


def test_only_the_organisations_people_change_its_offer(bot):
    organisation_member(bot, MAG, "Mines Advisory Group")
    organisation_member(bot, UNDP, "UNDP", type="international", seat="US")
    post_entry(bot, MAG, "offer", offer_values())
    [offer] = offers(bot)
    refusal = "Only delegates of Mines Advisory Group and ISU staff can change this entry. Nothing was changed."
    value = json.dumps({"side": "offer", "id": offer.id})
    button(bot, UNDP, EDIT, value)
    assert shown_view(bot)["blocks"][0]["text"]["text"] == refusal
    button(bot, UNDP, WITHDRAW, value)
    assert ephemeral_texts(bot)[-1] == refusal
    button(bot, "UNOBODY1", WITHDRAW, value)  # nobody's, like an organisation's offer, is not one's own
    assert offers(bot)[0].status == EntryStatus.OPEN
    button(bot, MAG, WITHDRAW, value)
    assert offers(bot)[0].status == EntryStatus.WITHDRAWN
