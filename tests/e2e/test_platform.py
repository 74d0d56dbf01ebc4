"""/need and /offer over real HTTP: posting, confirming, announcing, editing, closing, and bad input."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import func, select

from bot.payloads import STALE_BUTTON
from bot.platform.blocks import CONFIRM, EDIT, MET, WITHDRAW
from storage import audit
from storage.models import Need, Offer
from storage.taxonomy import EntryStatus, Kind, to_mask
from tests.conftest import ADMIN, PLATFORM_CHANNEL
from tests.e2e.flows import button, delegate, ephemeral_texts, need_values, offer_values, post_entry, shown_view

KH, NO = "UKHMER1", "UNORWAY1"


def needs(bot) -> list[Need]:
    with bot.session() as session:
        return list(session.scalars(select(Need).order_by(Need.id)))


def count(bot, model) -> int:
    with bot.session() as session:
        return session.scalar(select(func.count()).select_from(model))


def ephemerals(bot) -> list[dict]:
    return [c.body for c in bot.fake.calls_to("chat.postEphemeral")]


def test_need_opens_its_form_with_the_fresh_trigger_slack_gave_the_command(bot):
    delegate(bot, KH, "KH")
    trigger = bot.fake.new_trigger_id(KH)
    assert bot.slack.command("/need", "", user_id=KH, trigger_id=trigger).status == 200
    [opened] = bot.fake.wait_for("views.open")
    assert opened.body["trigger_id"] == trigger
    bot.settle()
    [form] = bot.fake.views(KH)  # Slack took it: the person sees the form
    assert form["callback_id"] == "need_form"
    # The bot exchanged it (within its 3 seconds): Slack takes a trigger once.
    again = WebClient(base_url=bot.fake.base_url, token=bot.fake.token, retry_handlers=[])
    with pytest.raises(SlackApiError) as refused:
        again.views_open(trigger_id=trigger, view=opened.body["view"])
    assert refused.value.response["error"] == "exchanged_trigger_id"


def test_need_opens_a_form_and_saving_it_confirms_the_number_and_announces_it(bot):
    delegate(bot, KH, "KH")
    response = bot.slack.command("/need", "", user_id=KH)
    assert response.status == 200 and response.text == ""
    form = bot.fake.wait_for("views.open")[0].body["view"]
    assert form["callback_id"] == "need_form"
    assert [b["block_id"] for b in form["blocks"]][:3] == ["area", "kinds", "challenges"]

    saved = post_entry(bot, KH, "need", need_values())

    assert saved.status == 200 and saved.text == ""  # the modal closes
    [need] = needs(bot)
    assert (need.state_code, need.area, need.kinds) == ("KH", "clearance", to_mask([Kind.EQUIPMENT, Kind.EXPERTISE]))
    assert (need.amount, need.currency, need.location, need.consent_to_mapping) == (
        Decimal("250000.00"), "USD", "Battambang", True)
    [confirmation] = ephemerals(bot)
    assert confirmation["channel"] == "C0GENERAL" and confirmation["user"] == KH
    assert confirmation["text"].startswith(f"Saved: Need #{need.id}.")
    announced = [c.body for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == PLATFORM_CHANNEL]
    assert len(announced) == 1 and "New need for assistance from Cambodia" in announced[0]["text"]
    with bot.session() as session:
        [posted] = audit.entries(session, action="need.posted")
    assert posted.actor == KH and posted.after["title"] == "Technical survey in the north-west"


@pytest.mark.parametrize("visibility", ["states", "isu"])
def test_entries_not_public_are_never_announced(bot, visibility):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values(visibility=visibility))
    assert count(bot, Need) == 1
    assert [c for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == PLATFORM_CHANNEL] == []


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"title": "", "description": "  ", "kinds": [], "area": None},
         {"title": "Please fill this in.", "description": "Please fill this in.",
          "kinds": "Please choose at least one.", "area": "Please choose one."}),
        ({"description": "x" * 3001}, {"description": "Please shorten this to 3000 characters (it has 3001)."}),
        ({"amount": "a lot"}, {"amount": "Write the amount in figures, for example 250000 or 250,000.50."}),
        ({"amount": "-5"}, {"amount": "The amount cannot be negative."}),
        ({"currency": "XYZ"}, {"currency": "'XYZ' is not a currency code: use three letters such as USD, EUR or CHF."}),
        ({"currency": ""}, {"currency": "Say which currency the amount is in (USD, EUR, CHF...)."}),
        ({"starts_on": "2027-06-01", "ends_on": "2027-01-01"}, {"ends_on": "The end date is before the start date."}),
        ({"area": "world_peace"}, {"area": "Please choose one of the options."}),
        ({"visibility": "everyone"}, {"visibility": "Please choose one of the options."}),
    ],
)
def test_bad_need_input_is_reported_on_its_field_and_nothing_is_stored(bot, changes, errors):
    delegate(bot, KH, "KH")
    response = post_entry(bot, KH, "need", need_values(**changes))
    assert response.json() == {"response_action": "errors", "errors": errors}
    assert count(bot, Need) == 0
    assert ephemerals(bot) == []


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"languages": [], "areas": []}, {"languages": "Please choose at least one.", "areas": "Please choose at least one."}),
        ({"countries": ["KH", "US"]}, {"countries": "Choose the States from the list."}),
        ({"amount": "1,5e3x"}, {"amount": "Write the amount in figures, for example 250000 or 250,000.50."}),
    ],
)
def test_bad_offer_input_is_reported_and_nothing_is_stored(bot, changes, errors):
    delegate(bot, NO, "NO")
    response = post_entry(bot, NO, "offer", offer_values(**changes))
    assert response.json() == {"response_action": "errors", "errors": errors}
    assert count(bot, Offer) == 0


def test_amounts_are_read_in_the_posters_language(bot):
    delegate(bot, KH, "SN", locale="fr-FR")
    assert post_entry(bot, KH, "need", need_values(amount="250 000,50", currency="xof")).text == ""
    [need] = needs(bot)
    assert (need.amount, need.currency) == (Decimal("250000.50"), "XOF")


def test_mrkdwn_and_mentions_typed_in_an_entry_are_shown_as_plain_text(bot):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values(title="<!channel> urgent", description="see <https://evil.example|here> <@U0BOSS>"))
    shown = json.dumps([c.body for c in bot.fake.calls if c.method in ("chat.postEphemeral", "chat.postMessage")])
    assert "&lt;!channel&gt; urgent" in shown and "&lt;https://evil.example|here&gt;" in shown
    assert "<!channel>" not in shown and "<https://evil" not in shown and "<@U0BOSS>" not in shown
    assert needs(bot)[0].title == "<!channel> urgent"  # stored as typed


def test_someone_not_registered_is_told_how_to_register_and_cannot_post(bot):
    response = bot.slack.command("/need", "", user_id="UNOBODY")
    assert response.json()["text"] == (
        "Only registered delegates can post for their State. Type `/pfp register` to register; "
        "ISU staff will confirm it."
    )
    assert bot.fake.calls_to("views.open") == []
    forged = post_entry(bot, "UNOBODY", "need", need_values())
    assert forged.json()["response_action"] == "errors"
    assert "Type `/pfp register`" in next(iter(forged.json()["errors"].values()))
    assert count(bot, Need) == 0


def test_an_entry_number_that_does_not_exist(bot):
    delegate(bot, KH, "KH")
    for text in ("show 999", "edit 999"):
        # The modal opens at once (its trigger lives 3 seconds) and then says what stopped it.
        assert bot.slack.command("/need", text, user_id=KH).status == 200
        assert shown_view(bot)["blocks"] == [{"type": "section", "text": {
            "type": "mrkdwn", "text": "There is no need number 999. Type `/pfp browse` to see the entries you can open."}}]
    assert bot.slack.command("/offer", "show twelve", user_id=KH).json()["text"] == (
        "Type `/offer` to post, `/offer list` to browse, `/offer show 12` or `/offer edit 12`."
    )


def test_editing_from_the_message_button_prefills_the_form_and_audits_before_and_after(bot):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values())
    need = needs(bot)[0]
    value = json.dumps({"side": "need", "id": need.id})
    button(bot, KH, EDIT, value)
    form = shown_view(bot)
    by_block = {b["block_id"]: b for b in form["blocks"]}
    assert by_block["title"]["element"]["initial_value"] == "Technical survey in the north-west"
    assert json.loads(form["private_metadata"])["id"] == need.id

    bot.clock.advance(days=3)
    post_entry(bot, KH, "need", need_values(title="Survey, phase 2", amount="300000"), entry_id=need.id)

    edited = needs(bot)[0]
    assert (edited.title, edited.amount) == ("Survey, phase 2", Decimal("300000.00"))
    assert edited.confirmed_at == bot.clock.now()
    with bot.session() as session:
        [entry] = audit.entries(session, action="need.edited")
    assert entry.before["title"] == "Technical survey in the north-west" and entry.after["title"] == "Survey, phase 2"
    assert entry.before["amount"] == "250000.00" and entry.after["amount"] == "300000.00"


def test_another_states_delegate_cannot_change_an_entry_even_with_a_forged_button(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    value = json.dumps({"side": "need", "id": needs(bot)[0].id})
    refusal = "Only delegates of Cambodia and ISU staff can change this entry. Nothing was changed."
    button(bot, NO, EDIT, value)
    assert shown_view(bot)["blocks"][0]["text"]["text"] == refusal  # the edit modal says so, with no form
    for action in (MET, WITHDRAW, CONFIRM):
        button(bot, NO, action, value)
        assert ephemeral_texts(bot)[-1] == refusal
    need = needs(bot)[0]
    assert need.status == EntryStatus.OPEN and need.title == "Technical survey in the north-west"
    assert all("submit" not in c.body["view"] for c in bot.fake.calls if c.method.startswith("views."))  # no form
    with bot.session() as session:
        refused = audit.entries(session, action="need.change_refused")
    assert [(e.actor, e.detail) for e in refused] == [(NO, "edit"), (NO, "met"), (NO, "withdrawn"), (NO, "confirm")]
    # ISU staff may change any entry.
    button(bot, ADMIN, MET, value)
    assert needs(bot)[0].status == EntryStatus.MET


def test_marking_met_or_withdrawn_and_confirming_still_current(bot):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values())
    need = needs(bot)[0]
    value = json.dumps({"side": "need", "id": need.id})
    bot.clock.advance(days=100)
    button(bot, KH, CONFIRM, value)
    assert ephemeral_texts(bot)[-1] == f"Need #{need.id} is confirmed as still current. Thank you."
    assert needs(bot)[0].confirmed_at == bot.clock.now()
    button(bot, KH, WITHDRAW, value)
    assert ephemeral_texts(bot)[-1] == f"Need #{need.id} is now: Withdrawn."
    assert needs(bot)[0].status == EntryStatus.WITHDRAWN
    with bot.session() as session:
        actions = [e.action for e in audit.entries(session) if e.subject == f"need:{need.id}"]
    assert actions == ["need.posted", "need.confirmed", "need.status"]


def test_a_forged_button_value_is_out_of_date(bot):
    delegate(bot, KH, "KH")
    button(bot, KH, MET, "not json")
    assert ephemeral_texts(bot)[-1] == STALE_BUTTON


def test_an_entry_unconfirmed_for_six_months_is_stale_and_leaves_the_default_browse(bot):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values())
    bot.clock.advance(days=183)
    bot.slack.command("/pfp", "browse", user_id=KH)
    bot.settle()
    view = shown_view(bot)
    assert "Nothing matches these filters." in json.dumps(view)
    assert needs(bot)[0].confirmed_at < bot.clock.now() - timedelta(days=182)


def test_an_offer_can_be_posted_and_shown_with_its_details(bot):
    delegate(bot, NO, "NO")
    assert post_entry(bot, NO, "offer", offer_values(countries=["KH"])).text == ""
    with bot.session() as session:
        [offer] = session.scalars(select(Offer)).all()
    assert (offer.countries, offer.capacity, offer.contact) == (["KH"], "per year", "Demining desk")
    bot.slack.command("/offer", f"show {offer.id}", user_id=NO)
    bot.settle()
    shown = json.dumps(shown_view(bot))
    assert "Serves: Cambodia, Asia" in shown and "Languages: English, French" in shown


def test_the_confirmation_comes_by_direct_message_when_the_channel_is_closed_to_the_bot(bot):
    delegate(bot, KH, "KH")
    bot.fake.fail_next("chat.postEphemeral", status=200, error="channel_not_found")
    post_entry(bot, KH, "need", need_values())
    dm = [c.body for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == bot.fake.dm_channel_id(KH)]
    assert dm and dm[0]["text"].startswith("Saved: Need #1.")


def test_a_full_length_description_full_of_reserved_characters_still_shows(bot):
    delegate(bot, KH, "KH")
    post_entry(bot, KH, "need", need_values(description="<&>" * 1000))  # 3,000 typed, 13,000 once escaped
    bot.slack.command("/need", "show 1", user_id=KH)
    bot.settle()
    view = shown_view(bot)
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    assert all(len(t) <= 3000 for t in texts)
    assert texts[1].startswith("&lt;&amp;&gt;") and texts[1].endswith("…")
    assert "Need #1" in texts[0]
