"""Payloads shaped like Slack's, and the steps of the registration flow, for end-to-end tests."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.sandbox.slack import Response
from storage.models import RegistrationRequest

TEAM = {"id": "T0TEAM", "domain": "apmbc"}
# A trigger the stand-in never issued: a modal opened with it is refused (invalid_trigger_id), as Slack
# refuses a made-up one. A payload whose listener opens a modal takes bot.fake.new_trigger_id(user_id).
UNISSUED_TRIGGER = "13345224609.738474920.8088930838d88f008e0"


def _user(user_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": "T0TEAM"}


def view_submission(user_id: str, values: dict[str, Any], *, callback_id: str = "registration",
                    trigger_id: str = UNISSUED_TRIGGER) -> dict:
    """A modal submission; `values` maps block ID -> selected option value (or text for text inputs)."""
    state: dict[str, dict] = {}
    for block, value in values.items():
        if block == "position":
            state[block] = {block: {"type": "plain_text_input", "value": value}}
        else:
            option = None if value is None else {"value": value, "text": {"type": "plain_text", "text": value}}
            element_type = "radio_buttons" if block == "focal_point" else "static_select"
            state[block] = {block: {"type": element_type, "selected_option": option}}
    blocks = [{"type": "input", "block_id": block} for block in values]
    return {
        "type": "view_submission",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": trigger_id,
        "view": {
            "id": "V0FORM",
            "type": "modal",
            "callback_id": callback_id,
            "blocks": blocks,
            "state": {"values": state},
            "private_metadata": "",
            "hash": "156772938.1827394",
        },
    }


def block_action(
    user_id: str,
    action_id: str,
    value: str,
    *,
    channel: str,
    message_ts: str,
    response_url: str,
    block_id: str = "b",
    trigger_id: str = UNISSUED_TRIGGER,
) -> dict:
    return {
        "type": "block_actions",
        "team": TEAM,
        "user": _user(user_id),
        "api_app_id": "A0APP",
        "token": "legacy",
        "trigger_id": trigger_id,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel, "name": "isu"},
        "message": {"type": "message", "ts": message_ts, "text": "", "blocks": []},
        "response_url": response_url,
        "actions": [
            {"action_id": action_id, "block_id": block_id, "value": value, "type": "button", "action_ts": "1.2"}
        ],
    }


def register(bot, user_id: str, *, state: str = "FR", focal: str = "no", position: str | None = None) -> Response:
    """Types `/pfp register`, then submits the modal it opened."""
    response = bot.slack.command("/pfp", "register", user_id=user_id)
    assert response.status == 200, response.text
    bot.fake.wait_for("views.open")
    return submit(bot, user_id, state=state, focal=focal, position=position)


def submit(bot, user_id: str, *, state: str | None, focal: str | None = "no", position: str | None = None):
    values = {"state": state, "focal_point": focal, "position": position}
    response = bot.slack.interaction(view_submission(user_id, values, trigger_id=bot.fake.new_trigger_id(user_id)))
    bot.settle()
    return response


def review_message(bot, index: int = -1):
    """The registration message the bot posted in the ISU channel."""
    posts = [c for c in bot.fake.calls_to("chat.postMessage") if c.body.get("channel") == "C0ISU"]
    assert posts, "nothing was posted in the ISU channel"
    return posts[index]


def press(bot, user_id: str, action_id: str, request_id: int, *, value: str | None = None) -> Response:
    with bot.session() as session:
        request = session.get(RegistrationRequest, request_id)
        channel, ts = request.review_channel, request.review_ts
    payload = block_action(
        user_id, action_id, value if value is not None else json.dumps({"request": request_id}),
        channel=channel or "C0ISU", message_ts=ts or "1700000000.000100",
        response_url=bot.fake.new_response_url(user_id, channel or "C0ISU", ts or "1700000000.000100"),
        block_id=f"registration:{request_id}", trigger_id=bot.fake.new_trigger_id(user_id),
    )
    response = bot.slack.interaction(payload)
    bot.settle()
    return response


def requests_of(bot) -> list[RegistrationRequest]:
    with bot.session() as session:
        return list(session.scalars(select(RegistrationRequest).order_by(RegistrationRequest.id)))


def ephemeral_texts(bot) -> list[str]:
    """What the bot told people through response_url (ephemeral answers after the acknowledgement)."""
    return [call.body.get("text", "") for call in bot.fake.calls_to("response_url")]


# ------------------------------------------------------------------------------- the platform

ELEMENT_TYPES = {
    "area": "static_select", "visibility": "radio_buttons", "countries": "multi_static_select",
    "starts_on": "datepicker", "ends_on": "datepicker",
    "kinds": "checkboxes", "challenges": "checkboxes", "consent": "checkboxes", "ownership": "checkboxes",
    "areas": "checkboxes", "regions": "checkboxes", "languages": "checkboxes",
}


def form_submission(user_id: str, callback_id: str, values: dict[str, Any], *, metadata: dict | None = None,
                    types: dict[str, str] | None = None, trigger_id: str = UNISSUED_TRIGGER) -> dict:
    """A modal submission with each value in the shape Slack sends for its element type (`types`, by block,
    for forms other than the platform's)."""
    state: dict[str, dict] = {}
    for block, value in values.items():
        kind = (types or ELEMENT_TYPES).get(block, "plain_text_input")
        if kind in ("checkboxes", "multi_static_select"):
            element = {"type": kind, "selected_options": [{"value": v} for v in value or []]}
        elif kind in ("static_select", "radio_buttons"):
            element = {"type": kind, "selected_option": None if value is None else {"value": value}}
        elif kind == "datepicker":
            element = {"type": kind, "selected_date": value}
        elif kind == "timepicker":
            element = {"type": kind, "selected_time": value}
        else:
            element = {"type": kind, "value": value}
        state[block] = {block: element}
    payload = view_submission(user_id, {}, callback_id=callback_id, trigger_id=trigger_id)
    payload["view"]["state"] = {"values": state}
    payload["view"]["blocks"] = [{"type": "input", "block_id": block} for block in values]
    payload["view"]["private_metadata"] = json.dumps(metadata or {"id": None, "channel": "C0GENERAL"})
    return payload


def need_values(**changes: Any) -> dict[str, Any]:
    values = {
        "area": "clearance", "kinds": ["expertise", "equipment"], "challenges": ["technical"],
        "title": "Technical survey in the north-west", "description": "Survey of 40 suspected hazardous areas.",
        "amount": "250000", "currency": "USD", "starts_on": "2027-01-01", "ends_on": "2027-12-31",
        "location": "Battambang", "visibility": "public", "consent": ["yes"], "ownership": ["realistic_plan"],
    }
    values.update(changes)
    return values


def offer_values(**changes: Any) -> dict[str, Any]:
    values = {
        "title": "Survey teams and training", "description": "Two technical survey teams for a year.",
        "kinds": ["expertise"], "areas": ["clearance"], "regions": ["asia"], "countries": [],
        "amount": "200000", "currency": "USD", "capacity": "per year", "languages": ["en", "fr"],
        "starts_on": "2027-01-01", "ends_on": "2027-12-31", "contact": "Demining desk", "visibility": "public",
    }
    values.update(changes)
    return values


def post_entry(bot, user_id: str, side: str, values: dict[str, Any], *, entry_id: int | None = None) -> Response:
    callback = "need_form" if side == "need" else "offer_form"
    payload = form_submission(user_id, callback, values, metadata={"id": entry_id, "channel": "C0GENERAL"},
                              trigger_id=bot.fake.new_trigger_id(user_id))
    response = bot.slack.interaction(payload)
    bot.settle()
    return response


def delegate(bot, user_id: str, state: str, *, focal: bool = True, locale: str = "en-GB") -> None:
    """A registered delegate (and by default focal point), as an approved registration leaves them."""
    from bot.registration.people import meet

    bot.fake.set_user(user_id, locale=locale)
    with bot.session() as session:
        person = meet(session, user_id, now=bot.clock.now(), fetch_locale=lambda: locale)
        person.state_code, person.is_focal_point = state, focal
        session.commit()


def button(bot, user_id: str, action_id: str, value: str, *, container: str = "message") -> Response:
    payload = block_action(user_id, action_id, value, channel="C0GENERAL", message_ts="1700000000.000900",
                           response_url=bot.fake.new_response_url(user_id, "C0GENERAL", "1700000000.000900"),
                           trigger_id=bot.fake.new_trigger_id(user_id))
    if container == "home":
        del payload["response_url"]
        payload["container"] = {"type": "view", "view_id": "V0HOME"}
        payload["view"] = {"id": "V0HOME", "type": "home"}
    response = bot.slack.interaction(payload)
    bot.settle()
    return response


def shown_view(bot) -> dict:  # type: ignore[no-untyped-def]
    """The modal the person sees last, once the bot is done: a modal that needs data opens at once with a
    loading view and is then filled with views.update (handlers/modals.py)."""
    bot.settle()
    calls = [c for c in bot.fake.calls if c.method in ("views.open", "views.push", "views.update")]
    assert calls, "no modal was opened"
    return calls[-1].body["view"]


ORGANISATION_TYPES = {"organisation": "plain_text_input", "organisation_type": "radio_buttons",
                      "seat": "static_select", "position": "plain_text_input"}


def submit_organisation(bot, user_id: str, *, name: str | None = "Mines Advisory Group",
                        type: str | None = "operator", seat: str | None = "GB",
                        position: str | None = None) -> Response:
    """Submits the organisation's registration form (`/pfp register organisation`)."""
    values = {"organisation": name, "organisation_type": type, "seat": seat, "position": position}
    payload = form_submission(user_id, "registration.organisation", values, types=ORGANISATION_TYPES,
                              trigger_id=bot.fake.new_trigger_id(user_id))
    response = bot.slack.interaction(payload)
    bot.settle()
    return response


def organisation_member(bot, user_id: str, name: str = "Mines Advisory Group", *, type: str = "operator",
                        seat: str = "GB", locale: str = "en-GB") -> int:
    """Someone an approved registration left speaking for an organisation; returns the organisation's id."""
    from bot.i18n import fold
    from bot.registration.people import meet
    from storage.models import OrganisationType
    from storage.people import find_or_add_organisation

    bot.fake.set_user(user_id, locale=locale)
    with bot.session() as session:
        person = meet(session, user_id, now=bot.clock.now(), fetch_locale=lambda: locale)
        organisation = find_or_add_organisation(session, name=name, key=fold(name), type=OrganisationType(type),
                                                seat_country=seat, now=bot.clock.now())
        person.organisation = organisation
        session.commit()
        return organisation.id
