"""Article 7 report records: which State Party's transparency report has been received, for which year.

`year` is always the year of the 30 April deadline (2027: the report covering 2026). The reminders ask
`received_states(session, year)` whom not to remind."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.models import Article7Report, ReportSource


def record_received(session: Session, *, state_code: str, year: int, received_on: date, recorded_by: str | None,
                    source: ReportSource, now: datetime) -> bool:
    """Records the report of `state_code` for `year` as received; False (and nothing changed) if it already
    was. One INSERT ... ON CONFLICT DO NOTHING on SQLite as on PostgreSQL: two recordings at once make one
    row, and the first one stays."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(Article7Report)
        .values(state_code=state_code, year=year, received_on=received_on, recorded_at=now,
                recorded_by=recorded_by, source=source)
        .on_conflict_do_nothing(index_elements=[Article7Report.state_code, Article7Report.year])
        .returning(Article7Report.id)
    )
    return session.execute(statement).first() is not None


def received_states(session: Session, year: int) -> set[str]:
    """The codes of the States whose report for `year` (the deadline's year) is recorded as received."""
    return set(session.scalars(select(Article7Report.state_code).where(Article7Report.year == year)))


def report_of(session: Session, state_code: str, year: int) -> Article7Report | None:
    return session.scalar(select(Article7Report).where(Article7Report.state_code == state_code,
                                                       Article7Report.year == year))


def reports_of_year(session: Session, year: int) -> list[Article7Report]:
    """Every report recorded for `year`, by State code."""
    return list(session.scalars(select(Article7Report).where(Article7Report.year == year)
                                .order_by(Article7Report.state_code)))
