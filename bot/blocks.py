"""Block Kit helpers every capability shares, built with slack_sdk.models (which checks lengths and
shapes), in the reader's language."""

from __future__ import annotations

import threading

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


class _KeptOptionGroup(OptionGroup):
    """An option group turned into Block Kit's JSON once, not once per view: the States' 161 options,
    checked and converted by slack_sdk for every form and browse, were a third of a browse view's cost."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._kept = super().to_dict()

    def to_dict(self, option_type: str = "block") -> dict:
        return self._kept if option_type == "block" else super().to_dict(option_type)


_STATE_OPTIONS: dict[tuple[str, tuple[str, ...]], tuple[list[Option] | None, list[OptionGroup] | None]] = {}
_STATE_OPTIONS_LOCK = threading.Lock()


def state_options(tr: Translator, states: list[StateParty]) -> tuple[list[Option] | None, list[OptionGroup] | None]:
    """States for a select: plain options up to 100, else groups by letter (Slack's limit); kept per
    language and list of States, as every form and browse shows them."""
    return country_options(tr, [s.code for s in states])


def country_options(tr: Translator, codes: list[str]) -> tuple[list[Option] | None, list[OptionGroup] | None]:
    """Countries for a select, by their names in the reader's language (see state_options)."""
    key = (tr.language, tuple(sorted(codes)))
    with _STATE_OPTIONS_LOCK:
        kept = _STATE_OPTIONS.get(key)
    if kept is not None:
        return list(kept[0]) if kept[0] is not None else None, list(kept[1]) if kept[1] is not None else None
    named = sorted(((tr.country(code), code) for code in codes), key=lambda pair: pair[0].casefold())
    options: list[Option] | None = [Option(value=code, text=name[:75]) for name, code in named]
    groups: list[OptionGroup] | None = None
    if len(named) > 100:
        chunks = [named[i : i + 100] for i in range(0, len(named), 100)]
        options, groups = None, [
            _KeptOptionGroup(label=f"{c[0][0][0]}–{c[-1][0][0]}",
                             options=[Option(value=code, text=n[:75]) for n, code in c])
            for c in chunks
        ]
    with _STATE_OPTIONS_LOCK:
        if len(_STATE_OPTIONS) > 64:  # a few languages times the few lists of States a year sees
            _STATE_OPTIONS.clear()
        _STATE_OPTIONS[key] = (options, groups)
    return list(options) if options is not None else None, list(groups) if groups is not None else None
