"""The Platform for Partnerships as a file for the Convention's website: `pfp export platform`.

Consent first: an export holds only the visibilities asked for (public by default), never a withdrawn
entry, and the visibility filter is applied in SQL (storage.platform.exportable), so an entry a State
did not make public is never even loaded for a public export. CSV cells a spreadsheet would read as a
formula are neutralised, since titles and descriptions are typed by people.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.i18n import country_name
from bot.platform.rules import MODELS, is_stale, snapshot
from storage import platform as queries
from storage.taxonomy import Visibility

FORMATS = ("csv", "json")
# Each level includes the ones before it: the website gets public entries; States Parties also see
# theirs; the ISU sees everything a State posted, confidential entries included.
LEVELS: dict[Visibility, tuple[Visibility, ...]] = {
    Visibility.PUBLIC: (Visibility.PUBLIC,),
    Visibility.STATES: (Visibility.PUBLIC, Visibility.STATES),
    Visibility.ISU: (Visibility.PUBLIC, Visibility.STATES, Visibility.ISU),
}
COLUMNS = (
    "type", "number", "state_code", "state", "organisation", "title", "description", "areas", "kinds", "challenges",
    "amount", "currency", "starts_on", "ends_on", "location", "regions", "countries", "languages",
    "capacity", "contact", "status", "visibility", "stale", "posted", "updated", "confirmed",
)
LIST_COLUMNS = frozenset({"areas", "kinds", "challenges", "regions", "countries", "languages"})
# OWASP's list of characters that make a spreadsheet read a cell as a formula (tab and CR included).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def included(visibility: Visibility) -> tuple[Visibility, ...]:
    """The visibilities an export at this level holds."""
    return LEVELS[Visibility(visibility)]


def collect(session: Session, *, visibility: Visibility, now: datetime) -> list[dict[str, Any]]:
    """One record per exportable entry, needs then offers, each by number; lists stay lists."""
    records = []
    for side, model in sorted(MODELS.items()):
        for entry in sorted(queries.exportable(session, model, included(visibility)), key=lambda e: e.id):
            records.append(_record(side, entry, now))
    return records


def _record(side: str, entry: Any, now: datetime) -> dict[str, Any]:
    values = snapshot(entry)
    is_need = side == "need"
    return {
        "type": side,
        "number": entry.id,
        "state_code": entry.state_code,
        "state": country_name(entry.state_code, "en") if entry.state_code else None,
        # An organisation's offer names it instead of a State.
        "organisation": entry.organisation.name if getattr(entry, "organisation", None) else None,
        "title": entry.title,
        "description": entry.description,
        "areas": [values["area"]] if is_need else values["areas"],
        "kinds": values["kinds"],
        "challenges": values["challenges"] if is_need else [],
        "amount": None if entry.amount is None else format(entry.amount, "f"),
        "currency": entry.currency,
        "starts_on": values["starts_on"],
        "ends_on": values["ends_on"],
        "location": entry.location if is_need else None,
        "regions": [] if is_need else values["regions"],
        "countries": [] if is_need else list(values["countries"] or []),
        "languages": [] if is_need else values["languages"],
        "capacity": None if is_need else entry.capacity,
        "contact": None if is_need else entry.contact,
        "status": str(entry.status.value),
        "visibility": str(entry.visibility.value),
        "stale": is_stale(entry, now),
        "posted": values["created_at"],
        "updated": values["updated_at"],
        "confirmed": values["confirmed_at"],
    }


def render(records: list[dict[str, Any]], *, fmt: str, visibility: Visibility, now: datetime) -> str:
    if fmt == "json":
        document = {
            "exported_at": now.isoformat(),
            "visibility": [level.value for level in included(visibility)],
            "entries": records,
        }
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return csv_text(COLUMNS, records, _cell)
    raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def _cell(column: str, value: Any) -> str:
    if column in LIST_COLUMNS:
        value = ";".join(value)
    elif column == "stale":
        value = "yes" if value else "no"
    elif value is None:
        value = ""
    return neutralise(str(value))


def csv_text(columns: Sequence[str], records: list[dict[str, Any]], cell: Callable[[str, Any], str]) -> str:
    """Records as CSV (RFC 4180: CRLF line ends, quotes where needed), each value made a cell by `cell`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for record in records:
        writer.writerow([cell(column, record[column]) for column in columns])
    return buffer.getvalue()


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as typed instead of evaluating it (CSV injection)."""
    return f"'{cell}" if cell.startswith(_FORMULA_START) else cell


def export_platform(session: Session, *, visibility: Visibility, fmt: str, now: datetime) -> str:
    """The Platform's entries at a visibility level, as CSV or JSON text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return render(collect(session, visibility=visibility, now=now), fmt=fmt, visibility=visibility, now=now)
