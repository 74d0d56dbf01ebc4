"""The partnerships on the App Home: a party's people see theirs, each with where it stands and, while it is
active, a bar for each target; ISU staff and the Committee see the whole picture, with the needs that have
found no partner in six months (only those the reader may see; a Committee member, only those whose State
consented to the Committee's mapping)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import Block
from sqlalchemy.orm import Session

from bot.blocks import section
from bot.i18n import Translator
from bot.partnerships.blocks import KINDS, progress_blocks
from bot.partnerships.progress import Progress, progress
from bot.partnerships.report import Unpartnered, unpartnered
from bot.partnerships.rules import STATUS_WORDS, oversees
from bot.partnerships.terms import Kind
from bot.platform.fields import AREAS
from bot.platform.rules import Viewer
from bot.registration.people import is_isu
from bot.text import Mrkdwn, StateCode
from storage.models import Partnership, PartnershipStatus, Person
from storage.partnerships import active_terms, latest_answers_of, partnerships_of, status_counts

SHOWN = 10  # partnerships on the Home; `/partnership list` has them all
NEEDS_SHOWN = 5


@dataclass(frozen=True)
class Overview:
    counts: Counter[str]  # by status, and "at_risk"
    unpartnered: Unpartnered


@dataclass(frozen=True)
class HomeFigures:
    own: list[tuple[Partnership, Progress]]  # the reader's State's or organisation's, newest first
    overview: Overview | None  # for those who oversee every partnership
    today: date


def figures(session: Session, person: Person, *, now: datetime) -> HomeFigures:
    own = partnerships_of(session, state_code=person.state_code, organisation_id=person.organisation_id,
                          limit=SHOWN)
    # The whole picture reads every active partnership's terms and its parties' last answers only: with
    # thousands, loading each with its parties, needs and every answer took seconds.
    active = active_terms(session) if oversees(person) else []
    wanted = {p.id: p for p in active} | {p.id: p for p in own}
    answers = latest_answers_of(session, sorted(wanted))
    readings = {pid: progress(p, answers[pid], today=now.date()) for pid, p in wanted.items()}
    overview = None
    if oversees(person):
        counts: Counter[str] = Counter({status.value: n for status, n in status_counts(session).items()})
        counts["at_risk"] = sum(readings[p.id].at_risk for p in active)
        overview = Overview(counts, unpartnered(session, now=now, viewer=Viewer.of(person),
                                                consent_needed=not is_isu(person), limit=NEEDS_SHOWN))
    return HomeFigures([(p, readings[p.id]) for p in own], overview, now.date())


def home_partnerships(tr: Translator, shown: HomeFigures) -> list[Block]:
    blocks: list[Block] = []
    if shown.own:
        blocks.append(section(tr.mrkdwn("*Your partnerships*")))
        for partnership, reading in shown.own:
            blocks.append(section(tr.mrkdwn("*#{number}* for {state} ({kind}): {status}", number=partnership.id,
                                            state=StateCode(partnership.state_code),
                                            kind=tr._(KINDS[Kind(partnership.kind)]),
                                            status=tr._(STATUS_WORDS[partnership.status]))))
            if partnership.status == PartnershipStatus.ACTIVE:  # as `/partnership show` shows it
                blocks += progress_blocks(tr, partnership, reading, today=shown.today)
    if shown.overview is not None:
        counts, un = shown.overview.counts, shown.overview.unpartnered
        blocks.append(section("\n".join([
            tr.mrkdwn("*Partnerships for completion*"),
            tr.mrkdwn("Waiting for confirmations: {proposed} · Active: {active} · At risk: {at_risk} · "
                      "Completed: {completed}", proposed=counts[PartnershipStatus.PROPOSED.value],
                      active=counts[PartnershipStatus.ACTIVE.value], at_risk=counts["at_risk"],
                      completed=counts[PartnershipStatus.COMPLETED.value]),
        ])))
        if un.count:
            lines = [tr.mrkdwn("*Needs that have found no partner in six months:* {count}", count=un.count)]
            lines += [tr.mrkdwn("• #{number} {state} · {area} · {title}", number=n.id, state=StateCode(n.state_code),
                                area=tr._(AREAS[n.area]), title=n.title) for n in un.named]
            if un.count > len(un.named):
                lines.append(tr.mrkdwn("Not shown here: {count}.", count=un.count - len(un.named)))
            blocks.append(section(Mrkdwn("\n".join(lines))))
    return blocks
