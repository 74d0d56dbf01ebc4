"""The calendar of the Convention's year: its rules (`rules.py`) and the iCalendar file (`ics.py`)."""

from bot.calendar.rules import (
    ARTICLE7,
    COMMAND_LINE,
    F_ENDS,
    F_KIND,
    F_PLACE,
    F_STARTS,
    F_TITLE,
    MAIN_MEETINGS,
    Actor,
    CommandLine,
    EventForm,
    Occurrence,
    add_event,
    article7_deadline,
    edit_event,
    find_event,
    next_meeting,
    read_event_form,
    remove_event,
    snapshot,
    upcoming,
)
from bot.work import unit_of_work  # re-exported: the calendar's changes are one unit of work each

__all__ = [
    "ARTICLE7", "COMMAND_LINE", "F_ENDS", "F_KIND", "F_PLACE", "F_STARTS", "F_TITLE", "MAIN_MEETINGS", "Actor",
    "CommandLine", "EventForm", "Occurrence", "add_event", "article7_deadline", "edit_event", "find_event",
    "next_meeting", "read_event_form", "remove_event", "snapshot", "unit_of_work", "upcoming",
]
