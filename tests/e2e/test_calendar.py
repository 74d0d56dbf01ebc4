"""The calendar in Slack, over real HTTP: `/pfp calendar` for everyone, ISU staff's Add, Edit and
Remove, the App Home's next three dates, and anyone else refused and audited."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.calendar.blocks import ADD, EDIT, EVENT_FORM, REMOVE
from storage import audit
from storage.models import ConventionEvent
from tests.conftest import ADMIN
from tests.e2e.flows import block_action, button, delegate, ephemeral_texts, form_submission, shown_view
from tests.e2e.test_home import open_home

KH = "UKHMER1"
MSP = {"kind": "msp", "title": "Twenty-Third Meeting of the States Parties", "starts_on": "2027-11-29",
       "ends_on": "2027-12-03", "place": "Geneva"}


def calendar_of(bot, user_id: str) -> dict:
    response = bot.slack.command("/pfp", "calendar", user_id=user_id)
    assert response.status == 200, response.text
    return response.json()


def events(bot) -> list[ConventionEvent]:
    with bot.session() as session:
        return list(session.scalars(select(ConventionEvent).order_by(ConventionEvent.id)))


def submit(bot, user_id: str, values: dict, *, event_id: int | None = None):
    payload = form_submission(user_id, EVENT_FORM, {}, metadata={"id": event_id, "channel": "C0GENERAL"})
    state = {
        "kind": {"kind": {"type": "static_select", "selected_option": {"value": values["kind"]}}},
        "title": {"title": {"type": "plain_text_input", "value": values["title"]}},
        "starts_on": {"starts_on": {"type": "datepicker", "selected_date": values["starts_on"]}},
        "ends_on": {"ends_on": {"type": "datepicker", "selected_date": values["ends_on"]}},
        "place": {"place": {"type": "plain_text_input", "value": values.get("place")}},
    }
    payload["view"]["state"] = {"values": state}
    payload["view"]["blocks"] = [{"type": "input", "block_id": block} for block in state]
    response = bot.slack.interaction(payload)
    bot.settle()
    return response


def texts(message: dict) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_everyone_sees_the_coming_dates_with_the_article7_deadline_built_in(bot):
    message = calendar_of(bot, KH)
    words = texts(message)
    assert "*Article 7 transparency reports due (covering 2026)* · Article 7 deadline\n30 April 2027" in words
    assert [b for b in message["blocks"] if b["type"] == "actions"] == []  # nothing to press for a delegate


def test_isu_staff_add_a_meeting_and_everyone_then_sees_it_in_their_language(bot):
    message = calendar_of(bot, ADMIN)
    [add] = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert add["action_id"] == ADD
    button(bot, ADMIN, ADD, "")
    form = shown_view(bot)
    assert form["callback_id"] == EVENT_FORM

    response = submit(bot, ADMIN, MSP)
    assert response.status == 200 and response.text == ""
    [event] = events(bot)
    assert (event.title, str(event.starts_on), event.place, event.created_by) == (
        MSP["title"], "2027-11-29", "Geneva", ADMIN)
    told = [c.body["text"] for c in bot.fake.calls_to("chat.postEphemeral")]
    assert told == ["Added to the calendar: *Twenty-Third Meeting of the States Parties* · Meeting of the States "
                    "Parties · 29 November 2027 – 3 December 2027 · Geneva"]

    delegate(bot, KH, "KH", locale="fr-FR")
    assert "Assemblée des États parties" in texts(calendar_of(bot, KH)) or "États parties" in texts(calendar_of(bot, KH))
    home = open_home(bot, KH)
    assert "29 novembre 2027" in json.dumps(home["blocks"], ensure_ascii=False)


def test_a_date_that_ends_before_it_starts_is_a_field_error_and_nothing_is_stored(bot):
    response = submit(bot, ADMIN, {**MSP, "ends_on": "2027-11-01"})
    assert response.json() == {"response_action": "errors", "errors": {"ends_on": "The end date is before the start date."}}
    assert events(bot) == []


def test_isu_staff_edit_and_remove_a_date(bot):
    submit(bot, ADMIN, MSP)
    [event] = events(bot)
    message = calendar_of(bot, ADMIN)
    assert [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        EDIT, REMOVE, ADD]
    submit(bot, ADMIN, {**MSP, "place": "Siem Reap"}, event_id=event.id)
    assert events(bot)[0].place == "Siem Reap"
    button(bot, ADMIN, REMOVE, json.dumps({"event": event.id}))
    assert events(bot) == []
    assert ephemeral_texts(bot)[-1] == "Removed from the calendar: Twenty-Third Meeting of the States Parties."
    with bot.session() as session:
        assert [e.action for e in audit.entries(session) if e.subject == f"event:{event.id}"] == [
            "event.added", "event.edited", "event.removed"]


def test_a_delegate_pressing_add_or_submitting_the_form_is_refused_and_audited(bot):
    delegate(bot, KH, "KH")
    payload = block_action(KH, ADD, "", channel="C0GENERAL", message_ts="1.2", response_url=bot.fake.new_response_url())
    bot.slack.interaction(payload)
    bot.settle()
    assert bot.fake.calls_to("views.open") == []
    assert ephemeral_texts(bot)[-1] == "Only ISU staff can change the Convention's calendar. Nothing was changed."
    response = submit(bot, KH, MSP)  # a forged submission of the form
    assert response.json()["errors"] == {"kind": "Only ISU staff can change the Convention's calendar. Nothing was "
                                                 "changed."}
    assert events(bot) == []
    with bot.session() as session:
        assert [(e.actor, e.detail) for e in audit.entries(session, action="event.change_refused")] == [
            (KH, "add"), (KH, "add")]
