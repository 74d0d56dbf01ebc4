"""`pfp article7`: ISU staff record the Article 7 reports received from the command line. Through
`bot.cli.main` with the test clock on SQLite and PostgreSQL, and as a real subprocess that has nothing but
DATABASE_URL.

Bad input is one line per problem, exit status 2, and nothing stored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import cli
from storage import audit
from storage.db import make_engine, upgrade
from storage.models import Article7Report, ReportSource
from storage.states import sync_reference
from tests.test_cli import assert_no_traceback, pfp

# The clock fixture says 23 November 2026: 2027 is the last year a report can be recorded for.


def migrated_with_states(engine, now: datetime) -> None:
    upgrade(engine)
    with Session(engine) as session:
        sync_reference(session, now)
        session.commit()


@pytest.fixture
def article7_db(engine, database_url, monkeypatch, tmp_path, clock):
    """A migrated database with the States Parties that `pfp` finds through DATABASE_URL alone."""
    migrated_with_states(engine, clock.now())
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PFP_ISU_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    return engine


def run(clock, *args: str) -> int:
    return cli.main(["article7", *args], clock=clock)


def stored(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.scalars(select(Article7Report).order_by(Article7Report.state_code, Article7Report.year))
        return [(r.state_code, r.year, r.received_on, r.recorded_by, r.source) for r in rows]


def article7_audit(engine) -> list[tuple]:
    with Session(engine) as session:
        return [(e.action, e.actor, e.subject, e.detail) for e in audit.entries(session)
                if e.action.startswith("article7.")]


def test_received_records_a_report_as_the_isu_and_twice_is_not_an_error(article7_db, clock, capsys):
    assert run(clock, "received", "kh", "2027", "--on", "2026-11-20") == 0
    assert capsys.readouterr().out == (
        "pfp: recorded the Article 7 report of Cambodia (KH) for 2027 (covering 2026), received on 2026-11-20.\n")
    assert run(clock, "received", "NO", "2027") == 0  # received today
    capsys.readouterr()
    clock.advance(days=2)
    assert run(clock, "received", "KH", "2027", "--on", "2026-11-21") == 0
    captured = capsys.readouterr()
    assert captured.out == ("pfp: the Article 7 report of Cambodia (KH) for 2027 was already recorded on 2026-11-23 "
                            "(received on 2026-11-20); nothing changed.\n")
    assert captured.err == ""
    assert stored(article7_db) == [("KH", 2027, date(2026, 11, 20), None, ReportSource.COMMAND),
                                   ("NO", 2027, date(2026, 11, 23), None, ReportSource.COMMAND)]
    assert article7_audit(article7_db) == [("article7.received", None, "article7:KH:2027", "command line"),
                                           ("article7.received", None, "article7:NO:2027", "command line")]


@pytest.mark.parametrize(("args", "line"), [
    (["K1", "2027"], "pfp: STATE: write the State's two-letter ISO code, for example KH."),
    (["KHM", "2027"], "pfp: STATE: write the State's two-letter ISO code, for example KH."),
    (["KH", "27"], "pfp: YEAR: write the year of the 30 April deadline as four figures, for example 2027 for the "
                   "report covering 2026."),
    (["KH", "2027", "--on", "20/11/2026"], "pfp: --on: write the day as YYYY-MM-DD, for example 2027-04-12."),
    (["KH", "2027", "--on", "2026-02-30"], "pfp: --on: write the day as YYYY-MM-DD, for example 2027-04-12."),
    (["ZZ", "2027"], "pfp: ZZ is not a State Party the bot knows. Write the State's two-letter ISO code in "
                     "capitals, for example KH for Cambodia."),
    (["KH", "2028"], "pfp: 2028 is not a year a report can be recorded for. The year is that of the 30 April "
                     "deadline (2027 for the report covering 2026): from 1999, when the Convention entered into "
                     "force, to 2027, for a report sent before its deadline."),
    (["KH", "2027", "--on", "2026-12-01"], "pfp: A report for 2027 (covering 2026) is received between "
                                           "1 January 2026 and today, 23 November 2026."),
])
def test_bad_input_is_one_line_and_nothing_is_stored(article7_db, clock, capsys, args, line):
    assert run(clock, "received", *args) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err.splitlines()) == ("", [line])
    assert stored(article7_db) == [] and article7_audit(article7_db) == []


def test_import_records_the_new_reports_of_a_good_file(article7_db, clock, capsys, tmp_path):
    assert run(clock, "received", "NO", "2027", "--on", "2026-11-02") == 0
    capsys.readouterr()
    reports = tmp_path / "reports.csv"
    reports.write_text("state,year,received_on\nKH,2027,2026-11-20\nNO,2027,2026-11-02\nDE,2026,2026-04-28\n",
                       encoding="utf-8")
    assert run(clock, "import", str(reports)) == 0
    assert capsys.readouterr().out == f"pfp: imported {reports}: 2 new reports recorded.\n"
    assert stored(article7_db) == [("DE", 2026, date(2026, 4, 28), None, ReportSource.IMPORT),
                                   ("KH", 2027, date(2026, 11, 20), None, ReportSource.IMPORT),
                                   ("NO", 2027, date(2026, 11, 2), None, ReportSource.COMMAND)]


def test_import_of_a_file_with_bad_lines_names_each_and_imports_nothing(article7_db, clock, capsys, tmp_path):
    reports = tmp_path / "reports.csv"
    reports.write_text("state,year,received_on\nKH,2027,2026-11-20\nZZ,2027,\nNO,2027,2026-11-02,x\nKH,2027,\n",
                       encoding="utf-8")
    assert run(clock, "import", str(reports)) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"pfp: {reports} line 3: ZZ is not a State Party the bot knows. Write the State's two-letter ISO code in "
        "capitals, for example KH for Cambodia.",
        f"pfp: {reports} line 4: This line has 4 values; each line has 3: state, year, received_on.",
        f"pfp: {reports} line 5: The report of KH for 2027 is already on line 2.",
        "pfp: Nothing was imported. Lines with a problem: 3.",
    ]
    assert stored(article7_db) == [] and article7_audit(article7_db) == []


def test_import_of_a_file_it_cannot_read_is_one_line(article7_db, clock, capsys, tmp_path):
    assert run(clock, "import", str(tmp_path / "absent.csv")) == 2
    assert capsys.readouterr().err == f"pfp: cannot read {tmp_path / 'absent.csv'}: No such file or directory.\n"
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("state,year,received_on\nCI,2027,\n# Côte d'Ivoire\n".encode("latin-1"))
    assert run(clock, "import", str(latin1)) == 2
    assert capsys.readouterr().err == (
        f"pfp: {latin1} is not UTF-8 text: save it again as CSV UTF-8 (a spreadsheet's \"CSV UTF-8\" format).\n")
    assert stored(article7_db) == []


def test_list_shows_the_received_and_the_missing_states_parties_of_a_year(article7_db, clock, capsys):
    assert run(clock, "received", "NO", "2027", "--on", "2026-11-02") == 0
    assert run(clock, "received", "KH", "2027") == 0
    assert run(clock, "received", "DE", "2026", "--on", "2026-04-28") == 0
    capsys.readouterr()
    assert run(clock, "list", "2027") == 0
    lines = capsys.readouterr().out.splitlines()
    missing = [line for line in lines if line.startswith("missing")]
    assert lines[0] == (f"Article 7 reports for 2027 (due 30 April 2027, covering 2026): 2 received, "
                        f"{len(missing)} missing.")
    assert lines[1:3] == ["received  KH  2026-11-23  command  Cambodia",
                          "received  NO  2026-11-02  command  Norway"]
    assert lines[3:5] == ["missing   AD                       Andorra",
                          "missing   AF                       Afghanistan"]
    assert "missing   DE                       Germany" in lines  # its 2026 report is not its 2027 one
    assert not any(" EE " in line for line in lines)  # Estonia's withdrawal took effect in 2025
    assert len(lines) == 3 + len(missing)


def test_list_refuses_a_year_no_report_can_be_recorded_for(article7_db, clock, capsys):
    assert run(clock, "list", "1998") == 2
    assert capsys.readouterr().err.startswith("pfp: 1998 is not a year a report can be recorded for.")
    assert run(clock, "list", "next") == 2
    assert capsys.readouterr().err == ("pfp: YEAR: write the year of the 30 April deadline as four figures, for "
                                       "example 2027 for the report covering 2026.\n")


def test_a_database_without_the_reports_table_is_one_line(tmp_path, monkeypatch, capsys, clock):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "absent.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")
    assert cli.main(["article7", "list", "2027"], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith(f"pfp: there is no database file at {missing}") and "DATABASE_URL" in line
    assert not missing.exists()  # never created

    empty = tmp_path / "empty.sqlite3"
    make_engine(f"sqlite:///{empty}").connect().close()  # a file, no tables
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    assert cli.main(["article7", "received", "KH", "2027"], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == "pfp: the database has no Article 7 reports yet: run `pfp db upgrade` (or check DATABASE_URL)."

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    assert cli.main(["article7", "list", "2027"], clock=clock) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "cannot reach the database" in line and "DATABASE_URL" in line


# ------------------------------------------------------------------------------------ as a subprocess


def test_pfp_article7_as_an_administrator_runs_it_with_only_database_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'pfp.sqlite3'}"
    engine = make_engine(url)
    migrated_with_states(engine, datetime.now(UTC))
    engine.dispose()
    variables = {"DATABASE_URL": url}  # no Slack settings at all
    today = datetime.now(UTC).date()  # the subprocess reads the system clock
    year = today.year + 1  # next year's deadline: accepted whatever the day

    recorded = pfp(tmp_path, "article7", "received", "KH", str(year), variables=variables)
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stdout == (f"pfp: recorded the Article 7 report of Cambodia (KH) for {year} (covering "
                               f"{year - 1}), received on {today}.\n")
    assert_no_traceback(recorded)

    (tmp_path / "reports.csv").write_text(f"state,year\nNO,{year}\nKH,{year}\n", encoding="utf-8")
    imported = pfp(tmp_path, "article7", "import", "reports.csv", variables=variables)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "pfp: imported reports.csv: 1 new report recorded.\n"

    listed = pfp(tmp_path, "article7", "list", str(year), variables=variables)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert f"received  KH  {today}  command  Cambodia" in lines
    assert f"received  NO  {today}  import   Norway" in lines

    bad = pfp(tmp_path, "article7", "received", "KH", str(year + 1), variables=variables)
    assert bad.returncode == 2
    [line] = bad.stderr.splitlines()
    assert line.startswith(f"pfp: {year + 1} is not a year a report can be recorded for.")
    assert_no_traceback(bad)

    usage = pfp(tmp_path, "article7", variables=variables)
    assert usage.returncode == 2
    assert "received" in usage.stderr and "import" in usage.stderr and "list" in usage.stderr
    assert_no_traceback(usage)
