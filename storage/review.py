"""A request under review moves on in one guarded statement: the row changes only if it still stands
where the person deciding saw it, so when two ISU staff press at once exactly one decision is taken,
on SQLite as on PostgreSQL. Registration requests and meeting requests both move this way."""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

Row = TypeVar("Row")


def move(session: Session, row: Row, *, allowed: Collection[Enum], values: dict[str, Any]) -> bool:
    """Sets `values` on the row if its status is one of `allowed`; False means someone else moved it
    first (the row is refreshed either way, so the caller can say who and when)."""
    model = type(row)
    result = session.execute(
        update(model)
        .where(model.id == row.id, model.status.in_(list(allowed)))  # type: ignore[attr-defined]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row)
    return result.rowcount == 1
