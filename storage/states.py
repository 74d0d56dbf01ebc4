"""States Parties: queries and the reference data file they are loaded from."""

from __future__ import annotations

import csv
import threading
import time
import weakref
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from storage.models import StateParty
from storage.taxonomy import Region

REFERENCE_FILE = Path(__file__).parent / "reference" / "states_parties.csv"


def get_state(session: Session, code: str) -> StateParty | None:
    return session.get(StateParty, code.upper())


def list_parties_on(session: Session, day: date) -> list[StateParty]:
    """The States that are party on `day`: in force, and not withdrawn yet."""
    query = select(StateParty).where(
        StateParty.entry_into_force <= day,
        (StateParty.withdrawal_effective.is_(None)) | (StateParty.withdrawal_effective > day),
    )
    return list(session.scalars(query))


class PartiesCache:
    """The States Parties on a day, read once per engine and kept: every form, browse and match reads
    them, and they change a few times a year. A change this process writes (`pfp states sync`, a test)
    clears them at once; one written by another process is read within `TTL_SECONDS`. What is kept are
    detached copies, so a request's rollback cannot expire them."""

    TTL_SECONDS = 300

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: weakref.WeakKeyDictionary[Engine, dict[date, tuple[float, list[StateParty]]]] = (
            weakref.WeakKeyDictionary())

    def parties_on(self, session: Session, day: date) -> list[StateParty]:
        engine = session.get_bind()
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(engine, {}).get(day)
        if kept is not None and now - kept[0] < self.TTL_SECONDS:
            return list(kept[1])
        with Session(engine) as own:  # not the request's session: what is kept must outlive it
            parties = list_parties_on(own, day)
            own.expunge_all()
        with self._lock:
            self._kept.setdefault(engine, {})[day] = (now, parties)
        return list(parties)

    def forget(self, engine: Engine) -> None:
        with self._lock:
            self._kept.pop(engine, None)


PARTIES = PartiesCache()


@event.listens_for(Session, "after_flush")
def _forget_changed_parties(session: Session, _context: object) -> None:
    if any(isinstance(o, StateParty) for o in (*session.new, *session.dirty, *session.deleted)):
        PARTIES.forget(session.get_bind())


def _parse_row(row: dict[str, str], line: int) -> dict[str, object]:
    def day(name: str) -> date | None:
        value = (row.get(name) or "").strip()
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise ValueError(f"line {line}: {name} must be a date like 1999-03-01, not {value!r}") from None

    def flag(name: str) -> bool:
        value = (row.get(name) or "").strip().lower()
        if value not in ("", "yes", "no"):
            raise ValueError(f"line {line}: {name} must be 'yes', 'no' or empty, not {value!r}")
        return value == "yes"

    code = (row.get("iso2") or "").strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise ValueError(f"line {line}: iso2 must be a two-letter ISO 3166 code, not {code!r}")
    entry = day("entry_into_force")
    if entry is None:
        raise ValueError(f"line {line}: entry_into_force is required")
    region = (row.get("region") or "").strip().lower()
    if region not in {r.value for r in Region}:
        regions = ", ".join(r.value for r in Region)
        raise ValueError(f"line {line}: region must be one of {regions}, not {region!r}")
    return {
        "code": code,
        "region": Region(region),
        "entry_into_force": entry,
        "withdrawal_effective": day("withdrawal_effective"),
        "article4": flag("article4"),
        "article5_deadline": day("article5_deadline"),
        "victim_assistance": flag("victim_assistance"),
    }


def read_reference(path: Path = REFERENCE_FILE) -> list[dict[str, object]]:
    """Parses the whole file first, so a bad line changes nothing."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [_parse_row(row, line) for line, row in enumerate(csv.DictReader(handle), start=2)]


def sync_reference(session: Session, now: datetime, path: Path = REFERENCE_FILE) -> tuple[int, int]:
    """Inserts new States and updates changed ones from the file; returns (added, updated)."""
    added = updated = 0
    for values in read_reference(path):
        state = session.get(StateParty, values["code"])
        if state is None:
            session.add(StateParty(**values, updated_at=now))
            added += 1
            continue
        changed = {k: v for k, v in values.items() if getattr(state, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(state, key, value)
            state.updated_at = now
            updated += 1
    return added, updated


def count_states(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StateParty)) or 0
