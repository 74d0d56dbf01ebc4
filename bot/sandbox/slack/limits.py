"""What Slack refuses in a message or a view, said in Slack's words.

Why: a stand-in that accepts anything lets a message Slack would refuse (51 blocks, a 3,001-character
section) pass every test and fail in the workspace. So the stand-in checks what it is sent against the
limits Slack documents, and answers a breach as Slack does: HTTP 200, ``{"ok": false, "error": ...}``
and, in ``response_metadata.messages``, one ``[ERROR] ...`` line per problem naming where it is with a
JSON pointer (``[json-pointer:/blocks/0/text/text]``), as Slack's own answers do.

The limits, from Slack's Block Kit reference (docs.slack.dev/reference/block-kit: blocks,
block-elements, composition-objects, views) and the method pages (chat.postMessage, views.open):

* a message (chat.postMessage, chat.postEphemeral, chat.update, a response_url post): at most 50
  blocks; text or blocks (or attachments) must be given (``no_text``); blocks that are not a JSON
  array are ``invalid_blocks_format``; any block problem below is ``invalid_blocks``;
* a view (views.open, views.push, views.update, views.publish): at most 100 blocks, modal and Home
  tab alike; a modal needs a title; its title, submit and close at most 24 characters;
  private_metadata, callback_id and external_id at most 3,000, 255 and 255; any problem, block
  problems included, is ``invalid_arguments``; a view over 250 kB is ``view_too_large``;
* blocks: block_id at most 255 characters; a section's text 1 to 3,000 characters, at most 10
  fields of at most 2,000 each, and text or fields; a header's text at most 150; a context at most 10
  elements; an actions block at most 25 elements; an input's label and hint at most 2,000; an image's
  alt_text at most 2,000 and image_url at most 3,000;
* elements: action_id at most 255; a button's text at most 75, value at most 2,000, url at most 3,000;
  a placeholder at most 150; an option's text at most 75, value at most 150, description at most 75;
  a select at most 100 options (or 100 option groups, each with a label of at most 75 and at most 100
  options); checkboxes and radio buttons at most 10 options; an overflow menu at most 5; a confirmation
  dialog's title at most 100, text at most 300, confirm and deny at most 30.

The functions return the problems found (empty: Slack would take it); ``refusal`` makes the answer.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MESSAGE_BLOCKS", "VIEW_BLOCKS", "message_refusal", "refusal", "truthy", "view_refusal"]

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
_SELECTS = ("static_select", "multi_static_select")
_FEW_OPTIONS = {"checkboxes": 10, "radio_buttons": 10, "overflow": 5}


def refusal(error: str, problems: list[str]) -> dict:
    """Slack's answer to a refused request: the error and one ``[ERROR]`` line per problem."""
    answer: dict[str, Any] = {"ok": False, "error": error}
    if problems:
        answer["response_metadata"] = {"messages": [f"[ERROR] {problem}" for problem in problems]}
    return answer


def message_refusal(body: dict) -> dict | None:
    """Slack's refusal of a message body (chat.postMessage, chat.postEphemeral, chat.update or a
    response_url post), or None if Slack would take it. ``delete_original`` needs no text."""
    blocks = body.get("blocks")
    if blocks is not None and not isinstance(blocks, list):
        return refusal("invalid_blocks_format", ["blocks must be a JSON array [json-pointer:/blocks]"])
    if not truthy(body.get("delete_original")) and not (
        _filled(body.get("text")) or blocks or _filled(body.get("attachments"))
    ):
        return refusal("no_text", [])
    problems = _blocks(blocks or [], "/blocks", MESSAGE_BLOCKS)
    return refusal("invalid_blocks", problems) if problems else None


def view_refusal(view: Any) -> dict | None:
    """Slack's refusal of the ``view`` argument of a views.* method, or None if Slack would take it."""
    if not isinstance(view, dict):
        return refusal("invalid_arguments", ["must provide an object [json-pointer:/view]"])
    if len(json.dumps(view, ensure_ascii=False).encode("utf-8")) > VIEW_BYTES:
        return refusal("view_too_large", [])
    problems: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append("must be either modal or home [json-pointer:/view/type]")
    if kind == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append("missing required field: title [json-pointer:/view/title]")
        for key in ("title", "submit", "close"):
            _text(problems, view.get(key), f"/view/{key}/text", 24)
    _length(problems, view.get("private_metadata"), "/view/private_metadata", 3000)
    _length(problems, view.get("callback_id"), "/view/callback_id", 255)
    _length(problems, view.get("external_id"), "/view/external_id", 255)
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        problems.append("missing required field: blocks [json-pointer:/view/blocks]")
    else:
        problems += _blocks(blocks, "/view/blocks", VIEW_BLOCKS)
    return refusal("invalid_arguments", problems) if problems else None


# ------------------------------------------------------------------------------------- the checks


def _blocks(blocks: list, where: str, most: int) -> list[str]:
    problems: list[str] = []
    if len(blocks) > most:
        problems.append(f"no more than {most} items allowed [json-pointer:{where}]")
    for index, block in enumerate(blocks):
        if isinstance(block, dict):
            _block(problems, block, f"{where}/{index}")
        else:
            problems.append(f"must be an object [json-pointer:{where}/{index}]")
    return problems


def _block(problems: list[str], block: dict, where: str) -> None:
    kind = block.get("type")
    _length(problems, block.get("block_id"), f"{where}/block_id", 255)
    if kind == "section":
        text, fields = block.get("text"), block.get("fields")
        if text is None and not fields:
            problems.append(f"must provide either text or fields [json-pointer:{where}]")
        _text(problems, text, f"{where}/text/text", 3000, least=1)
        if isinstance(fields, list):
            _count(problems, fields, f"{where}/fields", 10)
            for index, field in enumerate(fields):
                _text(problems, field, f"{where}/fields/{index}/text", 2000, least=1)
        _element(problems, block.get("accessory"), f"{where}/accessory")
    elif kind == "header":
        _text(problems, block.get("text"), f"{where}/text/text", 150, least=1)
    elif kind in ("context", "actions"):
        elements = block.get("elements")
        if isinstance(elements, list):
            _count(problems, elements, f"{where}/elements", 10 if kind == "context" else 25)
            if kind == "actions":
                for index, element in enumerate(elements):
                    _element(problems, element, f"{where}/elements/{index}")
    elif kind == "input":
        _text(problems, block.get("label"), f"{where}/label/text", 2000, least=1)
        _text(problems, block.get("hint"), f"{where}/hint/text", 2000)
        _element(problems, block.get("element"), f"{where}/element")
    elif kind == "image":
        _length(problems, block.get("alt_text"), f"{where}/alt_text", 2000)
        _length(problems, block.get("image_url"), f"{where}/image_url", 3000)
        _text(problems, block.get("title"), f"{where}/title/text", 2000)


def _element(problems: list[str], element: Any, where: str) -> None:
    if not isinstance(element, dict):
        return
    kind = element.get("type")
    _length(problems, element.get("action_id"), f"{where}/action_id", 255)
    _text(problems, element.get("placeholder"), f"{where}/placeholder/text", 150)
    if kind == "button":
        _text(problems, element.get("text"), f"{where}/text/text", 75, least=1)
        _length(problems, element.get("value"), f"{where}/value", 2000)
        _length(problems, element.get("url"), f"{where}/url", 3000)
    options = element.get("options")
    if isinstance(options, list):
        most = _FEW_OPTIONS.get(str(kind), 100)
        _count(problems, options, f"{where}/options", most)
        _options(problems, options, f"{where}/options")
    groups = element.get("option_groups")
    if isinstance(groups, list) and kind in _SELECTS:
        _count(problems, groups, f"{where}/option_groups", 100)
        for index, group in enumerate(groups):
            if isinstance(group, dict):
                _text(problems, group.get("label"), f"{where}/option_groups/{index}/label/text", 75)
                grouped = group.get("options")
                if isinstance(grouped, list):
                    _count(problems, grouped, f"{where}/option_groups/{index}/options", 100)
                    _options(problems, grouped, f"{where}/option_groups/{index}/options")
    confirm = element.get("confirm")
    if isinstance(confirm, dict):
        for key, most in (("title", 100), ("text", 300), ("confirm", 30), ("deny", 30)):
            _text(problems, confirm.get(key), f"{where}/confirm/{key}/text", most)


def _options(problems: list[str], options: list, where: str) -> None:
    for index, option in enumerate(options):
        if isinstance(option, dict):
            _text(problems, option.get("text"), f"{where}/{index}/text/text", 75, least=1)
            _length(problems, option.get("value"), f"{where}/{index}/value", 150)
            _text(problems, option.get("description"), f"{where}/{index}/description/text", 75)


def _text(problems: list[str], obj: Any, where: str, most: int, *, least: int = 0) -> None:
    """A text object's ``text``: at most ``most`` characters (and at least ``least``, when it is there)."""
    if isinstance(obj, dict):
        _length(problems, obj.get("text", ""), where, most, least=least)


def _length(problems: list[str], value: Any, where: str, most: int, *, least: int = 0) -> None:
    if not isinstance(value, str):
        return
    if len(value) > most:
        problems.append(f"must be less than {most + 1} characters [json-pointer:{where}]")
    elif len(value) < least:
        problems.append(f"must be more than {least - 1} characters [json-pointer:{where}]")


def _count(problems: list[str], items: list, where: str, most: int) -> None:
    if len(items) > most:
        problems.append(f"no more than {most} items allowed [json-pointer:{where}]")


def _filled(value: Any) -> bool:
    return bool(value)


def truthy(value: Any) -> bool:
    """slack_sdk sends booleans as "1"/"0" in forms and true/false in JSON."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)
