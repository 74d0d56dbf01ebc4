"""When a partnership's parties are asked how it goes: every `rhythm` months after it became active, each
party once (a key of its own in the reminders' ledger), and once more, 14 days later, a party that has not
answered. The scheduled job that sends them (issue 11) reads these; nothing here sends anything."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from bot.partnerships.terms import Rhythm
from storage.ledger import delivery_key

CHECK_IN = "checkin"  # the rule's name in the ledger's keys (and for a pause of the series)
REMINDER_AFTER = timedelta(days=14)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day when it is shorter (31 January -> 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_in_dates(activated_on: date, rhythm: Rhythm, *, until: date) -> list[date]:
    """Every `rhythm` months after the day the partnership became active, up to `until`. Counted from the
    start each time, so a check-in on 31 August stays on month ends (30 November, not 28 February's day)."""
    dates, k = [], 1
    while (due := add_months(activated_on, k * int(rhythm))) <= until:
        dates.append(due)
        k += 1
    return dates


@dataclass(frozen=True)
class CheckIn:
    """One party asked about one check-in of one partnership (or reminded, `reminder=True`)."""

    partnership_id: int
    state_code: str
    due: date
    reminder: bool = False
    grace: timedelta | None = None

    @property
    def rule(self) -> str:
        return CHECK_IN

    @property
    def day(self) -> date:
        return self.due + REMINDER_AFTER if self.reminder else self.due

    @property
    def key(self) -> str:
        """`checkin|KH|partnership-7-2027-03-01|+0d`: the party, the partnership and the check-in's date,
        then +0d for the question and +14d for the one reminder."""
        offset = f"+{REMINDER_AFTER.days}d" if self.reminder else "+0d"
        return delivery_key(CHECK_IN, self.state_code, f"partnership-{self.partnership_id}-{self.due.isoformat()}",
                            offset)
