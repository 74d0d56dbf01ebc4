"""Property-based: Hypothesis writes signed and unsigned requests of every shape the bot handles, for
every slash command, action id and callback id its listeners (and so the manifest) know, and the
bot, over real HTTP with the loopback Slack, must never answer 5xx, never log a traceback, never let
someone without the right change anything, and never send a single request out for an unsigned one.

`.ci/run` runs a bounded, derandomised number of examples; a long random run is one command:

    .venv/bin/pytest tests/e2e/test_boundary_properties.py --hypothesis-profile=long
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from bot.reminders.article7_blocks import SUBMITTED, submitted_value
from storage.models import Article7Report, Match, Need, Offer, Person, PersonRole, RegistrationRequest
from tests.e2e.flows import button, delegate, need_values, offer_values, post_entry, register

KH, NO, APPLICANT = "UKHMER1", "UNORWAY1", "UAPPLY1"
# Whoever the generated requests claim to be: people with no right to change what was seeded, and ids
# Slack would never send.
OUTSIDERS = ["UFUZZ01", "UFUZZ02", "WFUZZ03", "ufuzz04", "U", "", "UFUZZ01 ", "<@UFUZZ01>"]
FORM, JSON_TYPE = "application/x-www-form-urlencoded", "application/json"


def inventory(app) -> dict[str, list]:
    """What the app's listeners answer, read off Bolt's matchers: commands, action ids (or their
    patterns), callback ids and events."""
    found: dict[str, list] = {"command": [], "action": [], "view_submission": [], "event": []}
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            kind = getattr(func, "__qualname__", "").split(".")[0].replace("block_action", "action")
            for cell in getattr(func, "__closure__", None) or ():
                value = cell.cell_contents
                value = value.get("action_id", value) if isinstance(value, dict) else value
                if kind in found and isinstance(value, str | re.Pattern):
                    found[kind].append(value)
    return found


def test_the_inventory_covers_the_manifest(bot):
    import yaml

    from tests.test_manifest import MANIFEST

    assert yaml  # the manifest is read with PyYAML
    found = inventory(bot.app)
    assert {c["command"] for c in MANIFEST["features"]["slash_commands"]} <= set(found["command"])
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) <= set(found["event"])
    assert len(found["action"]) >= 10 and {"registration", "need_form", "offer_form"} <= set(found["view_submission"])


# ------------------------------------------------------------------------------------ strategies

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
edge_ids = st.one_of(
    st.sampled_from([0, 1, 2, -1, 2**31 - 1, 2**31, 2**63, 10**30, True, None, "1", 1.5]),
    st.integers(min_value=-(2**80), max_value=2**80),
)
# Values as the bot writes them into buttons, with their numbers pushed to the edges, then anything.
button_values = st.one_of(
    st.builds(lambda side, number: json.dumps({"side": side, "id": number}),
              st.sampled_from(["need", "offer", "other", 5]), edge_ids),
    st.builds(lambda key, number: json.dumps({key: number}), st.sampled_from(["match", "request", "id"]), edge_ids),
    st.builds(lambda state, year: json.dumps({"state": state, "year": year}),
              st.sampled_from(["KH", "NO", "FR", "ZZ", "kh", "KHM", "", 5]), st.one_of(edge_ids, st.integers(1990, 2035))),
    st.sampled_from(['{"id": 1e400}', '{"match": NaN}', '{"request": Infinity}', '{"side": "need", "id": -1e400}',
                     '{"state": "KH", "year": 1e400}', '{"state": "KH"}']),
    st.builds(json.dumps, json_values),
    st.text(max_size=40),
    json_values,
)
texts = st.one_of(
    st.sampled_from(["", "help", "whoami", "register", "browse", "list", "new", "show 1", "edit 1", "show payload",
                     "show 99999999999", "admin grant <@UFUZZ02> isu", "admin revoke <@UADMIN1> isu",
                     "admin grant <@ufuzz02> committee", "show #1", "edit 2147483648", "admin article7 received KH 2027",
                     "admin article7 received no 2026 2026-01-05", "admin article7"]),
    st.text(max_size=60),
)


def action_ids(found: dict[str, list]) -> st.SearchStrategy[str]:
    fixed = [a for a in found["action"] if isinstance(a, str)]
    patterns = [st.from_regex(a, fullmatch=True) for a in found["action"] if isinstance(a, re.Pattern)]
    return st.one_of(st.sampled_from(fixed), *patterns, st.text(max_size=20))


def form_states() -> st.SearchStrategy[Any]:
    element = st.one_of(
        st.fixed_dictionaries({"type": st.sampled_from(["plain_text_input", "datepicker"]),
                               "value": st.one_of(st.none(), st.text(max_size=40)),
                               "selected_date": st.one_of(st.none(), st.sampled_from(["2027-01-01", "2027-02-30"]))}),
        st.fixed_dictionaries({"type": st.sampled_from(["static_select", "radio_buttons"]),
                               "selected_option": st.one_of(st.none(), st.fixed_dictionaries({"value": st.text(max_size=12)}),
                                                            json_values)}),
        st.fixed_dictionaries({"type": st.sampled_from(["checkboxes", "multi_static_select"]),
                               "selected_options": st.one_of(st.lists(st.fixed_dictionaries(
                                   {"value": st.text(max_size=12)}), max_size=3), json_values)}),
        json_values,
    )
    blocks = st.sampled_from(["state", "focal_point", "position", "area", "kinds", "challenges", "title", "description",
                              "amount", "currency", "visibility", "consent", "countries", "languages", "areas"])
    values = st.dictionaries(blocks, st.builds(lambda b, e: {b: e}, st.just("x"), element), max_size=8)
    # Block ids map to {action_id: element}; the action id is the block id in the bot's forms.
    named = values.map(lambda v: {block: {block: element["x"]} for block, element in v.items()})
    return st.one_of(st.builds(lambda v: {"values": v}, named), json_values)


@st.composite
def payloads(draw, found: dict[str, list], response_url: str) -> tuple[bytes, str]:
    """One request body Slack could send, or one it never would, with its content type."""
    user = draw(st.sampled_from(OUTSIDERS))
    kind = draw(st.sampled_from(["command", "action", "view", "event", "garbage"]))
    if kind == "command":
        form = {"command": draw(st.sampled_from(found["command"] + ["/other"])), "text": draw(texts),
                "user_id": user, "team_id": "T0TEAM", "channel_id": draw(st.sampled_from(["C0GENERAL", "D0DM", "x"])),
                "channel_name": draw(st.sampled_from(["general", "payload-team"])), "response_url": response_url}
        if draw(st.booleans()):
            form["trigger_id"] = draw(st.sampled_from(["1.2.abc", "", "x" * 300]))
        return urlencode(form).encode(), FORM
    if kind == "garbage":
        body = draw(st.one_of(st.binary(max_size=80), st.builds(lambda v: json.dumps(v).encode(), json_values),
                              st.builds(lambda v: urlencode({"payload": json.dumps(v)}).encode(), json_values)))
        return body, draw(st.sampled_from([FORM, JSON_TYPE, "text/plain", ""]))
    if kind == "event":
        event = {"type": "app_home_opened", "user": user, "tab": draw(st.sampled_from(["home", "messages", 5]))}
        envelope = {"type": "event_callback", "team_id": "T0TEAM", "api_app_id": "A0APP", "event": event,
                    "event_id": "Ev1", "event_time": int(time.time())}
        if draw(st.booleans()):
            del event["user"]
        return json.dumps(envelope).encode(), JSON_TYPE
    payload: dict[str, Any] = {"team": {"id": "T0TEAM", "domain": "apmbc"}, "api_app_id": "A0APP", "token": "legacy",
                               "user": {"id": user, "team_id": "T0TEAM"}}
    if draw(st.booleans()):
        payload["trigger_id"] = draw(st.sampled_from(["1.2.abc", "", 5]))
    view = {"id": "V0FUZZ", "type": draw(st.sampled_from(["modal", "home"])), "hash": "1.h",
            "private_metadata": draw(st.one_of(st.sampled_from(['{"side": "need"}', '{"id": 1, "channel": "C0X"}',
                                                                 '{"id": 1e400}', ""]), st.text(max_size=30),
                                               json_values)),
            "blocks": draw(st.one_of(st.just([{"type": "input", "block_id": "state"}]), json_values))}
    if kind == "view":
        view["callback_id"] = draw(st.one_of(st.sampled_from(found["view_submission"]), st.text(max_size=12)))
        view["state"] = draw(form_states())
        payload.update(type="view_submission", view=view)
    else:
        payload.update(type="block_actions", response_url=response_url,
                       actions=[{"action_id": draw(action_ids(found)), "block_id": "b", "type": "button",
                                 "value": draw(button_values), "selected_option": draw(json_values)}])
        where = draw(st.sampled_from(["message", "modal", "nowhere"]))
        if where == "message":
            payload.update(channel={"id": "C0GENERAL"}, message={"ts": "1700000000.000100", "blocks": []},
                           container={"type": "message"})
        elif where == "modal":
            payload.update(view=view, container={"type": "view"})
    return urlencode({"payload": json.dumps(payload)}).encode(), FORM


# ---------------------------------------------------------------------------------- the property


def what_nobody_may_change(bot) -> dict[str, list]:
    """Every entry, match, role, registration, standing and Article 7 report the outsiders have no right to touch."""
    with bot.session() as session:
        def rows(model, *columns, where=None):
            query = select(*columns).order_by(*columns)
            return [tuple(r) for r in session.execute(query if where is None else query.where(where))]

        outsiders = select(Person.id).where(Person.slack_user_id.in_(OUTSIDERS))
        return {
            "needs": rows(Need, Need.id, Need.title, Need.status, Need.visibility, Need.confirmed_at),
            "offers": rows(Offer, Offer.id, Offer.title, Offer.status, Offer.visibility, Offer.confirmed_at),
            "matches": rows(Match, Match.id, Match.need_answer, Match.offer_answer, Match.conversation),
            "roles": rows(PersonRole, PersonRole.person_id, PersonRole.role),
            "people": rows(Person, Person.slack_user_id, Person.state_code, Person.is_focal_point,
                           where=Person.slack_user_id.not_in(OUTSIDERS)),
            "registrations": rows(RegistrationRequest, RegistrationRequest.id, RegistrationRequest.status,
                                  where=RegistrationRequest.person_id.not_in(outsiders)),
            "article7_reports": rows(Article7Report, Article7Report.state_code, Article7Report.year,
                                     Article7Report.received_on, Article7Report.recorded_by),
        }


class LogWatch(logging.Handler):
    """Every log record while the property runs, cleared per example."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def troubles(self) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records
                if r.exc_info or r.levelno >= logging.ERROR or "Traceback" in r.getMessage()]


@pytest.fixture
def seeded(bot):
    """A Cambodian need and a Norwegian offer that match, a registration waiting for ISU staff, and Cambodia's
    Article 7 report for 2026 recorded."""
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    post_entry(bot, KH, "need", need_values())
    post_entry(bot, NO, "offer", offer_values(countries=["KH"]))
    register(bot, APPLICANT, state="FR")
    button(bot, KH, SUBMITTED, submitted_value("KH", 2026))
    with bot.session() as session:
        assert session.scalar(select(Match.id)) is not None
        assert session.scalar(select(Article7Report.year)) == 2026
    return bot


@pytest.fixture
def watch():
    handler = LogWatch()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def check(bot, watch, body: bytes, content_type: str, signed: str) -> None:
    bot.settle()
    before = what_nobody_may_change(bot)
    bot.fake.clear()
    watch.records.clear()
    forged = {
        "signed": {},
        "unsigned": {"headers": {"X-Slack-Signature": None, "X-Slack-Request-Timestamp": None}},
        "wrong-signature": {"signature": "v0=" + "0" * 64},
        "bad-timestamp": {"headers": {"X-Slack-Request-Timestamp": "1.79e9"}},
        "stale": {"timestamp": int(time.time()) - 400},
    }[signed]
    if signed == "stale":
        forged["signature"] = bot.slack.sign(body, forged["timestamp"])
    response = bot.slack.post(body, content_type, **forged)
    bot.settle()
    assert response.status < 500, response.text
    if signed != "signed":
        assert response.status == 401
        assert bot.fake.calls == [], [c.method for c in bot.fake.calls]  # not one request went out
    assert watch.troubles() == []
    assert what_nobody_may_change(bot) == before


def test_no_request_breaks_the_boundary_or_changes_what_it_may_not(seeded, watch):
    bot = seeded
    found = inventory(bot.app)
    response_url = bot.fake.new_response_url()

    @given(request=payloads(found, response_url),
           signed=st.sampled_from(["signed", "signed", "signed", "unsigned", "wrong-signature", "bad-timestamp",
                                   "stale"]))
    def property_holds(request, signed):
        check(bot, watch, *request, signed)

    property_holds()
