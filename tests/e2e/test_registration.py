"""`/pfp register` through ISU approval to the delegate's direct message, over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.payloads import STALE_BUTTON
from bot.registration.blocks import APPROVE_ACTION, DECLINE_ACTION
from storage import audit
from storage.models import Person, RequestStatus
from tests.conftest import ADMIN
from tests.e2e.flows import ephemeral_texts, press, register, requests_of, review_message, shown_view, submit

DELEGATE = "UDELEG1"
OTHER = "UDELEG2"


def person(bot, slack_user_id: str) -> Person:
    with bot.session() as session:
        return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def audit_actions(bot) -> list[str]:
    with bot.session() as session:
        return [entry.action for entry in audit.entries(session)]


def test_register_is_approved_and_the_delegate_gets_a_direct_message(bot):
    bot.fake.set_user(DELEGATE, name="delegate")
    response = bot.slack.command("/pfp", "register", user_id=DELEGATE)
    assert response.status == 200
    modal = shown_view(bot)
    [states] = [b for b in modal["blocks"] if b.get("block_id") == "state"]
    offered = {o["value"] for group in states["element"]["option_groups"] for o in group["options"]}
    assert {"FR", "KH", "CO"} <= offered
    assert not {"US", "EE", "RU"} & offered  # never a State Party, withdrawn, never a State Party

    answer = submit(bot, DELEGATE, state="FR", focal="no", position="First Secretary")
    assert answer.json()["response_action"] == "update"
    review = review_message(bot)
    assert f"<@{DELEGATE}>" in review.body["blocks"][0]["text"]["text"]
    assert "France" in review.body["blocks"][0]["text"]["text"]
    assert [e["action_id"] for e in review.body["blocks"][1]["elements"]] == [APPROVE_ACTION, DECLINE_ACTION]
    [request] = requests_of(bot)
    assert request.status == RequestStatus.PENDING
    assert request.review_ts == bot.fake.calls_to("chat.postMessage")[-1].body.get("ts") or request.review_ts

    press(bot, ADMIN, APPROVE_ACTION, request.id)

    update = bot.fake.calls_to("chat.update")[-1].body
    assert update["ts"] == request.review_ts and update["channel"] == "C0ISU"
    assert [b["type"] for b in update["blocks"]] == ["section", "context"]  # the buttons are gone
    assert f"Approved by <@{ADMIN}>" in update["blocks"][1]["elements"][0]["text"]
    opened = bot.fake.calls_to("conversations.open")[-1].body
    assert opened["users"] == DELEGATE
    dm = [c for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"].startswith("D")][-1]
    assert "approved your registration as a delegate of France" in dm.body["text"]
    delegate = person(bot, DELEGATE)
    assert (delegate.state_code, delegate.is_focal_point) == ("FR", False)
    assert requests_of(bot)[0].decided_by == ADMIN
    assert audit_actions(bot)[-3:] == ["registration.requested", "registration.approved", "role.changed"]


def test_the_audit_keeps_who_what_when_before_and_after(bot):
    register(bot, DELEGATE, state="KH", focal="yes")
    bot.clock.advance(hours=2)
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    with bot.session() as session:
        [change] = audit.entries(session, action="role.changed")
    assert change.actor == ADMIN
    assert change.subject == f"person:{DELEGATE}"
    assert change.at == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert change.before == {"state": None, "organisation": None, "focal_point": False, "roles": []}
    assert change.after == {"state": "KH", "organisation": None, "focal_point": True, "roles": []}


def test_decline_changes_nothing_about_the_person_and_tells_them(bot):
    register(bot, DELEGATE, state="FR")
    press(bot, ADMIN, DECLINE_ACTION, requests_of(bot)[0].id)
    dm = bot.fake.calls_to("chat.postMessage")[-1].body
    assert "declined your registration" in dm["text"]
    assert person(bot, DELEGATE).state_code is None
    assert requests_of(bot)[0].status == RequestStatus.DECLINED
    assert "Declined by" in bot.fake.calls_to("chat.update")[-1].body["blocks"][1]["elements"][0]["text"]


def test_a_new_focal_point_replaces_the_old_one_only_when_isu_approves(bot):
    register(bot, DELEGATE, state="CO", focal="yes")
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    register(bot, OTHER, state="CO", focal="yes")
    assert person(bot, DELEGATE).is_focal_point  # pending: nothing changed yet

    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[1].id)

    old, new = person(bot, DELEGATE), person(bot, OTHER)
    assert (old.state_code, old.is_focal_point) == ("CO", False)
    assert (new.state_code, new.is_focal_point) == ("CO", True)
    told = [c.body["text"] for c in bot.fake.calls_to("chat.postMessage")]
    assert any(f"approved <@{OTHER}> as the new focal point of Colombia" in t for t in told)
    with bot.session() as session:
        subjects = [e.subject for e in audit.entries(session, action="role.changed")]
    assert subjects == [f"person:{DELEGATE}", f"person:{DELEGATE}", f"person:{OTHER}"]


def test_an_unknown_state_is_a_field_error_and_stores_nothing(bot):
    response = submit(bot, DELEGATE, state="ZZ")
    assert response.json() == {
        "response_action": "errors",
        "errors": {"state": "We do not know the State 'ZZ'. Choose a State from the list."},
    }
    assert requests_of(bot) == []
    assert "registration.requested" not in audit_actions(bot)
    assert bot.fake.calls_to("chat.postMessage") == []


def test_a_state_that_never_joined_is_refused_on_the_field(bot):
    response = submit(bot, DELEGATE, state="US")
    assert response.json()["errors"] == {"state": "United States is not a State Party to the Convention."}
    assert requests_of(bot) == []


def test_a_state_that_withdrew_is_refused_on_the_field(bot):
    response = submit(bot, DELEGATE, state="EE")
    error = response.json()["errors"]["state"]
    assert error == "Estonia withdrew from the Convention on 27 December 2025 and is no longer a State Party."
    assert requests_of(bot) == []


def test_a_state_for_which_the_convention_is_not_yet_in_force_is_refused(bot):
    bot.clock.current = datetime(2025, 8, 1, 9, 0, tzinfo=UTC)  # Marshall Islands: in force 1 September 2025
    error = submit(bot, DELEGATE, state="MH").json()["errors"]["state"]
    assert error == "Marshall Islands is not yet a State Party: the Convention enters into force for it on 1 September 2025."
    bot.clock.current = datetime(2025, 9, 1, 9, 0, tzinfo=UTC)
    assert submit(bot, DELEGATE, state="MH").json()["response_action"] == "update"


def test_missing_and_too_long_fields_are_reported_together(bot):
    response = submit(bot, DELEGATE, state=None, focal=None, position="x" * 4000)
    assert response.json()["errors"] == {
        "state": "Choose the State you represent.",
        "focal_point": "Say whether you are your State's focal point.",
        "position": "Please shorten this to 200 characters (it has 4000).",
    }
    assert requests_of(bot) == []


def test_registering_twice_while_pending_is_refused_with_a_clear_message(bot):
    register(bot, DELEGATE, state="FR")
    assert bot.slack.command("/pfp", "register", user_id=DELEGATE).status == 200
    shown = shown_view(bot)  # the modal opens at once, then says why there is no form
    assert "You already asked to register on 23 November 2026" in shown["blocks"][0]["text"]["text"]
    assert "submit" not in shown
    # A second submission of a modal left open is refused on the form too.
    again = submit(bot, DELEGATE, state="FR")
    assert again.json()["response_action"] == "errors"
    assert "You already asked to register" in next(iter(again.json()["errors"].values()))
    assert len(requests_of(bot)) == 1


def test_registering_again_for_the_same_state_is_refused(bot):
    register(bot, DELEGATE, state="FR")
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    response = submit(bot, DELEGATE, state="FR", focal="no")
    assert response.json()["errors"] == {"state": "You are already registered as a delegate of France."}
    assert len(requests_of(bot)) == 1


def test_pressing_approve_on_a_decided_request_says_who_decided(bot):
    bot.fake.set_user("UADMIN2", locale="en-US")
    with bot.session() as session:
        from bot.registration.people import change_role, meet
        from storage.models import Role

        admin = meet(session, ADMIN, now=bot.clock.now(), fetch_locale=lambda: None)
        second = meet(session, "UADMIN2", now=bot.clock.now(), fetch_locale=lambda: None)
        change_role(session, actor=admin, target=second, role=Role.ISU, grant=True, now=bot.clock.now())
        session.commit()
    register(bot, DELEGATE, state="FR")
    request_id = requests_of(bot)[0].id
    press(bot, ADMIN, APPROVE_ACTION, request_id)
    dms_before = len(bot.fake.calls_to("conversations.open"))

    press(bot, "UADMIN2", DECLINE_ACTION, request_id)

    assert ephemeral_texts(bot)[-1] == f"This request was already approved by <@{ADMIN}> on 23 November 2026, 09:00 UTC."
    assert requests_of(bot)[0].status == RequestStatus.APPROVED
    assert requests_of(bot)[0].decided_by == ADMIN
    assert len(bot.fake.calls_to("conversations.open")) == dms_before


def test_someone_without_the_isu_role_cannot_decide_and_is_audited(bot):
    register(bot, DELEGATE, state="FR")
    request_id = requests_of(bot)[0].id
    updates_before = len(bot.fake.calls_to("chat.update"))

    press(bot, DELEGATE, APPROVE_ACTION, request_id)

    assert ephemeral_texts(bot)[-1] == "Only ISU staff can approve or decline registrations. Nothing was changed."
    assert requests_of(bot)[0].status == RequestStatus.PENDING
    assert person(bot, DELEGATE).state_code is None
    assert len(bot.fake.calls_to("chat.update")) == updates_before
    with bot.session() as session:
        [refusal] = audit.entries(session, action="registration.decision_refused")
    assert (refusal.actor, refusal.subject, refusal.detail) == (DELEGATE, f"registration:{request_id}", "approve")


def test_a_forged_button_value_is_refused(bot):
    register(bot, DELEGATE, state="FR")
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id, value="{\"request\": 99999}")
    assert ephemeral_texts(bot)[-1] == "This registration request no longer exists."
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id, value="DROP TABLE people")
    assert ephemeral_texts(bot)[-1] == STALE_BUTTON
    assert requests_of(bot)[0].status == RequestStatus.PENDING


def test_mentions_and_links_typed_by_a_person_never_ping_or_spoof(bot):
    register(bot, DELEGATE, state="FR", position="<!channel> <@U0BOSS> <https://evil.example|click> & co")
    text = review_message(bot).body["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt; &amp; co" in text
    assert "<!channel>" not in text and "<https://evil" not in text and "<@U0BOSS>" not in text
