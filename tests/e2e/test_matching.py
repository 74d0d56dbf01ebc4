"""Matching over real HTTP: saving an entry ranks the other side, tells both focal points why, and a
conversation opens only when both accept."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.platform.blocks import ACCEPT_MATCH, DISMISS_MATCH
from storage import audit
from storage.models import Match
from storage.taxonomy import Answer
from tests.e2e.flows import button, delegate, ephemeral_texts, need_values, offer_values, post_entry, shown_view

KH, NO, FR = "UKHMER1", "UNORWAY1", "UFRANCE1"


def dms_to(bot, user_id: str) -> list[dict]:
    channel = bot.fake.dm_channel_id(user_id)
    return [c.body for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == channel]


def matches(bot) -> list[Match]:
    with bot.session() as session:
        return list(session.scalars(select(Match).order_by(Match.id)))


def test_a_new_offer_is_matched_to_a_need_and_both_focal_points_hear_why(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    assert matches(bot) == []

    post_entry(bot, NO, "offer", offer_values(countries=["KH"]))

    [match] = matches(bot)
    assert match.score >= 0.5
    assert [r["reason"] for r in match.reasons] == ["area", "kinds", "country", "amount", "period"]
    [to_need] = [d for d in dms_to(bot, KH) if "may be able to help" in d["text"]]
    assert to_need["text"] == (
        f"Norway may be able to help with your need #{match.need_id}: their offer #{match.offer_id} "
        "“Survey teams and training”."
    )
    words = to_need["blocks"][0]["text"]["text"]
    assert "Why: same area: Survey and clearance (Article 5); assistance in common: Expertise; " \
           "the offer names Cambodia; the amounts are close (80 per cent of the larger); the time frames overlap." in words
    buttons = [e["action_id"] for e in to_need["blocks"][1]["elements"]]
    assert buttons == [ACCEPT_MATCH, DISMISS_MATCH]
    [to_offer] = [d for d in dms_to(bot, NO) if "may help" in d["text"]]
    assert "Your offer" in to_offer["text"] and "Cambodia" in to_offer["text"]


def matched(bot) -> str:
    """A Cambodian need and a Norwegian offer that fit; the value of the buttons on their match."""
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, NO, "offer", offer_values())
    [match] = matches(bot)
    return json.dumps({"match": match.id})


def test_the_conversation_opens_only_after_both_sides_accept(bot):
    value = matched(bot)

    button(bot, KH, ACCEPT_MATCH, value)
    assert "When Norway accepts too" in bot.fake.calls_to("response_url")[-1].body["text"]
    assert bot.fake.calls_to("response_url")[-1].body["replace_original"] is True
    assert [c for c in bot.fake.calls_to("conversations.open") if "," in c.body["users"]] == []

    button(bot, NO, ACCEPT_MATCH, value)
    [group] = [c.body for c in bot.fake.calls_to("conversations.open") if "," in c.body["users"]]
    assert set(group["users"].split(",")) == {KH, NO}
    intro = bot.fake.calls_to("chat.postMessage")[-1].body
    assert intro["channel"] == bot.fake.dm_channel_id(KH, NO)
    assert f"<@{KH}> (Cambodia) and <@{NO}> (Norway)" in intro["text"]
    assert matches(bot)[0].conversation == intro["channel"]
    with bot.session() as session:
        assert [e.after for e in audit.entries(session, action="match.answered")] == [
            {"need": "accepted", "offer": "waiting"}, {"need": "accepted", "offer": "accepted"}]


def test_when_slack_refuses_the_group_dm_the_answer_is_kept_and_the_person_told(bot):
    value = matched(bot)
    button(bot, KH, ACCEPT_MATCH, value)
    bot.fake.respond_to("conversations.open", {"ok": False, "error": "cannot_dm_bot"})
    button(bot, NO, ACCEPT_MATCH, value)
    assert bot.fake.calls_to("response_url")[-1].body["text"] == (
        "Both sides agreed, and your answer is saved, but Slack did not let the bot open the conversation with "
        "Cambodia just now. Write to their focal point directly, or ask the ISU.")
    [kept] = matches(bot)
    assert (kept.need_answer, kept.offer_answer, kept.conversation) == (Answer.ACCEPTED, Answer.ACCEPTED, None)


def test_not_relevant_is_never_shown_again(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, NO, "offer", offer_values())
    [match] = matches(bot)
    button(bot, KH, DISMISS_MATCH, json.dumps({"match": match.id}))
    assert bot.fake.calls_to("response_url")[-1].body["text"] == "Noted: this match will not be shown again."
    assert matches(bot)[0].need_answer == Answer.NOT_RELEVANT
    told = len(bot.fake.calls_to("chat.postMessage"))

    # Saving the offer again re-ranks; the dismissed pair is neither remade nor announced.
    offer_id = matches(bot)[0].offer_id
    post_entry(bot, NO, "offer", offer_values(title="Survey teams, 2027"), entry_id=offer_id)
    assert len(matches(bot)) == 1
    assert [c for c in bot.fake.calls_to("chat.postMessage")[told:] if "may" in c.body["text"]] == []
    bot.slack.command("/need", f"show {match.need_id}", user_id=KH)
    bot.settle()
    assert "No matching entries yet" in json.dumps(shown_view(bot))


def test_only_the_two_states_can_answer_a_match_and_others_are_audited(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    delegate(bot, FR, "FR")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, NO, "offer", offer_values())
    [match] = matches(bot)
    button(bot, FR, ACCEPT_MATCH, json.dumps({"match": match.id}))
    assert ephemeral_texts(bot)[-1] == "Only delegates of the two States concerned can answer this match."
    assert matches(bot)[0].offer_answer == Answer.WAITING
    with bot.session() as session:
        [refusal] = audit.entries(session, action="match.answer_refused")
    assert refusal.actor == FR


def test_a_need_shows_its_best_current_matches(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    delegate(bot, FR, "FR")
    post_entry(bot, NO, "offer", offer_values())
    post_entry(bot, FR, "offer", offer_values(title="Mine detection dogs", kinds=["expertise", "equipment"],
                                               countries=["KH"], languages=["fr"]))
    post_entry(bot, KH, "need", need_values())
    need_id = matches(bot)[0].need_id
    bot.slack.command("/need", f"show {need_id}", user_id=KH)
    bot.settle()
    shown = json.dumps(shown_view(bot), ensure_ascii=False)
    assert "Best current matches" in shown
    assert shown.index("Mine detection dogs") < shown.index("Survey teams and training")  # best first
