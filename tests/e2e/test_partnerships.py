"""Nobody is bound by another's word, over HTTP: each party's focal point gets the terms in their language
with Confirm; the partnership is active only when all have confirmed, and then everyone hears of it; a
stranger's or a forged press changes nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from bot.partnerships import flows
from bot.partnerships.blocks import CONFIRM
from bot.partnerships.rules import Proposal, form
from bot.partnerships.terms import Commitment, Kind, Ownership, Target, Terms
from bot.work import unit_of_work
from storage import audit
from storage.models import Partnership, PartnershipStatus
from storage.people import get_person
from tests.e2e.flows import block_action, delegate

KH, NO, JP, FR = "UKHMER1", "UNORWAY1", "UJAPAN1", "UFRANCE1"
TERMS = Terms(targets=[Target(Decimal("120"), "hectares released", date(2028, 6, 30)),
                       Target(Decimal("300"), "survivors assisted", date(2028, 12, 31),
                              {"women": 120, "men": 100, "girls": 40, "boys": 40})],
              commitments=[Commitment("Norway", amount=Decimal("250000"), currency="EUR", year=2027),
                           Commitment("Japan", in_kind="training of two survey teams")],
              ownership=[Ownership.PLAN, Ownership.FUNDING])


def formed(bot) -> Partnership:  # type: ignore[no-untyped-def]
    for user_id, state, locale in ((KH, "KH", "en-GB"), (NO, "NO", "en-GB"), (JP, "JP", "fr-FR"),
                                   (FR, "FR", "fr-FR")):
        delegate(bot, user_id, state, locale=locale)
    with bot.session() as session, unit_of_work(session):
        partnership = form(session, get_person(session, KH), Proposal(
            state_code="KH", kind=Kind.TRIANGULAR, terms=TERMS, source="match:1",
            responsibilities={"KH": "Releases the land <!channel>", "NO": "Funds the survey.",
                              "JP": "Trains the teams."}), now=bot.clock.now())
    with bot.session() as session:
        partnership = session.get(Partnership, partnership.id)
        assert flows.ask_parties(session, bot.notifier, partnership) == []
    return partnership


def dm(bot, user_id: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return bot.fake.delivered(bot.fake.dm_channel_id(user_id))


def press(bot, user_id: str, value: str):  # type: ignore[no-untyped-def]
    response_url = bot.fake.new_response_url(user_id, bot.fake.dm_channel_id(user_id), "1700000000.000100")
    response = bot.slack.interaction(block_action(user_id, CONFIRM, value, channel=bot.fake.dm_channel_id(user_id),
                                                  message_ts="1700000000.000100", response_url=response_url,
                                                  trigger_id=bot.fake.new_trigger_id(user_id)))
    assert response.status == 200
    bot.settle()
    return [c.body for c in bot.fake.calls_to("response_url")][-1]


def confirm_button(message: dict) -> dict:
    return next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == CONFIRM)


def test_each_party_confirms_for_its_own_state_and_then_it_is_active(bot):
    partnership = formed(bot)
    assert dm(bot, KH) == []  # Cambodia proposed it: its word is given
    [norway], [japan] = dm(bot, NO), dm(bot, JP)
    shown = json.dumps(norway["blocks"], ensure_ascii=False)
    assert "Releases the land &lt;!channel&gt;" in shown and "<!channel>" not in shown  # typed text is text
    assert "€250,000.00 in 2027" in shown and "women 120, men 100, girls 40, boys 40" in shown
    assert japan["text"] == "Votre confirmation est demandée pour le partenariat n° 1 pour Cambodge."  # their language

    answer = press(bot, NO, confirm_button(norway)["value"])
    assert answer["replace_original"] is True and "Still to confirm: Japan" in answer["text"]
    assert all(b["type"] != "actions" for b in answer["blocks"])  # the terms stay, the button goes
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.PROPOSED

    answer = press(bot, JP, confirm_button(japan)["value"])
    assert answer["text"] == ("Vous avez confirmé le partenariat n° 1. Toutes les parties ont confirmé : il est "
                              "désormais actif.")
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.ACTIVE
    for user_id in (KH, NO, JP):
        assert any("is active: every party" in m["text"] or "est actif : toutes" in m["text"]
                   for m in dm(bot, user_id))


def test_a_delegate_of_no_party_pressing_confirm_is_refused_and_audited(bot):
    partnership = formed(bot)
    answer = press(bot, FR, json.dumps({"partnership": partnership.id, "version": 1}))
    assert "Seuls les délégués d'une partie à ce partenariat" in answer["text"]  # in their language
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.PROPOSED
        [refused] = audit.entries(session, action="partnership.refused")
        assert refused.actor == FR


def test_a_forged_or_stale_confirm_is_refused_politely(bot):
    partnership = formed(bot)
    forged = press(bot, NO, json.dumps({"partnership": "all", "version": 1}))
    assert "out of date" in forged["text"]
    stale = press(bot, NO, json.dumps({"partnership": partnership.id, "version": 7}))
    assert "The terms changed since you read them" in stale["text"]
    with bot.session() as session:
        assert all(p.confirmed_version in (None, 1) for p in session.get(Partnership, partnership.id).parties)
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.PROPOSED
