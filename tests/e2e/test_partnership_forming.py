"""Forming a partnership where people already talk: **Form a partnership** on an accepted match opens the
form filled in from it; organisations are partners as States are; nobody else forms one from a match."""

from __future__ import annotations

import json

from bot.partnerships.blocks import COMPLETE, CONFIRM, FORM_FROM_MATCH, PARTIES_FORM, TERMS_FORM
from bot.partnerships.terms import Kind
from bot.platform.blocks import ACCEPT_MATCH
from storage import audit
from storage.models import Match, Need, Partnership, PartnershipStatus
from storage.taxonomy import EntryStatus
from tests.e2e.flows import (
    block_action,
    button,
    delegate,
    form_submission,
    need_values,
    offer_values,
    organisation_member,
    post_entry,
    shown_view,
)

KH, MAG, FR = "UKHMER1", "UORGMAG1", "UFRANCE1"
STEP1 = {"state": "static_select", "partners": "multi_static_select", "kind": "static_select"}
STEP2 = {"ownership": "checkboxes", "rhythm": "radio_buttons"}


def accepted_match(bot) -> Match:  # type: ignore[no-untyped-def]
    """Cambodia's need and Mines Advisory Group's offer, matched, both sides having accepted."""
    delegate(bot, KH, "KH")
    organisation_member(bot, MAG, "Mines Advisory Group", locale="fr-FR")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, MAG, "offer", offer_values(countries=["KH"]))
    with bot.session() as session:
        [match] = session.query(Match).all()
    value = json.dumps({"match": match.id})
    button(bot, KH, ACCEPT_MATCH, value)
    button(bot, MAG, ACCEPT_MATCH, value)
    return match


def press_form(bot, user_id: str, match_id: int) -> dict:  # type: ignore[no-untyped-def]
    channel = bot.fake.dm_channel_id(KH, MAG)
    bot.slack.interaction(block_action(user_id, FORM_FROM_MATCH, json.dumps({"match": match_id}), channel=channel,
                                       message_ts="1700000000.000300", trigger_id=bot.fake.new_trigger_id(user_id),
                                       response_url=bot.fake.new_response_url(user_id, channel, "1700000000.000300")))
    return shown_view(bot)


def submit(bot, user_id: str, callback: str, values: dict, types: dict, metadata: dict):  # type: ignore[no-untyped-def]
    response = bot.slack.interaction(form_submission(user_id, callback, values, types=types, metadata=metadata,
                                                     trigger_id=bot.fake.new_trigger_id(user_id)))
    bot.settle()
    return response


def test_an_accepted_match_becomes_a_partnership_with_the_form_filled_in_from_it(bot):
    match = accepted_match(bot)
    intro = bot.fake.calls_to("chat.postMessage")[-1].body
    [form_button] = [e for b in intro["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert form_button["action_id"] == FORM_FROM_MATCH and form_button["text"]["text"] == "Form a partnership"

    view = press_form(bot, KH, match.id)
    assert view["callback_id"] == TERMS_FORM
    fields = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    organisation_key = f"org-{match.offer.organisation_id}"
    assert fields[f"responsibilities.{organisation_key}"]["label"]["text"] == "What Mines Advisory Group will do"
    assert fields["responsibilities.KH"]["element"]["initial_value"] == (
        f"Need #{match.need_id}: Technical survey in the north-west")
    assert fields[f"responsibilities.{organisation_key}"]["element"]["initial_value"] == (
        f"Offer #{match.offer_id}: Survey teams and training")
    assert fields["commitments"]["element"]["initial_value"] == "Mines Advisory Group | 200000.00 USD | 2027"
    metadata = json.loads(view["private_metadata"])
    assert metadata["needs"] == [match.need_id] and metadata["source"] == f"match:{match.id}"

    values = {"responsibilities.KH": "Releases the land.", f"responsibilities.{organisation_key}": "Surveys it.",
              "targets": "120 | hectares released | 2028-06-30",
              "commitments": "Mines Advisory Group | 200000 USD | 2027", "ownership": [], "rhythm": "3"}
    assert submit(bot, KH, TERMS_FORM, values, STEP2, metadata).status == 200
    with bot.session() as session:
        [partnership] = session.query(Partnership).all()
        assert partnership.source == f"match:{match.id}"
        assert [n.id for n in partnership.needs] == [match.need_id]
        assert [(p.state_code, p.organisation_id) for p in partnership.parties] == [
            ("KH", None), (None, match.offer.organisation_id)]

    # The organisation's person is asked, in their language, and confirms for their organisation.
    channel = bot.fake.dm_channel_id(MAG)
    [terms] = [m for m in bot.fake.delivered(channel) if "partenariat" in m["text"]]
    confirm = next(e for b in terms["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == CONFIRM)
    bot.slack.interaction(block_action(MAG, CONFIRM, confirm["value"], channel=channel, message_ts="1700000000.000400",
                                       response_url=bot.fake.new_response_url(MAG, channel, "1700000000.000400"),
                                       trigger_id=bot.fake.new_trigger_id(MAG)))
    bot.settle()
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.ACTIVE


def test_only_the_two_sides_form_a_partnership_from_a_match_and_only_once_both_accepted(bot):
    match = accepted_match(bot)
    delegate(bot, FR, "FR", locale="fr-FR")
    view = press_form(bot, FR, match.id)
    assert "Seules les délégations" in json.dumps(view["blocks"], ensure_ascii=False)  # in their language
    with bot.session() as session:
        [refused] = audit.entries(session, action="partnership.refused")
        assert (refused.actor, refused.subject) == (FR, f"match:{match.id}")
        session.get(Match, match.id).offer_answer = "waiting"
        session.commit()
    view = press_form(bot, KH, match.id)
    assert "Both sides must accept this match" in json.dumps(view["blocks"])
    assert "no longer exists" in json.dumps(press_form(bot, KH, 9999)["blocks"])


def test_an_organisation_is_chosen_as_a_partner_in_partnership_new(bot):
    delegate(bot, KH, "KH")
    organisation_id = organisation_member(bot, MAG, "Mines Advisory Group")
    bot.slack.command("/partnership", "new", user_id=KH)
    first = shown_view(bot)
    assert first["callback_id"] == PARTIES_FORM
    groups = first["blocks"][1]["element"]["option_groups"]
    assert groups[-1]["label"]["text"] == "Organisations"
    assert groups[-1]["options"] == [{"text": {"type": "plain_text", "text": "Mines Advisory Group", "emoji": True},
                                      "value": f"org-{organisation_id}"}]
    second = submit(bot, KH, PARTIES_FORM, {"state": "KH", "partners": [f"org-{organisation_id}"],
                                            "kind": "bilateral"}, STEP1, {}).json()
    labels = [b["label"]["text"] for b in second["view"]["blocks"]][:2]
    assert labels == ["What Cambodia will do", "What Mines Advisory Group will do"]
    # An organisation not registered (a forged value) is refused on its field.
    errors = submit(bot, KH, PARTIES_FORM, {"state": "KH", "partners": ["org-999"], "kind": "bilateral"},
                    STEP1, {}).json()["errors"]
    assert errors["partners"] == "Choose the partners from the list."
    # An organisation is never the affected State.
    errors = submit(bot, KH, PARTIES_FORM, {"state": f"org-{organisation_id}", "partners": ["KH"],
                                            "kind": "bilateral"}, STEP1, {}).json()["errors"]
    assert errors["state"] == "Choose the State from the list."


def test_an_organisations_person_proposes_a_partnership_their_organisation_is_party_to(bot):
    delegate(bot, KH, "KH")
    organisation_id = organisation_member(bot, MAG, "Mines Advisory Group")
    assert bot.slack.command("/partnership", "new", user_id=MAG).status == 200
    assert shown_view(bot)["callback_id"] == PARTIES_FORM
    errors = submit(bot, MAG, PARTIES_FORM, {"state": "KH", "partners": ["FR"], "kind": "bilateral"},
                    STEP1, {}).json()["errors"]
    assert errors["state"].startswith("You can propose a partnership your own State is a party to")
    answer = submit(bot, MAG, PARTIES_FORM, {"state": "KH", "partners": [f"org-{organisation_id}"],
                                             "kind": "bilateral"}, STEP1, {}).json()
    assert answer["response_action"] == "update"


# ------------------------------------------------------------------------------------------ completing

def active_from_match(bot) -> Partnership:  # type: ignore[no-untyped-def]
    """The match turned into a partnership both parties confirmed (through the same steps as above)."""
    from bot.partnerships import flows
    from bot.partnerships.rules import Proposal, form
    from bot.partnerships.terms import Terms
    from bot.work import unit_of_work
    from storage.people import get_person

    match = accepted_match(bot)
    with bot.session() as session, unit_of_work(session):
        organisation_key = f"org-{match.offer.organisation_id}"
        partnership = form(session, get_person(session, KH), Proposal(
            state_code="KH", kind=Kind.BILATERAL, terms=Terms([], [], []), need_ids=(match.need_id,),
            source=f"match:{match.id}", responsibilities={"KH": "Releases the land.", organisation_key: "Surveys."}),
            now=bot.clock.now())
        mag = get_person(session, MAG)
        from bot.partnerships.rules import confirm
        confirm(session, mag, partnership.id, version=1, now=bot.clock.now())
    with bot.session() as session:
        partnership = session.get(Partnership, partnership.id)
        assert partnership.status == PartnershipStatus.ACTIVE
        flows.tell_active(session, bot.notifier, partnership)
        return partnership


def press_complete(bot, user_id: str, partnership_id: int) -> None:  # type: ignore[no-untyped-def]
    payload = block_action(user_id, COMPLETE, json.dumps({"partnership": partnership_id}), channel="C0GENERAL",
                           message_ts="1700000000.000500", trigger_id=bot.fake.new_trigger_id(user_id),
                           response_url=bot.fake.new_response_url(user_id, "C0GENERAL", "1700000000.000500"))
    del payload["response_url"]
    payload["container"] = {"type": "view", "view_id": "V0SHOW"}
    payload["view"] = {"id": "V0SHOW", "type": "modal", "private_metadata": ""}
    assert bot.slack.interaction(payload).status == 200
    bot.settle()


def test_the_affected_state_marks_it_completed_and_its_need_met_in_one_click(bot):
    partnership = active_from_match(bot)
    bot.slack.command("/partnership", f"show {partnership.id}", user_id=MAG)
    assert COMPLETE not in json.dumps(shown_view(bot))  # a partner does not speak for the State's needs
    bot.slack.command("/partnership", f"show {partnership.id}", user_id=KH)
    [button_] = [e for b in shown_view(bot)["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == COMPLETE]
    assert f"#{partnership.needs[0].id}" in button_["confirm"]["text"]["text"]  # the consent asked names them

    press_complete(bot, MAG, partnership.id)  # forged: the button was never shown to them
    with bot.session() as session:
        assert session.get(Partnership, partnership.id).status == PartnershipStatus.ACTIVE
        assert [e.actor for e in audit.entries(session, action="partnership.refused")] == [MAG]

    press_complete(bot, KH, partnership.id)
    with bot.session() as session:
        done = session.get(Partnership, partnership.id)
        assert done.status == PartnershipStatus.COMPLETED and done.completed_at == bot.clock.now()
        assert [n.status for n in done.needs] == [EntryStatus.MET]
        assert [e.subject for e in audit.entries(session, action="need.status")] == [f"need:{done.needs[0].id}"]
    update = bot.fake.calls_to("views.update")[-1].body
    assert update["view_id"] == "V0SHOW" and "*Status:* completed" in json.dumps(update["view"])
    told = [m["text"] for m in bot.fake.delivered(bot.fake.dm_channel_id(MAG)) if "est terminé" in m["text"]]
    assert len(told) == 1  # in the organisation's person's language

    press_complete(bot, KH, partnership.id)  # twice: nothing more happens, and they hear why
    assert "Only an active partnership can be completed; this one is completed." in json.dumps(
        [c.body for c in bot.fake.calls if c.method in ("chat.postEphemeral", "response_url", "chat.postMessage")])


# ------------------------------------------------------------------------------ from a meeting's commitments

def held_meeting(bot) -> int:  # type: ignore[no-untyped-def]
    """Cambodia's individualised meeting with Norway and Spain invited, held, its commitments recorded."""
    from datetime import date

    from storage.models import ConventionEvent, EventKind, MeetingRequest, MeetingStatus, MeetingTiming, ReportSharing
    from storage.people import get_person

    delegate(bot, KH, "KH")
    delegate(bot, "UNORWAY1", "NO")
    delegate(bot, "USPAIN1", "ES", locale="es-ES")
    now = bot.clock.now()
    with bot.session() as session:
        event = ConventionEvent(kind=EventKind.MSP, title="MSP", starts_on=date(2027, 11, 29),
                                ends_on=date(2027, 12, 3), created_at=now, updated_at=now)
        session.add(event)
        session.flush()
        meeting = MeetingRequest(
            state_code="KH", requested_by=get_person(session, KH).id, event_id=event.id, timing=MeetingTiming.LEAD_UP,
            preferred_dates=["2027-11-15"], invite_roles=[], invited_states=["NO", "ES"], invited_others={},
            situation="s", solutions="s", language="en", sharing=ReportSharing.ALL, status=MeetingStatus.HELD,
            exchanges=[], created_at=now, updated_at=now,
            outcomes={"challenges": ["survey"], "measures": "m", "commitments": [
                {"who": "Norway", "what": "two survey teams", "by": "2028-06-30"},
                {"who": "España", "what": "training <!here>", "by": "2028-03-31"},
                {"who": "ICBL", "what": "advocacy", "by": "2028-01-31"}]})
        session.add(meeting)
        session.commit()
        return meeting.id


def test_a_meetings_commitments_become_each_partys_responsibilities_in_the_form(bot):
    from bot.i18n import Translator
    from bot.meetings.blocks import requester_message
    from bot.partnerships.blocks import FORM_FROM_MEETING
    from storage.models import MeetingRequest

    meeting_id = held_meeting(bot)
    with bot.session() as session:
        _, shown = requester_message(Translator("en"), session.get(MeetingRequest, meeting_id))
    assert FORM_FROM_MEETING in json.dumps([b.to_dict() for b in shown])

    def press_meeting(user_id: str) -> dict:
        bot.slack.interaction(block_action(user_id, FORM_FROM_MEETING, json.dumps({"meeting": meeting_id}),
                                           channel=bot.fake.dm_channel_id(user_id), message_ts="1700000000.000600",
                                           trigger_id=bot.fake.new_trigger_id(user_id),
                                           response_url=bot.fake.new_response_url(user_id)))
        return shown_view(bot)

    view = press_meeting(KH)
    fields = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert [k for k in fields if k.startswith("responsibilities.")] == [
        "responsibilities.KH", "responsibilities.NO", "responsibilities.ES"]
    assert fields["responsibilities.NO"]["element"]["initial_value"] == "Norway: two survey teams (by 30 June 2028)"
    assert fields["responsibilities.ES"]["element"]["initial_value"] == (
        "España: training <!here> (by 31 March 2028)")  # a form's text field shows it as typed, pinging nobody
    assert fields["responsibilities.KH"]["element"]["initial_value"] == "ICBL: advocacy (by 31 January 2028)"
    metadata = json.loads(view["private_metadata"])
    assert (metadata["kind"], metadata["source"]) == ("multi_partner", f"meeting:{meeting_id}")

    view = press_meeting("USPAIN1")  # invited, but it is Cambodia's meeting to turn into a partnership
    assert "Solo la delegación que solicitó esta reunión" in json.dumps(view["blocks"], ensure_ascii=False)
    with bot.session() as session:
        [refused] = audit.entries(session, action="partnership.refused")
        assert refused.subject == f"meeting:{meeting_id}"


# ------------------------------------------------------------------------------ the needs it serves

def test_the_form_offers_the_states_needs_it_may_serve_and_only_those_the_proposer_may_see(bot):
    delegate(bot, KH, "KH")
    organisation_id = organisation_member(bot, MAG, "Mines Advisory Group")
    post_entry(bot, KH, "need", need_values(title="Survey in Battambang", visibility="public"))
    post_entry(bot, KH, "need", need_values(title="Kept to the ISU", visibility="isu"))
    with bot.session() as session:
        public, kept = [n.id for n in session.query(Need).order_by(Need.id)]
    step1 = {"state": "KH", "partners": [f"org-{organisation_id}"], "kind": "bilateral"}

    # The organisation's person proposing sees the public need only.
    second = submit(bot, MAG, PARTIES_FORM, step1, STEP1, {}).json()["view"]
    [needs] = [b for b in second["blocks"] if b.get("block_id") == "needs"]
    assert [o["value"] for o in needs["element"]["options"]] == [str(public)]
    # Cambodia's own delegate sees both, and the partnership serves what is ticked.
    second = submit(bot, KH, PARTIES_FORM, step1, STEP1, {}).json()["view"]
    [needs] = [b for b in second["blocks"] if b.get("block_id") == "needs"]
    assert {o["value"] for o in needs["element"]["options"]} == {str(public), str(kept)}
    values = {"responsibilities.KH": "Releases.", f"responsibilities.org-{organisation_id}": "Surveys.",
              "targets": "120 | hectares released | 2028-06-30", "rhythm": "3", "needs": [str(kept)]}
    types = {**STEP2, "needs": "multi_static_select"}
    errors = submit(bot, KH, TERMS_FORM, {**values, "needs": ["12; drop"]}, types,
                    json.loads(second["private_metadata"])).json()["errors"]
    assert errors["needs"] == "Choose the needs from the list."
    submit(bot, KH, TERMS_FORM, values, types, json.loads(second["private_metadata"]))
    with bot.session() as session:
        [partnership] = session.query(Partnership).all()
        assert [n.id for n in partnership.needs] == [kept]
