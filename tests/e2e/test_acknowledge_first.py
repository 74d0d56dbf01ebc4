"""Acknowledge first: with every worker of the work pool held busy, commands, buttons and submissions are
still answered at once, a modal that needs data opens with its loading view, and nothing is stored or sent
until the work can run; then it all happens, once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from bot.platform.blocks import CONFIRM
from tests.e2e.flows import block_action, delegate, form_submission, need_values, shown_view
from tests.e2e.test_platform import needs

KH = "UKHMER1"


@contextmanager
def busy_workers(bot) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Every worker of the bot's work pool waits on a gate, as under a crowd of other people's work."""
    gate = threading.Event()
    for _ in range(bot.work._max_workers):
        bot.work.submit(gate.wait)
    try:
        yield
    finally:
        gate.set()


def test_a_modal_that_needs_data_opens_with_its_loading_view_before_the_data_is_read(bot):
    delegate(bot, KH, "KH")
    with busy_workers(bot):
        response = bot.slack.command("/pfp", "browse", user_id=KH)
        assert response.status == 200 and response.text == ""
        [opened] = bot.fake.wait_for("views.open")
        assert json.dumps(opened.body["view"]["blocks"]) == json.dumps(
            [{"text": {"text": "Loading…", "type": "mrkdwn"}, "type": "section"}])
        bot.executor.wait_idle()  # the listener is done; its work waits for a worker
        assert bot.fake.calls_to("views.update") == []
    assert shown_view(bot)["callback_id"] == "browse"  # filled once a worker was free


def test_a_submission_is_answered_before_it_is_stored_and_then_stored_once(bot):
    delegate(bot, KH, "KH")
    with busy_workers(bot):
        payload = form_submission(KH, "need_form", need_values(), trigger_id=bot.fake.new_trigger_id(KH))
        response = bot.slack.interaction(payload)
        assert (response.status, response.text) == (200, "")
        bot.executor.wait_idle()
        assert needs(bot) == []  # answered, not yet stored
    bot.settle()
    [need] = needs(bot)
    assert need.title == "Technical survey in the north-west"


def test_a_button_is_answered_before_its_change_is_made(bot):
    delegate(bot, KH, "KH")
    bot.slack.interaction(form_submission(KH, "need_form", need_values(), trigger_id=bot.fake.new_trigger_id(KH)))
    bot.settle()
    [need] = needs(bot)
    confirmed = need.confirmed_at
    bot.clock.advance(days=30)
    with busy_workers(bot):
        response = bot.slack.interaction(block_action(
            KH, CONFIRM, json.dumps({"side": "need", "id": need.id}), channel="C0GENERAL",
            message_ts="1700000000.000900", response_url=bot.fake.new_response_url(KH, "C0GENERAL", "1700000000.000900"),
            trigger_id=bot.fake.new_trigger_id(KH)))
        assert response.status == 200  # answered while every worker was busy
        bot.executor.wait_idle()
        assert needs(bot)[0].confirmed_at == confirmed
    bot.settle()
    assert needs(bot)[0].confirmed_at == bot.clock.now()
