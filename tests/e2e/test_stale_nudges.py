"""Stale entries, over real HTTP: an entry nobody confirmed for six months brings its State's focal point
a nudge with Still current, Edit and Withdraw, at most once every 30 days; Still current ends the series.
Several nudges to one focal point in one tick keep Slack's pace (a second apart in their DM), so Slack,
refusing what comes sooner, refuses none of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from itertools import pairwise

import pytest

from bot.platform.blocks import CONFIRM
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled import stale_entries
from tests.conftest import serve_bot
from tests.e2e.flows import button, delegate, need_values, post_entry

KH = "UKHMER1"


def tick(bot):
    with bot.session() as session:
        return stale_entries.run(session, bot.clock, bot.notifier, ReminderSettings(), owner="one")


def nudges(bot) -> list[dict]:
    return [m for m in bot.fake.delivered(bot.fake.dm_channel_id(KH))
            if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def test_a_stale_entry_is_nudged_once_a_month_until_someone_says_it_is_still_current(bot):
    delegate(bot, KH, "KH")
    bot.clock.current = datetime(2026, 5, 4, 9, tzinfo=UTC)
    post_entry(bot, KH, "need", need_values())
    bot.clock.current = datetime(2026, 11, 9, 10, tzinfo=UTC)  # a Monday, six months and a week later
    assert tick(bot)[Outcome.SENT] == 1
    assert tick(bot)[Outcome.SENT] == 0  # once
    [nudge] = nudges(bot)
    assert "has not been confirmed for six months" in nudge["text"]
    actions = [e["action_id"] for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions[:2] == ["entry.edit", CONFIRM] and "entry.withdraw" in actions
    bot.clock.current = datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert tick(bot)[Outcome.SENT] == 0  # not within 30 days
    bot.clock.current = datetime(2026, 12, 7, 10, tzinfo=UTC)
    assert tick(bot)[Outcome.SENT] == 1
    [confirm] = [e for b in nudges(bot)[-1]["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == CONFIRM]
    button(bot, KH, CONFIRM, confirm["value"])
    bot.clock.current = datetime(2027, 1, 11, 10, tzinfo=UTC)
    assert sum(tick(bot).values()) == 0 and len(nudges(bot)) == 2  # current again: the series is over


@pytest.fixture
def paced_bot(settings, engine, database, clock, fake_slack):
    """The bot at the pace it keeps in production: a second between two messages in one channel."""
    with serve_bot(replace(settings, slack_pace_seconds=1.0), engine, database, clock, fake_slack) as running:
        yield running


def entries_gone_stale(bot, count: int) -> None:
    """`count` needs of Cambodia's, unconfirmed for six months and a week; Slack's limit on from now on."""
    delegate(bot, KH, "KH")
    bot.clock.current = datetime(2026, 5, 4, 9, tzinfo=UTC)
    for number in range(count):
        post_entry(bot, KH, "need", need_values(title=f"Technical survey, part {number + 1}", visibility="isu"))
    bot.clock.current = datetime(2026, 11, 9, 10, tzinfo=UTC)
    bot.fake.clear()
    bot.fake.limit_messages_per_channel(per_second=1.0)


def test_several_nudges_to_one_focal_point_in_one_tick_keep_slacks_pace_and_none_is_refused(paced_bot):
    bot = paced_bot
    entries_gone_stale(bot, 3)
    assert tick(bot)[Outcome.SENT] == 3
    assert bot.fake.ratelimited() == []
    posts = [c for c in bot.fake.calls_to("chat.postMessage") if c.body["channel"] == bot.fake.dm_channel_id(KH)]
    assert len(posts) == len(nudges(bot)) == 3  # each once
    assert [later.at - earlier.at >= 1.0 for earlier, later in pairwise(posts)] == [True, True]  # by Slack's clock


def test_without_the_pace_slack_refuses_some_and_the_retries_still_send_each_nudge_once(bot):
    assert bot.notifier.pace.interval == 0  # the tests' default
    entries_gone_stale(bot, 2)
    assert tick(bot)[Outcome.SENT] == 2
    assert len(bot.fake.ratelimited()) == 1  # the second, refused, then sent after Retry-After
    assert len(nudges(bot)) == 2


def test_an_organisations_stale_offer_is_nudged_to_its_people_once_a_month(bot):
    from tests.e2e.flows import offer_values, organisation_member

    organisation_member(bot, "UORGMAG1", "Mines Advisory Group", locale="fr-FR")
    bot.clock.current = datetime(2026, 5, 4, 9, tzinfo=UTC)
    post_entry(bot, "UORGMAG1", "offer", offer_values())
    bot.clock.current = datetime(2026, 11, 9, 10, tzinfo=UTC)  # a Monday, six months and a week later
    assert tick(bot)[Outcome.SENT] == 1
    assert tick(bot)[Outcome.SENT] == 0  # once
    [nudge] = [m for m in bot.fake.delivered(bot.fake.dm_channel_id("UORGMAG1"))
               if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]
    assert nudge["metadata"]["event_payload"]["key"].startswith("stale|org-")
    assert "six mois" in nudge["text"]  # in their language
    [confirm] = [e for b in nudge["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == CONFIRM]
    button(bot, "UORGMAG1", CONFIRM, confirm["value"])  # their own offer: still current, the series ends
    bot.clock.current = datetime(2026, 12, 14, 10, tzinfo=UTC)
    assert sum(tick(bot).values()) == 0
