"""`pfp export partnerships`: a partnership's terms are its parties' and those who oversee them, so each reader
gets a row for exactly the partnerships they may see and nothing of the others; the needs a partnership
serves are listed only where the reader may see them. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bot import cli
from bot.partnerships.export import COLUMNS, Reader, export_partnerships
from storage.people import get_person
from storage.taxonomy import Visibility
from tests.conftest import ADMIN
from tests.partnership_seeds import (
    COMMITTEE,
    CONFIDENTIAL_NEED,
    FR,
    HALO,
    JP,
    KH,
    NO,
    NOW,
    PUBLIC_NEED,
    seed,
)


@pytest.fixture
def seeded(database):
    with database() as session:
        return database, seed(session)


def exported(database, reader: str | Visibility, fmt: str = "json") -> str:
    with database() as session:
        who = Reader.level(reader) if isinstance(reader, Visibility) else Reader.of(get_person(session, reader))
        return export_partnerships(session, who, fmt=fmt, now=NOW)


def numbers(database, reader) -> list[int]:
    return [p["number"] for p in json.loads(exported(database, reader))["partnerships"]]


def test_each_reader_gets_rows_only_for_the_partnerships_they_may_see(seeded):
    database, s = seeded
    p = s.partnerships
    assert numbers(database, KH) == sorted([p["P1"], p["P2"], p["P4"], p["P5"]])  # Cambodia is a party to all four
    assert numbers(database, NO) == sorted([p["P1"], p["P4"], p["P5"]])
    assert numbers(database, JP) == [p["P2"]]
    assert numbers(database, HALO) == [p["P1"]]  # an organisation's people: their organisation's
    assert numbers(database, FR) == []  # another State's delegate: none, not even an empty row
    every = sorted(p.values())
    assert numbers(database, ADMIN) == numbers(database, COMMITTEE) == every  # those who oversee: all
    assert numbers(database, Visibility.PUBLIC) == numbers(database, Visibility.STATES) == []
    assert numbers(database, Visibility.ISU) == every
    for fmt in ("csv", "json"):
        text = exported(database, FR, fmt)
        assert "Cambodia" not in text and "Norway" not in text and "HALO" not in text


def test_the_needs_a_partnership_serves_are_listed_only_where_the_reader_may_see_them(seeded):
    database, s = seeded
    public, confidential = s.needs[PUBLIC_NEED], s.needs[CONFIDENTIAL_NEED]

    def first(reader) -> dict:
        return next(r for r in json.loads(exported(database, reader))["partnerships"]
                    if r["number"] == s.partnerships["P1"])

    # Cambodia's confidential need is Cambodia's and the overseers' to see, not Norway's or HALO's.
    assert first(KH)["needs"] == first(ADMIN)["needs"] == first(COMMITTEE)["needs"] == [public, confidential]
    assert first(KH)["areas"] == ["clearance", "victim_assistance"]
    assert first(NO)["needs"] == first(HALO)["needs"] == [public]
    assert first(NO)["areas"] == ["clearance"]


def test_the_json_shape(seeded):
    database, s = seeded
    document = json.loads(exported(database, KH))
    assert document["reader"] == KH and document["exported_at"] == NOW.isoformat()
    p1 = next(r for r in document["partnerships"] if r["number"] == s.partnerships["P1"])
    assert list(p1) == list(COLUMNS)
    assert p1 | {"needs": None} == {
        "number": s.partnerships["P1"], "state_code": "KH", "state": "Cambodia", "kind": "triangular",
        "status": "active", "parties": ["Cambodia", "Norway", "HALO Trust"], "areas": ["clearance",
                                                                                      "victim_assistance"],
        "needs": None, "targets": 2, "targets_met": 1,
        "pledged": {"EUR": "350000"}, "disbursed": {"EUR": "100000"},
        "created": "2027-02-01T10:00:00+00:00", "activated": "2027-03-01T10:00:00+00:00", "completed": None}


def test_the_csv_shape(seeded):
    database, s = seeded
    rows = list(csv.DictReader(io.StringIO(exported(database, ADMIN, "csv"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [int(r["number"]) for r in rows] == sorted(s.partnerships.values())
    p1, p2 = rows[0], rows[1]
    assert p1["parties"] == "Cambodia;Norway;HALO Trust"
    assert p1["needs"] == f"{s.needs[PUBLIC_NEED]};{s.needs[CONFIDENTIAL_NEED]}"
    assert p1["areas"] == "clearance;victim_assistance"
    assert (p1["pledged"], p1["disbursed"]) == ("EUR 350000", "EUR 100000")
    assert (p2["pledged"], p2["disbursed"], p2["targets"], p2["targets_met"]) == ("USD 80000", "USD 20000", "1", "0")
    assert p2["completed"] == "" and rows[3]["completed"] == "2027-05-10T10:00:00+00:00"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), clock=type("Fixed", (), {"now": staticmethod(lambda: NOW)})())
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_reads_as_a_person_or_a_level_and_public_by_default(seeded, database_url, monkeypatch, capsys):
    _, s = seeded
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "export", "partnerships", "--format", "json", "--as", NO)
    assert code == 0 and [r["number"] for r in json.loads(out)["partnerships"]] == sorted(
        [s.partnerships["P1"], s.partnerships["P4"], s.partnerships["P5"]])
    assert "do not publish it" in err
    code, out, _ = run(capsys, "export", "partnerships", "--format", "csv")
    assert code == 0 and out.strip() == ",".join(COLUMNS)  # the public: the header alone
    code, out, _ = run(capsys, "export", "partnerships", "--format", "json", "--visibility", "isu")
    assert len(json.loads(out)["partnerships"]) == len(s.partnerships)
    assert run(capsys, "export", "partnerships", "--format", "json", "--as", "UNOBODY9")[0] == 2
    assert run(capsys, "export", "partnerships", "--format", "json", "--as", "not a user")[0] == 2
    assert run(capsys, "export", "platform", "--format", "json", "--as", NO)[0] == 2
