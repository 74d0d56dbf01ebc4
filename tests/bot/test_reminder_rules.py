"""The rules of when a reminder goes out: its day from the Article 7 deadline, the recipient's daytime,
weekends, the grace, and the ledger key that makes it one message."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.rules import GENEVA, Article7Reminder, is_daytime, moment, zone_of
from bot.settings import ReminderSettings, Settings, SettingsError

SETTINGS = ReminderSettings()
TOKYO, BOGOTA = ZoneInfo("Asia/Tokyo"), ZoneInfo("America/Bogota")


def test_a_reminder_day_counts_from_30_april_and_its_key_names_rule_state_year_and_offset():
    before, after = Article7Reminder("KH", 2027, -60), Article7Reminder("KH", 2027, 7)
    assert (before.deadline, before.day, after.day) == (date(2027, 4, 30), date(2027, 3, 1), date(2027, 5, 7))
    assert (before.key, after.key) == ("article7|KH|2027|-60d", "article7|KH|2027|+7d")


def test_the_moment_is_nine_in_the_morning_where_the_recipient_is_and_never_on_a_weekend():
    assert moment(date(2027, 3, 1), TOKYO, SETTINGS) == datetime(2027, 3, 1, 9, tzinfo=TOKYO)  # a Monday
    assert moment(date(2027, 3, 27), BOGOTA, SETTINGS) == datetime(2027, 3, 29, 9, tzinfo=BOGOTA)  # Saturday -> Monday
    assert moment(date(2027, 3, 1), TOKYO, SETTINGS).astimezone(UTC) == datetime(2027, 3, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(("utc", "zone", "daytime"), [
    (datetime(2027, 3, 1, 0, tzinfo=UTC), TOKYO, True),  # 09:00 in Tokyo
    (datetime(2027, 3, 1, 8, tzinfo=UTC), TOKYO, False),  # 17:00 in Tokyo: the day is over
    (datetime(2027, 3, 1, 13, tzinfo=UTC), BOGOTA, False),  # 08:00 in Bogotá: too early
    (datetime(2027, 3, 1, 14, tzinfo=UTC), BOGOTA, True),
    (datetime(2027, 3, 6, 12, tzinfo=UTC), GENEVA, False),  # a Saturday
])
def test_daytime_is_the_recipients_weekday_hours(utc, zone, daytime):
    assert is_daytime(utc, zone, SETTINGS) is daytime


def test_a_time_zone_slack_does_not_give_or_this_machine_does_not_know_is_geneva():
    assert zone_of(None) == GENEVA and zone_of("Mars/Olympus_Mons") == GENEVA and zone_of("Asia/Tokyo") == TOKYO


def env(**values: str) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PFP_ISU_CHANNEL": "C0ISU", **values}


def test_the_reminder_settings_are_read_from_the_environment():
    settings = Settings.from_env(env(PFP_ARTICLE7_DAYS="-45,-7,14", PFP_REMINDER_HOURS="8-18",
                                     PFP_REMINDER_GRACE_DAYS="3", PFP_SCHEDULER_LEADERSHIP_SECONDS="2"),
                                 dotenv_path=None).reminders
    assert (settings.article7_days, settings.hours, settings.grace) == ((-45, -7, 14), (8, 18), timedelta(days=3))
    assert settings.leadership == timedelta(seconds=2) and SETTINGS.leadership == timedelta(seconds=15)
    assert Settings.from_env(env(), dotenv_path=None).reminders == SETTINGS


@pytest.mark.parametrize(("name", "value", "says"), [
    ("PFP_ARTICLE7_DAYS", "-60,soon", "whole numbers of days"),
    ("PFP_ARTICLE7_DAYS", "-400", "within a year"),
    ("PFP_REMINDER_HOURS", "17-9", "START-END"),
    ("PFP_REMINDER_HOURS", "nine", "START-END"),
    ("PFP_REMINDER_GRACE_DAYS", "0", "from 1 to 30"),
    ("PFP_SCHEDULER_LEADERSHIP_SECONDS", "0", "from 1 to 60"),
    ("PFP_SCHEDULER_LEADERSHIP_SECONDS", "90", "from 1 to 60"),
    ("PFP_SCHEDULER_LEADERSHIP_SECONDS", "1.5", "from 1 to 60"),
])
def test_a_malformed_reminder_setting_is_one_line_naming_it(name, value, says):
    with pytest.raises(SettingsError) as error:
        Settings.from_env(env(**{name: value}), dotenv_path=None)
    assert str(error.value).startswith(name) and says in str(error.value)
