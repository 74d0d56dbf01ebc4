"""Stale entries, over real HTTP: an entry nobody confirmed for six months brings its State's focal point
a nudge with Still current, Edit and Withdraw, at most once every 30 days; Still current ends the series."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.notifier import Notifier
from bot.platform.blocks import CONFIRM
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled import stale_entries
from tests.e2e.flows import button, delegate, need_values, post_entry

KH = "UKHMER1"


def tick(bot):
    with bot.session() as session:
        return stale_entries.run(session, bot.clock, Notifier(bot.app.client), ReminderSettings(), owner="one")


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
