"""Block Kit helpers every capability shares, built with slack_sdk.models (which checks lengths and
shapes), in the reader's language."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, Option, OptionGroup, SectionBlock
from slack_sdk.models.views import View

from bot.errors import FieldErrors
from bot.i18n import Translator
from storage.models import StateParty

SECTION_MAX = 3000  # Slack's limit for a section's text, counted after escaping


def section(text: str) -> SectionBlock:
    """A mrkdwn section; text past Slack's limit (3,000 characters of escaped text) is cut, not refused."""
    if len(text) > SECTION_MAX:
        text = text[: SECTION_MAX - 1] + "…"
    return SectionBlock(text=MarkdownTextObject(text=text))


def loading_view(tr: Translator, title: str) -> View:
    """A modal shown at once while its data is read (Slack's trigger lives three seconds), then filled with
    views.update; `title` is already in the reader's words, and stays the same when the modal is filled."""
    return View(type="modal", title=title[:24], close=tr._("Close"), blocks=[section(tr.mrkdwn("Loading…"))])


def notice_view(tr: Translator, title: str, text: str) -> View:
    """What a modal shows in place of its content when the content cannot be shown (a refusal, a problem)."""
    return View(type="modal", title=title[:24], close=tr._("Close"), blocks=[section(text)])


def to_dicts(blocks: list[Block]) -> list[dict]:
    return [block.to_dict() for block in blocks]


def message(text: str) -> dict:
    """An ephemeral message body: a mrkdwn section plus the same words as the notification text."""
    return {"text": text, "blocks": to_dicts([section(text)])}


def field_errors(tr: Translator, invalid: FieldErrors) -> dict:
    """A modal's field errors as Slack's answer to the submission, each in the reader's language."""
    return {"response_action": "errors",
            "errors": {block: tr._(text, **params) for block, (text, params) in invalid.errors.items()}}


def state_options(tr: Translator, states: list[StateParty]) -> tuple[list[Option] | None, list[OptionGroup] | None]:
    """States for a select: plain options up to 100, else groups by letter (Slack's limit)."""
    named = sorted(((tr.country(s.code), s.code) for s in states), key=lambda pair: pair[0].casefold())
    options = [Option(value=code, text=name[:75]) for name, code in named]
    if len(options) <= 100:
        return options, None
    chunks = [named[i : i + 100] for i in range(0, len(named), 100)]
    groups = [
        OptionGroup(label=f"{c[0][0][0]}–{c[-1][0][0]}", options=[Option(value=code, text=n[:75]) for n, code in c])
        for c in chunks
    ]
    return None, groups


