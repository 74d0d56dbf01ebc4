"""`/pfp help`, `/pfp whoami`, unknown words, and the commands still to come, in the user's language."""

from __future__ import annotations

import json

import pytest

from bot.registration.blocks import APPROVE_ACTION
from tests.conftest import ADMIN
from tests.e2e.flows import press, register, requests_of, shown_view


def answer(bot, text: str, user_id: str, command: str = "/pfp") -> dict:
    response = bot.slack.command(command, text, user_id=user_id)
    assert response.status == 200, response.text
    body = response.json()
    assert body.get("response_type", "ephemeral") == "ephemeral"
    assert body["blocks"][0]["text"]["text"] == body["text"]
    return body


def test_help_lists_the_commands_and_hides_admin_ones_from_delegates(bot):
    bot.fake.set_user("UDELEG1", locale="en-US")
    text = answer(bot, "help", "UDELEG1")["text"]
    assert "`/pfp register`" in text and "`/need`" in text
    assert "admin grant" not in text
    assert "`/pfp admin grant @person isu|committee|president|other_committee`" in answer(bot, "help", ADMIN)["text"]
    assert answer(bot, "", "UDELEG1")["text"] == text  # a bare /pfp is help


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("fr-FR", "indiquer l'État partie que vous représentez"),
        ("es-ES", "indicar qué Estado parte representa"),
        ("en-GB", "say which State Party you represent"),
        ("ru-RU", "say which State Party you represent"),  # no catalog yet: English
    ],
)
def test_help_answers_in_the_language_the_person_set_in_slack(bot, locale, expected):
    bot.fake.set_user("UDELEG1", locale=locale)
    assert expected in answer(bot, "help", "UDELEG1")["text"]


def test_whoami_follows_registration(bot):
    assert "You are not registered for a State yet: type `/pfp register`." in answer(bot, "whoami", "UDELEG1")["text"]
    register(bot, "UDELEG1", state="KH", focal="yes")
    assert "Your request of 23 November 2026 for Cambodia is waiting for ISU staff." in answer(
        bot, "whoami", "UDELEG1"
    )["text"]
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    assert "You are the focal point of *Cambodia*." in answer(bot, "whoami", "UDELEG1")["text"]
    assert "You are ISU staff" in answer(bot, "whoami", ADMIN)["text"]


def test_whoami_in_french_names_the_state_in_french(bot):
    bot.fake.set_user("UDELEG1", locale="fr-FR")
    register(bot, "UDELEG1", state="DE")
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    assert "Allemagne" in answer(bot, "whoami", "UDELEG1")["text"]
    dm = bot.fake.calls_to("chat.postMessage")[-1].body["text"]
    assert "Allemagne" in dm and "approuvé" in dm


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("<!channel>", "`/pfp &lt;!channel&gt;`"),
        ("<@U0BOSS>", "`/pfp &lt;@U0BOSS&gt;`"),
        ("<https://evil.example|click>", "`/pfp &lt;https://evil.example|click&gt;`"),
        ("x" * 4000, "`/pfp " + "x" * 40 + "…`"),
    ],
)
def test_an_unknown_word_is_shown_as_plain_text_and_never_pings(bot, typed, shown):
    text = answer(bot, typed, "UDELEG1")["text"]
    assert text == f"I do not know {shown}. Type `/pfp help` to see what I can do."


def test_meeting_from_someone_not_registered_says_how_to_register(bot):
    response = bot.slack.command("/meeting", "", user_id="UDELEG1")
    assert response.status == 200
    bot.settle()
    shown = json.dumps(shown_view(bot))
    assert "/pfp register" in shown
