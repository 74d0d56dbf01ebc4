"""Article 7 report records: one row per State and deadline year, written by one INSERT ... ON CONFLICT DO
NOTHING, on SQLite and PostgreSQL; `received_states` is what the reminders ask."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage import article7
from storage.models import Article7Report, ReportSource
from tests.races import wait_until_blocked_behind

NOW = datetime(2027, 4, 12, 8, 30, tzinfo=UTC)


def record(session, state_code: str = "KH", year: int = 2027, *, received_on: date = date(2027, 4, 10),
           recorded_by: str | None = "UKHMER1", source: ReportSource = ReportSource.BUTTON,
           now: datetime = NOW) -> bool:
    return article7.record_received(session, state_code=state_code, year=year, received_on=received_on,
                                    recorded_by=recorded_by, source=source, now=now)


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(Article7Report))


def test_a_report_is_recorded_once_and_the_first_recording_stays(database):
    with database() as session:
        assert record(session) is True
        session.commit()
    with database() as session:
        # The same State and year again, by someone else, another day: nothing changes.
        assert record(session, received_on=date(2027, 4, 11), recorded_by=None, source=ReportSource.COMMAND,
                      now=datetime(2027, 4, 13, tzinfo=UTC)) is False
        session.commit()
    with database() as session:
        report = article7.report_of(session, "KH", 2027)
        assert (report.state_code, report.year, report.received_on, report.recorded_at, report.recorded_by,
                report.source) == ("KH", 2027, date(2027, 4, 10), NOW, "UKHMER1", ReportSource.BUTTON)
        assert count(session) == 1


def test_received_states_are_those_of_one_year(database):
    with database() as session:
        assert article7.received_states(session, 2027) == set()
        record(session, "KH", 2027)
        record(session, "NO", 2027, recorded_by=None, source=ReportSource.IMPORT)
        record(session, "KH", 2026, received_on=date(2026, 4, 30))
        record(session, "DE", 2028, received_on=date(2027, 4, 11))
        session.commit()
    with database() as session:
        assert article7.received_states(session, 2027) == {"KH", "NO"}
        assert article7.received_states(session, 2026) == {"KH"}
        assert article7.received_states(session, 2025) == set()
        assert article7.report_of(session, "NO", 2026) is None
        assert [(r.state_code, r.source) for r in article7.reports_of_year(session, 2027)] == [
            ("KH", ReportSource.BUTTON), ("NO", ReportSource.IMPORT)]


def test_the_database_refuses_a_second_row_for_one_state_and_year(database):
    with database() as session:
        session.add(Article7Report(state_code="KH", year=2027, received_on=date(2027, 4, 10), recorded_at=NOW,
                                   recorded_by=None, source=ReportSource.COMMAND))
        session.commit()
        session.add(Article7Report(state_code="KH", year=2027, received_on=date(2027, 4, 11), recorded_at=NOW,
                                   recorded_by=None, source=ReportSource.COMMAND))
        with pytest.raises(IntegrityError):
            session.commit()
        session.rollback()
        assert count(session) == 1


def test_a_report_names_a_state_party_the_database_knows(database):
    with database() as session:
        with pytest.raises(IntegrityError):
            record(session, "ZZ")
        session.rollback()
        assert count(session) == 0


def test_two_sessions_recording_one_report_make_one_row(database):
    first, second = database(), database()
    try:
        assert record(first) is True
        first.commit()
        assert record(second, recorded_by="UKHMER2") is False  # not an error: already recorded
        second.commit()
    finally:
        first.close()
        second.close()
    with database() as session:
        assert count(session) == 1 and article7.report_of(session, "KH", 2027).recorded_by == "UKHMER1"


@pytest.mark.parametrize("first_ends", ["commit", "rollback"])
def test_on_postgresql_a_second_recording_waits_for_the_first_and_defers_to_it(database, engine, first_ends):
    """Staged, not timed: the first recording's transaction stays open until PostgreSQL shows the second
    waiting on the unique key. Committed, the first stands and the second is told it was already there;
    rolled back, the second records it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("two connections writing at once: the genuinely concurrent leg is PostgreSQL's")
    got: list[bool] = []
    with database() as first:
        assert record(first) is True
        pid = first.connection().connection.driver_connection.info.backend_pid

        def second_recording() -> None:
            with database() as session:
                got.append(record(session, recorded_by="UKHMER2"))
                session.commit()

        second = threading.Thread(target=second_recording, name="second")
        second.start()
        wait_until_blocked_behind(engine, pid)
        first.commit() if first_ends == "commit" else first.rollback()
        second.join(timeout=10)
    assert got == [first_ends == "rollback"]
    with database() as session:
        assert count(session) == 1
        assert article7.report_of(session, "KH", 2027).recorded_by == (
            "UKHMER1" if first_ends == "commit" else "UKHMER2")
