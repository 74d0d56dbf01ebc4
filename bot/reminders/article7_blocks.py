"""Block Kit of the Article 7 reports: the **Report submitted** button the reminders carry, how its value
is read back, and what the person who recorded a report is told.

The button's action id is `article7.submitted` and its value the JSON object `{"state": "KH", "year": 2027}`
(the year of the 30 April deadline): reminders built anywhere carry it through `submitted_button`."""

from __future__ import annotations

import json
from typing import Any, Final

from slack_sdk.models.blocks import ButtonElement, ConfirmObject

from bot import payloads
from bot.i18n import Translator
from bot.reminders.article7 import Recording
from bot.text import StateCode

SUBMITTED: Final = "article7.submitted"


def submitted_value(state_code: str, year: int) -> str:
    """The button's value: `{"state": "KH", "year": 2027}`."""
    if payloads.STATE_CODE.fullmatch(state_code) is None or not payloads.YEAR_MIN <= year <= payloads.YEAR_MAX:
        raise ValueError(f"not a State code and a year the button can carry: {state_code!r}, {year!r}")
    return json.dumps({"state": state_code, "year": year})


def submitted_button(tr: Translator, state_code: str, year: int) -> ButtonElement:
    """**Report submitted**, for a reminder of the report of `state_code` due on 30 April `year`; it asks
    before recording, since the reminders then stop."""
    return ButtonElement(
        text=tr._("Report submitted"), action_id=SUBMITTED, value=submitted_value(state_code, year), style="primary",
        confirm=ConfirmObject(
            title=tr._("Report submitted?"),
            text=tr.mrkdwn("The bot will record the Article 7 report of {state} for {year} as received, and stop "
                           "reminding you of it.", state=StateCode(state_code), year=str(year)),
            confirm=tr._("Yes, it is submitted"), deny=tr._("Not yet")))


def read_submitted(action: dict[str, Any]) -> tuple[str, int]:
    """The State and year a pressed button names; anything the bot did not write is out of date."""
    data = payloads.value_object(action)
    return payloads.state_code(data.get("state")), payloads.year(data.get("year"))


def recorded_text(tr: Translator, recording: Recording) -> str:
    """What the person who recorded a report (or tried to again) is told."""
    report = recording.report
    state, year = StateCode(report.state_code), str(report.year)
    if recording.new:
        return tr.mrkdwn("Thank you: the Article 7 report of {state} for {year} is recorded as received. No more "
                         "reminders will come for it.", state=state, year=year)
    return tr.mrkdwn("The Article 7 report of {state} for {year} was already recorded on {recorded} (received on "
                     "{received}). No more reminders will come for it.", state=state, year=year,
                     recorded=report.recorded_at.date(), received=report.received_on)
