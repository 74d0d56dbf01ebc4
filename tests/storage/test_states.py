"""States Parties reference data: shipped as a file, loaded once, kept up to date by `sync`."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from storage.db import make_session_factory, upgrade
from storage.models import StateParty
from storage.states import REFERENCE_FILE, count_states, list_parties_on, read_reference, sync_reference

NOW = datetime(2026, 11, 23, tzinfo=UTC)
HEADER = "iso2,entry_into_force,withdrawal_effective,article4,article5_deadline,victim_assistance,region\n"


@pytest.fixture
def session(engine):
    upgrade(engine)
    with make_session_factory(engine)() as session:
        yield session


def test_the_shipped_file_lists_the_states_parties(session):
    added, updated = sync_reference(session, NOW)
    session.commit()
    assert (added, updated) == (count_states(session), 0)
    parties = {s.code for s in list_parties_on(session, date(2026, 11, 23))}
    assert 160 <= len(parties) <= 170  # "about 165", moving with accessions and withdrawals
    assert {"FR", "KH", "MH", "TO", "PS", "VA"} <= parties
    assert not {"EE", "LV", "LT", "US", "RU", "CN"} & parties
    assert {"EE", "LV", "LT"} <= {s.code for s in list_parties_on(session, date(2025, 12, 1))}
    assert "TO" not in {s.code for s in list_parties_on(session, date(2025, 1, 1))}  # before its accession
    colombia = session.get(StateParty, "CO")
    assert colombia.article5_deadline is not None and colombia.victim_assistance


def test_sync_updates_changed_states_and_adds_new_ones(session, tmp_path):
    sync_reference(session, NOW)
    edited = tmp_path / "states.csv"
    edited.write_text(HEADER + "FR,1999-03-01,2030-01-01,,,,europe\nXK,2030-01-01,,,,,europe\n", encoding="utf-8")
    assert sync_reference(session, NOW, edited) == (1, 1)
    session.commit()
    assert session.get(StateParty, "FR").withdrawal_effective == date(2030, 1, 1)
    assert sync_reference(session, NOW, edited) == (0, 0)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("FRA,1999-03-01,,,,,europe", "line 3: iso2 must be a two-letter ISO 3166 code, not 'FRA'"),
        ("FR,01/03/1999,,,,,europe", "line 3: entry_into_force must be a date like 1999-03-01, not '01/03/1999'"),
        ("FR,,,,,,europe", "line 3: entry_into_force is required"),
        ("FR,1999-03-01,,maybe,,,europe", "line 3: article4 must be 'yes', 'no' or empty, not 'maybe'"),
        ("FR,1999-03-01,,,,,antarctica", "line 3: region must be one of africa, americas, asia, europe, oceania, not 'antarctica'"),
    ],
)
def test_a_malformed_file_is_refused_whole_with_the_line_named(session, tmp_path, row, message):
    bad = tmp_path / "states.csv"
    bad.write_text(HEADER + "DE,1999-03-01,,,,,europe\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sync_reference(session, NOW, bad)
    session.rollback()
    assert count_states(session) == 0


def test_the_shipped_file_parses_with_unique_codes():
    codes = [row["code"] for row in read_reference(REFERENCE_FILE)]
    assert len(codes) == len(set(codes))
