"""The Slack app manifest declares exactly what the app listens to and the scopes its Web API calls need,
so the manifest and the code cannot drift apart."""

from __future__ import annotations

import ast
import inspect
import itertools
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from slack_sdk import WebClient

from bot.app import create_app
from bot.sandbox.slack import METHOD_SCOPES, required_scopes
from tests.conftest import bot_settings

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
BOT_SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])
SOURCE_DIRS = ("bot", "handlers", "scheduled")  # the code that runs in the app, as packaged


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
    assert commands == {"/pfp", "/need", "/offer", "/meeting", "/partnership"}
    assert commands <= listened(app, "command")
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) <= listened(app, "event")


def test_manifest_is_socket_mode_by_default_with_home_tab_and_interactivity():
    assert MANIFEST["settings"]["socket_mode_enabled"] is True
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert all(c["should_escape"] for c in MANIFEST["features"]["slash_commands"])  # mentions arrive as <@U…>


# ---------------------------------------------------------------- bot scopes against the Web API calls


@cache
def web_client_methods() -> dict[str, frozenset[str]]:
    """slack_sdk WebClient method name -> the Web API methods it calls, read from slack_sdk's own source:
    each method does ``self.api_call("chat.postMessage", ...)``, a few (files_upload_v2) call other methods."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(WebClient)))
    [cls] = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    direct: dict[str, set[str]] = {}
    delegates: dict[str, set[str]] = {}
    for function in cls.body:
        if not isinstance(function, ast.FunctionDef):
            continue
        direct[function.name], delegates[function.name] = set(), set()
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if not (isinstance(node.func.value, ast.Name) and node.func.value.id == "self"):
                continue
            if node.func.attr == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
                direct[function.name].add(node.args[0].value)
            else:
                delegates[function.name].add(node.func.attr)

    def reach(name: str, seen: frozenset[str] = frozenset()) -> set[str]:
        found = set(direct.get(name, ()))
        for other in delegates.get(name, set()) - seen - {name}:
            found |= reach(other, seen | {name})
        return found

    return {name: frozenset(apis) for name in direct if (apis := reach(name))}


@dataclass(frozen=True)
class CallSite:
    where: str  # "bot/platform/flows.py:44"
    method: str  # the Web API method, "conversations.open"
    body: dict  # the literal arguments, stand-ins for the rest: enough for required_scopes

    def needs(self) -> frozenset[str]:
        return required_scopes(self.method, self.body)


def _stand_in(node: ast.expr, counter: Iterator[int]) -> object:
    """What an argument looks like to Slack, as far as the source tells: literals as written, every
    variable or expression one opaque value (so ``users=user_id`` is one person and
    ``users=f"{a},{b}"`` two), lists item by item."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else f"X{next(counter)}" for part in node.values
        )
    if isinstance(node, ast.List | ast.Tuple):
        return [_stand_in(item, counter) for item in node.elts]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join"
            and isinstance(node.func.value, ast.Constant) and node.func.value.value == ","):
        return f"X{next(counter)},X{next(counter)}"  # ",".join(ids): several people
    return f"X{next(counter)}"


def call_sites_in(source: str, where: str) -> Iterator[CallSite]:
    """Every ``<anything>.<WebClient method>(...)`` or ``.api_call("method", ...)`` call in the source."""
    api = web_client_methods()
    for node in ast.walk(ast.parse(source, filename=where)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name == "api_call" and node.args and isinstance(node.args[0], ast.Constant):
            methods = frozenset({str(node.args[0].value)})
        elif name in api:
            methods = api[name]
        else:
            continue
        counter = itertools.count(1)
        body = {kw.arg: _stand_in(kw.value, counter) for kw in node.keywords if kw.arg}
        for method in sorted(methods):
            yield CallSite(f"{where}:{node.lineno}", method, body)


def code_call_sites() -> list[CallSite]:
    paths = sorted(path for folder in SOURCE_DIRS for path in (ROOT / folder).rglob("*.py"))
    return [
        site
        for path in paths
        for site in call_sites_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]


def test_the_scan_reads_calls_as_slack_sees_them():
    source = textwrap.dedent('''
        client.conversations_open(users=user_id)
        app.client.conversations_open(users=f"{need.slack_user_id},{offer.slack_user_id}")
        self.client.conversations_open(users=",".join(user_ids))
        client.chat_postMessage(channel="C0ISU", text=text)
        client.files_upload_v2(channel=channel, content=report)
        client.api_call("users.lookupByEmail", params={"email": email})
        matching.answer(session, person)
    ''')
    sites = list(call_sites_in(source, "example.py"))
    assert [(s.where, s.method) for s in sites] == [
        ("example.py:2", "conversations.open"),
        ("example.py:3", "conversations.open"),
        ("example.py:4", "conversations.open"),
        ("example.py:5", "chat.postMessage"),
        ("example.py:6", "files.completeUploadExternal"),
        ("example.py:6", "files.getUploadURLExternal"),
        ("example.py:7", "users.lookupByEmail"),
    ]
    assert [s.needs() for s in sites] == [
        {"im:write"}, {"mpim:write"}, {"mpim:write"}, {"chat:write"}, {"files:write"}, {"files:write"},
        {"users:read.email"}]


def test_every_web_api_method_the_code_calls_has_its_scopes_in_the_table():
    sites = code_call_sites()
    assert "chat.postMessage" in {s.method for s in sites}  # the scan does see the code
    unknown = sorted(f"{s.where} {s.method}" for s in sites if s.method not in METHOD_SCOPES)
    assert unknown == [], "add these methods and the scopes Slack documents to bot/sandbox/slack/scopes.py"


def test_the_manifest_grants_every_scope_the_code_needs():
    lacking = sorted(
        f"{s.where} {s.method} needs one of {sorted(need)}"
        for s in code_call_sites()
        if (need := s.needs()) and not need & BOT_SCOPES
    )
    assert lacking == [], "Slack would answer missing_scope: add the scope to manifest.yml"


def test_the_manifest_asks_for_no_scope_the_code_does_not_use():
    used = {scope for site in code_call_sites() for scope in site.needs() & BOT_SCOPES}
    assert MANIFEST["features"]["slash_commands"]  # what `commands` is for
    assert BOT_SCOPES - used - {"commands"} == set(), "drop scopes no Web API call needs from manifest.yml"
