"""The partnerships for completion as a file: `pfp export partnerships --format csv|json`.

Consent first, as for the Platform's export (bot/platform/export.py): a partnership's terms are its
parties' and those who oversee them (rules.can_see), so a reader who may not see one gets no row for it at
all, not a row with blanks; and the needs a partnership serves are listed only where the reader may see
them (Viewer.can_view, the platform's one rule). Who reads is a person (`--as U123`, their State's or
organisation's partnerships; all of them for ISU staff and the Committee) or a level as for the Platform's
export: public and States Parties see none, the ISU sees all.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.i18n import Translator, country_name
from bot.partnerships.blocks import party_name
from bot.partnerships.progress import progress
from bot.partnerships.rules import can_see, oversees
from bot.platform.export import csv_text, neutralise
from bot.platform.rules import Viewer
from storage.models import Partnership, Person
from storage.partnerships import answers_of, partnerships_of
from storage.taxonomy import Visibility

FORMATS = ("csv", "json")
COLUMNS = ("number", "state_code", "state", "kind", "status", "parties", "areas", "needs", "targets",
           "targets_met", "pledged", "disbursed", "created", "activated", "completed")
LIST_COLUMNS = frozenset({"parties", "areas", "needs"})
MONEY_COLUMNS = frozenset({"pledged", "disbursed"})


@dataclass(frozen=True)
class Reader:
    """Who an export is for: which partnerships they may see, and which needs (the platform's rule)."""

    name: str  # as the command line says it: "U123", "public", "isu"
    viewer: Viewer
    sees: Callable[[Partnership], bool]
    person: Person | None = None
    everyone: bool = False  # oversees every partnership

    @classmethod
    def of(cls, person: Person) -> Reader:
        return cls(person.slack_user_id, Viewer.of(person), lambda p: can_see(person, p), person, oversees(person))

    @classmethod
    def level(cls, visibility: Visibility) -> Reader:
        """The Platform export's levels: nobody but the parties and those who oversee them reads a
        partnership's terms, so the public and the States Parties get none; the ISU gets all."""
        visibility = Visibility(visibility)
        if visibility == Visibility.ISU:
            return cls("isu", Viewer(state_code=None, sees_everything=True, is_delegate=False), lambda p: True,
                       everyone=True)
        return cls(visibility.value, Viewer(state_code=None, sees_everything=False,
                                            is_delegate=visibility == Visibility.STATES), lambda p: False)


def readable(session: Session, reader: Reader) -> list[Partnership]:
    """The partnerships this reader may see, oldest first; the rule is applied to each, whatever the query."""
    if reader.everyone:
        found = partnerships_of(session, everyone=True)
    elif reader.person is not None:
        found = partnerships_of(session, state_code=reader.person.state_code,
                                organisation_id=reader.person.organisation_id)
    else:
        found = []
    return sorted((p for p in found if reader.sees(p)), key=lambda p: p.id)


def collect(session: Session, reader: Reader, *, now: datetime) -> list[dict[str, Any]]:
    """One record per partnership the reader may see; lists stay lists, amounts are decimal strings."""
    partnerships = readable(session, reader)
    answers = answers_of(session, [p.id for p in partnerships])
    english = Translator("en")
    records = []
    for partnership in partnerships:
        shown = progress(partnership, answers[partnership.id], today=now.date())
        needs = [n for n in sorted(partnership.needs, key=lambda n: n.id) if reader.viewer.can_view(n)]
        pledged: dict[str, Decimal] = {}
        disbursed: dict[str, Decimal] = {}
        for money in shown.money:
            pledged[money.currency] = pledged.get(money.currency, Decimal(0)) + money.pledged
            disbursed[money.currency] = disbursed.get(money.currency, Decimal(0)) + money.disbursed
        records.append({
            "number": partnership.id,
            "state_code": partnership.state_code,
            "state": country_name(partnership.state_code, "en"),
            "kind": partnership.kind,
            "status": partnership.status.value,
            "parties": [party_name(english, party) for party in partnership.parties],
            "areas": sorted({n.area.value for n in needs}),
            "needs": [n.id for n in needs],
            "targets": len(shown.targets),
            "targets_met": sum(t.met for t in shown.targets),
            "pledged": {c: format(a, "f") for c, a in sorted(pledged.items())},
            "disbursed": {c: format(a, "f") for c, a in sorted(disbursed.items())},
            "created": partnership.created_at.isoformat(),
            "activated": partnership.activated_at.isoformat() if partnership.activated_at else None,
            "completed": partnership.completed_at.isoformat() if partnership.completed_at else None,
        })
    return records


def render(records: list[dict[str, Any]], *, fmt: str, reader: Reader, now: datetime) -> str:
    if fmt == "json":
        document = {"exported_at": now.isoformat(), "reader": reader.name, "partnerships": records}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return csv_text(COLUMNS, records, _cell)
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def _cell(column: str, value: Any) -> str:
    """Lists joined with `;`, money as `EUR 350000.00;USD 0`; every cell safe from spreadsheet formulas
    (an organisation's name is typed by a person)."""
    if column in LIST_COLUMNS:
        value = ";".join(str(v) for v in value)
    elif column in MONEY_COLUMNS:
        value = ";".join(f"{currency} {amount}" for currency, amount in value.items())
    elif value is None:
        value = ""
    return neutralise(str(value))


def export_partnerships(session: Session, reader: Reader, *, fmt: str, now: datetime) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return render(collect(session, reader, now=now), fmt=fmt, reader=reader, now=now)
