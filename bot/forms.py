"""Reading a submitted form (a modal's values, or a command line's options): every field is read the
same way in every capability, and every problem is collected on its own field, so the person sees all
of them at once, where Slack shows them, in their language."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from typing import Any, TypeVar

from bot.errors import N_, FieldErrors

E = TypeVar("E", bound=Enum)
# The Convention's time, wide: from its adoption (1997) to a date no one plans for by mistake.
FIRST_DAY, LAST_DAY = date(1997, 1, 1), date(2100, 12, 31)
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


@dataclass
class FormReader:
    """One form's values; each reader method returns the value, or None after noting the field's problem."""

    values: Mapping[str, Any]
    language: str = "en"
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    def raw(self, name: str) -> str:
        value = self.values.get(name)
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, limit: int, *, required: bool, one_line: bool = False) -> str | None:
        value = self.raw(name)
        if one_line:  # runs of spaces and line breaks become one space, other control characters go
            value = "".join(c for c in " ".join(value.split()) if unicodedata.category(c) != "Cc")
        if not value:
            if required:
                self.errors[name] = (N_("Please fill this in."), {})
            return None
        if len(value) > limit:
            self.errors[name] = (N_("Please shorten this to {limit} characters (it has {length})."),
                                 {"limit": limit, "length": len(value)})
        return value

    def one(self, name: str, enum_class: type[E], *, required: bool = True) -> E | None:
        raw = self.raw(name)
        if not raw:
            if required:
                self.errors[name] = (N_("Please choose one."), {})
            return None
        for candidate in (raw, raw.lower()):  # a command line may say `MSP` for `msp`
            try:
                return enum_class(candidate)
            except ValueError:
                continue
        self.errors[name] = (N_("Please choose one of the options."), {})
        return None

    def many(self, name: str, enum_class: type[E], *, required: bool) -> list[E]:
        raw = self.values.get(name) or []
        try:
            chosen = [enum_class(value) for value in raw] if isinstance(raw, list) else None
        except ValueError:
            chosen = None
        if chosen is None:
            self.errors[name] = (N_("Please choose among the options."), {})
            return []
        if required and not chosen:
            self.errors[name] = (N_("Please choose at least one."), {})
        return chosen

    def day(self, name: str, *, required: bool = True) -> date | None:
        raw = self.raw(name)
        if not raw:
            if required:
                self.errors[name] = (N_("Please fill this in."), {})
            return None
        try:
            if not _ISO_DAY.fullmatch(raw):
                raise ValueError(raw)
            day = date.fromisoformat(raw)
        except ValueError:
            self.errors[name] = (N_("Write the date as YYYY-MM-DD, for example 2027-11-29."), {})
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            self.errors[name] = (N_("Choose a date between {first} and {last}."),
                                 {"first": FIRST_DAY, "last": LAST_DAY})
            return None
        return day

    def clock_time(self, name: str, *, required: bool = True) -> time | None:
        """A time of day as Slack's timepicker sends it ("14:30")."""
        raw = self.raw(name)
        if not raw:
            if required:
                self.errors[name] = (N_("Please fill this in."), {})
            return None
        matched = _CLOCK_TIME.fullmatch(raw)
        if matched is None:
            self.errors[name] = (N_("Write the time as HH:MM, for example 14:30."), {})
            return None
        return time(int(matched[1]), int(matched[2]))

    def period(self, starts: str, ends: str, *, required: bool) -> tuple[date | None, date | None]:
        """Two days of which the second may not come before the first."""
        first, last = self.day(starts, required=required), self.day(ends, required=required)
        if first and last and last < first:
            self.errors[ends] = (N_("The end date is before the start date."), {})
        return first, last

    def done(self) -> None:
        """Raises every problem found, each on its own field."""
        if self.errors:
            raise FieldErrors(self.errors)
