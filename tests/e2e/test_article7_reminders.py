"""Article 7 reminders over a season of time travel, against the loopback Slack: every focal point hears
at each offset, once, in their language, at a daytime hour where they are; a report recorded as
received stops the series; a bot that was down skips what is too late; Slack's refusals and outages
lose nothing and double nothing; a sender that died is taken over without sending twice."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.reminders.article7_blocks import SUBMITTED
from bot.reminders.blocks import POST_NEED
from bot.reminders.delivery import EVENT_TYPE, Outcome
from bot.reminders.rules import Article7Reminder
from bot.settings import ReminderSettings
from scheduled import article7_reminders
from storage import article7, ledger
from storage.models import Delivery, DeliveryStatus, ReportSource
from tests.e2e.flows import button, delegate, shown_view

# A French-speaking State in UTC+7, another in UTC, a Spanish-speaking one in UTC-5, one in UTC+9.
FOCAL_POINTS = {
    "KH": ("UKHMER1", "fr-FR", "Asia/Phnom_Penh"),
    "SN": ("USENEG1", "fr-FR", "Africa/Dakar"),
    "CO": ("UCOLOM1", "es-419", "America/Bogota"),
    "JP": ("UJAPAN1", "en-US", "Asia/Tokyo"),
}
SETTINGS = ReminderSettings()
OFFSETS = ["-60d", "-30d", "-14d", "-3d", "+7d"]


@pytest.fixture
def season(bot):
    for state, (user_id, locale, tz) in FOCAL_POINTS.items():
        delegate(bot, user_id, state, locale=locale)
        bot.fake.set_user(user_id, locale=locale, tz=tz)  # after: delegate() sets a Geneva user
    bot.clock.current = datetime(2027, 2, 20, tzinfo=UTC)
    return bot


def tick(bot, owner: str = "scheduler-1") -> Counter:
    with bot.session() as session:
        return article7_reminders.run(session, bot.clock, bot.notifier, SETTINGS, owner=owner)


def travel(bot, until: datetime, *, every: timedelta = timedelta(hours=3)) -> Counter:
    seen: Counter = Counter()
    while bot.clock.now() < until:
        seen += tick(bot)
        bot.clock.advance(seconds=every.total_seconds())
    return seen


def reminders_to(bot, user_id: str) -> list[dict]:
    """The reminders Slack accepted in the person's DM (a post it refused is not one)."""
    return [m for m in bot.fake.delivered(bot.fake.dm_channel_id(user_id))
            if (m.get("metadata") or {}).get("event_type") == EVENT_TYPE]


def deliveries(bot) -> list[Delivery]:
    with bot.session() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.key)))


def test_a_season_every_focal_point_hears_each_reminder_once_in_their_language_in_their_daytime(season):
    bot = season
    outcomes = travel(bot, datetime(2027, 5, 20, tzinfo=UTC))
    assert outcomes[Outcome.SENT] == 5 * len(FOCAL_POINTS) and outcomes[Outcome.FAILED] == 0
    for user_id, _, _ in FOCAL_POINTS.values():
        sent = reminders_to(bot, user_id)
        assert sorted(m["metadata"]["event_payload"]["key"].rsplit("|", 1)[1] for m in sent) == sorted(OFFSETS)
    for delivery in deliveries(bot):
        assert delivery.status == DeliveryStatus.SENT
        user_id, _, tz = FOCAL_POINTS[delivery.state_code]
        local = delivery.updated_at.astimezone(ZoneInfo(tz))
        assert local.weekday() < 5 and 9 <= local.hour < 17, (delivery.key, local)
        assert delivery.recipient == user_id
    first = {state: reminders_to(bot, user_id)[0]["text"] for state, (user_id, _, _) in FOCAL_POINTS.items()}
    assert first["KH"].startswith("Rappel (Cambodge) : le rapport de transparence au titre de l'article 7, couvrant "
                                  "l'année 2026, est attendu au plus tard le 30 avril 2027 (dans 60 jours).")
    assert first["CO"].startswith("Recordatorio (Colombia): el informe de transparencia del artículo 7")
    assert first["JP"].startswith("Reminder: the Article 7 transparency report of Japan, covering 2026, is due by "
                                  "30 April 2027 (60 days from today).")
    assert "*cooperation and assistance*" in str(reminders_to(bot, "UJAPAN1")[0]["blocks"])
    after = reminders_to(bot, "UJAPAN1")[-1]["text"]
    assert after.startswith("The Article 7 transparency report of Japan, covering 2026, was due on 30 April 2027")
    assert travel(bot, datetime(2027, 6, 1, tzinfo=UTC))[Outcome.SENT] == 0  # the season is over: nothing more


def test_a_report_recorded_as_received_stops_its_series(season):
    bot = season
    travel(bot, datetime(2027, 4, 2, tzinfo=UTC))  # -60 and -30 have gone out
    with bot.session() as session:
        article7.record_received(session, state_code="SN", year=2027, received_on=date(2027, 4, 1),
                                 recorded_by=None, source=ReportSource.COMMAND, now=bot.clock.now())
        session.commit()
    travel(bot, datetime(2027, 5, 20, tzinfo=UTC))
    assert len(reminders_to(bot, "USENEG1")) == 2
    assert len(reminders_to(bot, "UKHMER1")) == 5


def test_a_bot_that_was_down_past_the_grace_records_the_reminder_skipped_and_never_sends_it_late(season):
    bot = season
    travel(bot, datetime(2027, 2, 27, tzinfo=UTC))
    bot.clock.current = datetime(2027, 3, 8, 10, tzinfo=UTC)  # down from 27 February to 8 March
    outcomes = tick(bot)
    assert outcomes[Outcome.SKIPPED] == len(FOCAL_POINTS) and outcomes[Outcome.SENT] == 0
    travel(bot, datetime(2027, 5, 20, tzinfo=UTC))
    assert {len(reminders_to(bot, user_id)) for user_id, _, _ in FOCAL_POINTS.values()} == {4}
    skipped = [d.key for d in deliveries(bot) if d.status == DeliveryStatus.SKIPPED]
    assert sorted(skipped) == sorted(f"article7|{state}|2027|-60d" for state in FOCAL_POINTS)


def test_a_second_scheduler_ticking_at_the_same_moment_sends_nothing_more(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)  # daytime in Dakar and Bogotá
    first, second = tick(bot, owner="scheduler-1"), tick(bot, owner="scheduler-2")
    assert first[Outcome.SENT] == 2 and second[Outcome.SENT] == 0 and second[Outcome.DONE] == 2
    assert len(reminders_to(bot, "USENEG1")) == 1 and len(reminders_to(bot, "UCOLOM1")) == 1


def test_a_dead_senders_claim_is_taken_over_and_a_message_slack_already_has_is_not_sent_again(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    notifier = bot.notifier
    sent_before_dying = Article7Reminder("SN", 2027, -60)
    silent_death = Article7Reminder("CO", 2027, -60)
    with bot.session() as session:
        for reminder in (sent_before_dying, silent_death):
            ledger.claim(session, key=reminder.key, rule="article7", state_code=reminder.state_code,
                         due_at=bot.clock.now(), owner="dead", now=bot.clock.now(), lease=SETTINGS.lease)
        session.commit()
    # The dead sender got Senegal's reminder out (Slack accepted it) but never marked it sent.
    notifier.direct_message("USENEG1", "Rappel", metadata={"event_type": EVENT_TYPE,
                                                          "event_payload": {"key": sent_before_dying.key}})
    assert tick(bot)[Outcome.DONE] == 2  # their leases still run: nobody else may send
    bot.clock.advance(minutes=11)
    outcomes = tick(bot)
    assert outcomes[Outcome.ALREADY_SENT] == 1 and outcomes[Outcome.SENT] == 1
    assert len(reminders_to(bot, "USENEG1")) == 1 and len(reminders_to(bot, "UCOLOM1")) == 1
    assert {d.key: d.status for d in deliveries(bot)} == {
        sent_before_dying.key: DeliveryStatus.SENT, silent_death.key: DeliveryStatus.SENT}


def test_slack_rate_limits_and_outages_lose_nothing_and_double_nothing(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    bot.fake.fail_next("chat.postMessage", status=429, retry_after=1)  # slack_sdk waits and sends again
    bot.fake.fail_next("chat.postMessage", status=503, times=3)  # beyond the client's retries: a failed attempt
    first = tick(bot)
    assert first[Outcome.SENT] + first[Outcome.FAILED] == 2 and first[Outcome.FAILED] >= 1
    bot.clock.advance(hours=1)
    tick(bot)
    assert len(reminders_to(bot, "USENEG1")) == 1 and len(reminders_to(bot, "UCOLOM1")) == 1
    assert {d.status for d in deliveries(bot)} == {DeliveryStatus.SENT}


def test_a_focal_point_who_left_the_workspace_is_recorded_undeliverable_and_not_retried(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    bot.fake.respond_to("conversations.open", lambda call: (
        {"ok": False, "error": "user_not_found"} if call.body.get("users") == "USENEG1"
        else {"channel": {"id": bot.fake.dm_channel_id(call.body.get("users", ""))}}))
    assert tick(bot)[Outcome.UNDELIVERABLE] == 1
    bot.clock.advance(hours=1)
    assert tick(bot)[Outcome.UNDELIVERABLE] == 0
    [gone] = [d for d in deliveries(bot) if d.state_code == "SN"]
    assert (gone.status, gone.last_error, gone.recipient) == (DeliveryStatus.UNDELIVERABLE, "user_not_found", "USENEG1")


def test_post_a_need_in_a_reminder_opens_the_need_form(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    tick(bot)
    [reminder] = reminders_to(bot, "USENEG1")
    [post] = [e for b in reminder["blocks"] if b["type"] == "actions" for e in b["elements"]
              if e["action_id"] == POST_NEED]
    button(bot, "USENEG1", post["action_id"], "")
    assert shown_view(bot)["callback_id"] == "need_form"


def test_report_submitted_in_a_reminder_stops_the_series(season):
    bot = season
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    tick(bot)
    [reminder] = reminders_to(bot, "USENEG1")
    [submitted] = [e for b in reminder["blocks"] if b["type"] == "actions" for e in b["elements"]
                   if e["action_id"] == SUBMITTED]
    button(bot, "USENEG1", SUBMITTED, submitted["value"])
    travel(bot, datetime(2027, 5, 20, tzinfo=UTC))
    assert len(reminders_to(bot, "USENEG1")) == 1 and len(reminders_to(bot, "UCOLOM1")) == 5
