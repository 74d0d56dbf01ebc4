"""The terms of a partnership for completion (Maputo Action Plan, Action 21; seed 001): what kind it is,
its time-bound targets, the partners' commitments, the components of national ownership the State has in
place, and how often its partners check in. Read from a form's text the way every form is read
(bot/forms.py): every problem named on its field, in the reader's language, and nothing kept when one is."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import get_territory_currencies

from bot.errors import N_
from bot.forms import LAST_DAY, FormReader

TEXT_MAX = 3000
UNIT_MAX = 60
PARTNER_MAX = 120
LINES_MAX = 20
AMOUNT_MAX = Decimal("1e12")  # more than any programme's budget: a typing slip, not a pledge


class Kind(enum.StrEnum):
    """The complete range of partnerships seed 001 asks for."""

    BILATERAL = "bilateral"
    TRIANGULAR = "triangular"
    SOUTH_SOUTH = "south_south"
    PUBLIC_PRIVATE = "public_private"
    MULTI_PARTNER = "multi_partner"


class Ownership(enum.StrEnum):
    """The five components of national ownership (Second Review Conference, 2009; seed 001, endnote ‡)."""

    LEADERSHIP = "leadership"  # high-level interest and leadership
    AUTHORITY = "authority"  # a national authority with the capacity to carry out its responsibilities
    UNDERSTANDING = "understanding"  # a clear understanding of the size, location and quality of the challenge
    PLAN = "plan"  # a realistic but not unambitious plan to complete implementation
    FUNDING = "funding"  # a regular significant national financial commitment


class Rhythm(enum.IntEnum):
    """How often the partners check in, in months; quarterly unless they choose otherwise."""

    MONTHLY = 1
    QUARTERLY = 3
    HALF_YEARLY = 6


# Where a target counts people (survivors assisted, say), it may be broken down by sex and age group,
# named in any of the bot's languages.
GROUPS = ("women", "men", "girls", "boys")
_GROUP_WORDS = {"women": "women", "men": "men", "girls": "girls", "boys": "boys",
                "femmes": "women", "hommes": "men", "filles": "girls", "garçons": "boys", "garcons": "boys",
                "mujeres": "women", "hombres": "men", "niñas": "girls", "ninas": "girls", "niños": "boys",
                "ninos": "boys"}
IN_KIND_WORDS = {"en": "in kind", "fr": "en nature", "es": "en especie"}
IN_KIND = set(IN_KIND_WORDS.values())
_GROUPS_IN = {"en": {g: g for g in GROUPS}, "fr": {"women": "femmes", "men": "hommes", "girls": "filles",
                                                      "boys": "garçons"},
              "es": {"women": "mujeres", "men": "hombres", "girls": "niñas", "boys": "niños"}}


@dataclass(frozen=True)
class Target:
    figure: Decimal
    unit: str
    due: date
    breakdown: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Commitment:
    """A partner's commitment: financial (an amount in a currency, for a year) or in kind (what is given)."""

    partner: str
    amount: Decimal | None = None
    currency: str | None = None
    year: int | None = None
    in_kind: str | None = None


@cache
def currencies_in_use(on: date) -> frozenset[str]:
    """ISO 4217 codes that are legal tender somewhere on `on` (no test codes, no currencies long gone)."""
    return frozenset(code for territory in Locale("en").territories if territory.isalpha()
                     for code in get_territory_currencies(territory, on, tender=True))


_GROUP = re.compile(r"^(\w+)\s+(\d{1,9})$")
_MONEY = re.compile(r"^([0-9][0-9 ,.']*)\s*([A-Za-z]{3})$")
_YEAR = re.compile(r"^[0-9]{4}$")


def _lines(form: FormReader, name: str, *, required: bool) -> list[tuple[int, list[str]]]:
    text = form.text(name, TEXT_MAX, required=required) or ""
    lines = [(number, [part.strip() for part in line.split("|")])
             for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) > LINES_MAX:
        form.errors[name] = (N_("Please keep to {count} lines at most."), {"count": LINES_MAX})
        return []
    return lines


def parse_figure(text: str) -> Decimal | None:
    """A figure as people type it: 250000, 250,000, 250 000 or 250'000 (thousands), 12.5 (decimals)."""
    cleaned = re.sub(r"[ ,'](?=[0-9]{3}(?:[ ,']|$|\.))", "", text.strip())
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def read_targets(form: FormReader, name: str, *, today: date) -> list[Target]:
    """One target a line, `figure | unit | YYYY-MM-DD`, then for a target that counts people an optional
    `| women 120, men 80, girls 30, boys 20`; the first line that is not right is named."""
    targets: list[Target] = []
    for number, parts in _lines(form, name, required=True):
        if len(parts) not in (3, 4) or not parts[1]:
            form.errors[name] = (N_("Line {number} is not written as figure | unit | date, for example: "
                                    "120 | hectares released | 2028-06-30."), {"number": number})
            break
        figure = parse_figure(parts[0])
        if figure is None or figure <= 0 or figure > AMOUNT_MAX:
            form.errors[name] = (N_("Line {number}: the figure must be a number above zero, such as 120."),
                                 {"number": number})
            break
        if len(parts[1]) > UNIT_MAX:
            form.errors[name] = (N_("Line {number}: please shorten the unit to {limit} characters."),
                                 {"number": number, "limit": UNIT_MAX})
            break
        try:
            due = date.fromisoformat(parts[2]) if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", parts[2]) else None
        except ValueError:
            due = None
        if due is None or due > LAST_DAY:
            form.errors[name] = (N_("Line {number}: write the date as YYYY-MM-DD, for example 2028-06-30."),
                                 {"number": number})
            break
        if due <= today:
            form.errors[name] = (N_("Line {number}: this date has passed; a target is for a coming date."),
                                 {"number": number})
            break
        breakdown = _breakdown(form, name, number, parts[3] if len(parts) == 4 else "", figure)
        if breakdown is None:
            break
        targets.append(Target(figure=figure, unit=parts[1], due=due, breakdown=breakdown))
    return targets


def _breakdown(form: FormReader, name: str, number: int, text: str, figure: Decimal) -> dict[str, int] | None:
    counts: dict[str, int] = {}
    for piece in (p.strip() for p in text.split(",") if p.strip()):
        matched = _GROUP.match(piece.lower())
        group = _GROUP_WORDS.get(matched[1]) if matched else None
        if matched is None or group is None or group in counts:
            form.errors[name] = (N_("Line {number}: write the breakdown as women 120, men 80, girls 30, boys 20."),
                                 {"number": number})
            return None
        counts[group] = int(matched[2])
    if sum(counts.values()) > figure:
        form.errors[name] = (N_("Line {number}: the breakdown adds up to more than the target's figure."),
                             {"number": number})
        return None
    return counts


def _money(form: FormReader, name: str, number: int, text: str, *, today: date) -> tuple[Decimal, str] | None:
    """`250000 EUR` on line `number`: an amount above zero and a currency in use, or the problem named."""
    money = _MONEY.match(text)
    amount = parse_figure(money[1]) if money else None
    if money is None or amount is None or amount <= 0 or amount > AMOUNT_MAX:
        form.errors[name] = (N_("Line {number}: the amount must be a number above zero followed by its "
                                "currency, such as 250000 EUR."), {"number": number})
        return None
    currency = money[2].upper()
    if currency not in currencies_in_use(today):
        form.errors[name] = (N_("Line {number}: {currency} is not a currency in use; write its ISO code, "
                                "such as EUR, USD, CHF or XOF."), {"number": number, "currency": currency})
        return None
    return amount, currency


def read_commitments(form: FormReader, name: str, *, today: date) -> list[Commitment]:
    """One commitment a line: `partner | 250000 EUR | 2027` (financial, for a year) or `partner | in kind |
    what is given`; the first line that is not right is named."""
    commitments: list[Commitment] = []
    for number, parts in _lines(form, name, required=False):
        if len(parts) != 3 or not parts[0] or len(parts[0]) > PARTNER_MAX:
            form.errors[name] = (N_("Line {number} is not written as partner | amount and currency | year, for "
                                    "example: Norway | 250000 EUR | 2027, or Norway | in kind | two survey teams."),
                                 {"number": number})
            break
        if parts[1].casefold() in IN_KIND:
            if not parts[2] or len(parts[2]) > UNIT_MAX * 4:
                form.errors[name] = (N_("Line {number}: say what is given in kind, in a few words."),
                                     {"number": number})
                break
            commitments.append(Commitment(partner=parts[0], in_kind=parts[2]))
            continue
        money = _money(form, name, number, parts[1], today=today)
        if money is None:
            break
        amount, currency = money
        if not _YEAR.fullmatch(parts[2]) or not today.year - 1 <= int(parts[2]) <= today.year + 15:
            form.errors[name] = (N_("Line {number}: give the year of the commitment, from {first} to {last}."),
                                 {"number": number, "first": today.year - 1, "last": today.year + 15})
            break
        commitments.append(Commitment(partner=parts[0], amount=amount, currency=currency, year=int(parts[2])))
    return commitments


def read_disbursed(form: FormReader, name: str, *, first_year: int, today: date) -> dict[int, dict[str, Decimal]]:
    """What a party disbursed to date, one year and currency a line: `2027 | 50000 EUR`; the first line
    that is not right is named. Years are those the partnership has run in (and the one before), to this one."""
    disbursed: dict[int, dict[str, Decimal]] = {}
    for number, parts in _lines(form, name, required=False):
        if len(parts) != 2:
            form.errors[name] = (N_("Line {number} is not written as year | amount and currency, for example: "
                                    "2027 | 50000 EUR."), {"number": number})
            break
        if not _YEAR.fullmatch(parts[0]) or not first_year <= int(parts[0]) <= today.year:
            form.errors[name] = (N_("Line {number}: give the year of the disbursement, from {first} to {last}."),
                                 {"number": number, "first": first_year, "last": today.year})
            break
        money = _money(form, name, number, parts[1], today=today)
        if money is None:
            break
        amount, currency = money
        year = disbursed.setdefault(int(parts[0]), {})
        if currency in year:  # two lines for one year and currency: a slip, not a sum to guess
            form.errors[name] = (N_("Line {number}: {year} in {currency} is on an earlier line already."),
                                 {"number": number, "year": parts[0], "currency": currency})
            break
        year[currency] = amount
    return disbursed


@dataclass(frozen=True)
class Terms:
    """What every party confirms: each version of it once."""

    targets: list[Target]
    commitments: list[Commitment] = field(default_factory=list)
    ownership: list[Ownership] = field(default_factory=list)  # the components the State has in place
    rhythm: Rhythm = Rhythm.QUARTERLY
    tell_isu: bool = False  # the parties agreed the ISU hears when a target is missed

    def target_lines(self, language: str) -> str:
        """The targets written back as the form reads them, to change them (Propose a change)."""
        words = _GROUPS_IN.get(language, _GROUPS_IN["en"])
        lines = []
        for t in self.targets:
            line = f"{t.figure:f} | {t.unit} | {t.due.isoformat()}"
            if t.breakdown:
                line += " | " + ", ".join(f"{words[g]} {n}" for g, n in t.breakdown.items())
            lines.append(line)
        return "\n".join(lines)

    def commitment_lines(self, language: str) -> str:
        in_kind = IN_KIND_WORDS.get(language, IN_KIND_WORDS["en"])
        return "\n".join(f"{c.partner} | {in_kind} | {c.in_kind}" if c.amount is None
                         else f"{c.partner} | {c.amount:f} {c.currency} | {c.year}" for c in self.commitments)

    def to_json(self) -> dict:
        return {
            "targets": [{"figure": str(t.figure), "unit": t.unit, "due": t.due.isoformat(), "breakdown": t.breakdown}
                        for t in self.targets],
            "commitments": [{"partner": c.partner, "amount": None if c.amount is None else str(c.amount),
                             "currency": c.currency, "year": c.year, "in_kind": c.in_kind} for c in self.commitments],
            "ownership": [o.value for o in self.ownership],
            "rhythm": int(self.rhythm),
            "tell_isu": self.tell_isu,
        }

    @classmethod
    def from_json(cls, data: dict) -> Terms:
        return cls(
            targets=[Target(Decimal(t["figure"]), t["unit"], date.fromisoformat(t["due"]), dict(t["breakdown"]))
                     for t in data["targets"]],
            commitments=[Commitment(c["partner"], None if c["amount"] is None else Decimal(c["amount"]),
                                    c["currency"], c["year"], c["in_kind"]) for c in data["commitments"]],
            ownership=[Ownership(o) for o in data["ownership"]],
            rhythm=Rhythm(data["rhythm"]),
            tell_isu=bool(data.get("tell_isu", False)),  # terms written before it was asked
        )
