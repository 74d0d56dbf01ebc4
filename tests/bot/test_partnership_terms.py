"""A partnership's targets and commitments, read from the lines people type: each problem named on its
line, nothing kept when one is wrong, and no input makes the reader fail in any other way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import FieldErrors
from bot.forms import FormReader
from bot.partnerships.rules import Parties, read_terms_form
from bot.partnerships.terms import Commitment, Kind, Target, Terms, read_commitments, read_disbursed, read_targets

TODAY = date(2026, 12, 1)


def targets(text: str) -> list[Target]:
    form = FormReader({"targets": text})
    found = read_targets(form, "targets", today=TODAY)
    form.done()
    return found


def commitments(text: str) -> list[Commitment]:
    form = FormReader({"commitments": text})
    found = read_commitments(form, "commitments", today=TODAY)
    form.done()
    return found


def problem(read, text: str) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as raised:
        read(text)
    [(message, params)] = raised.value.errors.values()
    return message.format(**params)


def test_targets_with_a_figure_a_unit_a_date_and_a_breakdown_by_sex_and_age():
    assert targets("120 | hectares released | 2028-06-30\n\n"
                   "1,500 | survivors assisted | 2029-12-31 | women 600, men 500, girls 250, boys 150") == [
        Target(Decimal("120"), "hectares released", date(2028, 6, 30)),
        Target(Decimal("1500"), "survivors assisted", date(2029, 12, 31),
               {"women": 600, "men": 500, "girls": 250, "boys": 150}),
    ]


@pytest.mark.parametrize(("text", "said"), [
    ("hectares released | 2028-06-30", "Line 1 is not written as figure | unit | date"),
    ("120 | hectares released", "Line 1 is not written as figure | unit | date"),
    ("many | hectares | 2028-06-30", "Line 1: the figure must be a number above zero"),
    ("-5 | hectares | 2028-06-30", "Line 1: the figure must be a number above zero"),
    ("120 | hectares | 30/06/2028", "Line 1: write the date as YYYY-MM-DD"),
    ("120 | hectares | 2028-02-30", "Line 1: write the date as YYYY-MM-DD"),
    ("120 | hectares | 2025-06-30", "Line 1: this date has passed"),
    ("100 | survivors | 2028-06-30 | women 80, men 40", "Line 1: the breakdown adds up to more than"),
    ("100 | survivors | 2028-06-30 | ladies 80", "Line 1: write the breakdown as women 120"),
    ("", "Please fill this in."),
])
def test_a_target_without_a_figure_or_a_date_or_with_a_date_past_is_refused_on_its_line(text, said):
    assert problem(targets, text).startswith(said)


def test_the_breakdown_may_be_written_in_french_or_spanish():
    [femmes, mujeres] = targets("100 | survivants | 2028-06-30 | femmes 40, hommes 30, filles 20, garçons 10\n"
                                "100 | sobrevivientes | 2028-06-30 | mujeres 40, hombres 30, niñas 20, niños 10")
    assert femmes.breakdown == mujeres.breakdown == {"women": 40, "men": 30, "girls": 20, "boys": 10}


def test_the_second_line_is_named_when_it_is_the_wrong_one():
    assert problem(targets, "120 | hectares | 2028-06-30\n0 | survivors | 2028-06-30").startswith("Line 2:")


def test_commitments_financial_by_year_and_currency_or_in_kind():
    assert commitments("Norway | 250 000 EUR | 2027\nJapan | 1500000 usd | 2028\nICRC | in kind | two survey teams"
                       "\nSuisse | en nature | formation") == [
        Commitment("Norway", amount=Decimal("250000"), currency="EUR", year=2027),
        Commitment("Japan", amount=Decimal("1500000"), currency="USD", year=2028),
        Commitment("ICRC", in_kind="two survey teams"),
        Commitment("Suisse", in_kind="formation"),
    ]


@pytest.mark.parametrize(("text", "said"), [
    ("Norway | -250000 EUR | 2027", "Line 1: the amount must be a number above zero"),
    ("Norway | lots of EUR | 2027", "Line 1: the amount must be a number above zero"),
    ("Norway | 250000 | 2027", "Line 1: the amount must be a number above zero"),
    ("Norway | 250000 ZZZ | 2027", "Line 1: ZZZ is not a currency in use"),
    ("Norway | 250000 XTS | 2027", "Line 1: XTS is not a currency in use"),  # ISO's code for tests
    ("Norway | 250000 EUR | next year", "Line 1: give the year of the commitment, from 2025 to 2041."),
    ("Norway | 250000 EUR | 2099", "Line 1: give the year of the commitment"),
    ("Norway | in kind | ", "Line 1: say what is given in kind"),
    ("250000 EUR | 2027", "Line 1 is not written as partner | amount and currency | year"),
])
def test_a_negative_or_non_numeric_amount_or_an_unknown_currency_is_refused_on_its_line(text, said):
    assert problem(commitments, text).startswith(said)


def test_commitments_may_be_left_for_later():
    assert commitments("") == []


@given(st.text(max_size=400))
def test_no_text_makes_the_readers_fail_other_than_by_naming_a_problem(text):
    for read in (targets, commitments):
        try:
            read(text)
        except FieldErrors as refused:
            assert len(refused.errors) == 1


@given(figure=st.integers(1, 10**9), year=st.integers(2028, 2099), people=st.integers(0, 10**6))
def test_a_well_written_target_reads_back_as_written(figure, year, people):
    breakdown = min(people, figure)
    [read] = targets(f"{figure:,} | survivors assisted | {year}-01-31 | women {breakdown}")
    assert (read.figure, read.due, read.breakdown) == (Decimal(figure), date(year, 1, 31), {"women": breakdown})


def test_terms_written_back_as_lines_read_again_as_the_same_terms():
    """Propose a change opens the form filled in with the terms as they stand, in the reader's words."""
    from bot.forms import FormReader
    from bot.partnerships.terms import Commitment, Target, Terms, read_commitments, read_targets

    terms = Terms(targets=[Target(Decimal("300"), "survivors assisted", date(2028, 12, 31),
                                  {"women": 120, "men": 100, "girls": 40, "boys": 40}),
                           Target(Decimal("12.5"), "km² released", date(2028, 6, 30))],
                  commitments=[Commitment("Norway", Decimal("250000.00"), "EUR", 2027),
                               Commitment("UNDP", in_kind="two survey teams")])
    for language in ("en", "fr", "es"):
        form = FormReader({"targets": terms.target_lines(language), "commitments": terms.commitment_lines(language)},
                          language)
        assert read_targets(form, "targets", today=date(2027, 1, 1)) == terms.targets
        assert read_commitments(form, "commitments", today=date(2027, 1, 1)) == terms.commitments
        assert form.errors == {}
    assert "femmes 120" in terms.target_lines("fr") and "UNDP | en especie | two survey teams" in \
        terms.commitment_lines("es")


def disbursed(text: str) -> dict:
    form = FormReader({"disbursed": text})
    found = read_disbursed(form, "disbursed", first_year=2025, today=TODAY)
    form.done()
    return found


def test_disbursements_by_year_and_currency_to_date():
    assert disbursed("2026 | 50 000 EUR\n2026 | 1000 usd\n\n2025 | 12.5 EUR") == {
        2026: {"EUR": Decimal("50000"), "USD": Decimal("1000")}, 2025: {"EUR": Decimal("12.5")}}
    assert disbursed("") == {}


@pytest.mark.parametrize(("text", "said"), [
    ("2026 50000 EUR", "Line 1 is not written as year | amount and currency"),
    ("2027 | 100 EUR", "Line 1: give the year of the disbursement, from 2025 to 2026."),
    ("2024 | 100 EUR", "Line 1: give the year of the disbursement, from 2025 to 2026."),
    ("2026 | -100 EUR", "Line 1: the amount must be a number above zero"),
    ("2026 | 100 XYZ", "Line 1: XYZ is not a currency in use"),
    ("2026 | 100 EUR\n2026 | 5 EUR", "Line 2: 2026 in EUR is on an earlier line already."),
])
def test_a_disbursement_out_of_range_or_in_an_unknown_currency_is_refused_on_its_line(text, said):
    assert problem(disbursed, text).startswith(said)


def test_telling_the_isu_of_a_missed_target_is_kept_and_older_terms_did_not_ask_it():
    terms = Terms(targets=[Target(Decimal("120"), "hectares released", date(2028, 6, 30))], tell_isu=True)
    assert Terms.from_json(terms.to_json()) == terms
    older = terms.to_json()
    del older["tell_isu"]
    assert Terms.from_json(older).tell_isu is False


@pytest.mark.parametrize(("ticked", "told"), [(["yes"], True), ([], False), (None, False)])
def test_the_terms_form_reads_the_isu_checkbox(ticked, told):
    values = {"responsibilities.KH": "Clears.", "responsibilities.NO": "Funds.",
              "targets": "120 | hectares released | 2028-06-30", "rhythm": "3", "tell_isu": ticked}
    _, terms = read_terms_form(values, Parties("KH", ("NO",), Kind.BILATERAL), language="en", today=TODAY)
    assert terms.tell_isu is told
