"""A sender really killed (SIGKILL) in the middle of a tick, by a test that kills it: once its claim's
lease has run out, the reminder goes out once. Killed after Slack accepted the message (the loopback
Slack holding its answer) but before the ledger recorded it, the next tick finds the key in the DM's
metadata and does not send it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from bot import cli
from bot.registration.people import meet
from bot.startup import prepare_database
from storage.db import make_engine, make_session_factory
from storage.models import Delivery, DeliveryStatus
from tests.conftest import bot_settings
from tests.test_cli import environment, valid

KEY = "article7|SN|2027|-60d"


@pytest.fixture
def workspace(tmp_path, fake_slack, clock, monkeypatch):
    """A SQLite file with Senegal's focal point (in Dakar), and the environment `pfp` reads."""
    url = f"sqlite:///{tmp_path / 'pfp.sqlite3'}"
    engine = make_engine(url)
    prepare_database(engine, bot_settings(fake_slack, url), clock)
    with make_session_factory(engine)() as session:
        person = meet(session, "USENEG1", now=clock.now(), fetch_locale=lambda: "fr")
        person.state_code, person.is_focal_point = "SN", True
        session.commit()
    fake_slack.set_user("USENEG1", locale="fr-FR", tz="Africa/Dakar")
    variables = valid(tmp_path, SLACK_API_URL=fake_slack.base_url)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    yield engine, variables
    engine.dispose()


def start_tick(tmp_path, variables, at: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - this checkout's own command, with arguments the test wrote
        [sys.executable, "-m", "bot.cli", "reminders", "tick", "--at", at], cwd=tmp_path,
        env=environment(**variables), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL


def status(engine) -> DeliveryStatus | None:
    with make_session_factory(engine)() as session:
        return session.scalar(select(Delivery.status).where(Delivery.key == KEY))


def reminders(fake) -> list[dict]:
    return [m for m in fake.delivered(fake.dm_channel_id("USENEG1")) if m.get("metadata")]


def test_killed_after_slack_accepted_the_message_the_next_tick_does_not_send_it_again(workspace, fake_slack,
                                                                                     tmp_path, clock):
    engine, variables = workspace
    fake_slack.hold_answer_next("chat.postMessage", seconds=30)  # accepted and kept, answered only later
    process = start_tick(tmp_path, variables, "2027-03-01T10:00Z")
    fake_slack.wait_for("chat.postMessage", timeout=30)
    deadline = time.monotonic() + 10
    while not reminders(fake_slack):  # another process's request being served: bounded, not a schedule
        assert time.monotonic() < deadline
        time.sleep(0.01)
    kill(process)
    assert status(engine) == DeliveryStatus.CLAIMED  # the ledger never heard Slack's answer

    assert cli.main(["reminders", "tick", "--at", "2027-03-01T10:05Z"], clock=clock) == 0  # lease still runs
    assert status(engine) == DeliveryStatus.CLAIMED and len(reminders(fake_slack)) == 1
    assert cli.main(["reminders", "tick", "--at", "2027-03-01T10:11Z"], clock=clock) == 0  # lease over
    assert status(engine) == DeliveryStatus.SENT
    assert len(reminders(fake_slack)) == 1  # found in the DM's metadata, not sent twice


def test_killed_between_claim_and_send_the_reminder_goes_out_once_after_the_lease(workspace, fake_slack,
                                                                                 tmp_path, clock):
    engine, variables = workspace
    fake_slack.delay_next("conversations.open", seconds=30)  # the sender hangs before anything is sent
    process = start_tick(tmp_path, variables, "2027-03-01T10:00Z")
    fake_slack.wait_for("conversations.open", timeout=30)
    kill(process)
    assert status(engine) == DeliveryStatus.CLAIMED and reminders(fake_slack) == []

    assert cli.main(["reminders", "tick", "--at", "2027-03-01T10:11Z"], clock=clock) == 0
    assert status(engine) == DeliveryStatus.SENT
    assert len(reminders(fake_slack)) == 1
    assert cli.main(["reminders", "tick", "--at", "2027-03-01T11:00Z"], clock=clock) == 0
    assert len(reminders(fake_slack)) == 1
