"""The Slack app's manifest (manifest.yml), read once: the bot scopes the stand-in grants (and refuses the
rest, as Slack does) and the slash commands the sandbox's composer suggests. One source for both, shared
with the test suite."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


@cache
def manifest() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def bot_scopes() -> list[str]:
    return list(manifest()["oauth_config"]["scopes"]["bot"])


def slash_commands() -> list[dict[str, str]]:
    return [{"command": c["command"], "description": c.get("description", ""), "usage_hint": c.get("usage_hint", "")}
            for c in manifest()["features"]["slash_commands"]]
