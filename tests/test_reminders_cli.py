"""`pfp reminders preview` shows ISU staff a day's reminders without sending; `pfp reminders tick --at`
runs one tick as if the clock read that moment, through the same ledger as the scheduler."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import cli
from bot.registration.people import meet
from bot.startup import prepare_database
from storage.db import make_session_factory
from tests.conftest import SIGNING_SECRET, bot_settings


@pytest.fixture
def workspace(engine, database_url, fake_slack, clock, monkeypatch, tmp_path):
    """A database with two focal points, and the environment `pfp` reads, pointing at the loopback Slack."""
    settings = bot_settings(fake_slack, database_url)
    prepare_database(engine, settings, clock)
    with make_session_factory(engine)() as session:
        for user_id, state, locale in (("USENEG1", "SN", "fr"), ("UJAPAN1", "JP", "en")):
            person = meet(session, user_id, now=clock.now(), fetch_locale=lambda locale=locale: locale)
            person.state_code, person.is_focal_point = state, True
        session.commit()
    fake_slack.set_user("USENEG1", locale="fr-FR", tz="Africa/Dakar")
    fake_slack.set_user("UJAPAN1", locale="en-US", tz="Asia/Tokyo")
    monkeypatch.chdir(tmp_path)
    for name, value in {"SLACK_BOT_TOKEN": "xoxb-test-token", "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                        "PFP_ISU_CHANNEL": "C0ISU", "SLACK_API_URL": fake_slack.base_url,
                        "DATABASE_URL": database_url}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    return fake_slack


def test_preview_prints_the_days_reminders_in_each_recipients_language_and_sends_nothing(workspace, clock, capsys,
                                                                                      monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PFP_ISU_CHANNEL"):
        monkeypatch.delenv(name)  # it needs only DATABASE_URL
    workspace.clear()
    assert cli.main(["reminders", "preview", "--on", "2027-03-01"], clock=clock) == 0
    out = capsys.readouterr().out
    assert "SN  USENEG1  fr  article7|SN|2027|-60d\n    Rappel (Sénégal) :" in out
    assert "JP  UJAPAN1  en  article7|JP|2027|-60d\n    Reminder: the Article 7 transparency report of Japan" in out
    assert "pfp: 2 reminders would be sent on 2027-03-01" in out
    assert [c.method for c in workspace.calls if c.method == "chat.postMessage"] == []


def test_tick_at_a_moment_sends_what_is_due_there_once(workspace, clock, capsys):
    assert cli.main(["reminders", "tick", "--at", "2027-03-01T10:00Z"], clock=clock) == 0
    # 10:00 in Dakar, and a Monday: Senegal's reminder and the ISU's digest; 19:00 in Tokyo waits for morning
    assert "2 sent" in capsys.readouterr().out
    assert cli.main(["reminders", "tick", "--at", "2027-03-01T10:00Z"], clock=clock) == 0
    assert "2 done" in capsys.readouterr().out
    assert cli.main(["reminders", "tick", "--at", "2027-03-02T00:30Z"], clock=clock) == 0  # 09:30 in Tokyo
    assert "1 sent" in capsys.readouterr().out
    posts = [c for c in workspace.calls_to("chat.postMessage") if c.body.get("metadata")]
    assert sorted(p.body["metadata"]["event_payload"]["key"] for p in posts) == [
        "article7|JP|2027|-60d", "article7|SN|2027|-60d", "digest|ISU|2027-03-01|+0d"]


@pytest.mark.parametrize(("args", "says"), [
    (["preview", "--on", "1 March"], "--on: write the day as YYYY-MM-DD"),
    (["tick", "--at", "tomorrow"], "--at: write the moment as 2027-03-01T09:00Z"),
])
def test_a_malformed_day_or_moment_is_one_line_and_exit_2(workspace, clock, capsys, args, says):
    assert cli.main(["reminders", *args], clock=clock) == 2
    assert says in capsys.readouterr().err


def test_the_moment_may_carry_an_offset():
    assert cli.reminders_cli.moment_of("2027-03-01T10:00+01:00") == datetime(2027, 3, 1, 9, tzinfo=UTC)
