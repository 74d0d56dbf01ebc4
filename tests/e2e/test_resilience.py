"""Slack that rate-limits or fails, and a database that goes away and comes back."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from sqlalchemy.engine import make_url

from bot.middleware import APOLOGY
from bot.registration.blocks import APPROVE_ACTION
from bot.startup import prepare_database
from storage.db import make_engine, make_session_factory
from tests.conftest import ADMIN, bot_settings, postgres_schema, serve_bot
from tests.e2e.flows import press, register, requests_of
from tests.tcp_proxy import TcpProxy


def health(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_rate_limited_post_is_sent_again_after_retry_after(bot):
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=1)
    register(bot, "UDELEG1", state="FR")
    posts = bot.fake.calls_to("chat.postMessage")
    assert [p.body["channel"] for p in posts] == ["C0ISU", "C0ISU"]  # refused once, then delivered
    assert requests_of(bot)[0].review_ts is not None


def test_a_slack_server_error_is_retried_and_the_delegate_still_hears_back(bot):
    register(bot, "UDELEG1", state="FR")
    bot.fake.fail_next("conversations.open", status=503)
    press(bot, ADMIN, APPROVE_ACTION, requests_of(bot)[0].id)
    assert len(bot.fake.calls_to("conversations.open")) == 2
    assert "approved your registration" in bot.fake.calls_to("chat.postMessage")[-1].body["text"]


def test_healthz_answers_only_when_the_database_does(bot):
    assert health(bot.url) == (200, {"ok": True, "database": "ok", "scheduler": "off"})


def test_losing_the_database_apologises_and_serving_resumes_when_it_is_back(fake_slack, clock):
    with postgres_schema() as url:
        target = make_url(url)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        proxied = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        engine = make_engine(proxied)
        try:
            settings = bot_settings(fake_slack, proxied)
            prepare_database(engine, settings, clock)
            with serve_bot(settings, engine, make_session_factory(engine), clock, fake_slack) as bot:
                assert "You are <@UDELEG1>." in bot.slack.command("/pfp", "whoami", user_id="UDELEG1").json()["text"]

                proxy.cut()
                lost = bot.slack.command("/pfp", "whoami", user_id="UDELEG1")
                assert lost.status == 200
                assert lost.json()["response_type"] == "ephemeral"
                assert lost.json()["text"] == APOLOGY
                assert health(bot.url) == (503, {"ok": False, "database": "unreachable", "scheduler": "off"})

                proxy.restore()
                assert health(bot.url) == (200, {"ok": True, "database": "ok", "scheduler": "off"})
                back = bot.slack.command("/pfp", "whoami", user_id="UDELEG1")
                assert "You are <@UDELEG1>." in back.json()["text"]
        finally:
            engine.dispose()
            proxy.close()
