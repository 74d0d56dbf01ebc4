"""Check-ins on the partnership's rhythm: their dates, month ends kept, and one ledger key per party, date
and kind (the question, the one reminder)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.partnerships.check_ins import CheckIn, add_months, check_in_dates
from bot.partnerships.terms import Rhythm


def test_quarterly_from_the_day_it_became_active():
    assert check_in_dates(date(2027, 1, 15), Rhythm.QUARTERLY, until=date(2028, 1, 15)) == [
        date(2027, 4, 15), date(2027, 7, 15), date(2027, 10, 15), date(2028, 1, 15)]


def test_month_ends_are_kept_and_never_drift():
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert check_in_dates(date(2027, 8, 31), Rhythm.QUARTERLY, until=date(2028, 6, 1)) == [
        date(2027, 11, 30), date(2028, 2, 29), date(2028, 5, 31)]


def test_the_question_and_its_one_reminder_have_keys_of_their_own():
    asked = CheckIn(7, "KH", date(2027, 3, 1))
    reminded = CheckIn(7, "KH", date(2027, 3, 1), reminder=True)
    assert asked.key == "checkin|KH|partnership-7-2027-03-01|+0d"
    assert reminded.key == "checkin|KH|partnership-7-2027-03-01|+14d"
    assert reminded.day == date(2027, 3, 15)
    assert len({asked.key, reminded.key, CheckIn(7, "NO", date(2027, 3, 1)).key,
                CheckIn(8, "KH", date(2027, 3, 1)).key}) == 4


@given(start=st.dates(date(2025, 1, 1), date(2040, 12, 31)), rhythm=st.sampled_from(list(Rhythm)),
       years=st.integers(0, 6))
def test_check_ins_come_after_the_start_in_order_a_rhythm_apart(start, rhythm, years):
    until = start + timedelta(days=365 * years)
    dates = check_in_dates(start, rhythm, until=until)
    assert all(start < due <= until for due in dates)
    assert dates == sorted(set(dates))
    assert add_months(start, (len(dates) + 1) * rhythm) > until  # none left out at the end
    for earlier, later in itertools.pairwise(dates):
        months = (later.year - earlier.year) * 12 + later.month - earlier.month
        assert months == int(rhythm)
