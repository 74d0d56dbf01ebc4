"""Block Kit of the calendar: the list of coming dates (with ISU staff's buttons), the form to add or
change a date, and the App Home's next three."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import payloads
from bot.blocks import section
from bot.calendar.rules import F_ENDS, F_KIND, F_PLACE, F_STARTS, F_TITLE, PLACE_MAX, TITLE_MAX, Occurrence
from bot.errors import N_
from bot.i18n import Translator
from bot.text import Mrkdwn
from storage.models import ConventionEvent, EventKind

EVENT_FORM = "calendar_event"
ADD, EDIT, REMOVE = "calendar.add", "calendar.edit", "calendar.remove"
KINDS = {
    EventKind.INTERSESSIONAL: N_("Intersessional Meetings"),
    EventKind.MSP: N_("Meeting of the States Parties"),
    EventKind.REVIEW_CONFERENCE: N_("Review Conference"),
    EventKind.OTHER: N_("Other (pledging conference, committee meeting...)"),
}
SHOWN = 10  # dates in /pfp calendar; the iCalendar file has them all


def when(tr: Translator, occurrence: Occurrence) -> str:
    """The dates of an occurrence in the reader's language: one day, or the first and the last."""
    if occurrence.starts_on == occurrence.ends_on:
        return tr.date(occurrence.starts_on)
    return tr._("{first} – {last}", first=occurrence.starts_on, last=occurrence.ends_on)


def occurrence_line(tr: Translator, occurrence: Occurrence) -> str:
    kind = tr._("Article 7 deadline") if occurrence.is_article7_deadline else tr._(KINDS[occurrence.kind])
    text = tr.mrkdwn("*{heading}* · {kind}\n{when}", heading=occurrence.heading(tr), kind=kind,
                     when=when(tr, occurrence))
    if occurrence.place:
        text += tr.mrkdwn(" · {place}", place=occurrence.place)
    return text


def event_value(event_id: int) -> str:
    return json.dumps({"event": event_id})


def calendar_message(tr: Translator, occurrences: list[Occurrence], *, keeper: bool) -> tuple[str, list[Block]]:
    """`/pfp calendar`: what is coming; ISU staff get Add, and Edit and Remove on each date they entered."""
    text = tr.mrkdwn("*The Convention's calendar: what is coming*")
    blocks: list[Block] = [section(text)]
    for occurrence in occurrences[:SHOWN]:
        blocks.append(section(occurrence_line(tr, occurrence)))
        if keeper and occurrence.event_id is not None:
            value = event_value(occurrence.event_id)
            blocks.append(ActionsBlock(elements=[
                ButtonElement(text=tr._("Edit"), action_id=EDIT, value=value),
                ButtonElement(text=tr._("Remove"), action_id=REMOVE, value=value, style="danger", confirm=ConfirmObject(
                    title=tr._("Remove this date?"), text=tr._("Delegates will no longer see it or be reminded of it."),
                    confirm=tr._("Remove"), deny=tr._("Keep it"))),
            ]))
    if not occurrences:
        blocks.append(section(tr.mrkdwn("Nothing is planned yet.")))
    if keeper:
        blocks.append(ActionsBlock(elements=[
            ButtonElement(text=tr._("Add a date"), action_id=ADD, style="primary")]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
        "The Article 7 reports are due each year by 30 April; ISU staff enter the meetings."))]))
    return text, blocks


def next_dates(tr: Translator, occurrences: list[Occurrence]) -> list[Block]:
    """The App Home's next three dates."""
    if not occurrences:
        return []
    lines = "\n".join(f"• {occurrence_line(tr, o).replace(chr(10), ' · ')}" for o in occurrences[:3])
    return [section(tr.mrkdwn("*Coming up*") + "\n" + lines)]


def form_title(tr: Translator) -> str:
    return tr._("A date of the calendar")


def event_form(tr: Translator, event: ConventionEvent | None, *, channel: str | None) -> View:
    """The form ISU staff add or change a date with."""
    kinds = [Option(value=kind.value, text=tr._(label)[:75]) for kind, label in KINDS.items()]
    chosen = next((o for o in kinds if event is not None and o.value == event.kind.value), None)

    def day(block: str, label: str, value: date | None) -> InputBlock:
        return InputBlock(block_id=block, label=tr._(label), element=DatePickerElement(
            action_id=block, initial_date=value.isoformat() if value else None))

    blocks: list[Block] = [
        InputBlock(block_id=F_KIND, label=tr._("Kind"), element=StaticSelectElement(
            action_id=F_KIND, options=kinds, initial_option=chosen, placeholder=tr._("Choose a kind"))),
        InputBlock(block_id=F_TITLE, label=tr._("Title"), element=PlainTextInputElement(
            action_id=F_TITLE, max_length=TITLE_MAX, initial_value=event.title if event else None,
            placeholder=tr._("e.g. Twenty-Third Meeting of the States Parties"))),
        day(F_STARTS, N_("First day"), event.starts_on if event else None),
        day(F_ENDS, N_("Last day"), event.ends_on if event else None),
        InputBlock(block_id=F_PLACE, label=tr._("Place (optional)"), optional=True, element=PlainTextInputElement(
            action_id=F_PLACE, max_length=PLACE_MAX, initial_value=event.place if event else None,
            placeholder=tr._("e.g. Geneva"))),
    ]
    return View(type="modal", callback_id=EVENT_FORM, title=form_title(tr), submit=tr._("Save"),
                close=tr._("Cancel"), blocks=blocks,
                private_metadata=json.dumps({"id": event.id if event else None, "channel": channel}))


def read_event_metadata(view: dict[str, Any]) -> tuple[int | None, str | None]:
    """The event a form changes (None for a new one) and the channel it was opened from."""
    data = payloads.metadata(view)
    return payloads.optional_id(data, "id"), payloads.optional_channel(data.get("channel"))


def saved_text(tr: Translator, event: ConventionEvent, *, created: bool) -> str:
    occurrence = Occurrence.of_event(event)
    line = occurrence_line(tr, occurrence).replace("\n", " · ")
    return tr.mrkdwn("Added to the calendar: {line}", line=Mrkdwn(line)) if created else tr.mrkdwn(
        "Changed in the calendar: {line}", line=Mrkdwn(line))
