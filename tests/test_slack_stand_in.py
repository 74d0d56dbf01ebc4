"""Tests of the Slack fake itself, through the real slack_sdk clients.

Why: every end-to-end test trusts this fake; if it drifts from how slack_sdk
talks to Slack (auth, body encodings, retry semantics, signatures) the bot's
tests would pass against a Slack that does not exist.
"""

from __future__ import annotations

import json
import threading
import time
import types
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_handlers
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from bot.sandbox.slack import METHOD_SCOPES, Call, SlackSigner, SlackStandIn, missing_scope, required_scopes

NO_WAIT = FixedValueRetryIntervalCalculator(0.0)


@pytest.fixture
def fake() -> Iterator[SlackStandIn]:
    with SlackStandIn() as server:
        yield server


def client_for(fake: SlackStandIn, token: str | None = None, **kwargs) -> WebClient:
    """A client with no retries unless a test adds them, so faults are visible."""
    kwargs.setdefault("retry_handlers", [])
    return WebClient(base_url=fake.base_url, token=token or fake.token, **kwargs)


# ---------------------------------------------------------------- lifecycle & auth


def test_base_url_and_context_manager() -> None:
    with SlackStandIn() as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/api/"
        assert client_for(server).auth_test()["user_id"] == "UBOT"
    with pytest.raises(RuntimeError):
        _ = server.port


def test_auth_test_answer(fake: SlackStandIn) -> None:
    data = client_for(fake).auth_test().data
    assert data == {
        "ok": True,
        "url": "https://fake-team.slack.com/",
        "team": "Fake Team",
        "user": "pfp",
        "team_id": "T0TEAM",
        "user_id": "UBOT",
        "bot_id": "B0BOT",
        "is_enterprise_install": False,
    }


def test_wrong_token_is_rejected_but_recorded(fake: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as info:
        client_for(fake, token="xoxb-wrong").chat_postMessage(channel="C1", text="hi")
    assert info.value.response.status_code == 200
    assert info.value.response["error"] == "invalid_auth"
    (call,) = fake.calls_to("chat.postMessage")
    assert call.headers["authorization"] == "Bearer xoxb-wrong"


def test_missing_token_is_rejected(fake: SlackStandIn) -> None:
    client = WebClient(base_url=fake.base_url, retry_handlers=[])
    with pytest.raises(SlackApiError) as info:
        client.auth_test()
    assert info.value.response["error"] == "invalid_auth"
    assert len(fake.calls_to("auth.test")) == 1


def test_token_as_form_field_is_accepted(fake: SlackStandIn) -> None:
    client = WebClient(base_url=fake.base_url, retry_handlers=[])
    assert client.api_call("auth.test", params={"token": fake.token})["ok"] is True


def test_unknown_method(fake: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as info:
        client_for(fake).api_call("reactions.add", params={"name": "x"})
    assert info.value.response.status_code == 200
    assert info.value.response.data == {"ok": False, "error": "unknown_method", "req_method": "reactions.add"}


def test_respond_to_adds_a_method(fake: SlackStandIn) -> None:
    fake.respond_to("team.info", {"team": {"id": "T0TEAM"}})
    fake.respond_to("reactions.add", lambda call: {"echo": call.body["name"]})
    client = client_for(fake)
    assert client.team_info()["team"] == {"id": "T0TEAM"}
    assert client.reactions_add(channel="C1", timestamp="1.2", name="eyes")["echo"] == "eyes"


# ---------------------------------------------------------------- OAuth scopes


def test_a_method_whose_scope_is_not_granted_is_refused_as_slack_does() -> None:
    with SlackStandIn(scopes=["commands", "chat:write"]) as server:
        with pytest.raises(SlackApiError) as info:
            client_for(server).users_info(user="UBOT")
        assert info.value.response.status_code == 200
        assert info.value.response.data == {
            "ok": False, "error": "missing_scope", "needed": "users:read", "provided": "commands,chat:write"}
        assert info.value.response["needed"] == "users:read"
        (call,) = server.calls_to("users.info")  # recorded, like every request
        assert call.body["user"] == "UBOT"
        assert client_for(server).chat_postMessage(channel="C1", text="hi")["ok"] is True


def test_every_authenticated_answer_carries_the_granted_scopes() -> None:
    with SlackStandIn(scopes=["chat:write", "im:write", "chat:write"]) as server:
        client = client_for(server)

        def scopes_of(response) -> str:
            return {k.lower(): v for k, v in response.headers.items()}["x-oauth-scopes"]

        assert scopes_of(client.chat_postMessage(channel="C1", text="hi")) == "chat:write,im:write"
        assert scopes_of(client.views_open(trigger_id=server.new_trigger_id("U1"), view=modal())) == (
            "chat:write,im:write")
        for refused in (lambda: client.users_info(user="UBOT"), lambda: client.api_call("reactions.add")):
            with pytest.raises(SlackApiError) as info:
                refused()
            assert scopes_of(info.value.response) == "chat:write,im:write"


def test_everything_is_granted_when_no_scopes_are_given(fake: SlackStandIn) -> None:
    response = client_for(fake).conversations_open(users="U1,U2")
    granted = {k.lower(): v for k, v in response.headers.items()}["x-oauth-scopes"].split(",")
    assert {"commands", "chat:write", "im:write", "mpim:write", "users:read"} <= set(granted)


def test_conversations_open_needs_im_write_for_one_person_and_mpim_write_for_several() -> None:
    with SlackStandIn(scopes=["im:write"]) as dm_only, SlackStandIn(scopes=["mpim:write"]) as group_only:
        assert client_for(dm_only).conversations_open(users="U1")["channel"]["id"] == dm_only.dm_channel_id("U1")
        assert client_for(dm_only).conversations_open(users="U1,U1")["ok"] is True  # still one person
        with pytest.raises(SlackApiError) as info:
            client_for(dm_only).conversations_open(users="U1,U2")
        assert (info.value.response["needed"], info.value.response["provided"]) == ("mpim:write", "im:write")

        assert client_for(group_only).conversations_open(users=["U1", "U2"])["ok"] is True
        with pytest.raises(SlackApiError) as info:
            client_for(group_only).conversations_open(users="U1")
        assert (info.value.response["needed"], info.value.response["provided"]) == ("im:write", "mpim:write")


def test_unknown_methods_stay_unknown_and_responders_are_scope_checked_too() -> None:
    with SlackStandIn(scopes=[]) as server:
        with pytest.raises(SlackApiError) as info:
            client_for(server).api_call("reactions.add", params={"name": "x"})
        assert info.value.response["error"] == "unknown_method"  # not in the table: not refused for scope
        server.respond_to("conversations.history", {"messages": []})
        with pytest.raises(SlackApiError) as info:
            client_for(server).conversations_history(channel="D0DM")
        assert (info.value.response["error"], info.value.response["needed"]) == ("missing_scope", "im:history")
        assert info.value.response["provided"] == ""


def test_required_scopes_table() -> None:
    for method in ("chat.postMessage", "chat.postEphemeral", "chat.update", "chat.delete"):
        assert required_scopes(method) == {"chat:write"}
    assert required_scopes("users.info") == {"users:read"}
    assert required_scopes("users.lookupByEmail") == {"users:read.email"}
    assert required_scopes("conversations.open", {"users": "U1"}) == {"im:write"}
    assert required_scopes("conversations.open", {"users": "U1, U2"}) == {"mpim:write"}
    assert required_scopes("conversations.open", {"channel": "D1"}) == {
        "channels:manage", "groups:write", "im:write", "mpim:write"}
    assert required_scopes("conversations.history", {"channel": "D1"}) == {"im:history"}
    assert required_scopes("conversations.replies", {"channel": "D1", "ts": "1.2"}) == {"im:history"}
    assert required_scopes("conversations.history", {"channel": "C1"}) == {"channels:history"}
    for method in ("files.getUploadURLExternal", "files.completeUploadExternal", "files.upload"):
        assert required_scopes(method) == {"files:write"}
    for method in ("views.open", "views.push", "views.update", "views.publish", "auth.test"):
        assert method in METHOD_SCOPES and required_scopes(method) == frozenset()
    assert "reactions.add" not in METHOD_SCOPES and required_scopes("reactions.add") == frozenset()
    assert missing_scope("conversations.open", {"users": "U1,U2"}, ["im:write"]) == "mpim:write"
    assert missing_scope("conversations.open", {"users": "U1,U2"}, ["mpim:write"]) is None


# ---------------------------------------------------------------- recording


def test_records_json_body(fake: SlackStandIn) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    resp = client_for(fake).chat_postMessage(channel="C1", text="hi", blocks=blocks, thread_ts="1.2")
    assert resp["message"]["blocks"] == blocks
    assert resp["message"]["text"] == "hi"
    (call,) = fake.calls_to("chat.postMessage")
    assert isinstance(call, Call)
    assert call.path == "/api/chat.postMessage"
    assert call.headers["content-type"].startswith("application/json")
    assert call.body == {"channel": "C1", "text": "hi", "blocks": blocks, "thread_ts": "1.2"}


def test_records_form_body_and_decodes_json_fields(fake: SlackStandIn) -> None:
    blocks = [{"type": "divider"}]
    client_for(fake).api_call(
        "chat.postMessage",
        params={"channel": "C1", "blocks": json.dumps(blocks), "attachments": "[]", "unfurl_links": True},
    )
    (call,) = fake.calls_to("chat.postMessage")
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.body["blocks"] == blocks
    assert call.body["attachments"] == []
    assert call.body["channel"] == "C1"
    assert call.body["unfurl_links"] == "1"  # other values stay strings, as sent


def test_calls_is_a_copy_and_clear(fake: SlackStandIn) -> None:
    client_for(fake).auth_test()
    snapshot = fake.calls
    snapshot.clear()
    assert [c.method for c in fake.calls] == ["auth.test"]
    fake.clear()
    assert fake.calls == []


def test_ts_unique_and_increasing(fake: SlackStandIn) -> None:
    client = client_for(fake)
    stamps = [client.chat_postMessage(channel="C1", text=str(i))["ts"] for i in range(3)]
    stamps.append(client.chat_postEphemeral(channel="C1", user="U1", text="e")["message_ts"])
    assert stamps[0] == "1700000000.000100"
    assert len(set(stamps)) == 4
    assert stamps == sorted(stamps, key=float)


def test_post_to_user_lands_in_dm_matching_conversations_open(fake: SlackStandIn) -> None:
    client = client_for(fake)
    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm.startswith("D")
    assert client.chat_postMessage(channel="U1", text="hi")["channel"] == dm
    group = client.conversations_open(users=["U2", "U1"])["channel"]["id"]
    assert group == client.conversations_open(users="U1,U2")["channel"]["id"]
    assert group != dm


def test_chat_update(fake: SlackStandIn) -> None:
    resp = client_for(fake).chat_update(channel="C1", ts="1700000000.000100", text="new")
    assert (resp["channel"], resp["ts"], resp["text"]) == ("C1", "1700000000.000100", "new")


def test_views(fake: SlackStandIn) -> None:
    client = client_for(fake)
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    opened = client.views_open(trigger_id=fake.new_trigger_id("U1"), view=view)["view"]
    pushed = client.views_push(trigger_id=fake.new_trigger_id("U1"), view=view)["view"]
    published = client.views_publish(user_id="U1", view={"type": "home", "blocks": []})["view"]
    assert opened["id"].startswith("V") and opened["type"] == "modal"
    assert len({opened["id"], pushed["id"], published["id"]}) == 3
    updated = client.views_update(view_id=opened["id"], view={**view, "blocks": [{"type": "divider"}]})
    assert updated["view"]["id"] == opened["id"]
    assert updated["view"]["blocks"] == [{"type": "divider"}]
    assert fake.calls_to("views.update")[0].body["view"]["blocks"] == [{"type": "divider"}]


def test_users_info_locale_only_when_asked(fake: SlackStandIn) -> None:
    fake.set_user("U1", name="ada", real_name="Ada L", locale="de-CH", tz="Europe/Zurich")
    client = client_for(fake)
    plain = client.users_info(user="U1")["user"]
    assert plain["name"] == "ada" and plain["real_name"] == "Ada L" and plain["tz"] == "Europe/Zurich"
    assert plain["is_bot"] is False
    assert "locale" not in plain
    assert client.users_info(user="U1", include_locale=True)["user"]["locale"] == "de-CH"
    with pytest.raises(SlackApiError) as info:
        client.users_info(user="UNOBODY")
    assert info.value.response["error"] == "user_not_found"


# ---------------------------------------------------------------- Slack's limits


def section(text: str, **extra) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def refusal_of(call) -> dict:
    with pytest.raises(SlackApiError) as info:
        call()
    assert info.value.response.status_code == 200
    return info.value.response.data


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")  # no_text is the point
@pytest.mark.parametrize("method", ["chat_postMessage", "chat_postEphemeral", "chat_update"])
def test_a_message_over_slacks_limits_is_refused_with_invalid_blocks(fake: SlackStandIn, method: str) -> None:
    client = client_for(fake)
    where = {"channel": "C1", "user": "U1"} if method == "chat_postEphemeral" else {"channel": "C1"}
    if method == "chat_update":
        where["ts"] = client.chat_postMessage(channel="C1", text="first")["ts"]
    send = getattr(client, method)
    assert send(**where, text="x", blocks=[section("x")] * 50)["ok"]
    too_many = refusal_of(lambda: send(**where, text="x", blocks=[section("x")] * 51))
    assert too_many == {"ok": False, "error": "invalid_blocks", "response_metadata": {
        "messages": ["[ERROR] no more than 50 items allowed [json-pointer:/blocks]"]}}
    assert send(**where, text="x", blocks=[section("x" * 3000)])["ok"]
    long_text = refusal_of(lambda: send(**where, text="x", blocks=[{"type": "divider"}, section("x" * 3001)]))
    assert long_text["error"] == "invalid_blocks"
    assert long_text["response_metadata"]["messages"] == [
        "[ERROR] must be less than 3001 characters [json-pointer:/blocks/1/text/text]"]
    assert refusal_of(lambda: send(**where))["error"] == "no_text"
    assert refusal_of(lambda: send(**where, text="", blocks=[]))["error"] == "no_text"


def test_headers_buttons_and_ids_have_slacks_limits(fake: SlackStandIn) -> None:
    client = client_for(fake)

    def problems(*blocks: dict) -> list[str]:
        answer = refusal_of(lambda: client.chat_postMessage(channel="C1", text="x", blocks=list(blocks)))
        assert answer["error"] == "invalid_blocks"
        return answer["response_metadata"]["messages"]

    def button(text: str = "Go", action_id: str = "go") -> dict:
        return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}

    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}}
    ok = [header, {"type": "actions", "block_id": "b" * 255, "elements": [button("g" * 75, "a" * 255)]}]
    assert client.chat_postMessage(channel="C1", text="x", blocks=ok)["ok"]
    assert problems({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}) == [
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"]
    assert problems({"type": "actions", "elements": [button("g" * 76)]}) == [
        "[ERROR] must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"]
    assert problems(section("x", block_id="b" * 256), section("y", accessory=button(action_id="a" * 256))) == [
        "[ERROR] must be less than 256 characters [json-pointer:/blocks/0/block_id]",
        "[ERROR] must be less than 256 characters [json-pointer:/blocks/1/accessory/action_id]"]
    assert problems(section("")) == ["[ERROR] must be more than 0 characters [json-pointer:/blocks/0/text/text]"]
    many_options = {"type": "checkboxes", "action_id": "c",
                    "options": [{"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(11)]}
    assert problems({"type": "actions", "elements": [many_options]}) == [
        "[ERROR] no more than 10 items allowed [json-pointer:/blocks/0/elements/0/options]"]
    malformed = refusal_of(lambda: client.api_call("chat.postMessage", json={"channel": "C1", "blocks": "nope"}))
    assert malformed["error"] == "invalid_blocks_format"


def test_a_response_url_post_over_the_limits_is_refused_and_delete_original_needs_no_text(fake: SlackStandIn) -> None:
    url = fake.new_response_url()
    refused = WebhookClient(url).send(text="x", blocks=[section("x")] * 51)
    assert refused.status_code == 200
    assert json.loads(refused.body)["error"] == "invalid_blocks"
    assert json.loads(WebhookClient(url).send_dict({"replace_original": True}).body)["error"] == "no_text"
    assert json.loads(WebhookClient(url).send_dict({"delete_original": True}).body) == {"ok": True}
    assert len(fake.calls_to("response_url")) == 3  # refused posts are recorded all the same


def modal(**changes) -> dict:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T"}, "blocks": []}
    view.update(changes)
    return view


def test_a_view_over_slacks_limits_is_refused_with_invalid_arguments(fake: SlackStandIn) -> None:
    client = client_for(fake)

    def messages(**changes) -> list[str]:
        answer = refusal_of(lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": [],
                                                                            **changes}))
        assert answer["error"] == "invalid_arguments"
        return answer["response_metadata"]["messages"]

    assert client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("x")] * 100})["ok"]
    assert messages(blocks=[section("x")] * 101) == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"]
    assert messages(private_metadata="m" * 3001) == [
        "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"]
    assert messages(blocks=[section("x" * 3001)]) == [
        "[ERROR] must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]"]
    opened = client.views_open(trigger_id=fake.new_trigger_id("U1"), view=modal(title={"type": "plain_text",
                                                                                        "text": "t" * 24}))
    long_title = modal(title={"type": "plain_text", "text": "t" * 25},
                       submit={"type": "plain_text", "text": "s" * 25}, close={"type": "plain_text", "text": "c" * 24})
    answer = refusal_of(lambda: client.views_update(view_id=opened["view"]["id"], view=long_title))
    assert answer == {"ok": False, "error": "invalid_arguments", "response_metadata": {"messages": [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
        "[ERROR] must be less than 25 characters [json-pointer:/view/submit/text]"]}}
    answer = refusal_of(lambda: client.views_open(trigger_id=fake.new_trigger_id("U1"), view={"type": "modal",
                                                                                              "blocks": []}))
    assert answer["response_metadata"]["messages"] == ["[ERROR] missing required field: title [json-pointer:/view/title]"]
    assert refusal_of(lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": [
        section("x" * 2900)] * 90}))["error"] == "view_too_large"


# ---------------------------------------------------------------- trigger ids


class Seconds:
    """The stand-in's injected clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_trigger_opens_one_view_within_three_seconds() -> None:
    seconds = Seconds()
    with SlackStandIn(clock=seconds) as server:
        client = client_for(server)
        fresh, late, stale = (server.new_trigger_id("U1") for _ in range(3))
        assert len({fresh, late, stale}) == 3 and fresh.count(".") == 2  # shaped like Slack's 12345.98765.abcd…
        seconds.now += 3.0
        assert client.views_open(trigger_id=fresh, view=modal())["ok"]
        assert client.views_push(trigger_id=late, view=modal())["ok"]  # 3 s is still in time
        seconds.now += 0.1
        assert refusal_of(lambda: client.views_open(trigger_id=stale, view=modal())) == {
            "ok": False, "error": "expired_trigger_id"}
        assert refusal_of(lambda: client.views_push(trigger_id=stale, view=modal()))["error"] == "expired_trigger_id"


def test_a_trigger_the_stand_in_never_issued_or_already_exchanged_is_refused(fake: SlackStandIn) -> None:
    client = client_for(fake)
    assert refusal_of(lambda: client.views_open(trigger_id="12345.98765.abcd2358fdea", view=modal())) == {
        "ok": False, "error": "invalid_trigger_id"}
    assert refusal_of(lambda: client.views_push(trigger_id="", view=modal()))["error"] == "invalid_trigger_id"
    trigger = fake.new_trigger_id("U1")
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]
    # Slack's views.open: "The trigger_id was already exchanged in a previous call."
    assert refusal_of(lambda: client.views_open(trigger_id=trigger, view=modal()))["error"] == "exchanged_trigger_id"
    assert refusal_of(lambda: client.views_push(trigger_id=trigger, view=modal()))["error"] == "exchanged_trigger_id"


def test_a_view_refused_for_its_content_leaves_the_trigger_unused(fake: SlackStandIn) -> None:
    client = client_for(fake)
    trigger = fake.new_trigger_id("U1")
    assert refusal_of(lambda: client.views_open(trigger_id=trigger, view={"type": "modal", "blocks": []}))[
        "error"] == "invalid_arguments"
    assert client.views_open(trigger_id=trigger, view=modal())["ok"]


def test_the_first_views_open_of_each_trigger_is_kept_with_when_it_arrived(fake: SlackStandIn) -> None:
    client = client_for(fake)
    opened, refused = fake.new_trigger_id("U1"), fake.new_trigger_id("U2")
    before = time.monotonic()
    client.views_open(trigger_id=opened, view=modal(callback_id="need_form"))
    refusal_of(lambda: client.views_open(trigger_id=opened, view=modal(callback_id="second")))  # exchanged
    refusal_of(lambda: client.views_open(trigger_id=refused, view={"type": "modal", "blocks": []}))
    first = fake.openings([opened, refused, "never.sent.1"])
    assert set(first) == {opened, refused}
    assert (first[opened].method, first[opened].callback_id, first[opened].error) == ("views.open", "need_form", None)
    assert before <= first[opened].at <= first[refused].at <= time.monotonic()
    assert first[refused].error == "invalid_arguments"
    fake.clear()
    assert fake.openings() == {}


def test_latency_delays_every_answer_without_holding_up_the_others() -> None:
    with SlackStandIn(latency=0.3) as server:
        took: list[float] = []

        def call() -> None:
            started = time.monotonic()
            client_for(server).auth_test()
            took.append(time.monotonic() - started)

        started = time.monotonic()
        threads = [threading.Thread(target=call) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(took) == 5 and min(took) >= 0.3
        assert time.monotonic() - started < 1.0  # five answers at once, not one after another (1.5 s)
        assert all(c.at - started < 0.3 for c in server.calls)  # recorded on arrival, answered later
        server.set_latency(0)
        started = time.monotonic()
        client_for(server).auth_test()
        assert time.monotonic() - started < 0.3
    with pytest.raises(ValueError):
        SlackStandIn(latency=-1)


# ---------------------------------------------------------------- what a client shows (the sandbox page reads it)


def test_channels_appear_when_added_opened_or_posted_in(fake: SlackStandIn) -> None:
    client = client_for(fake)
    fake.set_user("U2", name="bea")
    fake.set_user("U3", name="ada")
    assert fake.add_channel("C1", "general", ["U1", "U1", "U2"]) == {
        "id": "C1", "name": "general", "is_im": False, "members": ["U1", "U2"]}
    dm = client.conversations_open(users="U1")["channel"]["id"]
    client.chat_postMessage(channel="U2", text="hi")  # a post to a person lands in (and opens) their DM
    group = client.conversations_open(users="U2,U3")["channel"]["id"]
    client.chat_postMessage(channel="C9", text="somewhere the page was not told of")
    assert fake.channels() == [
        {"id": "C1", "name": "general", "is_im": False, "members": ["U1", "U2"]},
        {"id": dm, "name": "U1", "is_im": True, "members": ["U1", "UBOT"]},
        {"id": fake.dm_channel_id("U2"), "name": "U2", "is_im": True, "members": ["U2", "UBOT"]},
        {"id": group, "name": "mpdm-ada--bea-1", "is_im": False, "members": ["U2", "U3", "UBOT"]},
        {"id": "C9", "name": "C9", "is_im": False, "members": []},
    ]
    client.conversations_open(users="U1")
    assert len(fake.channels()) == 5  # opened once, listed once
    fake.add_channel("C9", "isu", ["U1"])
    assert fake.channels()[-1] == {"id": "C9", "name": "isu", "is_im": False, "members": ["U1"]}


def test_messages_are_shown_as_a_client_shows_them(fake: SlackStandIn) -> None:
    client = client_for(fake)
    first = client.chat_postMessage(channel="C1", text="first", blocks=[section("first")])["ts"]
    second = client.chat_postMessage(channel="C1", text="second")["ts"]
    reply = client.chat_postMessage(channel="C1", text="a reply", thread_ts=first)["ts"]
    edited = client.chat_update(channel="C1", ts=first, text="first, edited", blocks=[section("edited")])
    assert edited["message"]["edited"] is True and edited["ts"] == first
    client.files_upload_v2(channel="C1", content=b"BEGIN:VCALENDAR", filename="m.ics", title="Meeting")
    shown = fake.messages("C1")
    assert [(m["ts"], m["text"]) for m in shown[:2]] == [(first, "first, edited"), (second, "second")]
    assert shown[0]["blocks"] == [section("edited")] and shown[0]["edited"] is True and shown[0]["reply_count"] == 1
    assert "edited" not in shown[1] and "reply_count" not in shown[1]
    assert shown[2]["files"] == [{"id": "F00000001", "name": "m.ics", "title": "Meeting"}]
    assert len(shown) == 3  # the reply is in its thread, not at the top
    [in_thread] = fake.replies("C1", first)
    assert (in_thread["ts"], in_thread["text"], in_thread["thread_ts"]) == (reply, "a reply", first)
    assert fake.replies("C1", second) == []
    # delivered() keeps every message as it was accepted; conversations.history shows what a client shows.
    assert [m["text"] for m in fake.delivered("C1")] == ["first", "second", "a reply", ""]
    history = client.conversations_history(channel="C1")["messages"]
    assert [m["ts"] for m in history] == [shown[2]["ts"], second, first] and history[2]["text"] == "first, edited"
    shown[0]["text"] = "changed by the reader"
    assert fake.messages("C1")[0]["text"] == "first, edited"  # a copy: the reader cannot change the stand-in
    assert fake.messages("U1") == [] and fake.messages("C404") == []


def test_ephemerals_are_kept_per_person(fake: SlackStandIn) -> None:
    client = client_for(fake)
    ts = client.chat_postEphemeral(channel="C1", user="U1", text="only you", blocks=[section("only you")])[
        "message_ts"]
    assert fake.ephemerals("U1") == [{"channel": "C1", "ts": ts, "text": "only you", "blocks": [section("only you")]}]
    assert fake.ephemerals("U2") == [] and fake.messages("C1") == []


def test_a_commands_response_url_answers_its_person_where_they_typed_it(fake: SlackStandIn) -> None:
    url = fake.new_response_url(user_id="U1", channel="C1")
    WebhookClient(url).send(text="working…", response_type="ephemeral")
    WebhookClient(url).send(text="done", replace_original=True)  # replaces the answer given through it
    [answer] = fake.ephemerals("U1")
    assert (answer["channel"], answer["text"], answer["blocks"]) == ("C1", "done", [])
    WebhookClient(url).send(text="for everyone", response_type="in_channel")
    assert [m["text"] for m in fake.messages("C1")] == ["for everyone"]
    WebhookClient(url).send_dict({"delete_original": True})
    assert fake.ephemerals("U1") == []
    assert [c.body.get("text") for c in fake.calls_to("response_url")] == [
        "working…", "done", "for everyone", None]  # every post is recorded as before
    WebhookClient(fake.new_response_url()).send(text="nobody's")  # no owner: recorded, shown nowhere
    assert fake.ephemerals("U1") == [] and len(fake.messages("C1")) == 1


def test_a_buttons_response_url_replaces_or_deletes_the_message_it_was_on(fake: SlackStandIn) -> None:
    client = client_for(fake)
    posted = client.chat_postMessage(channel="C1", text="approve?", blocks=[section("approve?")])
    other = client.chat_postMessage(channel="C1", text="other")["ts"]
    url = fake.new_response_url(user_id="U1", channel="C1", message_ts=posted["ts"])
    WebhookClient(url).send(text="approved", replace_original=True)
    assert [(m["ts"], m["text"], m.get("blocks")) for m in fake.messages("C1")] == [
        (posted["ts"], "approved", []), (other, "other", None)]
    assert "edited" not in fake.messages("C1")[0]
    WebhookClient(url).send(text="and a note for you", replace_original=False)
    assert [e["text"] for e in fake.ephemerals("U1")] == ["and a note for you"]
    WebhookClient(url).send_dict({"delete_original": True})
    assert [m["ts"] for m in fake.messages("C1")] == [other]
    ephemeral = fake.ephemerals("U1")[0]["ts"]  # a button on an ephemeral: its URL acts on that ephemeral
    on_ephemeral = fake.new_response_url(user_id="U1", channel="C1", message_ts=ephemeral)
    WebhookClient(on_ephemeral).send(text="answered", replace_original=True)
    assert [e["text"] for e in fake.ephemerals("U1")] == ["answered"]
    WebhookClient(on_ephemeral).send_dict({"delete_original": True})
    assert fake.ephemerals("U1") == []


def test_modals_stack_per_person(fake: SlackStandIn) -> None:
    client = client_for(fake)
    opened = client.views_open(trigger_id=fake.new_trigger_id("U1"), view=modal(callback_id="root"))["view"]
    assert fake.views("U1") == [opened] and fake.views("U2") == []
    assert opened["id"].startswith("V") and opened["hash"] and opened["team_id"] == "T0TEAM"
    pushed = client.views_push(trigger_id=fake.new_trigger_id("U1"), view=modal(external_id="details"))["view"]
    assert [v["id"] for v in fake.views("U1")] == [opened["id"], pushed["id"]]
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal(callback_id="filled"))["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert fake.views("U1")[0]["callback_id"] == "filled" and fake.views("U1")[1]["id"] == pushed["id"]
    by_external = client.views_update(external_id="details", view=modal(external_id="details", callback_id="more"))
    assert by_external["view"]["id"] == pushed["id"] and fake.views("U1")[1]["callback_id"] == "more"
    stale = refusal_of(lambda: client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal()))
    assert stale == {"ok": False, "error": "hash_conflict"}
    client.views_push(trigger_id=fake.new_trigger_id("U1"), view=modal())
    too_many = refusal_of(lambda: client.views_push(trigger_id=fake.new_trigger_id("U1"), view=modal()))
    assert too_many["error"] == "push_limit_reached"  # Slack: a modal and 2 pushed views at most
    assert refusal_of(lambda: client.views_open(trigger_id=fake.new_trigger_id("U2"), view=modal(
        external_id="details")))["error"] == "duplicate_external_id"
    assert fake.pop_view("U1")["id"] not in (opened["id"], pushed["id"])
    assert [v["id"] for v in fake.views("U1")] == [opened["id"], pushed["id"]]
    assert [v["id"] for v in fake.close_views("U1")] == [opened["id"], pushed["id"]]
    assert fake.views("U1") == [] and fake.pop_view("U1") is None and fake.close_views("U1") == []
    made_up = client.views_update(view_id="V0MADEUP", hash="1.h", view=modal())["view"]  # tests' own payloads
    assert made_up["id"] == "V0MADEUP" and fake.views("U1") == []


def test_the_answer_to_a_submission_does_to_the_stack_what_slack_does(fake: SlackStandIn) -> None:
    client = client_for(fake)
    root = client.views_open(trigger_id=fake.new_trigger_id("U1"), view=modal(callback_id="root"))["view"]
    assert fake.answer_submission("U1", {"response_action": "errors", "errors": {"title": "Too long"}}) == {
        "title": "Too long"}
    assert fake.answer_submission("U1", {"response_action": "update", "view": modal(callback_id="next")}) is None
    assert [(v["id"], v["callback_id"]) for v in fake.views("U1")] == [(root["id"], "next")]
    fake.answer_submission("U1", {"response_action": "push", "view": modal(callback_id="pushed")})
    assert [v["callback_id"] for v in fake.views("U1")] == ["next", "pushed"]
    fake.answer_submission("U1", None)  # an empty answer closes the view submitted
    assert [v["callback_id"] for v in fake.views("U1")] == ["next"]
    fake.answer_submission("U1", {"response_action": "push", "view": modal(callback_id="pushed")})
    fake.answer_submission("U1", {"response_action": "clear"})
    assert fake.views("U1") == []


def test_the_home_tab_is_the_last_one_published(fake: SlackStandIn) -> None:
    client = client_for(fake)
    assert fake.home("U1") is None
    first = client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("one")]})["view"]
    second = client.views_publish(user_id="U1", view={"type": "home", "blocks": [section("two")]})["view"]
    assert fake.home("U1") == second and second["id"] == first["id"] and second["hash"] != first["hash"]
    assert fake.home("U1")["blocks"] == [section("two")] and fake.home("U2") is None
    assert refusal_of(lambda: client.views_publish(user_id="U1", view=modal()))["error"] == "invalid_arguments"


def test_users_are_those_registered(fake: SlackStandIn) -> None:
    fake.set_user("U1", name="ada", locale="fr-FR")
    assert [(u["id"], u["name"], u["is_bot"]) for u in fake.users()] == [("UBOT", "pfp", True), ("U1", "ada", False)]
    assert fake.users()[1]["locale"] == "fr-FR"


def test_every_change_moves_the_version_and_wakes_a_long_poll(fake: SlackStandIn) -> None:
    client = client_for(fake)
    start = fake.version()
    client.auth_test()
    assert fake.version() == start  # a call that changes nothing a client shows
    client.chat_postMessage(channel="C1", text="hi")
    assert fake.version() == start + 1
    assert fake.wait_for_change(start + 1, timeout=0.05) == start + 1  # nothing new: the timeout
    assert fake.wait_for_change(start, timeout=0.05) == start + 1  # already changed: at once
    woke: list[int] = []
    waiter = threading.Thread(target=lambda: woke.append(fake.wait_for_change(start + 1, timeout=5)))
    waiter.start()
    fake.set_user("U1")  # before or after the waiter starts waiting, it sees this change
    waiter.join(timeout=5)
    assert woke == [start + 2]
    changes = [
        lambda: fake.add_channel("C2", "two"),
        lambda: client.conversations_open(users="U5"),
        lambda: client.chat_update(channel="C1", ts=fake.messages("C1")[0]["ts"], text="edited"),
        lambda: client.chat_postEphemeral(channel="C1", user="U1", text="e"),
        lambda: WebhookClient(fake.new_response_url(user_id="U1", channel="C1")).send(text="r"),
        lambda: client.views_open(trigger_id=fake.new_trigger_id("U1"), view=modal()),
        lambda: client.views_publish(user_id="U1", view={"type": "home", "blocks": []}),
        lambda: fake.pop_view("U1"),
    ]
    for change in changes:
        before = fake.version()
        change()
        assert fake.version() > before


# ---------------------------------------------------------------- faults & retries


def test_429_without_retry_handler_surfaces_retry_after(fake: SlackStandIn) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client_for(fake).chat_postMessage(channel="C1", text="hi")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "7"
    assert info.value.response["error"] == "ratelimited"


def test_429_retry_after_honoured_by_rate_limit_handler(fake: SlackStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    # Remove the handler's random jitter (only in its module) so the wait is exactly Retry-After.
    monkeypatch.setattr(builtin_handlers, "random", types.SimpleNamespace(random=lambda: 0.0))
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    client = client_for(fake)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert time.monotonic() - started >= 1.0
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_500_retried_by_server_error_handler(fake: SlackStandIn) -> None:
    fake.fail_next("auth.test", status=500)
    client = client_for(fake)
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1, interval_calculator=NO_WAIT))
    assert client.auth_test()["ok"] is True
    assert len(fake.calls_to("auth.test")) == 2


def test_503_plain_body_without_retry(fake: SlackStandIn) -> None:
    fake.fail_next("auth.test", status=503)
    with pytest.raises(SlackApiError) as info:
        client_for(fake).auth_test()
    assert info.value.response.status_code == 503


def test_api_level_error_with_status_200(fake: SlackStandIn) -> None:
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
    client = client_for(fake)
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C404", text="hi")
    assert info.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C404", text="hi")["ok"] is True


def test_disconnect_retried_by_connection_error_handler(fake: SlackStandIn) -> None:
    fake.disconnect_next("auth.test")
    client = client_for(fake)
    client.retry_handlers.append(ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=NO_WAIT))
    assert client.auth_test()["ok"] is True
    assert len(fake.calls_to("auth.test")) == 2


def test_disconnect_without_retry_raises(fake: SlackStandIn) -> None:
    fake.disconnect_next("*")
    with pytest.raises(ConnectionError):  # http.client.RemoteDisconnected
        client_for(fake).auth_test()


def test_times_and_wildcard(fake: SlackStandIn) -> None:
    fake.fail_next("*", status=200, error="fatal_error", times=2)
    client = client_for(fake)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.auth_test()
    assert client.auth_test()["ok"] is True


def test_fault_only_hits_its_method(fake: SlackStandIn) -> None:
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")
    client = client_for(fake)
    assert client.auth_test()["ok"] is True
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="hi")


def test_delay_next_and_client_timeout(fake: SlackStandIn) -> None:
    fake.delay_next("auth.test", 0.1)
    started = time.monotonic()
    assert client_for(fake).auth_test()["ok"] is True
    assert time.monotonic() - started >= 0.1
    fake.delay_next("auth.test", 5)  # stop() must wake this sleeper, not wait 5 s
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        client_for(fake, timeout=0.1).auth_test()  # type: ignore[arg-type]


def test_a_second_message_in_one_channel_within_a_second_is_refused_as_slack_refuses_it(fake: SlackStandIn) -> None:
    fake.limit_messages_per_channel(per_second=1.0)
    client = client_for(fake)
    assert client.chat_postMessage(channel="C1", text="first")["ok"] is True
    with pytest.raises(SlackApiError) as info:
        client.chat_postMessage(channel="C1", text="too soon")
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] == "1"
    assert info.value.response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C2", text="another channel")["ok"] is True
    assert client.chat_postMessage(channel="U1", text="a DM")["ok"] is True
    with pytest.raises(SlackApiError):  # the same DM, by its channel id
        client.chat_postMessage(channel=fake.dm_channel_id("U1"), text="too soon")
    client.chat_postEphemeral(channel="C1", user="U1", text="not a message in the channel")
    client.chat_update(channel="C1", ts="1700000000.000100", text="nor is an update")
    assert [(c.body["channel"], c.body["text"]) for c in fake.ratelimited()] == [
        ("C1", "too soon"), (fake.dm_channel_id("U1"), "too soon")]
    assert [m["text"] for m in fake.delivered("C1")] == ["first"]  # refused, so never delivered
    assert len(fake.calls_to("chat.postMessage")) == 5  # every attempt is still recorded
    fake.limit_messages_per_channel(None)
    assert client.chat_postMessage(channel="C1", text="no limit now")["ok"] is True


def test_a_message_after_the_interval_is_accepted(fake: SlackStandIn) -> None:
    fake.limit_messages_per_channel(per_second=5.0)
    client = client_for(fake)
    client.chat_postMessage(channel="C1", text="first")
    time.sleep(0.2)
    assert client.chat_postMessage(channel="C1", text="a fifth of a second later")["ok"] is True
    posts = fake.calls_to("chat.postMessage")
    assert posts[1].at - posts[0].at >= 0.2 and fake.ratelimited() == []


def test_a_message_refused_for_its_channel_is_accepted_once_the_rate_limit_handler_waited(
        fake: SlackStandIn, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtin_handlers, "random", types.SimpleNamespace(random=lambda: 0.0))
    fake.limit_messages_per_channel(per_second=1.0)
    client = client_for(fake)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    client.chat_postMessage(channel="C1", text="first")
    assert client.chat_postMessage(channel="C1", text="second")["ok"] is True
    assert len(fake.ratelimited()) == 1
    assert [m["text"] for m in fake.delivered("C1")] == ["first", "second"]


# ---------------------------------------------------------------- wait_for & response_url


def test_wait_for_wakes_on_call_from_another_thread(fake: SlackStandIn) -> None:
    client = client_for(fake)
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="late"))
    timer.start()
    calls = fake.wait_for("chat.postMessage", timeout=2)
    timer.join()
    assert calls[0].body["text"] == "late"


def test_wait_for_timeout_lists_methods_seen(fake: SlackStandIn) -> None:
    client_for(fake).auth_test()
    with pytest.raises(AssertionError, match=r"auth\.test"):
        fake.wait_for("chat.postMessage", timeout=0.05)


def test_response_url_recorded(fake: SlackStandIn) -> None:
    first, second = fake.new_response_url(), fake.new_response_url()
    assert first != second and first.startswith(f"http://127.0.0.1:{fake.port}/response/")
    resp = WebhookClient(second).send(text="done", replace_original=True)
    assert resp.status_code == 200 and json.loads(resp.body) == {"ok": True}
    (call,) = fake.wait_for("response_url")
    assert call.path == second.split(str(fake.port), 1)[1]
    assert call.body == {"text": "done", "replace_original": True}


# ---------------------------------------------------------------- SlackSigner

SECRET = "shh-signing-secret"


class _VerifyingHandler(BaseHTTPRequestHandler):
    """Stand-in for the bot: verifies like slack_sdk does and echoes what it got."""

    received: list[tuple[dict, bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        valid = SignatureVerifier(SECRET).is_valid(
            body,
            self.headers.get("X-Slack-Request-Timestamp"),
            self.headers.get("X-Slack-Signature"),
        )
        self.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        if self.path != "/slack/events":
            status = 404
        elif body == b"boom":
            status = 500
        else:
            status = 200 if valid else 401
        payload = json.dumps({"valid": valid}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def bot() -> Iterator[tuple[SlackSigner, list[tuple[dict, bytes]]]]:
    received: list[tuple[dict, bytes]] = []
    handler = type("Handler", (_VerifyingHandler,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield SlackSigner(f"http://127.0.0.1:{server.server_address[1]}", SECRET), received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_signer_command(bot, fake: SlackStandIn) -> None:
    signer, received = bot
    signer.response_url_factory = fake.new_response_url
    signer.trigger_id_factory = fake.new_trigger_id
    resp = signer.command("/pfp", "add 3", user_id="U1", user_name="ada")
    assert resp.status == 200 and resp.json() == {"valid": True}
    headers, body = received[-1]
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    assert form["command"] == "/pfp" and form["text"] == "add 3"
    assert (form["user_id"], form["user_name"], form["channel_id"], form["team_id"]) == (
        "U1",
        "ada",
        "C0GENERAL",
        "T0TEAM",
    )
    assert form["api_app_id"] and form["team_domain"] and form["channel_name"]
    # The stand-in issued the trigger for U1, so the bot can open a modal with it.
    assert client_for(fake).views_open(trigger_id=form["trigger_id"], view=modal())["ok"]
    assert form["response_url"].startswith(f"http://127.0.0.1:{fake.port}/response/")
    second = signer.command("/pfp", user_id="U1", trigger_id="T.1", response_url="http://x/r")
    assert second.status == 200
    form2 = parse_qs(received[-1][1].decode(), keep_blank_values=True)
    assert form2["trigger_id"] == ["T.1"] and form2["response_url"] == ["http://x/r"] and form2["text"] == [""]


def test_signer_interaction_and_event(bot) -> None:
    signer, received = bot
    payload = {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "a"}]}
    assert signer.interaction(payload).status == 200
    assert json.loads(parse_qs(received[-1][1].decode())["payload"][0]) == payload

    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "channel": "C1"}
    assert signer.event(event, event_id="Ev123").status == 200
    headers, body = received[-1]
    envelope = json.loads(body)
    assert headers["content-type"] == "application/json"
    assert envelope["type"] == "event_callback" and envelope["event"] == event
    assert envelope["event_id"] == "Ev123" and envelope["team_id"] == "T0TEAM"
    assert envelope["api_app_id"] and envelope["token"] and isinstance(envelope["event_time"], int)
    signer.event(event)
    assert json.loads(received[-1][1])["event_id"].startswith("Ev")


def test_signer_signature_matches_slack_scheme(bot) -> None:
    signer, received = bot
    signer.post(b"a=1", "application/x-www-form-urlencoded", timestamp=int(time.time()))
    headers, body = received[-1]
    expected = SignatureVerifier(SECRET).generate_signature(timestamp=headers["x-slack-request-timestamp"], body=body)
    assert headers["x-slack-signature"] == expected and expected.startswith("v0=")


def test_signer_forgeries_are_rejected_without_raising(bot) -> None:
    signer, received = bot
    form = "application/x-www-form-urlencoded"
    assert signer.post(b"a=1", form, signature="v0=" + "0" * 64).status == 401
    old = int(time.time()) - 600
    assert signer.post(b"a=1", form, timestamp=old).status == 401
    resp = signer.post(b"a=1", form, headers={"x-slack-signature": None})
    assert resp.status == 401 and resp.json() == {"valid": False}
    assert "x-slack-signature" not in received[-1][0]
    assert signer.post(b"a=1", form, headers={"X-Slack-Request-Timestamp": None}).status == 401
    other = SlackSigner(signer.url.removesuffix("/slack/events"), "wrong-secret")
    assert other.post(b"a=1", form).status == 401
    five_hundred = signer.post(b"boom", form)
    assert five_hundred.status == 500 and five_hundred.headers["content-type"] == "application/json"
    assert five_hundred.text == '{"valid": true}'


def test_the_stand_in_is_production_code_that_imports_nothing_from_the_tests() -> None:
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "bot" / "sandbox" / "slack"
    imported = set()
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert imported and not any(name == "tests" or name.startswith("tests.") for name in imported)
