"""The ISU's weekly digest, over real HTTP against the loopback Slack: each Monday, once, in the ISU
channel: the Platform's week, registrations waiting, the Article 7 picture, the coming dates, States with
no focal point, reminders that could not be delivered."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled import weekly_digest
from storage import article7
from storage.models import ReportSource
from tests.conftest import ISU_CHANNEL
from tests.e2e.flows import delegate, need_values, post_entry, register


def tick(bot, owner: str = "one"):
    with bot.session() as session:
        return weekly_digest.run(session, bot.clock, bot.notifier, ReminderSettings(), owner=owner,
                                 isu_channel=ISU_CHANNEL)


def digests(bot) -> list[dict]:
    return [m for m in bot.fake.delivered(ISU_CHANNEL) if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def test_each_monday_the_isu_channel_gets_one_digest_of_the_week(bot):
    bot.clock.current = datetime(2027, 3, 1, 8, tzinfo=UTC)  # a Monday, 09:00 in Geneva
    delegate(bot, "UKHMER1", "KH")
    post_entry(bot, "UKHMER1", "need", need_values())
    register(bot, "UAPPLY1", state="FR")
    with bot.session() as session:
        article7.record_received(session, state_code="NO", year=2027, received_on=date(2027, 2, 20),
                                 recorded_by=None, source=ReportSource.IMPORT, now=bot.clock.now())
        session.commit()
    assert tick(bot)[Outcome.SENT] == 1
    assert tick(bot, owner="two")[Outcome.SENT] == 0
    [digest] = digests(bot)
    words = "\n".join(b["text"]["text"] for b in digest["blocks"] if b["type"] == "section")
    assert "*Platform*: 1 new and 0 updated entries." in words
    assert "*Registrations waiting for a decision*: 1." in words
    assert "*Article 7 reports due on 30 April 2027*: 1 received; missing (" in words and "Cambodia" in words
    assert "*States Parties with no focal point* (" in words
    assert "Article 7 transparency reports due (covering 2026)" in words  # in the next 60 days
    bot.clock.current = datetime(2027, 3, 5, 8, tzinfo=UTC)
    assert tick(bot)[Outcome.SENT] == 0  # the same week
    bot.clock.current = datetime(2027, 3, 8, 8, tzinfo=UTC)
    assert tick(bot)[Outcome.SENT] == 1 and len(digests(bot)) == 2
