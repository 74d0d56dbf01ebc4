"""Individualised meetings over real HTTP against the loopback Slack: a delegate of an affected State asks;
ISU staff ask for more information, the delegate answers; ISU staff approve and schedule; invitations go
to the invited States' focal points and the invited roles, each in their language, with the .ics; the
answers make the attendance list. Every refusal the issue names, and nothing partial stored."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from bot.meetings.blocks import (
    ACCEPT_INVITATION,
    ANSWER,
    ANSWER_FORM,
    APPROVE,
    ASK,
    ASK_FORM,
    DECLINE,
    DECLINE_FORM,
    DECLINE_INVITATION,
    REQUEST_FORM,
    SCHEDULE_FORM,
    WITHDRAW,
)
from bot.notifier import Notifier
from bot.registration.people import meet
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled import meeting_reminders
from storage import audit
from storage.models import (
    ConventionEvent,
    EventKind,
    InvitationAnswer,
    MeetingInvitation,
    MeetingRequest,
    MeetingStatus,
    PersonRole,
    Role,
)
from tests.conftest import ADMIN, ISU_CHANNEL
from tests.e2e.flows import block_action, delegate, form_submission, shown_view

KH, NO, ES_, FR_ = "UKHMER1", "UNORWAY1", "USPAIN1", "UFRANCE1"  # Cambodia asks; Norway, Spain are invited
PRESIDENT, COMMITTEE, ISU2 = "UPRESID1", "UCOMMIT1", "UISU0002"
TYPES = {
    "state": "static_select", "override": "checkboxes", "occasion": "static_select", "timing": "radio_buttons",
    "date_1": "datepicker", "date_2": "datepicker", "date_3": "datepicker", "invite_roles": "checkboxes",
    "invited_states": "multi_static_select", "language": "static_select", "sharing": "radio_buttons",
    "day": "datepicker", "starts": "timepicker", "ends": "timepicker", "timezone": "static_select",
}


@pytest.fixture
def workspace(bot):
    """Cambodia (Article 5) asks; Norway's and Spain's focal points, the President and a Committee member
    may be invited; France has no obligations; the MSP is in the calendar."""
    bot.clock.current = datetime(2027, 9, 1, 9, tzinfo=UTC)
    delegate(bot, KH, "KH", locale="fr-FR")
    delegate(bot, NO, "NO", locale="en-GB")
    delegate(bot, ES_, "ES", locale="es-ES")
    delegate(bot, FR_, "FR", locale="fr-FR")
    for user_id, role in ((PRESIDENT, Role.PRESIDENT), (COMMITTEE, Role.COMMITTEE), (ISU2, Role.ISU)):
        bot.fake.set_user(user_id, locale="en-GB")
        with bot.session() as session:
            person = meet(session, user_id, now=bot.clock.now(), fetch_locale=lambda: "en-GB")
            person.roles.append(PersonRole(role=role, granted_at=bot.clock.now(), granted_by=ADMIN))
            session.commit()
    with bot.session() as session:
        session.add(ConventionEvent(kind=EventKind.MSP, title="Twenty-Fifth Meeting of the States Parties",
                                    starts_on=date(2027, 11, 29), ends_on=date(2027, 12, 3), place="Geneva",
                                    created_at=bot.clock.now(), updated_at=bot.clock.now()))
        session.commit()
    return bot


def speaks(bot, user_id: str, language: str) -> None:
    with bot.session() as session:
        meet(session, user_id, now=bot.clock.now(), fetch_locale=lambda: None).locale = language
        session.commit()


def msp_id(bot) -> int:
    with bot.session() as session:
        return session.scalar(select(ConventionEvent.id))


def request_values(bot, **changes):
    values = {
        "occasion": str(msp_id(bot)), "timing": "lead_up", "date_1": "2027-11-15", "date_2": "2027-11-22",
        "date_3": None, "invite_roles": ["president", "committee"], "invited_states": ["NO", "ES"],
        "observers": None, "organisations": "UNDP, ICRC", "civil_society": "ICBL", "operators": "HALO Trust",
        "situation": "Survey of 40 suspected hazardous areas remains; <!channel> funding fell by half.",
        "solutions": "Land release by technical survey; a resource mobilisation plan.",
        "language": "fr", "sharing": "anonymised",
    }
    values.update(changes)
    return values


def submit(bot, user_id: str, callback_id: str, values: dict, *, metadata: dict | None = None):
    response = bot.slack.interaction(form_submission(user_id, callback_id, values, metadata=metadata or {},
                                                     types=TYPES))
    bot.settle()
    return response


def requests(bot) -> list[MeetingRequest]:
    with bot.session() as session:
        return list(session.scalars(select(MeetingRequest).order_by(MeetingRequest.id)))


def the_request(bot) -> MeetingRequest:
    (request,) = requests(bot)
    return request


def press(bot, user_id: str, action_id: str, value: dict, *, channel: str = ISU_CHANNEL) -> None:
    response = bot.slack.interaction(block_action(user_id, action_id, json.dumps(value), channel=channel,
                                                  message_ts="1700000000.000100",
                                                  response_url=bot.fake.new_response_url(),
                                                  trigger_id=bot.fake.new_trigger_id(user_id)))
    assert response.status == 200, response.text
    bot.settle()


def button_value(request: MeetingRequest) -> dict:
    return {"meeting": request.id, "seen": request.status.value}


def told(bot) -> list[str]:
    """What the bot told people after acknowledging: ephemeral answers and DMs, newest last."""
    said = [c.body.get("text", "") for c in bot.fake.calls_to("response_url")]
    return said + [c.body.get("text", "") for c in bot.fake.calls_to("chat.postMessage")]


def dm_texts(bot, user_id: str) -> str:
    return json.dumps(bot.fake.delivered(bot.fake.dm_channel_id(user_id)), ensure_ascii=False)


def thread(bot, request: MeetingRequest) -> list[str]:
    return [c.body.get("text", "") for c in bot.fake.calls_to("chat.postMessage")
            if c.body.get("channel") == ISU_CHANNEL and c.body.get("thread_ts") == request.review_ts]


def ask_for_a_meeting(bot, **changes) -> MeetingRequest:
    response = bot.slack.command("/meeting", "", user_id=KH)
    assert response.status == 200
    bot.settle()
    assert submit(bot, KH, REQUEST_FORM, request_values(bot, **changes)).status == 200
    return the_request(bot)


def test_the_whole_path_from_request_to_report(workspace, tmp_path):
    bot = workspace
    # The form opens at once with a loading view, then is filled: the trigger lives three seconds.
    bot.slack.command("/meeting", "", user_id=KH)
    bot.settle()
    opened, filled = bot.fake.calls_to("views.open")[-1], bot.fake.calls_to("views.update")[-1]
    assert "Chargement" in json.dumps(opened.body["view"]) and "callback_id" not in opened.body["view"]
    assert filled.body["view"]["callback_id"] == REQUEST_FORM
    assert "Cambodge" in json.dumps(filled.body["view"], ensure_ascii=False)  # in the delegate's French

    assert submit(bot, KH, REQUEST_FORM, request_values(bot)).status == 200
    request = the_request(bot)
    assert request.status == MeetingStatus.REQUESTED and request.state_code == "KH"
    assert request.invited_others == {"organisations": "UNDP, ICRC", "civil_society": "ICBL",
                                      "operators": "HALO Trust"}
    review = [c for c in bot.fake.calls_to("chat.postMessage") if c.body.get("channel") == ISU_CHANNEL][-1]
    posted = json.dumps(review.body["blocks"])
    assert "Approve and schedule" in posted and "Ask for more information" in posted
    assert "&lt;!channel&gt;" in posted and "<!channel>" not in posted  # text is shown as text, never a ping
    assert request.review_ts and request.requester_ts

    # ISU staff ask for more information; the delegate gets the question with an Answer button.
    press(bot, ADMIN, ASK, button_value(request))
    assert shown_view(bot)["callback_id"] == ASK_FORM
    submit(bot, ADMIN, ASK_FORM, {"question": "Which provinces, and what has been cleared since 2025?"},
           metadata=button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.INFORMATION_ASKED
    assert "Which provinces" in dm_texts(bot, KH) and ANSWER in dm_texts(bot, KH)
    assert any("asked for more information" in line for line in thread(bot, request))

    press(bot, KH, ANSWER, button_value(request), channel=bot.fake.dm_channel_id(KH))
    submit(bot, KH, ANSWER_FORM, {"answer": "Battambang and Pailin; 12 km² released in 2026."},
           metadata=button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.REQUESTED
    assert request.exchanges[-1]["answer"] == "Battambang and Pailin; 12 km² released in 2026."
    assert any("Battambang and Pailin" in line for line in thread(bot, request))

    # Approve and schedule: invitations in each invitee's language, with the meeting's .ics.
    press(bot, ADMIN, APPROVE, button_value(request))
    assert shown_view(bot)["callback_id"] == SCHEDULE_FORM
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Palais des Nations, room XI"},
           metadata=button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.SCHEDULED
    assert request.starts_at == datetime(2027, 11, 22, 13, tzinfo=UTC)  # 14:00 in Geneva, in winter
    with bot.session() as session:
        invited = {i.person.slack_user_id: i for i in session.scalars(select(MeetingInvitation))}
    assert set(invited) == {NO, ES_, PRESIDENT, COMMITTEE}  # France was not invited; Cambodia chairs
    assert "Invitation: individualised meeting with Cambodia" in dm_texts(bot, NO)
    assert "Camboya" in dm_texts(bot, ES_) and "Rechazar" in dm_texts(bot, ES_)
    ics = bot.fake.files_in(bot.fake.dm_channel_id(NO))
    assert [f["filename"] for f in ics] == [f"meeting-{request.id}.ics"]
    event = Calendar.from_ical(ics[0]["content"]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2027, 11, 22, 13, tzinfo=UTC)
    assert str(event["location"]) == "Palais des Nations, room XI"
    assert bot.fake.files_in(ISU_CHANNEL) and bot.fake.files_in(bot.fake.dm_channel_id(KH))
    assert "Cambodge" in dm_texts(bot, KH)  # the delegate is told, in French
    # The agenda follows the annex's process, in the meeting's language (French here) whoever reads it.
    assert "Coordination entre ceux qui sont en mesure de fournir une assistance" in dm_texts(bot, NO)
    assert any("Ordre du jour" in line for line in thread(bot, request))

    # The answers make the attendance list, shown to ISU staff in place.
    press(bot, NO, ACCEPT_INVITATION, {"invitation": invited[NO].id}, channel=bot.fake.dm_channel_id(NO))
    press(bot, ES_, DECLINE_INVITATION, {"invitation": invited[ES_].id}, channel=bot.fake.dm_channel_id(ES_))
    with bot.session() as session:
        answers = {i.person.slack_user_id: i.answer for i in session.scalars(select(MeetingInvitation))}
    assert answers[NO] == InvitationAnswer.ACCEPTED and answers[ES_] == InvitationAnswer.DECLINED
    latest = [c for c in bot.fake.calls_to("chat.update") if c.body.get("ts") == request.review_ts][-1]
    assert "1 accepted, 1 declined, 2 not yet answered" in json.dumps(latest.body["blocks"])

    # The day before (a Friday, for a Monday meeting), Norway, who accepted, is reminded once; Spain is not.
    assert remind(bot, datetime(2027, 11, 19, 8, 30, tzinfo=UTC))[Outcome.SENT] == 1
    assert len(reminders_to(bot, NO)) == 1 and reminders_to(bot, ES_) == []
    after_the_meeting(bot, the_request(bot), tmp_path)


def test_a_delegate_of_a_state_without_obligations_is_told_why(workspace):
    bot = workspace
    bot.slack.command("/meeting", "", user_id=FR_)
    bot.settle()
    shown = json.dumps(shown_view(bot), ensure_ascii=False)
    assert "obligations" in shown and "ISU" in shown
    assert requests(bot) == []


def test_isu_staff_request_for_a_state_without_obligations_only_when_they_override(workspace):
    bot = workspace
    values = request_values(bot, state="FR")
    response = submit(bot, ADMIN, REQUEST_FORM, values)
    assert "override" not in response.text and "no outstanding obligations" in response.json()["errors"]["state"]
    assert requests(bot) == []
    submit(bot, ADMIN, REQUEST_FORM, {**values, "override": ["yes"]})
    request = the_request(bot)
    assert request.eligibility_overridden and request.on_behalf
    with bot.session() as session:
        (entry,) = audit.entries(session, action="meeting.requested")
    assert entry.detail == "eligibility overridden by ISU staff"


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"date_1": "2027-08-01"}, "date_1", "passed"),
    ({"date_2": "2027-12-10"}, "date_2", "after the occasion ends"),
    ({"date_2": "2027-11-15"}, "date_2", "already"),
    ({"situation": "  "}, "situation", "fill this in"),
    ({"solutions": None}, "solutions", "fill this in"),
    ({"occasion": "999"}, "occasion", "from the list"),
    ({"invited_states": ["ZZ"]}, "invited_states", "from the list"),
])
def test_a_request_with_a_bad_field_is_refused_on_that_field_and_nothing_is_stored(workspace, changes, field, words):
    bot = workspace
    speaks(bot, KH, "en")
    response = submit(bot, KH, REQUEST_FORM, request_values(bot, **changes))
    assert response.json()["response_action"] == "errors"
    assert words in response.json()["errors"][field]
    assert requests(bot) == []


def test_field_errors_are_in_the_delegates_language(workspace):
    response = submit(workspace, KH, REQUEST_FORM, request_values(workspace, situation=""))
    assert response.json()["errors"]["situation"] == "Veuillez remplir ce champ."


def test_a_second_open_request_for_the_same_occasion_is_refused_naming_the_first(workspace):
    bot = workspace
    first = ask_for_a_meeting(bot)
    response = submit(bot, KH, REQUEST_FORM, request_values(bot))
    assert f"#{first.id}" in response.json()["errors"]["occasion"]
    assert len(requests(bot)) == 1


def test_a_decline_needs_a_reason_and_the_requester_is_told_it(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    response = submit(bot, ADMIN, DECLINE_FORM, {"reason": " "}, metadata=button_value(request))
    assert "reason" in response.json()["errors"]
    assert the_request(bot).status == MeetingStatus.REQUESTED
    submit(bot, ADMIN, DECLINE_FORM, {"reason": "Please ask for the Intersessional Meetings instead."},
           metadata=button_value(request))
    assert the_request(bot).status == MeetingStatus.DECLINED
    assert "Please ask for the Intersessional Meetings instead." in dm_texts(bot, KH)


def test_a_schedule_that_ends_before_it_starts_is_refused(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    response = submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "16:00", "ends": "14:00",
                                                  "timezone": "Europe/Zurich", "place": "Room XI"},
                      metadata=button_value(request))
    assert "ends before it starts" in response.json()["errors"]["ends"]
    assert the_request(bot).status == MeetingStatus.REQUESTED


@pytest.mark.parametrize("action_id", [APPROVE, ASK, DECLINE])
def test_a_non_isu_person_pressing_a_decision_button_is_refused_and_audited(workspace, action_id):
    bot = workspace
    request = ask_for_a_meeting(bot)
    views_before = len(bot.fake.calls_to("views.open"))
    press(bot, NO, action_id, button_value(request))
    assert len(bot.fake.calls_to("views.open")) == views_before  # no form for them
    assert any("Only ISU staff" in text for text in told(bot))
    assert the_request(bot).status == MeetingStatus.REQUESTED
    with bot.session() as session:
        (refused,) = audit.entries(session, action="meeting.move_refused")
    assert refused.actor == NO


def test_a_non_isu_person_submitting_a_forged_decline_is_refused_and_audited(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    submit(bot, NO, DECLINE_FORM, {"reason": "forged"}, metadata=button_value(request))
    assert the_request(bot).status == MeetingStatus.REQUESTED
    with bot.session() as session:
        assert len(audit.entries(session, action="meeting.move_refused")) == 1


def test_a_button_on_a_request_that_moved_on_tells_what_happened_meanwhile(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    seen = button_value(request)
    submit(bot, ISU2, DECLINE_FORM, {"reason": "Out of scope."}, metadata=seen)
    press(bot, ADMIN, APPROVE, seen)  # the message ADMIN looked at still showed the buttons
    assert f"<@{ISU2}> already declined this request" in json.dumps(shown_view(bot))  # in place of the form
    assert the_request(bot).status == MeetingStatus.DECLINED


def test_an_invitee_answering_an_invitation_meant_for_someone_else_is_refused_and_audited(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Room XI"},
           metadata=button_value(request))
    with bot.session() as session:
        norway = session.scalar(select(MeetingInvitation).join(MeetingInvitation.person)
                                .where(MeetingInvitation.state_code == "NO"))
    press(bot, ES_, ACCEPT_INVITATION, {"invitation": norway.id}, channel=bot.fake.dm_channel_id(ES_))
    with bot.session() as session:
        assert session.get(MeetingInvitation, norway.id).answer == InvitationAnswer.PENDING
        assert len(audit.entries(session, action="meeting.invitation_refused")) == 1
    assert any(f"Esta invitación está dirigida a <@{NO}>, no a usted." in text for text in told(bot))  # in Spanish


def test_the_requester_withdraws_and_the_invited_are_told(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Room XI"},
           metadata=button_value(request))
    request = the_request(bot)
    press(bot, KH, WITHDRAW, button_value(request), channel=bot.fake.dm_channel_id(KH))
    assert the_request(bot).status == MeetingStatus.WITHDRAWN
    assert "will not take place" in dm_texts(bot, NO)


def test_meeting_list_shows_a_delegate_only_their_states_requests(workspace):
    bot = workspace
    ask_for_a_meeting(bot)
    bot.slack.command("/meeting", "list", user_id=NO)
    bot.settle()
    assert "No requests yet" in json.dumps(bot.fake.calls_to("response_url")[-1].body)
    bot.slack.command("/meeting", "list", user_id=KH)
    bot.settle()
    assert "*#1*" in json.dumps(bot.fake.calls_to("response_url")[-1].body)
    bot.slack.command("/meeting", "list", user_id=ADMIN)
    bot.settle()
    assert "*#1*" in json.dumps(bot.fake.calls_to("response_url")[-1].body)
    # Once scheduled, those invited see it too; a State not invited still does not.
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Room XI"},
           metadata=button_value(the_request(bot)))
    for user_id, sees in ((NO, True), (FR_, False)):
        bot.slack.command("/meeting", "list", user_id=user_id)
        bot.settle()
        assert ("*#1*" in json.dumps(bot.fake.calls_to("response_url")[-1].body)) is sees


def test_an_occasion_with_meeting_requests_cannot_be_removed_from_the_calendar(workspace):
    from bot.calendar.rules import remove_event
    from bot.errors import Conflict

    bot = workspace
    ask_for_a_meeting(bot)
    with bot.session() as session:
        admin = meet(session, ADMIN, now=bot.clock.now(), fetch_locale=lambda: None)
        with pytest.raises(Conflict) as refused:
            remove_event(session, admin, msp_id(bot), now=bot.clock.now())
    assert refused.value.params == {"count": 1}
    assert msp_id(bot) is not None


def test_the_app_home_shows_the_open_request_and_an_invitees_coming_meeting_but_not_to_others(workspace):
    from tests.e2e.test_home import open_home

    bot = workspace
    request = ask_for_a_meeting(bot)
    assert f"#{request.id}" in json.dumps(open_home(bot, KH), ensure_ascii=False)
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Room XI"},
           metadata=button_value(request))
    home = json.dumps(open_home(bot, NO), ensure_ascii=False)
    assert "Cambodia: 22 November 2027, 14:00–16:00 (Europe/Zurich)" in home
    assert "Cambod" not in json.dumps(open_home(bot, FR_), ensure_ascii=False)  # confidential: France not invited


def remind(bot, at: datetime):
    """One tick of the day-before reminders' job, as if the clock read `at`."""
    bot.clock.current = at
    with bot.session() as session:
        return meeting_reminders.run(session, bot.clock, Notifier(bot.app.client), ReminderSettings(),
                                     owner="scheduler-1")


def reminders_to(bot, user_id: str) -> list[dict]:
    return [m for m in bot.fake.delivered(bot.fake.dm_channel_id(user_id))
            if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def test_those_who_accepted_are_reminded_once_on_the_weekday_before_in_daytime(workspace):
    bot = workspace
    request = ask_for_a_meeting(bot)
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",  # a Monday
                                       "timezone": "Europe/Zurich", "place": "Room XI"},
           metadata=button_value(request))
    with bot.session() as session:
        invited = {i.person.slack_user_id: i.id for i in session.scalars(select(MeetingInvitation))}
    press(bot, NO, ACCEPT_INVITATION, {"invitation": invited[NO]}, channel=bot.fake.dm_channel_id(NO))
    press(bot, ES_, DECLINE_INVITATION, {"invitation": invited[ES_]}, channel=bot.fake.dm_channel_id(ES_))

    assert remind(bot, datetime(2027, 11, 19, 7, tzinfo=UTC))[Outcome.SENT] == 0  # Friday, 08:00 in Geneva: too early
    assert remind(bot, datetime(2027, 11, 19, 8, 30, tzinfo=UTC))[Outcome.SENT] == 1
    assert remind(bot, datetime(2027, 11, 19, 9, tzinfo=UTC))[Outcome.SENT] == 0  # once
    assert remind(bot, datetime(2027, 11, 22, 8, 30, tzinfo=UTC))[Outcome.SENT] == 0  # never on the meeting's day
    assert len(reminders_to(bot, NO)) == 1 and "Room XI" in json.dumps(reminders_to(bot, NO))
    assert reminders_to(bot, ES_) == []  # declined: not reminded


OUTCOMES = {"challenges": "Funding for survey in Pailin\nTraining of Cambodia's survey teams",
            "measures": "A resource mobilisation plan by June 2028; Norway to host a pledging meeting.",
            "commitments": "Norway | two survey teams | 2028-06-30\nICRC | physical rehabilitation support | 2028-12-31"}


def after_the_meeting(bot, request: MeetingRequest, tmp_path) -> None:
    """The second half of the whole path: outcomes, a challenge posted as a need, the report and its summary."""
    from docx import Document

    from bot.cli import main
    from bot.meetings.blocks import CHALLENGE_TO_NEED, DRAFT, FINALISE, OUTCOMES_FORM, RECORD
    from storage.models import Need
    from tests.e2e.flows import need_values, post_entry

    # Outcomes cannot be recorded before the meeting.
    press(bot, KH, RECORD, button_value(request), channel=bot.fake.dm_channel_id(KH))
    submit(bot, KH, OUTCOMES_FORM, OUTCOMES, metadata=button_value(request))
    assert the_request(bot).status == MeetingStatus.SCHEDULED
    bot.clock.current = datetime(2027, 11, 22, 16, tzinfo=UTC)

    bad = submit(bot, KH, OUTCOMES_FORM, {**OUTCOMES, "commitments": "Norway | two survey teams"},
                 metadata=button_value(request))
    assert "2" not in bad.json()["errors"]["commitments"][:6] and "1" in bad.json()["errors"]["commitments"]
    submit(bot, KH, OUTCOMES_FORM, OUTCOMES, metadata=button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.HELD
    assert request.outcomes["commitments"][0] == {"who": "Norway", "what": "two survey teams", "by": "2028-06-30"}
    assert CHALLENGE_TO_NEED in dm_texts(bot, KH)

    # A challenge becomes a need with one click: the form pre-filled, the State choosing visibility and consent.
    press(bot, KH, CHALLENGE_TO_NEED, {"meeting": request.id, "challenge": 0}, channel=bot.fake.dm_channel_id(KH))
    form = shown_view(bot)
    assert form["callback_id"] == "need_form"
    assert '"initial_value": "Funding for survey in Pailin"' in json.dumps(form)
    post_entry(bot, KH, "need", need_values(title="Funding for survey in Pailin", visibility="states"))
    with bot.session() as session:
        assert session.scalar(select(Need.title).where(Need.state_code == "KH")) == "Funding for survey in Pailin"
    press(bot, NO, CHALLENGE_TO_NEED, {"meeting": request.id, "challenge": 0}, channel=bot.fake.dm_channel_id(NO))
    with bot.session() as session:
        assert len(audit.entries(session, action="meeting.to_need_refused")) == 1

    # ISU staff draft the report: Word and Markdown, in the meeting's language, in the thread.
    press(bot, ADMIN, DRAFT, button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.REPORT_DRAFTED
    shared = {f["filename"]: f["content"] for f in bot.fake.files_in(ISU_CHANNEL)}
    docx_name, md_name = f"meeting-{request.id}-report.docx", f"meeting-{request.id}-report.md"
    assert docx_name in shared and md_name in shared and md_name in {
        f["filename"] for f in bot.fake.files_in(bot.fake.dm_channel_id(KH))}
    words = "\n".join(p.text for p in Document(__import__("io").BytesIO(shared[docx_name])).paragraphs)
    assert "Rapport d'une réunion individualisée" in words and "Cambodge" in words
    assert "Norway: two survey teams (30 juin 2028)" in words
    assert "Funding for survey in Pailin" in shared[md_name].decode()

    # Mark final freezes it: the outcomes can no longer change, and the summary is shared as chosen.
    press(bot, ADMIN, FINALISE, button_value(request))
    request = the_request(bot)
    assert request.status == MeetingStatus.REPORT_FINAL and request.report["final"]
    summary = {f["filename"]: f["content"] for f in bot.fake.files_in(ISU_CHANNEL)}[f"meeting-{request.id}-summary.md"]
    text = summary.decode()
    for name in ("Cambodge", "Cambodia", "Camboya", "Norway", "ICRC", "UKHMER1", "<@"):
        assert name not in text
    assert "Pailin" in text and "Training of […]'s survey teams" in text
    submit(bot, KH, OUTCOMES_FORM, {**OUTCOMES, "measures": "changed"}, metadata=button_value(request))
    assert the_request(bot).outcomes["measures"] == OUTCOMES["measures"]

    # `pfp meeting report` writes the same, from the database alone.
    out = tmp_path / "report.docx"
    import os
    os.environ["DATABASE_URL"] = str(bot.engine.url.render_as_string(hide_password=False))
    try:
        assert main(["meeting", "report", str(request.id), "--format", "docx", "--output", str(out)]) == 0
        assert main(["meeting", "report", str(request.id), "--format", "md", "--anonymised",
                     "--output", str(tmp_path / "summary.md")]) == 0
    finally:
        del os.environ["DATABASE_URL"]
    assert "Cambodge" in "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert (tmp_path / "summary.md").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("value", ['{"meeting": "1"}', '{"meeting": 1e400}', '{"meeting": -3, "seen": "requested"}',
                                   '{"meeting": 1, "seen": "approved-by-me"}', "[1]", "not json"])
@pytest.mark.parametrize("action_id", [APPROVE, ASK, DECLINE, WITHDRAW, ACCEPT_INVITATION])
def test_a_meeting_button_the_bot_did_not_write_is_out_of_date_and_changes_nothing(workspace, action_id, value):
    bot = workspace
    ask_for_a_meeting(bot)
    response = bot.slack.interaction(block_action(ADMIN, action_id, value, channel=ISU_CHANNEL,
                                                  message_ts="1700000000.000100",
                                                  response_url=bot.fake.new_response_url()))
    bot.settle()
    assert response.status == 200 and "Traceback" not in response.text
    assert any("out of date" in text for text in told(bot))
    assert the_request(bot).status == MeetingStatus.REQUESTED


def test_isu_staff_see_every_request_by_status_those_waiting_first(workspace):
    bot = workspace
    waiting = ask_for_a_meeting(bot)
    submit(bot, ADMIN, REQUEST_FORM, request_values(bot, state="AF"))  # Afghanistan: Article 5, survivors
    declined = requests(bot)[-1]
    submit(bot, ADMIN, DECLINE_FORM, {"reason": "Withdrawn by phone."}, metadata=button_value(declined))
    bot.slack.command("/meeting", "list", user_id=ADMIN)
    bot.settle()
    shown = json.dumps(bot.fake.calls_to("response_url")[-1].body)
    assert shown.index(f"*#{waiting.id}*") < shown.index(f"*#{declined.id}*")


def test_registered_organisations_named_under_their_category_are_invited(workspace):
    from bot.meetings.blocks import APPROVE, SCHEDULE_FORM
    from tests.e2e.flows import organisation_member

    bot = workspace
    organisation_member(bot, "UORGUNDP1", "UNDP", type="international", seat="US", locale="fr-FR")
    organisation_member(bot, "UORGICBL1", "ICBL", type="operator", seat="CH")  # named, but not as an operator
    organisation_member(bot, "UORGMAG1", "Mines Advisory Group", type="operator", seat="GB")  # not named
    request = ask_for_a_meeting(bot)
    press(bot, ADMIN, APPROVE, button_value(request))
    assert shown_view(bot)["callback_id"] == SCHEDULE_FORM
    submit(bot, ADMIN, SCHEDULE_FORM, {"day": "2027-11-22", "starts": "14:00", "ends": "16:00",
                                       "timezone": "Europe/Zurich", "place": "Palais des Nations, room XI"},
           metadata=button_value(request))
    with bot.session() as session:
        invited = {i.person.slack_user_id: i.category for i in session.scalars(select(MeetingInvitation))}
    assert invited == {NO: "state", ES_: "state", PRESIDENT: "president", COMMITTEE: "committee",
                       "UORGUNDP1": "organisation"}
    assert "Invitation" in dm_texts(bot, "UORGUNDP1") and "Cambodge" in dm_texts(bot, "UORGUNDP1")
