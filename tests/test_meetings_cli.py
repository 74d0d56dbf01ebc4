"""`pfp meeting report`: refusals are one line each, exit status 2, no traceback, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot import cli
from storage.models import MeetingRequest, ReportSharing
from tests.bot.test_meetings_race import a_request
from tests.test_article7_cli import migrated_with_states


@pytest.fixture
def meetings_db(engine, database_url, monkeypatch, tmp_path, clock):
    migrated_with_states(engine, clock.now())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    with Session(engine) as session:
        return a_request(session, clock.now())


def report(*args: str) -> int:
    return cli.main(["meeting", "report", *args])


@pytest.mark.parametrize(("number", "said"), [
    ("abc", "'abc' is not a meeting request's number"), ("0", "not a meeting request's number"),
    ("99999", "there is no meeting request #99999"),
])
def test_a_number_that_is_no_request_is_one_line(meetings_db, capsys, number, said):
    assert report(number, "--format", "md") == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_a_meeting_without_outcomes_has_no_report_yet(meetings_db, capsys, tmp_path):
    assert report(str(meetings_db), "--format", "docx", "--output", str(tmp_path / "r.docx")) == 2
    assert "no outcomes recorded yet" in capsys.readouterr().err
    assert not (tmp_path / "r.docx").exists()


def test_a_summary_the_state_did_not_agree_to_is_refused(meetings_db, engine, capsys):
    with Session(engine) as session:
        request = session.get(MeetingRequest, meetings_db)
        request.outcomes = {"challenges": ["Funding"], "measures": "A plan.", "commitments": []}
        request.sharing = ReportSharing.NONE
        session.commit()
    assert report(str(meetings_db), "--format", "md", "--anonymised") == 2
    assert "did not agree to an anonymised summary" in capsys.readouterr().err
    assert report(str(meetings_db), "--format", "md") == 0
    assert "Funding" in capsys.readouterr().out


