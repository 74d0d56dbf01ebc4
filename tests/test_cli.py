"""The `pfp` command as an administrator runs it: a real subprocess, a clean environment, no `.env`.

Configuration and database problems must end with exit status 2 and one readable line, never a
traceback; `pfp serve` must answer Slack over real HTTP, from `/pfp register` to the delegate's DM.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine, inspect, text

from bot import cli
from bot.registration.blocks import APPROVE_ACTION
from bot.sandbox.slack import SlackSigner, SlackStandIn
from bot.settings import Settings
from storage.states import read_reference
from tests.e2e.flows import block_action, view_submission

PROJECT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ISU_CHANNEL = "C0ISU"
ADMIN = "UADMIN1"
DELEGATE = "UDELEG1"
TIMEOUT = 30  # seconds; a safety net for every subprocess call, never reached when things work
# The basics a Python process needs on any OS; nothing else leaks in from the developer's shell.
_BASICS = ("PATH", "HOME", "SYSTEMROOT", "SYSTEMDRIVE", "TEMP", "TMP", "TMPDIR", "LANG", "LC_ALL", "USERPROFILE")


def environment(**variables: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in _BASICS if name in os.environ}
    env["PYTHONPATH"] = str(PROJECT)  # this checkout's code, whatever the cwd
    env["PYTHONUNBUFFERED"] = "1"
    env.update(variables)
    return env


def valid(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """A valid HTTP-mode configuration on a SQLite file in tmp_path, with `changes` (None removes)."""
    variables: dict[str, str | None] = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "PFP_ISU_CHANNEL": ISU_CHANNEL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'pfp.sqlite3'}",
        **changes,
    }
    return {k: v for k, v in variables.items() if v is not None}


def pfp(tmp_path: Path, *args: str, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot.cli", *args],
        cwd=tmp_path,
        env=environment(**variables),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def pfp_lines(stderr: str) -> list[str]:
    """The lines pfp itself wrote (log records carry a timestamp and come from loggers)."""
    return [line for line in stderr.splitlines() if line.startswith("pfp: ")]


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stderr


# ---------------------------------------------------------------------------------------- bad settings


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        # Every rule is covered by tests/test_settings.py; these prove the command reports them cleanly.
        pytest.param({"SLACK_BOT_TOKEN": None}, "SLACK_BOT_TOKEN", id="bot-token-missing"),
        pytest.param({"SLACK_APP_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN", id="app-token-malformed"),
        pytest.param({"PFP_ISU_CHANNEL": "#isu"}, "PFP_ISU_CHANNEL", id="isu-channel-name"),
        pytest.param({"DATABASE_URL": "not a url"}, "DATABASE_URL", id="database-url-malformed"),
        pytest.param({"PORT": "70000"}, "PORT", id="port-out-of-range"),
        pytest.param({"PFP_ADMINS": "@alice"}, "PFP_ADMINS", id="admins-handle"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_status_2(tmp_path, changes, variable):
    result = pfp(tmp_path, "serve", variables=valid(tmp_path, **changes))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pfp: ") and variable in lines[0]
    assert_no_traceback(result)
    assert not (tmp_path / "pfp.sqlite3").exists()  # nothing was touched


def test_a_dotenv_in_the_working_directory_is_read(tmp_path):
    (tmp_path / ".env").write_text("PFP_ISU_CHANNEL=#from-dotenv\n", encoding="utf-8")
    result = pfp(tmp_path, "serve", variables=valid(tmp_path, PFP_ISU_CHANNEL=None))
    assert result.returncode == 2
    assert result.stderr.startswith("pfp: PFP_ISU_CHANNEL")


def test_a_bot_token_slack_refuses_is_one_line_not_a_traceback(tmp_path):
    with SlackStandIn(token="xoxb-the-real-token") as fake:
        result = pfp(tmp_path, "serve", variables=valid(tmp_path, SLACK_API_URL=fake.base_url))
        assert [c.method for c in fake.calls] == ["auth.test"]
    assert result.returncode == 2, result.stderr
    [line] = pfp_lines(result.stderr)
    assert "Slack did not accept the bot token" in line and "SLACK_BOT_TOKEN" in line
    assert result.stderr.rstrip().endswith(line)  # the last thing an administrator reads
    assert_no_traceback(result)


def test_socket_mode_with_an_app_token_slack_refuses_is_one_line(tmp_path):
    with SlackStandIn(token="xoxb-test-token") as fake:
        fake.respond_to("apps.connections.open", {"ok": False, "error": "invalid_auth"})
        variables = valid(tmp_path, SLACK_API_URL=fake.base_url, SLACK_APP_TOKEN="xapp-1-A0-1-f00", SLACK_SIGNING_SECRET=None)
        result = pfp(tmp_path, "serve", variables=variables)
        assert "apps.connections.open" in [c.method for c in fake.calls]  # Socket Mode, not HTTP, was tried
    assert result.returncode == 2, result.stderr
    [line] = pfp_lines(result.stderr)
    assert "invalid_auth" in line and "SLACK_APP_TOKEN" in line
    assert_no_traceback(result)


def test_slack_unreachable_at_start_is_one_line_not_a_traceback(tmp_path, capsys, monkeypatch):
    # In-process: a real unreachable URL costs seconds of the client's retries; what matters here is
    # that the connection error auth.test ends with is reported, whatever the retries did before.
    def unreachable(*_args, **_kwargs):
        raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr("bot.app.create_app", unreachable)
    settings = Settings.from_env(valid(tmp_path, SLACK_API_URL="http://127.0.0.1:1/api"), dotenv_path=None)

    assert cli._serve(settings, engine=None, clock=None) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("pfp: cannot reach Slack at http://127.0.0.1:1/api/ (")
    assert "Connection refused" in line and "SLACK_API_URL" in line


# -------------------------------------------------------------------------------- database problems


def test_an_unreachable_database_is_one_line_naming_database_url(tmp_path):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"  # port 1 refuses at once
    result = pfp(tmp_path, "serve", variables=valid(tmp_path, DATABASE_URL=url))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pfp: ")
    assert "cannot reach the database" in lines[0] and "DATABASE_URL" in lines[0]
    assert "127.0.0.1:1/nothing" in lines[0]
    assert_no_traceback(result)


def test_an_unreachable_database_does_not_show_the_password(tmp_path):
    url = "postgresql+psycopg://user:s3cret@127.0.0.1:1/x"
    result = pfp(tmp_path, "db", "upgrade", variables=valid(tmp_path, DATABASE_URL=url))
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert "cannot reach the database" in line and "DATABASE_URL" in line
    assert "s3cret" not in result.stdout + result.stderr
    assert "user:***@127.0.0.1:1/x" in line
    assert_no_traceback(result)


def test_db_upgrade_creates_the_tables_on_a_fresh_sqlite_file(tmp_path):
    result = pfp(tmp_path, "db", "upgrade", variables=valid(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "the database schema is up to date" in result.stdout
    assert_no_traceback(result)
    engine = create_engine(f"sqlite:///{tmp_path / 'pfp.sqlite3'}")
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"state_parties", "people", "person_roles", "registration_requests", "audit_log"} <= tables
    assert "alembic_version" in tables

    again = pfp(tmp_path, "db", "upgrade", variables=valid(tmp_path))  # idempotent
    assert again.returncode == 0, again.stderr


CSV_HEADER = "iso2,entry_into_force,withdrawal_effective,article4,article5_deadline,victim_assistance,region\n"


def states_in(tmp_path: Path) -> dict[str, str | None]:
    engine = create_engine(f"sqlite:///{tmp_path / 'pfp.sqlite3'}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT code, withdrawal_effective FROM state_parties"))
            return {code: withdrawal for code, withdrawal in rows}
    finally:
        engine.dispose()


def test_states_sync_refuses_a_malformed_file_whole_and_applies_a_good_one(tmp_path):
    bundled = {row["code"]: row["withdrawal_effective"] for row in read_reference()}
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV_HEADER + "FR,1999-03-01,2030-01-01,,,,europe\nZZ,1999-03-01,,,,,europe\nXY,someday,,,,,europe\n", encoding="utf-8")

    # A fresh database: the bad file is refused whole, and nothing is stored.
    result = pfp(tmp_path, "states", "sync", "--file", "bad.csv", variables=valid(tmp_path))

    assert result.returncode == 2, result.stderr
    [line] = pfp_lines(result.stderr)
    assert "line 4" in line and "entry_into_force" in line
    assert result.stderr.rstrip().endswith(line)  # the last thing an administrator reads
    assert_no_traceback(result)
    assert states_in(tmp_path) == {}  # the good line before the bad one was not applied either
    loaded = pfp(tmp_path, "states", "sync", variables=valid(tmp_path))  # the bundled reference file
    assert loaded.returncode == 0 and f"{len(bundled)} added, 0 updated" in loaded.stdout
    stored = states_in(tmp_path)
    assert stored.keys() == bundled.keys() and stored["FR"] is None

    missing = pfp(tmp_path, "states", "sync", "--file", "absent.csv", variables=valid(tmp_path))
    assert missing.returncode == 2
    [line] = pfp_lines(missing.stderr)
    assert "absent.csv" in line
    assert_no_traceback(missing)

    good = tmp_path / "good.csv"
    good.write_text(CSV_HEADER + "FR,1999-03-01,2030-01-01,,,,europe\n", encoding="utf-8")
    applied = pfp(tmp_path, "states", "sync", "--file", str(good), variables=valid(tmp_path))
    assert applied.returncode == 0, applied.stderr
    assert "0 added, 1 updated" in applied.stdout
    assert states_in(tmp_path)["FR"] == "2030-01-01"


# ------------------------------------------------------------------------------ pfp serve, end to end


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(fake: SlackStandIn, condition: Callable[[], object], what: str, timeout: float = 10.0):
    """Returns `condition()` once truthy: wakes the moment the fake records a call, and re-checks every
    50 ms for what the fake cannot see (a row the bot commits right after its Slack call)."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            seen = [c.method for c in fake.calls]
            raise AssertionError(f"timed out waiting for {what}; calls seen: {seen}")
        try:
            fake.wait_for("*", count=len(fake.calls) + 1, timeout=min(remaining, 0.05))
        except AssertionError:
            pass  # loop once more, then report


@pytest.fixture(params=["off"])
def scheduler_setting(request) -> str:
    return request.param


@pytest.fixture
def served(tmp_path: Path, scheduler_setting: str) -> Iterator[tuple[str, SlackStandIn, Path, subprocess.Popen]]:
    """`pfp serve` in HTTP mode against the fake Slack, until /healthz answers. Its scheduler is off unless a
    test asks (its ticks follow the real clock: a Monday's digest would otherwise come and go)."""
    with SlackStandIn(token="xoxb-test-token") as fake:
        fake.set_user(ADMIN, name="isu.admin", locale="en-GB")
        fake.set_user(DELEGATE, name="delegate")
        port = free_port()
        database = tmp_path / "pfp.sqlite3"
        variables = valid(tmp_path, HOST="127.0.0.1", PORT=str(port), SLACK_API_URL=fake.base_url, PFP_ADMINS=ADMIN,
                          PFP_SCHEDULER=scheduler_setting)
        log_path = tmp_path / "serve.log"
        with log_path.open("w", encoding="utf-8") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"],
                cwd=tmp_path,
                env=environment(**variables),
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            # Waits for a process to start: short connection attempts, bounded.
            deadline = time.monotonic() + 15
            while True:
                if process.poll() is not None:
                    pytest.fail(f"pfp serve exited with {process.returncode}:\n{log_path.read_text()}")
                try:
                    if get(f"{url}/healthz", timeout=0.5)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"pfp serve did not answer /healthz within 15 s:\n{log_path.read_text()}")
                time.sleep(0.05)
            yield url, fake, database, process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log_text = log_path.read_text()
        assert "Traceback" not in log_text, log_text
        # SIGTERM (docker stop, systemd) is a clean stop, not a kill.
        assert process.returncode == 0 and "INFO pfp: stopped" in log_text, log_text


def review_of(database: Path, request_id: int) -> tuple[str, str] | None:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT review_channel, review_ts, status FROM registration_requests WHERE id = :id"),
                {"id": request_id},
            ).first()
    finally:
        engine.dispose()
    return (row[0], row[1]) if row is not None and row[1] else None


def test_pfp_serve_registers_a_delegate_from_command_to_direct_message(served):
    url, fake, database, _process = served
    status, body = get(f"{url}/healthz")
    assert (status, json.loads(body)) == (200, {"ok": True, "database": "ok", "scheduler": "off"})
    status, body = get(f"{url}/slack/nowhere")
    assert (status, json.loads(body)["ok"]) == (404, False)
    assert get(f"{url}/slack/events")[0] == 404  # Slack only ever POSTs there

    slack = SlackSigner(url, SIGNING_SECRET, response_url_factory=fake.new_response_url,
                        trigger_id_factory=fake.new_trigger_id)

    response = slack.command("/pfp", "register", user_id=DELEGATE)
    assert response.status == 200, response.text
    fake.wait_for("views.open", timeout=10)

    answer = slack.interaction(view_submission(DELEGATE, {"state": "FR", "focal_point": "yes", "position": None}))
    assert answer.status == 200, answer.text
    assert answer.json()["response_action"] == "update"
    wait_until(
        fake,
        lambda: [c for c in fake.calls_to("chat.postMessage") if c.body.get("channel") == ISU_CHANNEL],
        "the review message in the ISU channel",
    )
    channel, ts = wait_until(fake, lambda: review_of(database, 1), "the review message's ts in the database")
    assert channel == ISU_CHANNEL

    payload = block_action(
        ADMIN,
        APPROVE_ACTION,
        json.dumps({"request": 1}),
        channel=channel,
        message_ts=ts,
        response_url=fake.new_response_url(),
        block_id="registration:1",
    )
    assert slack.interaction(payload).status == 200

    [update] = wait_until(fake, lambda: fake.calls_to("chat.update"), "the review message to be updated")
    assert (update.body["channel"], update.body["ts"]) == (ISU_CHANNEL, ts)

    def approval_dm():
        calls = fake.calls
        opened = [
            i for i, c in enumerate(calls) if c.method == "conversations.open" and c.body.get("users") == DELEGATE
        ]
        if not opened:
            return None
        return [
            c
            for c in calls[opened[0] + 1 :]
            if c.method == "chat.postMessage" and "approved your registration" in c.body.get("text", "")
        ]

    [dm] = wait_until(fake, approval_dm, "the delegate's direct message")
    assert dm.body["channel"] == SlackStandIn.dm_channel_id(DELEGATE)
    assert "France" in dm.body["text"]
    with create_engine(f"sqlite:///{database}").connect() as connection:
        status = connection.execute(text("SELECT status FROM registration_requests WHERE id = 1")).scalar_one()
        person = connection.execute(
            text("SELECT state_code, is_focal_point FROM people WHERE slack_user_id = :u"), {"u": DELEGATE}
        ).one()
    assert status.lower() == "approved"
    assert (person[0], bool(person[1])) == ("FR", True)


@pytest.mark.parametrize("scheduler_setting", ["on"])
def test_pfp_serve_runs_the_reminders_scheduler_and_stops_it_cleanly(served, tmp_path):
    url, _fake, _database, _process = served  # the fixture checks the clean stop
    assert get(f"{url}/healthz")[0] == 200
    deadline = time.monotonic() + 10
    while "reminders scheduler started" not in (tmp_path / "serve.log").read_text():
        assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
        time.sleep(0.05)  # waits for another process's log line, bounded: not a schedule


@pytest.mark.parametrize("scheduler_setting", ["on"])
def test_pfp_serve_shows_its_requests_its_slack_calls_and_its_scheduler_at_metrics(served):
    """One Metrics for the process: the HTTP boundary, the Web client and the scheduler all count into it."""
    url, fake, _database, _process = served

    def scraped() -> dict[str, float]:
        status, body = get(f"{url}/metrics")
        assert status == 200
        return {sample.name + json.dumps(sample.labels, sort_keys=True): sample.value
                for family in text_string_to_metric_families(body.decode()) for sample in family.samples}

    deadline = time.monotonic() + 10
    while not scraped().get("pfp_scheduler_last_tick_timestamp_seconds{}"):  # its first tick is at start
        assert time.monotonic() < deadline, "the scheduler never ticked"
        time.sleep(0.05)  # waits for another process's first tick, bounded: not a schedule
    slack = SlackSigner(url, SIGNING_SECRET, response_url_factory=fake.new_response_url,
                        trigger_id_factory=fake.new_trigger_id)
    fake.fail_next("users.info", status=200, error="user_not_found")  # asked before the answer: a newcomer's language
    assert slack.command("/pfp", "help", user_id="UNEWCOMER").status == 200

    samples = scraped()
    assert samples['pfp_slack_requests_total{"kind": "command", "outcome": "acknowledged"}'] == 1
    assert samples['pfp_slack_ack_seconds_count{"kind": "command"}'] == 1
    assert samples['pfp_slack_api_errors_total{"error": "user_not_found", "method": "users.info"}'] == 1
    assert samples["pfp_scheduler_leading{}"] == 1


# ------------------------------------------------------------------------------ for the operator


def test_db_upgrade_and_states_sync_need_only_the_database_setting(tmp_path):
    only_the_database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'ops.sqlite3'}"}
    upgraded = pfp(tmp_path, "db", "upgrade", variables=only_the_database)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "pfp: the database schema is up to date." in upgraded.stdout
    synced = pfp(tmp_path, "states", "sync", variables=only_the_database)
    assert synced.returncode == 0, synced.stderr
    assert re.search(r"pfp: States Parties: 1[0-9]{2} added, 0 updated; the database holds 1[0-9]{2}\.",
                     synced.stdout)
    assert_no_traceback(synced)
    again = pfp(tmp_path, "states", "sync", variables=only_the_database)  # as after the bot's first start
    assert re.search(r"pfp: States Parties: the database already holds all 1[0-9]{2} as the reference file has "
                     r"them \(the bot loads them when it first starts\); nothing to change\.", again.stdout)


def test_an_unsupported_database_is_one_line(tmp_path):
    result = pfp(tmp_path, "db", "upgrade", variables={"DATABASE_URL": "mysql://root@localhost/pfp"})
    assert result.returncode == 2
    assert pfp_lines(result.stderr) == ["pfp: DATABASE_URL names a mysql database; pfp works with SQLite "
                                        "(sqlite:///pfp.sqlite3) or PostgreSQL (postgresql://user:password@host:5432/dbname)."]


def test_version(tmp_path):
    result = pfp(tmp_path, "--version", variables={})
    assert result.returncode == 0 and re.fullmatch(r"pfp \S+\n", result.stdout)


def test_an_sqlite_file_that_cannot_be_opened_is_not_called_a_database_server(tmp_path):
    result = pfp(tmp_path, "db", "upgrade", variables={"DATABASE_URL": f"sqlite:///{tmp_path}/no/such/folder/pfp.sqlite3"})
    assert result.returncode == 2
    [line] = pfp_lines(result.stderr)
    assert line.startswith(f"pfp: cannot open the SQLite database file {tmp_path}/no/such/folder/pfp.sqlite3")
    assert "server" not in line


def test_health_says_healthy_only_when_the_database_and_slack_answer(tmp_path):
    with SlackStandIn(token="xoxb-test-token") as slack:
        healthy = pfp(tmp_path, "health", variables=valid(tmp_path, SLACK_API_URL=slack.base_url))
        refused = pfp(tmp_path, "health", variables=valid(tmp_path, SLACK_API_URL=slack.base_url,
                                                         SLACK_BOT_TOKEN="xoxb-another-token"))
        unreachable = pfp(tmp_path, "health", variables=valid(tmp_path, SLACK_API_URL=slack.base_url,
                                                             DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/x"))
    assert healthy.returncode == 0 and healthy.stdout == "pfp: healthy: the database answers and Slack accepts the bot token.\n"
    assert refused.returncode == 1 and "did not accept the bot token (invalid_auth)" in refused.stderr
    assert unreachable.returncode == 1 and "unhealthy: cannot reach the database" in unreachable.stderr
