"""When a partnership's parties are asked how it goes: every `rhythm` months after it became active, each
party once (a key of its own in the reminders' ledger), and once more, 14 days later, a party that has not
answered. The scheduled job that sends them (issue 11) reads these; nothing here sends anything."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.i18n import Translator
from bot.partnerships.progress import progress
from bot.partnerships.terms import Rhythm, Terms
from bot.reminders.delivery import Destination, Destine
from bot.reminders.rules import zone_of
from storage.ledger import delivery_key
from storage.partnerships import active_partnerships, answers_of, contact_of, get_partnership

CHECK_IN = "checkin"  # the rule's name in the ledger's keys (and for a pause of the series)
REMINDER_AFTER = timedelta(days=14)
ISU = "isu"  # a missed target's nudge to the ISU's channel, in the ledger's keys
# How far back a tick looks: beyond the longest grace (PFP_REMINDER_GRACE_DAYS is 30 at most).
LOOK_BACK = timedelta(days=31)


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


def _state_of(party: str) -> str | None:
    """The ledger counts messages by State: a State party's code, nothing for an organisation or the ISU."""
    return None if party.startswith("org-") or party == ISU else party


@dataclass(frozen=True)
class CheckIn:
    """One party asked about one check-in of one partnership (or reminded, `reminder=True`)."""

    partnership_id: int
    party: str  # PartnershipParty.key: "KH", or "org-12"
    due: date
    reminder: bool = False
    grace: timedelta | None = None

    @property
    def rule(self) -> str:
        return CHECK_IN

    @property
    def state_code(self) -> str | None:
        return _state_of(self.party)

    @property
    def day(self) -> date:
        return self.due + REMINDER_AFTER if self.reminder else self.due

    @property
    def key(self) -> str:
        """`checkin|KH|partnership-7-2027-03-01|+0d`: the party, the partnership and the check-in's date,
        then +0d for the question and +14d for the one reminder."""
        offset = f"+{REMINDER_AFTER.days}d" if self.reminder else "+0d"
        return delivery_key(CHECK_IN, self.party, f"partnership-{self.partnership_id}-{self.due.isoformat()}",
                            offset)


@dataclass(frozen=True)
class MissedTarget:
    """The one nudge about a target whose date passed unmet, to one party (or to the ISU's channel, where
    the parties agreed it be told). Under the check-ins' rule: pausing `checkin` pauses these too, since
    they are the same conversation between the parties."""

    partnership_id: int
    party: str  # PartnershipParty.key, or ISU
    index: int  # the target's place in the terms
    target_due: date
    grace: timedelta | None = None

    @property
    def rule(self) -> str:
        return CHECK_IN

    @property
    def state_code(self) -> str | None:
        return _state_of(self.party)

    @property
    def day(self) -> date:
        return self.target_due + timedelta(days=1)  # the first day it is missed

    @property
    def key(self) -> str:
        """`checkin|KH|partnership-7-target-0|missed`: once per party and target, whatever the answers do next."""
        return delivery_key(CHECK_IN, self.party, f"partnership-{self.partnership_id}-target-{self.index}", "missed")


def check_ins_due(session: Session, today: date) -> list[CheckIn]:
    """The questions and reminders of every active partnership whose day has come (tomorrow's too, for the
    readers ahead in time). A reminder goes only to a party with no answer for that check-in. What is older
    than any grace is left out: the ledger recorded it, or it is too late to send anyway."""
    partnerships = active_partnerships(session)
    answered = {(a.party_id, a.due) for answers in answers_of(session, [p.id for p in partnerships]).values()
                for a in answers}
    due: list[CheckIn] = []
    for partnership in partnerships:
        assert partnership.activated_at is not None
        rhythm = Terms.from_json(partnership.terms).rhythm
        for day in check_in_dates(partnership.activated_at.date(), rhythm, until=today + timedelta(days=1)):
            for party in partnership.parties:
                asked = CheckIn(partnership.id, party.key, day)
                if asked.day >= today - LOOK_BACK:
                    due.append(asked)
                reminder = CheckIn(partnership.id, party.key, day, reminder=True)
                if (party.id, day) not in answered and today - LOOK_BACK <= reminder.day <= today + timedelta(days=1):
                    due.append(reminder)
    return due


def missed_targets_due(session: Session, today: date, *, to_isu: bool) -> list[MissedTarget]:
    """A nudge per party for each target of an active partnership whose date passed unmet; with `to_isu`,
    instead, one for the ISU's channel per such target where the parties agreed (Terms.tell_isu)."""
    partnerships = active_partnerships(session)
    answers = answers_of(session, [p.id for p in partnerships])
    due: list[MissedTarget] = []
    for partnership in partnerships:
        if to_isu and not Terms.from_json(partnership.terms).tell_isu:
            continue
        parties = [ISU] if to_isu else [p.key for p in partnership.parties]
        for target in progress(partnership, answers[partnership.id], today=today).targets:
            if target.overdue(today) and target.target.due >= today - LOOK_BACK:
                due += [MissedTarget(partnership.id, party, target.index, target.target.due) for party in parties]
    return due


def to_party(zones: Callable[[str], str | None]) -> Destine:
    """The party's contact now (a State's focal point, an organisation's first person), in their language
    and time zone."""
    def destine(session: Session, reminder: CheckIn | MissedTarget) -> Destination | None:
        partnership = get_partnership(session, reminder.partnership_id)
        party = next((p for p in partnership.parties if p.key == reminder.party), None) if partnership else None
        person = contact_of(session, party) if party is not None else None
        if person is None:
            return None
        return Destination(person.slack_user_id, zone_of(zones(person.slack_user_id)), Translator(person.locale))
    return destine
