"""The whole of a partnership for completion over HTTP, against the loopback Slack: an organisation registers
and offers; its offer is matched to Cambodia's need and both accept; the match becomes a partnership; every
party confirms; the clock moves and each party is asked once, in its language; the answers show as progress;
a missed target nudges; Cambodia completes it and its need is met; and the export and the Committee's
report hold only what each reader may see."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.partnerships.blocks import ANSWER, ANSWER_FORM, COMPLETE, CONFIRM, FORM_FROM_MATCH, TERMS_FORM
from bot.partnerships.export import Reader, collect
from bot.partnerships.report import account, render
from bot.platform.blocks import ACCEPT_MATCH
from bot.registration.blocks import APPROVE_ACTION
from bot.reminders.delivery import EVENT_TYPE
from bot.settings import ReminderSettings
from scheduled import partnership_check_ins
from storage.models import Match, Need, Partnership, PartnershipStatus, Person
from storage.taxonomy import EntryStatus
from tests.conftest import ADMIN, ISU_CHANNEL
from tests.e2e.flows import (
    block_action,
    button,
    delegate,
    form_submission,
    need_values,
    offer_values,
    post_entry,
    press,
    requests_of,
    shown_view,
    submit_organisation,
)

KH, MAG, FR = "UKHMER1", "UORGMAG1", "UFRANCE1"


def dm(bot, user_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return bot.fake.delivered(bot.fake.dm_channel_id(user_id))


def scheduled_to(bot, user_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in dm(bot, user_id) if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def press_in_dm(bot, user_id: str, action_id: str, value: str, *, ts: str = "1700000000.000100"):  # type: ignore[no-untyped-def]
    channel = bot.fake.dm_channel_id(user_id)
    response = bot.slack.interaction(block_action(user_id, action_id, value, channel=channel, message_ts=ts,
                                                  response_url=bot.fake.new_response_url(user_id, channel, ts),
                                                  trigger_id=bot.fake.new_trigger_id(user_id)))
    assert response.status == 200
    bot.settle()


def button_in(message: dict, action_id: str) -> dict:
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == action_id)


def tick(bot) -> None:  # type: ignore[no-untyped-def]
    with bot.session() as session:
        partnership_check_ins.run(session, bot.clock, bot.notifier, ReminderSettings(), owner="scheduler-1",
                                  isu_channel=ISU_CHANNEL)


def test_from_an_organisations_offer_to_a_completed_partnership(bot):
    delegate(bot, KH, "KH", locale="en-GB")
    bot.fake.set_user(KH, locale="en-GB", tz="Asia/Phnom_Penh")
    delegate(bot, FR, "FR", locale="fr-FR")

    # An organisation registers, and ISU staff approve it.
    bot.fake.set_user(MAG, locale="fr-FR", tz="Europe/Paris")
    submit_organisation(bot, MAG, name="Mines Advisory Group", type="operator", seat="GB")
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)

    # Cambodia needs; the organisation offers; the bot matches them, and both accept.
    post_entry(bot, KH, "need", need_values(visibility="public"))
    post_entry(bot, MAG, "offer", offer_values(countries=["KH"]))
    with bot.session() as session:
        [match] = session.scalars(select(Match)).all()
        need_id = match.need_id
    for user_id in (KH, MAG):
        button(bot, user_id, ACCEPT_MATCH, json.dumps({"match": match.id}))

    # The match becomes a partnership: the form filled in from it, the targets and the terms added.
    press_in_dm(bot, KH, FORM_FROM_MATCH, json.dumps({"match": match.id}))
    view = shown_view(bot)
    assert view["callback_id"] == TERMS_FORM
    organisation_key = next(b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith(
        "responsibilities.org-")).removeprefix("responsibilities.")
    values = {"responsibilities.KH": "Releases the land and reports.",
              f"responsibilities.{organisation_key}": "Two survey teams for a year.",
              "targets": "120 | hectares released | 2027-03-31\n300 | survivors assisted | 2028-12-31 | "
                         "women 120, men 100, girls 40, boys 40",
              "commitments": "Mines Advisory Group | 200000 USD | 2027", "ownership": ["plan"], "rhythm": "3",
              "tell_isu": ["yes"]}
    bot.slack.interaction(form_submission(KH, TERMS_FORM, values, types={"ownership": "checkboxes",
                                                                           "rhythm": "radio_buttons",
                                                                           "tell_isu": "checkboxes"},
                                          metadata=json.loads(view["private_metadata"]),
                                          trigger_id=bot.fake.new_trigger_id(KH)))
    bot.settle()
    with bot.session() as session:
        [partnership] = session.scalars(select(Partnership)).all()
        number = partnership.id
        assert partnership.status == PartnershipStatus.PROPOSED

    # Nobody is bound by another's word: the organisation confirms, in French, and it is active.
    [terms] = [m for m in dm(bot, MAG) if "Votre confirmation est demandée" in m["text"]]
    press_in_dm(bot, MAG, CONFIRM, button_in(terms, CONFIRM)["value"])
    with bot.session() as session:
        assert session.get(Partnership, number).status == PartnershipStatus.ACTIVE

    # Three months on, in the morning in Paris and the afternoon in Phnom Penh: each is asked once.
    bot.clock.current = datetime(2027, 2, 23, 8, 30, tzinfo=UTC)
    tick(bot)
    tick(bot)
    [to_kh], [to_mag] = scheduled_to(bot, KH), scheduled_to(bot, MAG)
    assert to_kh["text"].startswith("Check-in of 23 February 2027 on partnership #1 for Cambodia")
    assert to_mag["text"].startswith("Point d'étape du 23 février 2027 sur le partenariat n° 1")
    assert "Mines Advisory Group" in to_mag["text"]

    # The organisation answers; the progress shows in /partnership show.
    press_in_dm(bot, MAG, ANSWER, button_in(to_mag, ANSWER)["value"], ts=to_mag["ts"])
    form = shown_view(bot)
    assert form["callback_id"] == ANSWER_FORM
    bot.slack.interaction(form_submission(MAG, ANSWER_FORM, {
        "rating": "at_risk", "figure.0": "60", "figure.1": "45", "disbursed": "2027 | 50000 USD",
        "comment": "Rains came <!here> early."}, types={"rating": "radio_buttons"},
        metadata=json.loads(form["private_metadata"]), trigger_id=bot.fake.new_trigger_id(MAG)))
    bot.settle()
    bot.slack.command("/partnership", f"show {number}", user_id=KH)
    shown = json.dumps(shown_view(bot)["blocks"], ensure_ascii=False)
    assert "▓▓▓▓▓░░░░░ 50 %" in shown and "60 of 120 hectares released" in shown
    assert "Rains came &lt;!here&gt; early." in shown and "<!here>" not in shown

    # The first target's date passes unmet: every party hears once, and the ISU, as they agreed.
    bot.clock.current = datetime(2027, 4, 1, 8, 30, tzinfo=UTC)
    tick(bot)
    tick(bot)
    missed = [m for m in scheduled_to(bot, KH) if "was missed" in m["text"]]
    assert len(missed) == 1 and "120 hectares released by 31 March 2027, and 60 reached so far" in missed[0]["text"]
    assert len([m for m in scheduled_to(bot, MAG) if m["text"].startswith("Un objectif du partenariat")]) == 1, [
        m["text"] for m in scheduled_to(bot, MAG)]
    assert any("was missed" in m.get("text", "") for m in bot.fake.delivered(ISU_CHANNEL))

    # Cambodia says it is completed, with one click: its need is met, and every party is told.
    payload = block_action(KH, COMPLETE, json.dumps({"partnership": number}), channel="C0GENERAL",
                           message_ts="1700000000.000500", trigger_id=bot.fake.new_trigger_id(KH),
                           response_url=bot.fake.new_response_url(KH, "C0GENERAL", "1700000000.000500"))
    del payload["response_url"]
    payload["container"], payload["view"] = {"type": "view", "view_id": "V0SHOW"}, {"id": "V0SHOW", "type": "modal"}
    bot.slack.interaction(payload)
    bot.settle()
    with bot.session() as session:
        assert session.get(Partnership, number).status == PartnershipStatus.COMPLETED
        assert session.get(Need, need_id).status == EntryStatus.MET

    # The export holds the partnership for its parties and those who oversee, for nobody else; the
    # Committee's account counts it.
    now = bot.clock.now()
    with bot.session() as session:
        def rows(user_id: str) -> list[int]:
            person = session.scalar(select(Person).where(Person.slack_user_id == user_id))
            return [r["number"] for r in collect(session, Reader.of(person), now=now)]

        assert rows(MAG) == rows(KH) == rows(ADMIN) == [number]
        assert rows(FR) == []
        draft = render(account(session, 2027, now=now), "md").decode()
    assert "- Partnerships completed in the year: 1" in draft and "- Operators: 1" in draft
    assert "| USD | $200,000.00 | $50,000.00 |" in draft
    assert "Mines Advisory Group" not in draft and "Technical survey" not in draft  # figures, naming no party
