"""Partners beyond States: people of UN agencies, the ICRC, civil society, operators and companies register
for their organisation with `/pfp register organisation`, and ISU staff approve them as they do delegates."""

from __future__ import annotations

from sqlalchemy import select

from bot.registration.blocks import APPROVE_ACTION, DECLINE_ACTION
from storage import audit
from storage.models import Organisation, Person, RequestStatus
from tests.conftest import ADMIN
from tests.e2e.flows import (
    delegate,
    organisation_member,
    press,
    requests_of,
    review_message,
    shown_view,
    submit,
    submit_organisation,
)

MAG = "UORGMAG1"
MAG2 = "UORGMAG2"


def person(bot, slack_user_id: str) -> Person:
    with bot.session() as session:
        return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def organisations(bot) -> list[Organisation]:
    with bot.session() as session:
        return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def test_an_organisation_registers_and_isu_staff_approve_it(bot):
    bot.fake.set_user(MAG, locale="fr-FR")
    assert bot.slack.command("/pfp", "register organisation", user_id=MAG).status == 200
    modal = shown_view(bot)
    assert [b.get("block_id") for b in modal["blocks"] if b["type"] == "input"] == [
        "organisation", "organisation_type", "seat", "position"]
    seats = {o["value"] for g in modal["blocks"][3]["element"]["option_groups"] for o in g["options"]}
    assert {"GB", "CH", "US"} <= seats  # any country can be a seat, not only the States Parties
    assert "Organisation" in modal["blocks"][1]["label"]["text"]  # in French: "Organisation"

    answer = submit_organisation(bot, MAG, name="Mines  Advisory Group", type="operator", seat="GB",
                                 position="Programme Officer")
    assert answer.json()["response_action"] == "update"
    review = review_message(bot).body["blocks"][0]["text"]["text"]
    assert "*Mines Advisory Group*" in review and "United Kingdom" in review

    [request] = requests_of(bot)
    press(bot, ADMIN, APPROVE_ACTION, request.id)
    [organisation] = organisations(bot)
    assert (organisation.name, organisation.type.value, organisation.seat_country) == (
        "Mines Advisory Group", "operator", "GB")
    member = person(bot, MAG)
    assert (member.organisation_id, member.state_code, member.is_focal_point) == (organisation.id, None, False)
    dm = [c for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"].startswith("D")][-1]
    assert "Mines Advisory Group" in dm.body["text"] and "ISU" in dm.body["text"]
    assert "approuvé" in dm.body["text"]  # in the reader's language
    with bot.session() as session:
        [change] = audit.entries(session, action="role.changed")
    assert change.after["organisation"] == organisation.id and change.after["state"] is None


def test_a_second_person_of_the_same_organisation_joins_it_however_they_spell_it(bot):
    bot.fake.set_user(MAG)
    bot.fake.set_user(MAG2)
    submit_organisation(bot, MAG, name="Mines Advisory Group")
    submit_organisation(bot, MAG2, name="MINES advisory  group")
    first, second = requests_of(bot)
    press(bot, ADMIN, APPROVE_ACTION, first.id)
    press(bot, ADMIN, APPROVE_ACTION, second.id)
    [organisation] = organisations(bot)
    assert person(bot, MAG).organisation_id == person(bot, MAG2).organisation_id == organisation.id


def test_an_organisation_cannot_register_as_a_state(bot):
    bot.fake.set_user(MAG, locale="es-ES")
    answer = submit_organisation(bot, MAG, name="Francia")  # a country's name, in Spanish
    errors = answer.json()["errors"]
    assert "no puede registrarse como Estado" in errors["organisation"]
    assert requests_of(bot) == []

    organisation_member(bot, MAG2, "UNDP", type="international", seat="US")
    answer = submit(bot, MAG2, state="FR", focal="no")  # someone of an organisation asking to represent a State
    assert "an organisation cannot register as a State" in answer.json()["errors"]["state"]
    assert requests_of(bot) == []


def test_each_problem_of_the_organisation_form_is_named_on_its_field(bot):
    bot.fake.set_user(MAG)
    errors = submit_organisation(bot, MAG, name="  ", type=None, seat="XX").json()["errors"]
    assert set(errors) == {"organisation", "organisation_type", "seat"}
    assert submit_organisation(bot, MAG, name="x" * 201).json()["errors"]["organisation"].startswith(
        "Please shorten this to 200")
    assert requests_of(bot) == []


def test_a_states_delegate_does_not_also_register_for_an_organisation(bot):
    delegate(bot, "UDELEGFR", "FR", focal=False)
    bot.slack.command("/pfp", "register organisation", user_id="UDELEGFR")
    shown = shown_view(bot)
    assert "delegate of France" in str(shown["blocks"])
    assert requests_of(bot) == []


def test_a_declined_organisation_is_never_recorded(bot):
    bot.fake.set_user(MAG)
    submit_organisation(bot, MAG, name="Acme <!channel> Demining")
    review = review_message(bot).body["blocks"][0]["text"]["text"]
    assert "<!channel>" not in review and "&lt;!channel&gt;" in review  # shown as text, pinging nobody
    [request] = requests_of(bot)
    press(bot, ADMIN, DECLINE_ACTION, request.id)
    assert requests_of(bot)[0].status == RequestStatus.DECLINED
    assert organisations(bot) == [] and person(bot, MAG).organisation_id is None


def test_whoami_says_which_organisation_one_speaks_for(bot):
    organisation_member(bot, MAG, "The HALO Trust", seat="GB")
    response = bot.slack.command("/pfp", "whoami", user_id=MAG)
    assert "You speak for *The HALO Trust*" in response.json()["text"]
