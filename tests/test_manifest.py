"""The Slack app manifest declares exactly what the app listens to, so the two cannot drift apart."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.app import create_app
from tests.conftest import bot_settings

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "manifest.yml").read_text(encoding="utf-8"))


def listened(app, kind: str) -> set[str]:
    """What Bolt's listeners match: slash command names or event types."""
    found = set()
    for listener in app._listeners:
        for matcher in listener.matchers:
            name = getattr(matcher, "func", None)
            closure = getattr(name, "__closure__", None) or ()
            for cell in closure:
                value = cell.cell_contents
                if isinstance(value, str) and (kind == "command") == value.startswith("/"):
                    found.add(value)
    return found


def test_manifest_commands_and_events_match_the_listeners(fake_slack, tmp_path):
    app = create_app(bot_settings(fake_slack, f"sqlite:///{tmp_path / 'pfp.sqlite3'}"))
    commands = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert commands == {"/pfp", "/need", "/offer", "/meeting"}
    assert commands <= listened(app, "command")
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) <= listened(app, "event")


def test_manifest_is_socket_mode_by_default_with_home_tab_and_interactivity():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert all(c["should_escape"] for c in MANIFEST["features"]["slash_commands"])  # mentions arrive as <@U…>
    assert {"commands", "chat:write", "im:write", "users:read"} == set(MANIFEST["oauth_config"]["scopes"]["bot"])
