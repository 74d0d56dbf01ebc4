"""The partnerships on the App Home, over HTTP with the Slack stand-in: a party's people see theirs with a bar
for each target of an active one; ISU staff and the Committee see how all of them go, and the needs that
found no partner (a Committee member, only those whose State consented to the mapping); anyone else, none."""

from __future__ import annotations

import json

from tests.conftest import ADMIN
from tests.partnership_seeds import (
    COMMITTEE,
    FR,
    HALO,
    JP,
    KH,
    NAMED_NEED,
    NO,
    NOW,
    UNCONSENTED_NEED,
    seed,
)

OVERVIEW = "Partnerships for completion"
UNPARTNERED = "Needs that have found no partner in six months"


def open_home(bot, user_id: str) -> str:
    response = bot.slack.event({"type": "app_home_opened", "user": user_id, "channel": "D0HOME", "tab": "home",
                                "event_ts": "1700000000.000200"})
    assert response.status == 200
    bot.settle()
    call = bot.fake.calls_to("views.publish")[-1].body
    assert call["user_id"] == user_id
    return json.dumps(call["view"], ensure_ascii=False)


def seeded(bot):
    bot.clock.current = NOW
    for user_id in (KH, NO, JP, FR, COMMITTEE, HALO):
        bot.fake.set_user(user_id, locale="en-GB")
    with bot.session() as session:
        return seed(session)


def test_a_partys_delegate_sees_their_partnerships_with_a_bar_for_each_target(bot):
    s = seeded(bot)
    home = open_home(bot, NO)
    assert "Your partnerships" in home
    assert f"*#{s.partnerships['P1']}* for Cambodia (triangular): active" in home
    assert "▓▓▓▓▓░░░░░ 50 % 60 of 120 hectares released, by 30 June 2028" in home
    assert "▓▓▓▓▓▓▓▓▓▓ 100 % 300 of 300 survivors assisted, by 30 June 2027" in home
    assert "*Pledged and disbursed*" in home and "*Last check-ins*" in home  # as /partnership show has them
    assert f"*#{s.partnerships['P4']}* for Cambodia (multi-partner): completed" in home
    assert "villages reached" not in home  # a completed one: its status, no bars
    assert f"#{s.partnerships['P2']}*" not in home  # Japan's, not Norway's
    assert OVERVIEW not in home and UNPARTNERED not in home  # the overview is for those who oversee

    japan = open_home(bot, JP)
    assert "▓▓░░░░░░░░ 20 %" in japan and "km² surveyed, by 30 September 2027" in japan and "At risk" in japan
    assert "hectares released" in open_home(bot, HALO)  # an organisation's people: theirs too


def test_another_states_delegate_sees_no_partnership(bot):
    seeded(bot)
    home = open_home(bot, FR)
    assert "Your partnerships" not in home and OVERVIEW not in home and "Cambodia" not in home


def test_isu_staff_see_the_overview_and_every_need_without_a_partner(bot):
    s = seeded(bot)
    home = open_home(bot, ADMIN)
    assert "Waiting for confirmations: 1 · Active: 2 · At risk: 1 · Completed: 2" in home
    assert f"{UNPARTNERED}:* 2" in home
    assert f"#{s.needs[NAMED_NEED]} Colombia · Risk education · {NAMED_NEED}" in home
    assert UNCONSENTED_NEED in home  # the ISU sees every need
    assert "Your partnerships" not in home  # ISU staff are party to none


def test_a_committee_member_sees_the_overview_and_only_the_needs_mapped_with_consent(bot):
    seeded(bot)
    home = open_home(bot, COMMITTEE)
    assert "Waiting for confirmations: 1 · Active: 2 · At risk: 1 · Completed: 2" in home
    assert f"{UNPARTNERED}:* 2" in home and NAMED_NEED in home
    assert UNCONSENTED_NEED not in home and "SECRET" not in home
    assert "Not shown here: 1." in home


def test_the_sections_in_french(bot):
    seeded(bot)
    bot.fake.set_user(NO, locale="fr-FR")
    with bot.session() as session:
        from storage.people import get_person

        get_person(session, NO).locale = "fr"
        session.commit()
    home = open_home(bot, NO)
    assert "Vos partenariats" in home and "pour Cambodge" in home
