"""A partnership's progress read from its parties' check-in answers (bot/partnerships/progress.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.partnerships.blocks import progress_bar
from bot.partnerships.progress import progress
from bot.partnerships.terms import Commitment, Rhythm, Target, Terms
from storage.models import CheckInAnswer, Partnership, PartnershipStatus, ProgressRating

TERMS = Terms(targets=[Target(Decimal(400), "survivors assisted", date(2027, 6, 30)),
                       Target(Decimal(2_000_000), "m² cleared", date(2028, 12, 31))],
              commitments=[Commitment("Norway", Decimal(250_000), "EUR", 2027),
                           Commitment("Norway", Decimal(100_000), "EUR", 2027),
                           Commitment("UNDP", in_kind="two survey teams")],
              ownership=[], rhythm=Rhythm.QUARTERLY)


def partnership(status=PartnershipStatus.ACTIVE) -> Partnership:
    return Partnership(id=7, status=status, terms=TERMS.to_json())


def answer(party_id, due, rating=ProgressRating.ON_TRACK, figures=None, disbursed=None, at=None) -> CheckInAnswer:
    return CheckInAnswer(party_id=party_id, due=due, rating=rating, figures=figures or {}, disbursed=disbursed or {},
                         answered_at=at or datetime(due.year, due.month, due.day, 12, tzinfo=UTC))


def test_a_target_counts_the_highest_figure_in_the_parties_last_answers_not_their_sum():
    answers = [answer(1, date(2027, 3, 1), figures={"0": "300"}), answer(1, date(2027, 6, 1), figures={"0": "350"}),
               answer(2, date(2027, 6, 1), figures={"0": "320"})]
    shown = progress(partnership(), answers, today=date(2027, 6, 2))
    assert shown.targets[0].reached == Decimal(350)
    assert not shown.targets[0].met and round(shown.targets[0].fraction, 3) == 0.875
    assert shown.targets[1].reached is None and shown.targets[1].fraction == 0.0


def test_disbursements_add_up_across_parties_against_what_was_pledged_by_year_and_currency():
    answers = [answer(1, date(2027, 3, 1), disbursed={"2027": {"EUR": "50000"}}),
               answer(1, date(2027, 6, 1), disbursed={"2027": {"EUR": "120000"}}),  # to date: replaces 50,000
               answer(2, date(2027, 6, 1), disbursed={"2027": {"USD": "10000"}})]
    money = {(m.year, m.currency): (m.pledged, m.disbursed)
             for m in progress(partnership(), answers, today=date(2027, 6, 2)).money}
    assert money == {(2027, "EUR"): (Decimal(350_000), Decimal(120_000)), (2027, "USD"): (Decimal(0), Decimal(10_000))}


def test_at_risk_when_a_party_says_so_or_a_target_date_passed_unmet():
    on_track = [answer(1, date(2027, 3, 1), figures={"0": "100"})]
    assert not progress(partnership(), on_track, today=date(2027, 6, 30)).at_risk
    assert progress(partnership(), on_track, today=date(2027, 7, 1)).at_risk  # 400 survivors by 30 June: 100
    worried = [*on_track, answer(2, date(2027, 3, 1), rating=ProgressRating.BEHIND)]
    assert progress(partnership(), worried, today=date(2027, 3, 2)).at_risk
    assert not progress(partnership(PartnershipStatus.COMPLETED), worried, today=date(2027, 7, 1)).at_risk


def test_the_bar_shows_the_share_reached():
    assert progress_bar(0.4) == "▓▓▓▓░░░░░░ 40 %"
    assert progress_bar(1.0) == "▓▓▓▓▓▓▓▓▓▓ 100 %"
    assert progress_bar(0.0) == "░░░░░░░░░░ 0 %"
