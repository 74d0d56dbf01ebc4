"""The Platform for Partnerships' vocabulary (seed 000, annex I), shared by storage and the domain.

Multi-valued fields (kinds of assistance, areas an offer covers, ...) are stored as bit masks: one
integer column, filtered with `&` in SQL on SQLite and PostgreSQL alike, which keeps matching and
browsing to one indexed table scan instead of joins over association tables.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable
from typing import TypeVar

E = TypeVar("E", bound=enum.Enum)


class Area(enum.StrEnum):
    STOCKPILE_DESTRUCTION = "stockpile_destruction"  # Article 4
    CLEARANCE = "clearance"  # Article 5: survey and clearance
    VICTIM_ASSISTANCE = "victim_assistance"
    RISK_EDUCATION = "risk_education"
    NATIONAL_CAPACITY = "national_capacity"  # national capacity and coordination


class Kind(enum.StrEnum):
    FINANCIAL = "financial"
    EQUIPMENT = "equipment"
    EXPERTISE = "expertise"
    KNOW_HOW = "know_how"  # experience and technical know-how
    BEST_PRACTICE = "best_practice"


class Challenge(enum.StrEnum):
    FINANCIAL = "financial"
    TECHNICAL = "technical"
    POLITICAL = "political"


class Ownership(enum.StrEnum):
    """The five components of national ownership (seed 001): a need showing them is more attractive."""

    HIGH_LEVEL_INTEREST = "high_level_interest"
    NATIONAL_AUTHORITY = "national_authority"
    CLEAR_PICTURE = "clear_picture"
    REALISTIC_PLAN = "realistic_plan"
    NATIONAL_FUNDING = "national_funding"


class Region(enum.StrEnum):
    AFRICA = "africa"
    AMERICAS = "americas"
    ASIA = "asia"
    EUROPE = "europe"
    OCEANIA = "oceania"


class Language(enum.StrEnum):
    """Languages an offer can be delivered in: the six UN languages, and Portuguese (Lusophone States)."""

    ARABIC = "ar"
    CHINESE = "zh"
    ENGLISH = "en"
    FRENCH = "fr"
    RUSSIAN = "ru"
    SPANISH = "es"
    PORTUGUESE = "pt"


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # anyone, and the Convention's website
    STATES = "states"  # delegates of States Parties, the ISU and the Committee
    ISU = "isu"  # the ISU and the Committee only (and the posting State)


class EntryStatus(enum.StrEnum):
    OPEN = "open"
    PARTLY_MET = "partly_met"
    MET = "met"
    WITHDRAWN = "withdrawn"


class Answer(enum.StrEnum):
    """One side's answer to a match."""

    WAITING = "waiting"
    ACCEPTED = "accepted"
    NOT_RELEVANT = "not_relevant"


@functools.cache
def _bits(enum_class: type[enum.Enum]) -> dict[enum.Enum, int]:
    # Per enum class: these are StrEnums, so Kind.FINANCIAL == Challenge.FINANCIAL as keys.
    return {member: 1 << index for index, member in enumerate(enum_class)}


def bit(member: enum.Enum) -> int:
    return _bits(type(member))[member]


def to_mask(members: Iterable[enum.Enum]) -> int:
    mask = 0
    for member in members:
        mask |= bit(member)
    return mask


def from_mask(mask: int, enum_class: type[E]) -> list[E]:
    return [member for member, value in _bits(enum_class).items() if mask & value]  # type: ignore[misc]
