"""Article 7 reports in Slack, over real HTTP: the **Report submitted** button of the reminders pressed by
a delegate of the State (recorded, told, the button replaced), by another State's delegate (refused,
audited, nothing recorded), with values the bot never wrote (out of date); and `/pfp admin article7
received` for ISU staff only."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from bot.i18n import Translator
from bot.payloads import STALE_BUTTON
from bot.reminders.article7_blocks import SUBMITTED, submitted_button, submitted_value
from storage import audit
from storage.models import Article7Report, ReportSource
from tests.conftest import ADMIN
from tests.e2e.flows import button, delegate, ephemeral_texts

KH, KH2, NO = "UKHMER1", "UKHMER2", "UNORWAY1"
THANKS = ("Thank you: the Article 7 report of Cambodia for 2027 is recorded as received. No more reminders will "
          "come for it.")


@pytest.fixture
def log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def assert_calm(log) -> None:
    assert "Traceback" not in log.text and not any(r.exc_info for r in log.records), log.text


def reports(bot) -> list[tuple]:
    with bot.session() as session:
        rows = session.scalars(select(Article7Report).order_by(Article7Report.state_code, Article7Report.year))
        return [(r.state_code, r.year, str(r.received_on), r.recorded_by, r.source) for r in rows]


def refusals(bot) -> list[tuple]:
    with bot.session() as session:
        return [(e.actor, e.subject, e.detail) for e in audit.entries(session, action="article7.refused")]


def admin(bot, text: str, user_id: str = ADMIN) -> str:
    response = bot.slack.command("/pfp", f"admin {text}", user_id=user_id)
    assert response.status == 200, response.text
    return response.json()["text"]


# ------------------------------------------------------------------------------------ the button


def test_the_button_is_what_the_reminders_carry():
    element = submitted_button(Translator("fr"), "KH", 2027).to_dict()
    assert (element["action_id"], json.loads(element["value"])) == ("article7.submitted", {"state": "KH", "year": 2027})
    assert SUBMITTED == "article7.submitted" and submitted_value("KH", 2027) == element["value"]
    assert element["text"]["text"] == "Rapport remis"
    assert "Cambodge" in element["confirm"]["text"]["text"]
    with pytest.raises(ValueError):
        submitted_button(Translator(), "kh", 2027)


def test_a_delegate_of_the_state_presses_it_and_the_report_is_recorded(bot):
    delegate(bot, KH, "KH")
    response = button(bot, KH, SUBMITTED, submitted_value("KH", 2027))
    assert response.status == 200 and response.text == ""
    assert reports(bot) == [("KH", 2027, "2026-11-23", KH, ReportSource.BUTTON)]
    [told] = bot.fake.calls_to("response_url")
    assert (told.body["text"], told.body["replace_original"]) == (THANKS, True)  # the DM's button is gone
    with bot.session() as session:
        [entry] = audit.entries(session, action="article7.received")
    assert (entry.actor, entry.subject, entry.at) == (KH, "article7:KH:2027", bot.clock.now())


def test_a_second_delegate_pressing_it_later_is_told_it_was_already_recorded(bot):
    delegate(bot, KH, "KH")
    delegate(bot, KH2, "KH", focal=False, locale="fr-FR")
    button(bot, KH, SUBMITTED, submitted_value("KH", 2027))
    bot.clock.advance(days=1)
    button(bot, KH2, SUBMITTED, submitted_value("KH", 2027))
    assert ephemeral_texts(bot)[-1] == (
        "Le rapport au titre de l'article 7 pour 2027 (Cambodge) avait déjà été enregistré le 23 novembre 2026 "
        "(reçu le 23 novembre 2026). Aucun autre rappel ne sera envoyé à son sujet.")
    assert reports(bot) == [("KH", 2027, "2026-11-23", KH, ReportSource.BUTTON)]
    with bot.session() as session:
        assert len(audit.entries(session, action="article7.received")) == 1


def test_isu_staff_may_press_it_for_any_state(bot):
    button(bot, ADMIN, SUBMITTED, submitted_value("NO", 2027))
    assert reports(bot) == [("NO", 2027, "2026-11-23", ADMIN, ReportSource.BUTTON)]


@pytest.mark.parametrize("who", ["another State's delegate", "someone not registered"])
def test_anyone_else_pressing_it_is_refused_audited_and_nothing_is_recorded(bot, log, who):
    if who == "another State's delegate":
        delegate(bot, NO, "NO")
    response = button(bot, NO, SUBMITTED, submitted_value("KH", 2027))  # a forged button
    assert response.status == 200
    assert ephemeral_texts(bot) == [
        "Only ISU staff and the delegates of Cambodia can record its Article 7 report. Nothing was recorded."]
    assert reports(bot) == []
    assert refusals(bot) == [(NO, "article7:KH:2027", "button")]
    assert_calm(log)


@pytest.mark.parametrize("value", [
    '{"state": "kh", "year": 2027}', '{"state": "KH", "year": 1e400}', '{"state": "KH", "year": -1e400}',
    '{"state": "KH", "year": "2027"}', '{"state": "KH", "year": 2027.0}', '{"state": "KH", "year": true}',
    '{"state": "KH", "year": 99999999999999999999}', '{"state": "KH", "year": 0}', '{"state": "KHM", "year": 2027}',
    '{"state": "K", "year": 2027}', '{"state": ["KH"], "year": 2027}', '{"state": "\\u041a\\u041d", "year": 2027}',
    '{"state": "KH"}', '{"year": 2027}', "{}", "[]", '"KH"', "KH 2027", "", '{"state": "KH", "year": NaN}',
])
def test_a_value_the_bot_never_wrote_is_out_of_date_and_nothing_is_stored(bot, log, value):
    delegate(bot, KH, "KH")
    response = button(bot, KH, SUBMITTED, value)
    assert response.status == 200
    assert ephemeral_texts(bot) == [STALE_BUTTON]
    assert reports(bot) == [] and refusals(bot) == []
    assert_calm(log)


def test_a_button_for_a_year_no_report_can_be_recorded_for_says_which_years_are(bot):
    delegate(bot, KH, "KH")
    button(bot, KH, SUBMITTED, submitted_value("KH", 2031))
    assert ephemeral_texts(bot)[-1].startswith("2031 is not a year a report can be recorded for.")
    assert reports(bot) == []


# ------------------------------------------------------------------------------------ /pfp admin


def test_isu_staff_record_a_report_with_pfp_admin(bot):
    assert admin(bot, "article7 received KH 2027") == THANKS
    assert admin(bot, "ARTICLE7 Received no 2027 2026-11-02") == (
        "Thank you: the Article 7 report of Norway for 2027 is recorded as received. No more reminders will come "
        "for it.")
    assert admin(bot, "article7 received KH 2027") == (
        "The Article 7 report of Cambodia for 2027 was already recorded on 23 November 2026 (received on 23 November "
        "2026). No more reminders will come for it.")
    assert reports(bot) == [("KH", 2027, "2026-11-23", ADMIN, ReportSource.COMMAND),
                            ("NO", 2027, "2026-11-02", ADMIN, ReportSource.COMMAND)]


@pytest.mark.parametrize("user", [KH, NO])
def test_a_delegate_typing_pfp_admin_article7_is_refused_even_for_their_own_state(bot, user):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    assert admin(bot, "article7 received KH 2027", user_id=user) == (
        "Only ISU staff record reports by command; a delegate presses *Report submitted* in the bot's reminder. "
        "Nothing was recorded.")
    assert reports(bot) == []
    assert refusals(bot) == [(user, "article7:KH:2027", "command")]


@pytest.mark.parametrize(("text", "answer"), [
    ("article7 received ZZ 2027", "ZZ is not a State Party the bot knows. Write the State's two-letter ISO code in "
                                  "capitals, for example KH for Cambodia."),
    ("article7 received KH 1998", "1998 is not a year a report can be recorded for. The year is that of the 30 "
                                  "April deadline (2027 for the report covering 2026): from 1999, when the "
                                  "Convention entered into force, to 2027, for a report sent before its deadline."),
    ("article7 received KH 2027 2026-12-01", "A report for 2027 (covering 2026) is received between 1 January 2026 "
                                             "and today, 23 November 2026."),
])
def test_pfp_admin_article7_says_what_is_accepted(bot, text, answer):
    assert admin(bot, text) == answer
    assert reports(bot) == []


@pytest.mark.parametrize("text", ["article7", "article7 received", "article7 received KH", "article7 received KH 27",
                                  "article7 received Cambodia 2027", "article7 sent KH 2027",
                                  "article7 received KH 2027 12/04/2027", "article7 received KH 2027 2026-02-30"])
def test_a_malformed_pfp_admin_article7_explains_it(bot, text):
    assert admin(bot, text) == (
        "Type `/pfp admin article7 received KH 2027`: the State's ISO code and the year of the 30 April deadline "
        "(2027 for the report covering 2026), then, if it was not received today, the day it was, as YYYY-MM-DD.")
    assert reports(bot) == []


def test_the_usage_of_pfp_admin_mentions_article7_for_isu_staff_only(bot):
    assert admin(bot, "promote <@UX1> isu") == (
        "Type `/pfp admin grant @person isu`, `/pfp admin revoke @person committee` or "
        "`/pfp admin article7 received KH 2027`.")
    assert admin(bot, "promote <@UX1> isu", user_id=KH) == (
        "Type `/pfp admin grant @person isu` or `/pfp admin revoke @person committee`.")
    assert admin(bot, "grant <@UCOMM1> committee") == "<@UCOMM1> is now committee member."  # grant|revoke as before


def test_help_shows_isu_staff_how_to_record_a_report(bot):
    response = bot.slack.command("/pfp", "help", user_id=ADMIN)
    assert "`/pfp admin article7 received KH 2027`" in response.json()["text"]
    bot.fake.set_user(KH, locale="en-GB")
    assert "article7" not in bot.slack.command("/pfp", "help", user_id=KH).json()["text"]
