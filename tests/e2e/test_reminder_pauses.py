"""ISU staff pause and resume a series of reminders, audited; a paused series sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk import WebClient

from bot.notifier import Notifier
from bot.settings import ReminderSettings
from scheduled.scheduler import Scheduler
from storage import audit
from tests.conftest import ADMIN
from tests.e2e.flows import delegate


def admin(bot, text: str, user_id: str = ADMIN) -> str:
    response = bot.slack.command("/pfp", f"admin {text}", user_id=user_id)
    assert response.status == 200, response.text
    return response.json()["text"]


def test_a_paused_series_sends_nothing_until_it_is_resumed(bot):
    delegate(bot, "USENEG1", "SN")
    bot.fake.set_user("USENEG1", tz="Africa/Dakar")
    assert admin(bot, "reminders pause article7") == (
        "The article7 reminders are paused: none will be sent until you resume them.")
    assert admin(bot, "reminders pause article7") == "The article7 reminders were already paused."
    bot.clock.current = datetime(2027, 3, 1, 14, tzinfo=UTC)
    client = WebClient(token=bot.fake.token, base_url=bot.fake.base_url)
    scheduler = Scheduler(bot.engine, bot.clock, Notifier(client), ReminderSettings())
    try:
        assert sum(scheduler.tick().values()) == 0
        assert admin(bot, "reminders resume article7") == (
            "The article7 reminders are resumed: those still due will go out.")
        assert scheduler.tick()["sent"] == 1
    finally:
        scheduler.stop()
    with bot.session() as session:
        assert [e.action for e in audit.entries(session) if e.subject == "reminders:article7"] == [
            "reminders.paused", "reminders.resumed"]


def test_only_isu_staff_pause_reminders_and_an_unknown_series_is_named(bot):
    assert admin(bot, "reminders pause article7", user_id="UDELEG1") == (
        "Only ISU staff can pause or resume reminders. Nothing was changed.")
    with bot.session() as session:
        [refused] = audit.entries(session, action="reminders.refused")
    assert (refused.actor, refused.detail) == ("UDELEG1", "pause")
    assert admin(bot, "reminders pause birthdays") == (
        "There is no series of reminders called 'birthdays'. The series are: article7, platform, stale, digest, meeting, "
        "checkin.")
    assert admin(bot, "reminders stop article7").startswith("Type `/pfp admin reminders pause article7`")
