"""How a partnership is going, from its parties' check-in answers: each target's figure reached, the
commitments pledged against disbursed by year and currency, each party's last answer, and whether it is
at risk. One reading, for `/partnership show`, the App Home, the nudges, the export and the Committee's
report alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.partnerships.terms import Target, Terms
from storage.models import CheckInAnswer, Partnership, PartnershipStatus, ProgressRating


@dataclass(frozen=True)
class TargetProgress:
    index: int  # the target's place in the terms, as the answers' `figures` name it
    target: Target
    reached: Decimal | None  # None until a party reports a figure

    @property
    def fraction(self) -> float:
        if not self.reached or self.target.figure <= 0:
            return 0.0
        return min(1.0, float(self.reached / self.target.figure))

    @property
    def met(self) -> bool:
        return self.reached is not None and self.reached >= self.target.figure

    def overdue(self, today: date) -> bool:
        """Its date has passed and it is not met."""
        return self.target.due < today and not self.met


@dataclass(frozen=True)
class Money:
    year: int
    currency: str
    pledged: Decimal
    disbursed: Decimal


@dataclass(frozen=True)
class Progress:
    targets: list[TargetProgress]
    money: list[Money]  # by year, then currency
    last_answers: dict[int, CheckInAnswer]  # by party id
    at_risk: bool


def latest_by_party(answers: Iterable[CheckInAnswer]) -> dict[int, CheckInAnswer]:
    """Each party's most recent answer (the latest check-in it answered; the latest answer to it)."""
    latest: dict[int, CheckInAnswer] = {}
    for answer in answers:
        held = latest.get(answer.party_id)
        if held is None or (answer.due, answer.answered_at) > (held.due, held.answered_at):
            latest[answer.party_id] = answer
    return latest


def progress(partnership: Partnership, answers: Iterable[CheckInAnswer], *, today: date) -> Progress:
    """Targets are the partnership's, not one party's: each party reports the figure reached so far, and
    the highest reported in the parties' last answers counts (adding them up would count twice the
    survivors two parties both helped). Disbursements are each party's own, to date: they add up."""
    terms = Terms.from_json(partnership.terms)
    last = latest_by_party(answers)
    targets = []
    for index, target in enumerate(terms.targets):
        figures = [Decimal(a.figures[str(index)]) for a in last.values() if str(index) in (a.figures or {})]
        targets.append(TargetProgress(index, target, max(figures) if figures else None))
    pledged: dict[tuple[int, str], Decimal] = {}
    for c in terms.commitments:
        if c.amount is not None and c.currency and c.year:
            pledged[(c.year, c.currency)] = pledged.get((c.year, c.currency), Decimal(0)) + c.amount
    disbursed: dict[tuple[int, str], Decimal] = {}
    for answer in last.values():
        for year, amounts in (answer.disbursed or {}).items():
            for currency, amount in amounts.items():
                key = (int(year), currency)
                disbursed[key] = disbursed.get(key, Decimal(0)) + Decimal(amount)
    money = [Money(year, currency, pledged.get((year, currency), Decimal(0)), disbursed.get((year, currency),
                                                                                           Decimal(0)))
             for year, currency in sorted(pledged.keys() | disbursed.keys())]
    at_risk = partnership.status == PartnershipStatus.ACTIVE and (
        any(a.rating != ProgressRating.ON_TRACK for a in last.values())
        or any(t.overdue(today) for t in targets))
    return Progress(targets, money, last, at_risk)
