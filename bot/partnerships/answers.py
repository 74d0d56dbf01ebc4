"""A party answers a check-in: how its part goes (on track, at risk, behind), the figure reached on each
target, what it disbursed to date, a comment. Only those who speak for the party answer for it; a second
answer to the same check-in replaces the first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot import payloads
from bot.errors import N_, NotAuthorised, Refusal
from bot.forms import FormReader
from bot.partnerships.check_ins import check_in_dates
from bot.partnerships.rules import speaks_for
from bot.partnerships.terms import AMOUNT_MAX, Terms, parse_figure, read_disbursed
from storage import audit
from storage.models import CheckInAnswer, Partnership, PartnershipParty, PartnershipStatus, Person, ProgressRating
from storage.partnerships import get_partnership, locked_partnership, save_answer

F_RATING, F_DISBURSED, F_COMMENT = "rating", "disbursed", "comment"
FIGURE = "figure."  # + the target's index: one input each
COMMENT_MAX = 1500
FAR_ABOVE = 100  # a figure a hundred times the target's is a slip of the keyboard, not progress


@dataclass(frozen=True)
class CheckInRef:
    """The check-in an Answer button or form is about, as the bot wrote it."""

    partnership_id: int
    party_id: int
    due: date

    def to_json(self) -> dict[str, Any]:
        return {"partnership": self.partnership_id, "party": self.party_id, "due": self.due.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, message: str) -> CheckInRef:
        due = data.get("due")
        try:
            day = date.fromisoformat(due) if isinstance(due, str) and len(due) == 10 else None
        except ValueError:
            day = None
        if day is None:
            raise payloads.OutOfDate(message)
        return cls(payloads.record_id(data.get("partnership"), message=message),
                   payloads.record_id(data.get("party"), message=message), day)


@dataclass(frozen=True)
class Answer:
    rating: ProgressRating
    figures: dict[int, Decimal]
    disbursed: dict[int, dict[str, Decimal]]
    comment: str | None


def answerable(session: Session, person: Person | None, ref: CheckInRef, *, today: date, message: str,
               lock: bool = False) -> tuple[Partnership, PartnershipParty]:
    """The partnership and party a check-in is for, if `person` may answer it. What the bot did not write
    (no such partnership, a party of another, a date that is no check-in of it) is out of date; a person who
    does not speak for the party is refused, and the attempt audited."""
    partnership = (locked_partnership if lock else get_partnership)(session, ref.partnership_id)
    party = next((p for p in partnership.parties if p.id == ref.party_id), None) if partnership else None
    if partnership is None or party is None or partnership.status != PartnershipStatus.ACTIVE:
        raise payloads.OutOfDate(message)
    assert partnership.activated_at is not None
    rhythm = Terms.from_json(partnership.terms).rhythm
    # Tomorrow's too: where the reader is, it may be the check-in's day already.
    if ref.due not in check_in_dates(partnership.activated_at.date(), rhythm, until=today + timedelta(days=1)):
        raise payloads.OutOfDate(message)
    if not speaks_for(person, party):
        actor = person.slack_user_id if person is not None else None
        raise NotAuthorised(N_("Only the delegates of the party asked can answer this check-in. Nothing was stored."),
                            refusal=Refusal(actor, "partnership.refused", f"partnership:{partnership.id}",
                                            f"check-in {party.key} {ref.due.isoformat()}"))
    return partnership, party


def read_answer_form(values: Mapping[str, Any], terms: Terms, *, activated_on: date, language: str,
                     today: date) -> Answer:
    """The answer's form; every problem on its own field, in the reader's language."""
    form = FormReader(values, language)
    rating = form.one(F_RATING, ProgressRating)
    figures: dict[int, Decimal] = {}
    for index, target in enumerate(terms.targets):
        name = FIGURE + str(index)
        raw = form.text(name, 40, required=False, one_line=True)
        if raw is None or name in form.errors:
            continue
        figure = parse_figure(raw)
        if figure is None:
            form.errors[name] = (N_("Write the figure reached as a number, such as 350."), {})
        elif figure < 0:
            form.errors[name] = (N_("The figure reached cannot be below zero."), {})
        elif figure > min(AMOUNT_MAX, target.figure * FAR_ABOVE):
            form.errors[name] = (N_("This is far above the target of {figure}: please check the figure."),
                                 {"figure": target.figure})
        else:
            figures[index] = figure
    disbursed = read_disbursed(form, F_DISBURSED, first_year=activated_on.year - 1, today=today)
    comment = form.text(F_COMMENT, COMMENT_MAX, required=False)
    form.done()
    return Answer(rating, figures, disbursed, comment)  # type: ignore[arg-type]


def record(session: Session, person: Person, ref: CheckInRef, answer: Answer, *, now: datetime,
           message: str) -> CheckInAnswer:
    """Stores the party's answer (replacing an earlier one to the same check-in), audited. Checked again
    under the partnership's lock: the form may have sat open while the terms changed."""
    partnership, party = answerable(session, person, ref, today=now.date(), message=message, lock=True)
    stored = save_answer(session, partnership_id=partnership.id, party_id=party.id, due=ref.due,
                         rating=answer.rating, figures=answer.figures, disbursed=answer.disbursed,
                         comment=answer.comment, answered_by=person.slack_user_id, answered_at=now)
    audit.record(session, at=now, actor=person.slack_user_id, action="partnership.checked_in",
                 subject=f"partnership:{partnership.id}",
                 after={"party": party.key, "due": ref.due.isoformat(), "rating": answer.rating.value,
                        "figures": stored.figures, "disbursed": stored.disbursed})
    return stored
