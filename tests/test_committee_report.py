"""`pfp report committee`: the Committee's annual account of the partnerships for completion, for the Meeting of
the States Parties. Figures for a seeded year (tests/partnership_seeds.py says what they should be), the needs
that found no partner named only where their State consented to the Committee's mapping, a Word file with the
chart, and the same in French and Spanish. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from docx import Document

from bot import cli
from bot.partnerships import report
from bot.partnerships.terms import Kind
from storage.models import OrganisationType
from storage.taxonomy import Area
from tests.partnership_seeds import NAMED_NEED, NOW, RECENT_NEED, UNCONSENTED_NEED, seed


@pytest.fixture
def seeded(database):
    with database() as session:
        return database, seed(session)


def account(database, year: int = 2027) -> report.Account:
    with database() as session:
        return report.account(session, year, now=NOW)


def markdown(database, language: str = "en", year: int = 2027) -> str:
    with database() as session:
        return report.render(report.account(session, year, now=NOW), "md", language=language).decode("utf-8")


def test_the_account_counts_the_years_partnerships(seeded):
    database, s = seeded
    figures = account(database)
    assert (figures.formed, figures.active, figures.at_risk, figures.completed, figures.withdrawn) == (2, 3, 1, 1, 0)
    assert figures.by_area == {Area.CLEARANCE: 1, Area.VICTIM_ASSISTANCE: 1, Area.NATIONAL_CAPACITY: 1, None: 2}
    assert figures.by_kind == {Kind.TRIANGULAR: 1, Kind.BILATERAL: 1, Kind.SOUTH_SOUTH: 1, Kind.MULTI_PARTNER: 1}
    assert figures.by_partner == {"state": 3, OrganisationType.OPERATOR: 1, OrganisationType.INTERNATIONAL: 1}
    assert (figures.targets, figures.targets_met, figures.in_kind) == (5, 2, 1)
    assert figures.money == {"EUR": (Decimal(250_000), Decimal(100_000)), "USD": (Decimal(80_000), Decimal(20_000))}
    un = figures.unpartnered
    assert un.by_area == {Area.RISK_EDUCATION: 1, Area.CLEARANCE: 1} and un.count == 2
    assert [n.id for n in un.named] == [s.needs[NAMED_NEED]] and un.unnamed == 1
    # The year before: P2, P4 and P5 were alive; P5 completed.
    before = account(database, 2026)
    assert (before.formed, before.active, before.completed) == (1, 3, 1)


def test_the_markdown_draft_says_the_counts_and_names_no_need_without_consent(seeded):
    database, _ = seeded
    text = markdown(database)
    assert text.startswith("# Partnerships for completion: the account of the Committee")
    assert "For the Meeting of the States Parties, 2027. Figures as of 15 November 2027." in text
    for line in ("- Partnerships formed in the year: 2", "- Partnerships active in the year: 3",
                 "- Active partnerships at risk: 1", "- Partnerships completed in the year: 1",
                 "- Survey and clearance (Article 5): 1", "- Victim assistance: 1",
                 "- Serving no need posted on the Platform: 2", "- triangular: 1", "- public-private: 0",
                 "- States: 3", "- Operators: 1", "- International and regional organisations: 1",
                 "Targets met: 2 of 5.", "| EUR | €250,000.00 | €100,000.00 |", "| USD | $80,000.00 | $20,000.00 |",
                 "Commitments in kind: 1.", "served by no partnership and with no match accepted by both sides: 2.",
                 "- Risk education: 1"):
        assert line in text, line
    assert NAMED_NEED in text and "Colombia" in text
    assert UNCONSENTED_NEED not in text and "SECRET" not in text and RECENT_NEED not in text
    assert "Counted but not named, as their State did not consent to their use in the Committee's mapping: 1." in text
    assert "HALO" not in text and "Norway" not in text  # figures, not the partnerships' parties


def test_the_draft_in_french_and_spanish(seeded):
    database, _ = seeded
    french, spanish = markdown(database, "fr"), markdown(database, "es")
    assert "Partenariats formés dans l'année : 2" in french and "Cambodge" not in french
    assert "Colombie" in french and NAMED_NEED in french
    assert "Alianzas formadas en el año: 2" in spanish and "Colombia" in spanish


def test_the_word_draft_opens_and_holds_the_chart_and_the_counts(seeded):
    database, _ = seeded
    with database() as session:
        data = report.render(report.account(session, 2027, now=NOW), "docx")
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Partnerships formed in the year: 2" in text and "Targets met: 2 of 5." in text
    assert NAMED_NEED in text and UNCONSENTED_NEED not in text and "{{" not in text and "{%" not in text
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    assert ["EUR", "€250,000.00", "€100,000.00"] in cells
    [image] = document.inline_shapes
    assert image.width > 0
    pictures = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(pictures) == 1 and pictures[0].blob.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_chart_is_a_png_drawn_in_memory(seeded):
    database, _ = seeded
    from bot.i18n import Translator

    png = report.chart_png(Translator("fr"), account(database))
    assert png.startswith(b"\x89PNG") and len(png) > 5_000


def test_the_command_writes_the_draft(seeded, database_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATABASE_URL", database_url)
    fixed = type("Fixed", (), {"now": staticmethod(lambda: NOW)})()
    assert cli.main(["report", "committee", "--year", "2027", "--format", "md", "--language", "es"], clock=fixed) == 0
    assert "Alianzas formadas en el año: 2" in capsys.readouterr().out
    target = tmp_path / "account.docx"
    assert cli.main(["report", "committee", "--year", "2027", "--format", "docx", "--output", str(target)],
                    clock=fixed) == 0
    assert "committee-report-2027.docx" in capsys.readouterr().out
    assert Document(str(target)).inline_shapes
    assert cli.main(["report", "committee", "--year", "twenty", "--format", "md"], clock=fixed) == 2


def test_a_partnership_proposed_in_the_year_and_active_only_after_it_is_not_the_years_active_or_at_risk(seeded):
    database, s = seeded
    from datetime import UTC, datetime

    from storage.models import Partnership, PartnershipStatus, ProgressRating
    from tests.partnership_seeds import answer

    with database() as session:
        p3 = session.get(Partnership, s.partnerships["P3"])  # proposed in October 2027, a worry voiced in December
        p3.status, p3.activated_at = PartnershipStatus.ACTIVE, datetime(2028, 1, 15, tzinfo=UTC)
        answer(session, p3, "CO", datetime(2027, 12, 1).date(), rating=ProgressRating.AT_RISK)
        session.commit()
    with database() as session:
        later = report.account(session, 2027, now=datetime(2029, 3, 1, tzinfo=UTC))
    assert (later.formed, later.active, later.at_risk) == (2, 3, 1)
