"""Nobody is bound by another's word, over HTTP: each party's focal point gets the terms in their language
with Confirm; the partnership is active only when all have confirmed, and then everyone hears of it; a
stranger's or a forged press changes nothing."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from bot.partnerships import flows
from bot.partnerships.blocks import CHANGE, CHANGE_FORM, CONFIRM, PARTIES_FORM, TERMS_FORM
from bot.partnerships.rules import Proposal, form
from bot.partnerships.terms import Commitment, Kind, Ownership, Target, Terms
from bot.work import unit_of_work
from storage import audit
from storage.models import Partnership, PartnershipStatus
from storage.people import get_person
from tests.e2e.flows import block_action, delegate, form_submission, shown_view

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


# ------------------------------------------------------------------------------------- /partnership new

STEP1 = {"state": "static_select", "partners": "multi_static_select", "kind": "static_select"}
STEP2 = {"ownership": "checkboxes", "rhythm": "radio_buttons"}
TERMS_VALUES = {
    "responsibilities.KH": "Releases the land and reports each quarter.",
    "responsibilities.NO": "Funds the survey.", "responsibilities.JP": "Trains the teams.",
    "targets": "120 | hectares released | 2028-06-30", "commitments": "Norway | 250000 EUR | 2027",
    "ownership": ["plan", "funding"], "rhythm": "3",
}


def people_of_three(bot) -> None:  # type: ignore[no-untyped-def]
    for user_id, state in ((KH, "KH"), (NO, "NO"), (JP, "JP")):
        delegate(bot, user_id, state)


def submit(bot, callback: str, values: dict, types: dict, metadata: dict | None = None):  # type: ignore[no-untyped-def]
    response = bot.slack.interaction(form_submission(KH, callback, values, types=types,
                                                     metadata=metadata or {}, trigger_id=bot.fake.new_trigger_id(KH)))
    bot.settle()
    return response


def test_a_delegate_proposes_a_partnership_in_two_steps_and_the_partners_are_asked(bot):
    people_of_three(bot)
    assert bot.slack.command("/partnership", "new", user_id=KH).status == 200
    first = shown_view(bot)
    assert first["callback_id"] == PARTIES_FORM
    assert first["blocks"][0]["element"]["initial_option"]["value"] == "KH"  # their own State, to begin with

    second = submit(bot, PARTIES_FORM, {"state": "KH", "partners": ["NO", "JP"], "kind": "triangular"}, STEP1).json()
    assert second["response_action"] == "update" and second["view"]["callback_id"] == TERMS_FORM
    labels = [b["label"]["text"] for b in second["view"]["blocks"]][:3]
    assert labels == ["What Cambodia will do", "What Norway will do", "What Japan will do"]

    answer = submit(bot, TERMS_FORM, TERMS_VALUES, STEP2, metadata=json.loads(second["view"]["private_metadata"]))
    assert (answer.status, answer.text) == (200, "")
    with bot.session() as session:
        [partnership] = session.query(Partnership).all()
        assert Terms.from_json(partnership.terms).targets == [Target(Decimal("120"), "hectares released",
                                                                     date(2028, 6, 30))]
    assert len(dm(bot, NO)) == len(dm(bot, JP)) == 1  # the terms, with Confirm
    assert "Partnership #1 is proposed. Its terms went to Norway, Japan to confirm" in dm(bot, KH)[-1]["text"]


def test_a_target_without_a_date_or_a_bad_amount_is_named_and_nothing_is_stored(bot):
    people_of_three(bot)
    metadata = {"state": "KH", "partners": ["NO"], "kind": "bilateral"}
    values = {**TERMS_VALUES, "targets": "120 | hectares released", "commitments": "Norway | -5 EUR | 2027"}
    del values["responsibilities.JP"]
    errors = submit(bot, TERMS_FORM, values, STEP2, metadata=metadata).json()["errors"]
    assert errors["targets"].startswith("Line 1 is not written as figure | unit | date")
    assert errors["commitments"].startswith("Line 1: the amount must be a number above zero")
    with bot.session() as session:
        assert session.query(Partnership).count() == 0


def test_the_first_step_refuses_a_partner_that_is_the_state_itself_and_a_state_one_is_not_party_to(bot):
    people_of_three(bot)
    errors = submit(bot, PARTIES_FORM, {"state": "KH", "partners": ["KH"], "kind": "bilateral"}, STEP1).json()
    assert errors["errors"]["partners"].startswith("The affected State is a party already")
    errors = submit(bot, PARTIES_FORM, {"state": "SN", "partners": ["NO"], "kind": "bilateral"}, STEP1).json()
    assert errors["errors"]["state"].startswith("You can propose a partnership your own State is a party to")


def test_second_step_metadata_the_bot_did_not_write_is_refused_politely(bot):
    people_of_three(bot)
    response = submit(bot, TERMS_FORM, TERMS_VALUES, STEP2, metadata={"state": "KH", "partners": "everyone"})
    assert "out of date" in json.dumps(response.json())
    with bot.session() as session:
        assert session.query(Partnership).count() == 0


def test_someone_not_registered_is_told_how_to_register(bot):
    response = bot.slack.command("/partnership", "new", user_id="UNOBODY")
    assert "Type `/pfp register` to register" in response.json()["text"]


# ------------------------------------------------------------------------------- show and list

def test_a_party_reads_its_partnership_and_lists_its_own_and_a_stranger_sees_neither(bot):
    partnership = formed(bot)
    assert bot.slack.command("/partnership", f"show {partnership.id}", user_id=NO).status == 200
    view = shown_view(bot)
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert view["blocks"][0]["text"]["text"] == "*Status:* waiting for confirmations from Norway, Japan"
    assert "Funds the survey." in shown and "120 hectares released by 30 June 2028" in shown

    assert bot.slack.command("/partnership", "list", user_id=NO).status == 200
    bot.settle()
    listed = [c.body for c in bot.fake.calls_to("response_url")][-1]
    assert "• #1 for Cambodia (triangular): waiting for confirmations" in json.dumps(listed["blocks"], ensure_ascii=False)

    assert bot.slack.command("/partnership", f"show {partnership.id}", user_id=FR).status == 200  # not a party
    assert "Il n'y a pas de partenariat numéro 1 que vous puissiez voir" in json.dumps(
        shown_view(bot)["blocks"], ensure_ascii=False)
    bot.slack.command("/partnership", "list", user_id=FR)
    bot.settle()
    assert "Aucun partenariat pour l'instant" in [c.body for c in bot.fake.calls_to("response_url")][-1]["text"]


def test_an_unknown_word_says_what_the_command_does(bot):
    delegate(bot, KH, "KH")
    assert "`/partnership list` to see yours" in bot.slack.command("/partnership", "delete 1", user_id=KH).json()["text"]


# ------------------------------------------------------------------------------------ propose a change

def press_change(bot, user_id: str, value: str) -> dict:  # type: ignore[no-untyped-def]
    channel = bot.fake.dm_channel_id(user_id)
    bot.slack.interaction(block_action(user_id, CHANGE, value, channel=channel, message_ts="1700000000.000100",
                                       response_url=bot.fake.new_response_url(user_id, channel, "1700000000.000100"),
                                       trigger_id=bot.fake.new_trigger_id(user_id)))
    return shown_view(bot)


def test_a_change_proposed_is_a_new_version_that_goes_back_to_every_other_party(bot):
    partnership = formed(bot)
    [norway] = dm(bot, NO)
    change_button = next(e for b in norway["blocks"] if b["type"] == "actions" for e in b["elements"]
                         if e["action_id"] == CHANGE)
    view = press_change(bot, NO, change_button["value"])
    assert view["callback_id"] == CHANGE_FORM
    fields = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert fields["responsibilities.NO"]["element"]["initial_value"] == "Funds the survey."
    assert fields["targets"]["element"]["initial_value"] == (
        "120 | hectares released | 2028-06-30\n300 | survivors assisted | 2028-12-31 | women 120, men 100, girls 40, "
        "boys 40")
    assert fields["commitments"]["element"]["initial_value"] == (
        "Norway | 250000 EUR | 2027\nJapan | in kind | training of two survey teams")
    assert [o["value"] for o in fields["ownership"]["element"]["initial_options"]] == ["plan", "funding"]

    values = {f"responsibilities.{k}": v for k, v in (("KH", "Releases the land."), ("NO", "Funds the survey."),
                                                       ("JP", "Trains the teams."))}
    values.update(targets="150 | hectares released | 2028-06-30", commitments="Norway | 300000 EUR | 2027",
                  ownership=["plan"], rhythm="6")
    response = bot.slack.interaction(form_submission(NO, CHANGE_FORM, values, types=STEP2,
                                                     metadata=json.loads(view["private_metadata"]),
                                                     trigger_id=bot.fake.new_trigger_id(NO)))
    bot.settle()
    assert (response.status, response.text) == (200, "")
    with bot.session() as session:
        changed = session.get(Partnership, partnership.id)
        assert (changed.version, changed.status) == (2, PartnershipStatus.PROPOSED)
        assert Terms.from_json(changed.terms).targets[0].figure == Decimal(150)
        assert {p.key: p.confirmed_version for p in changed.parties} == {"KH": 1, "NO": 2, "JP": None}
        [change] = audit.entries(session, action="partnership.change_proposed")
        assert change.actor == NO and change.before["version"] == 1
    assert len(dm(bot, KH)) == 1 and len(dm(bot, JP)) == 2  # the new terms, to both others
    assert "version 2" in dm(bot, NO)[-1]["text"]
    # Japan's first message showed version 1: confirming it now confirms nothing.
    [japan_first] = dm(bot, JP)[:1]
    assert "Les termes ont changé depuis que vous les avez lus" in press(bot, JP, confirm_button(japan_first)["value"])["text"]


def test_only_a_party_proposes_a_change_and_a_forged_change_form_stores_nothing(bot):
    partnership = formed(bot)
    view = press_change(bot, FR, json.dumps({"partnership": partnership.id, "version": 1}))
    assert "Seuls les délégués d'une partie à ce partenariat" in json.dumps(view["blocks"], ensure_ascii=False)
    values = {"responsibilities.KH": "x", "responsibilities.NO": "y", "targets": "1 | a | 2028-01-01", "rhythm": "3"}
    response = bot.slack.interaction(form_submission(NO, CHANGE_FORM, values, types=STEP2,
                                                     metadata={"partnership": "1; drop", "version": 1},
                                                     trigger_id=bot.fake.new_trigger_id(NO)))
    assert "out of date" in response.text
    response = bot.slack.interaction(form_submission(NO, CHANGE_FORM, values, types=STEP2,
                                                     metadata={"partnership": partnership.id, "version": 1,
                                                               "parties": ["KH", "NO"]},
                                                     trigger_id=bot.fake.new_trigger_id(NO)))
    bot.settle()  # the form named two of the three parties: a form the bot did not write
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).version == 1
        assert [e.actor for e in audit.entries(session, action="partnership.refused")] == [FR]
