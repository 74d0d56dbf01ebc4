"""The Committee on the Enhancement of Cooperation and Assistance's annual account of the partnerships for
completion, drafted for the Meeting of the States Parties: `pfp report committee --year 2027`.

Figures, not terms: the account counts partnerships (formed, active, at risk, completed in the year; by the
area of the needs they serve, by kind, by the type of partner) and adds up their targets met and the
commitments made and disbursed in the year, by currency. It names no partnership and no party. It then
names the needs that found no partner in six months, only those the Committee may see (the platform's one
rule, Viewer.can_view) and whose State consented to the Committee's mapping (`consent_to_mapping`); the
others are counted, not named. Rendered as Markdown (Jinja2) or as a Word document from a Word template
(docxtpl) holding a bar chart of the partnerships by area (matplotlib, Agg, PNG in memory)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from babel.numbers import format_currency
from sqlalchemy.orm import Session

from bot.errors import N_
from bot.i18n import Translator
from bot.partnerships.blocks import KINDS
from bot.partnerships.progress import progress
from bot.partnerships.terms import Kind, Terms
from bot.partnerships.word_template import TEMPLATE
from bot.platform.fields import AREAS
from bot.platform.rules import Viewer
from storage.models import CheckInAnswer, Need, OrganisationType, Partnership, PartnershipStatus
from storage.partnerships import (
    answers_of,
    needs_without_partner,
    needs_without_partner_by_area,
    partnerships_alive_between,
)
from storage.taxonomy import Area

Format = Literal["docx", "md"]
# A need that has found no partner six months after it was posted is the Committee's to bring to light.
WITHOUT_PARTNER_AFTER = timedelta(days=182)
# The Committee reads as those who oversee every partnership: the visibility of Viewer.of(a member).
COMMITTEE = Viewer(state_code=None, sees_everything=True, is_delegate=False)
STATE_PARTNER = "state"  # a partner that is a State; the others by their OrganisationType

PARTNER_TYPES = {
    STATE_PARTNER: N_("States"),
    OrganisationType.INTERNATIONAL: N_("International and regional organisations"),
    OrganisationType.CIVIL_SOCIETY: N_("Civil society"),
    OrganisationType.OPERATOR: N_("Operators"),
    OrganisationType.PRIVATE: N_("Private companies"),
}
NO_AREA = N_("Serving no need posted on the Platform")
HEADINGS = {
    "title": N_("Partnerships for completion: the account of the Committee on the Enhancement of Cooperation and "
                "Assistance"),
    "summary": N_("The year in figures"),
    "by_area": N_("By area of the needs served"),
    "by_area_note": N_("A partnership serving needs in several areas is counted in each."),
    "by_kind": N_("By kind of partnership"),
    "by_partner": N_("By type of partner"),
    "by_partner_note": N_("A partnership with partners of several types is counted in each; the affected State "
                          "is not counted as a partner."),
    "targets": N_("Targets"),
    "money": N_("Commitments made and disbursed in the year"),
    "currency": N_("Currency"),
    "pledged": N_("Committed"),
    "disbursed": N_("Disbursed"),
    "no_money": N_("No financial commitment for the year."),
    "unpartnered": N_("Needs that have found no partner"),
    "unpartnered_none": N_("Every need posted more than six months ago has found a partner."),
    "chart": N_("Partnerships by area"),
    "prepared": N_("Draft prepared by the ISU for the Committee, from the Platform for Partnerships. Each "
                   "partnership's terms remain its parties'; this account gives figures only."),
}
LINES = {
    "subtitle": N_("For the Meeting of the States Parties, {year}. Figures as of {date}."),
    "formed": N_("Partnerships formed in the year: {count}"),
    "active": N_("Partnerships active in the year: {count}"),
    "at_risk": N_("Active partnerships at risk: {count}"),
    "completed": N_("Partnerships completed in the year: {count}"),
    "withdrawn": N_("Partnerships withdrawn in the year: {count}"),
    "targets_line": N_("Targets met: {met} of {count}."),
    "in_kind": N_("Commitments in kind: {count}."),
    "unpartnered_intro": N_("Needs still open, posted more than six months ago (before {date}), served by no "
                            "partnership and with no match accepted by both sides: {count}."),
    "unnamed": N_("Counted but not named, as their State did not consent to their use in the Committee's "
                  "mapping: {count}."),
    "need": N_("#{number} {state} · {area} · {title} (posted on {date})"),
}


@dataclass(frozen=True)
class Unpartnered:
    """The needs that found no partner: counted by area, all of them; named, only those the Committee may."""

    cutoff: datetime
    by_area: dict[Area, int]
    named: list[Need]

    @property
    def count(self) -> int:
        return sum(self.by_area.values())

    @property
    def unnamed(self) -> int:
        return self.count - len(self.named)


@dataclass(frozen=True)
class Account:
    year: int
    as_of: date
    formed: int
    active: int
    at_risk: int
    completed: int
    withdrawn: int
    by_area: dict[Area | None, int]  # None: serving no need on the Platform
    by_kind: dict[Kind, int]
    by_partner: dict[str, int]  # STATE_PARTNER or an OrganisationType's value
    targets: int
    targets_met: int
    money: dict[str, tuple[Decimal, Decimal]]  # by currency: committed for the year, disbursed in it
    in_kind: int
    unpartnered: Unpartnered


def unpartnered(session: Session, *, now: datetime, viewer: Viewer = COMMITTEE, consent_needed: bool = True,
                limit: int | None = None) -> Unpartnered:
    """The needs that found no partner in six months, as of `now`: every one counted by area; named, only
    those `viewer` may see and, where `consent_needed` (the Committee), whose State consented to its mapping."""
    cutoff = now - WITHOUT_PARTNER_AFTER
    by_area = needs_without_partner_by_area(session, created_before=cutoff)
    found = needs_without_partner(session, created_before=cutoff, consenting_only=consent_needed, limit=limit)
    return Unpartnered(cutoff, by_area, [n for n in found if viewer.can_view(n)])


def _partners(partnership: Partnership) -> set[str]:
    return {STATE_PARTNER if party.state_code is not None else
            (party.organisation.type.value if party.organisation is not None else OrganisationType.INTERNATIONAL)
            for party in partnership.parties if party.state_code != partnership.state_code}


def _active_by(partnership: Partnership, end: datetime) -> bool:
    """Every party had confirmed it before `end` (the year's active ones; a later activation is next year's)."""
    return partnership.activated_at is not None and partnership.activated_at < end


def _in(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment < end


def account(session: Session, year: int, *, now: datetime) -> Account:
    """The year's account: the partnerships that existed at some moment of it, read with what their
    parties had answered by its end (or by now, for the year under way)."""
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    as_of = min(now, end)
    today = min(now.date(), date(year, 12, 31))
    alive = partnerships_alive_between(session, start, end)
    answers = answers_of(session, [p.id for p in alive])

    def known(found: Iterable[CheckInAnswer]) -> list[CheckInAnswer]:
        return [a for a in found if a.answered_at < as_of]

    readings = {p.id: progress(p, known(answers[p.id]), today=today) for p in alive}
    by_area: Counter[Area | None] = Counter()
    by_kind: Counter[Kind] = Counter()
    by_partner: Counter[str] = Counter()
    money: dict[str, tuple[Decimal, Decimal]] = {}
    in_kind = 0
    for partnership in alive:
        by_area.update({n.area for n in partnership.needs} or {None})
        by_kind[Kind(partnership.kind)] += 1
        by_partner.update(_partners(partnership))
        in_kind += sum(c.amount is None for c in Terms.from_json(partnership.terms).commitments)
        for m in readings[partnership.id].money:
            if m.year == year:
                pledged, disbursed = money.get(m.currency, (Decimal(0), Decimal(0)))
                money[m.currency] = (pledged + m.pledged, disbursed + m.disbursed)
    targets = [t for reading in readings.values() for t in reading.targets]
    return Account(
        year=year, as_of=(as_of - timedelta(microseconds=1)).date() if as_of == end else as_of.date(),
        formed=sum(_in(p.created_at, start, end) for p in alive),
        active=sum(_active_by(p, end) for p in alive),
        at_risk=sum(readings[p.id].at_risk for p in alive if _active_by(p, end)),
        completed=sum(_in(p.completed_at, start, end) for p in alive),
        withdrawn=sum(p.status == PartnershipStatus.WITHDRAWN and _in(p.updated_at, start, end) for p in alive),
        by_area=dict(by_area), by_kind=dict(by_kind), by_partner=dict(by_partner),
        targets=len(targets), targets_met=sum(t.met for t in targets),
        money=dict(sorted(money.items())), in_kind=in_kind,
        unpartnered=unpartnered(session, now=as_of),
    )


# ------------------------------------------------------------------------------------------ rendering


def _area_rows(tr: Translator, counts: dict[Area | None, int]) -> list[dict[str, Any]]:
    rows = [{"label": tr._(AREAS[a]), "count": counts.get(a, 0)} for a in Area]
    if counts.get(None):
        rows.append({"label": tr._(NO_AREA), "count": counts[None]})
    return rows


def chart_png(tr: Translator, account: Account) -> bytes:
    """Partnerships by area as a bar chart, drawn with matplotlib's Agg canvas (no display, no pyplot's
    global state, so two reports at once do not draw on each other), as PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = list(reversed(_area_rows(tr, account.by_area)))  # the first area on top
    figure = Figure(figsize=(6.5, 0.45 * len(rows) + 1.0), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    bars = axes.barh([r["label"] for r in rows], [r["count"] for r in rows], color="#1f5f8b")
    axes.bar_label(bars, padding=3)
    axes.set_title(tr._(HEADINGS["chart"]))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([r["count"] for r in rows] + [1]) * 1.15)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def values(account: Account, language: str) -> dict[str, Any]:
    """The template's values in the report's language: every word from the catalogs."""
    tr = Translator(language)
    t = {key: tr._(text) for key, text in HEADINGS.items()}
    un = account.unpartnered

    def money(amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=tr.language)

    return {
        "t": t,
        "subtitle": tr._(LINES["subtitle"], year=str(account.year), date=account.as_of),
        "summary": [tr._(LINES[key], count=getattr(account, key))
                    for key in ("formed", "active", "at_risk", "completed", "withdrawn")],
        "by_area": _area_rows(tr, account.by_area),
        "by_kind": [{"label": tr._(label), "count": account.by_kind.get(kind, 0)} for kind, label in KINDS.items()],
        "by_partner": [{"label": tr._(label), "count": account.by_partner.get(key, 0)}
                       for key, label in PARTNER_TYPES.items()],
        "targets_line": tr._(LINES["targets_line"], met=account.targets_met, count=account.targets),
        "money": [{"currency": currency, "pledged": money(pledged, currency), "disbursed": money(disbursed, currency)}
                  for currency, (pledged, disbursed) in account.money.items()],
        "in_kind": tr._(LINES["in_kind"], count=account.in_kind),
        "unpartnered_count": un.count,
        "unpartnered_intro": tr._(LINES["unpartnered_intro"], date=un.cutoff.date(), count=un.count),
        "unpartnered_by_area": [row for row in _area_rows(tr, dict(un.by_area)) if row["count"]],
        "unpartnered_named": [tr._(LINES["need"], number=n.id, state=tr.country(n.state_code),
                                   area=tr._(AREAS[n.area]), title=n.title, date=n.created_at.date())
                              for n in un.named],
        "unnamed": tr._(LINES["unnamed"], count=un.unnamed) if un.unnamed else "",
    }


def render(account: Account, fmt: Format, *, language: str = "en") -> bytes:
    """The account as Markdown, or as a Word document holding the chart."""
    filled = values(account, language)
    if fmt == "md":
        return Translator(language).document("committee_report.md.j2", **filled).encode("utf-8")
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    document = DocxTemplate(str(TEMPLATE))
    filled["chart"] = InlineImage(document, io.BytesIO(chart_png(Translator(language), account)), width=Mm(160))
    document.render(filled, autoescape=True)  # Word's XML: the titles people typed are escaped for it
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(year: int, fmt: Format, language: str = "en") -> str:
    return f"committee-report-{year}{'' if language == 'en' else '-' + language}.{fmt}"
