"""Before the meetings (recommendation 14(d)), over real HTTP against the loopback Slack: every focal
point is asked, 8 and 4 weeks ahead, for new or updated Platform information, once per meeting and
offset; its entries come with Still current and Edit, and a State with none is invited to post."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.calendar import COMMAND_LINE, EventForm, add_event, unit_of_work
from bot.platform.blocks import CONFIRM, EDIT
from bot.reminders.blocks import POST_NEED, POST_OFFER
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.settings import ReminderSettings
from scheduled import platform_updates
from storage.models import EventKind
from tests.e2e.flows import button, delegate, ephemeral_texts, need_values, post_entry, shown_view

KH, NO = "UKHMER1", "UNORWAY1"
SETTINGS = ReminderSettings()


def tick(bot, owner: str = "scheduler-1"):
    with bot.session() as session:
        return platform_updates.run(session, bot.clock, bot.notifier, SETTINGS, owner=owner)


def asked(bot, user_id: str) -> list[dict]:
    return [m for m in bot.fake.delivered(bot.fake.dm_channel_id(user_id))
            if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def meeting(bot, kind: EventKind, starts: date, title: str) -> None:
    with bot.session() as session, unit_of_work(session, now=bot.clock.now()):
        add_event(session, COMMAND_LINE, EventForm(kind=kind, title=title, starts_on=starts,
                                                   ends_on=starts + timedelta(days=3), place="Geneva"),
                  now=bot.clock.now())


def buttons(message: dict) -> list[str]:
    return [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_eight_and_four_weeks_before_a_meeting_each_focal_point_is_asked_once(bot):
    delegate(bot, KH, "KH")
    delegate(bot, NO, "NO")
    bot.clock.current = datetime(2027, 3, 1, tzinfo=UTC)
    post_entry(bot, KH, "need", need_values())
    meeting(bot, EventKind.INTERSESSIONAL, date(2027, 6, 14), "Intersessional Meetings 2027")
    while bot.clock.now() < datetime(2027, 6, 14, tzinfo=UTC):
        tick(bot)
        bot.clock.advance(hours=3)
    [first, second] = asked(bot, KH)
    assert first["text"].startswith("Intersessional Meetings 2027 open on 14 June 2027 (56 days from today).")
    assert buttons(first) == [EDIT, CONFIRM, "entry.partly_met", "entry.met", "entry.withdraw", POST_NEED, POST_OFFER]
    assert "(28 days from today)" in second["text"]
    [invited, _] = asked(bot, NO)  # Norway has nothing on the Platform yet: it is invited to post
    assert "Norway has nothing on the Platform yet" in str(invited["blocks"])
    assert buttons(invited) == [POST_NEED, POST_OFFER]


def test_still_current_pressed_in_the_reminder_confirms_the_entry(bot):
    delegate(bot, KH, "KH")  # a Geneva user, as far as the loopback Slack says
    bot.clock.current = datetime(2027, 4, 19, 2, tzinfo=UTC)
    post_entry(bot, KH, "need", need_values())
    meeting(bot, EventKind.INTERSESSIONAL, date(2027, 6, 14), "Intersessional Meetings 2027")
    bot.clock.current = datetime(2027, 4, 19, 9, tzinfo=UTC)  # a Monday, 11:00 in Geneva
    assert tick(bot)[Outcome.SENT] == 1
    [message] = asked(bot, KH)
    [confirm] = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == CONFIRM]
    bot.clock.advance(hours=1)
    button(bot, KH, CONFIRM, confirm["value"])
    assert ephemeral_texts(bot)[-1].endswith("is confirmed as still current. Thank you.")


def test_post_an_offer_in_the_reminder_opens_the_offer_form(bot):
    delegate(bot, NO, "NO")
    bot.clock.current = datetime(2027, 4, 19, 9, tzinfo=UTC)
    meeting(bot, EventKind.MSP, date(2027, 6, 14), "Twenty-Third Meeting of the States Parties")
    tick(bot)
    button(bot, NO, POST_OFFER, "")
    assert shown_view(bot)["callback_id"] == "offer_form"


def test_no_meeting_in_the_calendar_no_campaign(bot):
    delegate(bot, KH, "KH")
    bot.clock.current = datetime(2027, 4, 19, 9, tzinfo=UTC)
    assert sum(tick(bot).values()) == 0
