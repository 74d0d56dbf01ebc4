"""`pfp serve` with no settings at all starts the sandbox, as a real process: its first line gives the address
(loopback only) and how to connect a real workspace; the page and its API answer; with some Slack settings
but not all, it is an error, never the sandbox."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.test_cli import environment, pfp

FIRST_LINE = re.compile(r"pfp sandbox: open (http://127\.0\.0\.1:(\d+)/) to try the bot with no Slack workspace; "
                        r"to connect a real one, set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and PFP_ISU_CHANNEL")


def listening_on(port: int) -> set[str]:
    """The addresses a TCP socket listens on at `port`, from the kernel's table (Linux)."""
    addresses = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                addresses.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]) if len(address) == 8 else address)
    return addresses


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("command", ["serve", "sandbox"])
def test_with_no_settings_the_sandbox_starts_on_loopback_and_says_so_first(tmp_path, command):
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot.cli", command], cwd=tmp_path, env=environment(PORT=str(port)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        matched = FIRST_LINE.match(first)
        assert matched, first + process.stderr.read(2000) if process.poll() is not None else first
        address = matched[1]
        deadline = time.monotonic() + 20
        while True:
            try:
                page = urllib.request.urlopen(address, timeout=5).read().decode()  # noqa: S310 - loopback
                break
            except OSError:
                assert time.monotonic() < deadline, "the sandbox's page never answered"
                time.sleep(0.1)
        assert "APMBC (sandbox)" in page
        state = json.loads(urllib.request.urlopen(f"{address}sandbox/state?person=U0SOKHA01",  # noqa: S310
                                                  timeout=5).read())
        assert "Sokha Chan (Cambodia, focal point)" in {p["name"] for p in state["people"]}
        assert (tmp_path / "pfp-sandbox.sqlite3").exists() and not (tmp_path / "pfp.sqlite3").exists()
        assert listening_on(port) == {"127.0.0.1"}  # never another interface: nothing here is protected
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_some_slack_settings_but_not_all_are_an_error_not_the_sandbox(tmp_path):
    result = pfp(tmp_path, "serve", variables={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET is missing" in result.stderr and "sandbox" not in result.stdout
