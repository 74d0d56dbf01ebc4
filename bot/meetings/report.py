"""The meeting's report, drafted for the chair and co-chair with the secretariat (seed 000, annex): a Word
document rendered from a Word template through docxtpl, so the ISU edits it in the tool it uses, and the
same words as Markdown; and, where the State chose it, an anonymised summary naming no State and no person.
Mark final freezes the report's content in the request (`report`), so later renders say the same."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any, Literal

from bot.errors import N_
from bot.i18n import LANGUAGES, Translator, country_name
from bot.meetings import blocks
from bot.meetings.word_template import TEMPLATE
from storage.models import InvitationAnswer, MeetingRequest, MeetingStatus

Format = Literal["docx", "md"]
HEADINGS = {
    "number": N_("Individualised meeting #{number}"),
    "occasion": N_("Occasion"),
    "when": N_("When"),
    "place": N_("Where"),
    "roles": N_("Chaired by the requesting State and co-chaired by the President of the Convention, with the ISU as "
                "secretary and the Committee on the Enhancement of Cooperation and Assistance as facilitator."),
    "participants": N_("Participants"),
    "situation": N_("Status of implementation and challenges"),
    "solutions": N_("Proposed solutions"),
    "challenges": N_("Challenges and needs identified"),
    "measures": N_("Measures and plan agreed"),
    "commitments": N_("Commitments"),
}
TITLES = {"report": N_("Report of an individualised meeting"),
          "summary": N_("Anonymised summary of an individualised meeting")}
PREPARED = {False: N_("Draft prepared by the chair and co-chair with the ISU."),
            True: N_("Final report prepared by the chair and co-chair with the ISU.")}
A_STATE = N_("an affected State Party")
A_PARTNER = N_("a partner")


def content(request: MeetingRequest) -> dict[str, Any]:
    """What the report says, as plain values: the frozen copy once final, else the request as it stands."""
    if request.report is not None:
        return dict(request.report)
    outcomes = request.outcomes or {}
    tr = Translator(request.language)
    return {
        "number": request.id, "state_code": request.state_code, "occasion": request.event.title,
        "when": blocks.when(tr, request) if request.starts_at else "", "place": request.place or "",
        "participants": [{"user": i.person.slack_user_id, "state_code": i.state_code, "category": i.category}
                         for i in request.invitations if i.answer == InvitationAnswer.ACCEPTED],
        "situation": request.situation, "solutions": request.solutions,
        "challenges": list(outcomes.get("challenges") or []), "measures": outcomes.get("measures") or "",
        "commitments": list(outcomes.get("commitments") or []),
        "final": request.status == MeetingStatus.REPORT_FINAL,
    }


def _participant(tr: Translator, participant: dict[str, Any], *, anonymised: bool) -> str:
    if participant["category"] == "state" and participant.get("state_code"):
        return tr._("a State in a position to assist") if anonymised else tr.country(participant["state_code"])
    return tr._(blocks.ROLES[blocks.Role(participant["category"])])


def _without_names(text: str, state_code: str, names: list[str]) -> str:
    """The text with the State's names (in the Convention's languages) and Slack mentions taken out."""
    text = re.sub(r"<[@#!][^>]*>", "[…]", text)
    for name in sorted({country_name(state_code, language) for language in LANGUAGES} | set(names), key=len,
                       reverse=True):
        text = re.sub(re.escape(name), "[…]", text, flags=re.IGNORECASE)
    return text


def values(request: MeetingRequest, *, anonymised: bool = False) -> dict[str, Any]:
    """The template's values in the meeting's language; the summary names no State and no person."""
    data = content(request)
    tr = Translator(request.language)
    code = data["state_code"]
    t = {key: tr._(heading, number=data["number"]) for key, heading in HEADINGS.items()}
    t["title"] = tr._(TITLES["summary" if anonymised else "report"])
    t["prepared"] = tr._(PREPARED[bool(data["final"])])
    commitments = [(tr._(A_PARTNER) if anonymised else c["who"], c["what"], c["by"]) for c in data["commitments"]]
    scrub = (lambda text: _without_names(text, code, [c["who"] for c in data["commitments"]])) if anonymised \
        else (lambda text: text)
    return {
        "t": t, "number": data["number"],
        "state": tr._(A_STATE) if anonymised else tr.country(code),
        "occasion": data["occasion"], "when": data["when"].split(",")[0] if anonymised else data["when"],
        "place": "" if anonymised else data["place"],
        "participants": sorted({_participant(tr, p, anonymised=anonymised) for p in data["participants"]}),
        # The summary leaves out the State's own account: it is the State's to share.
        "situation": "" if anonymised else data["situation"], "solutions": "" if anonymised else data["solutions"],
        "challenges": [scrub(c) for c in data["challenges"]], "measures": scrub(data["measures"]),
        "commitments": [f"{who}: {scrub(what)} ({tr.date(date.fromisoformat(by))})" for who, what, by in commitments],
    }


def render(request: MeetingRequest, fmt: Format, *, anonymised: bool = False) -> bytes:
    """The report (or the anonymised summary) as a Word document or as Markdown."""
    filled = values(request, anonymised=anonymised)
    if fmt == "md":
        return Translator(request.language).document("meeting_report.md.j2", **filled).encode("utf-8")
    from docxtpl import DocxTemplate

    document = DocxTemplate(str(TEMPLATE))
    document.render(filled, autoescape=True)  # Word's XML: the delegates' text is escaped for it
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(request: MeetingRequest, fmt: Format, *, anonymised: bool = False) -> str:
    return f"meeting-{request.id}-{'summary' if anonymised else 'report'}.{fmt}"


def frozen(request: MeetingRequest, now: datetime) -> dict[str, Any]:
    """The content Mark final keeps."""
    data = content(request)
    data["final"] = True
    data["frozen_at"] = now.isoformat()
    return data
