"""A partnership's messages, in the reader's language: its terms put to a party with **Confirm**, and what
each answer changed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from babel.numbers import format_currency
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ConfirmObject,
    DividerBlock,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot import payloads
from bot.blocks import section, state_options
from bot.errors import N_
from bot.i18n import Translator
from bot.partnerships.answers import COMMENT_MAX, F_COMMENT, F_DISBURSED, F_RATING, FIGURE, CheckInRef
from bot.partnerships.check_ins import ISU, CheckIn, MissedTarget
from bot.partnerships.progress import Progress, progress
from bot.partnerships.rules import (
    F_COMMITMENTS,
    F_KIND,
    F_NEEDS,
    F_OWNERSHIP,
    F_PARTNERS,
    F_RHYTHM,
    F_STATE,
    F_TARGETS,
    F_TELL_ISU,
    ORGANISATION,
    RESPONSIBILITIES,
    STATUS_WORDS,
    Draft,
    Parties,
    commitments_by_party,
    may_complete,
    still_to_confirm,
)
from bot.partnerships.terms import Commitment, Kind, Ownership, Rhythm, Target, Terms
from bot.text import Mrkdwn, StateCode
from storage.models import (
    CheckInAnswer,
    Match,
    Need,
    Organisation,
    Partnership,
    PartnershipParty,
    PartnershipStatus,
    Person,
    ProgressRating,
    StateParty,
)

CONFIRM = "partnership.confirm"
CHANGE = "partnership.change"
CHANGE_FORM = "partnership.change_form"
COMPLETE = "partnership.complete"
FORM_FROM_MATCH = "partnership.from_match"
FORM_FROM_MEETING = "partnership.from_meeting"

KINDS = {Kind.BILATERAL: N_("bilateral"), Kind.TRIANGULAR: N_("triangular"), Kind.SOUTH_SOUTH: N_("south-south"),
         Kind.PUBLIC_PRIVATE: N_("public-private"), Kind.MULTI_PARTNER: N_("multi-partner")}
OWNERSHIP = {
    Ownership.LEADERSHIP: N_("high-level interest and leadership"),
    Ownership.AUTHORITY: N_("a national authority with the capacity to carry out its responsibilities"),
    Ownership.UNDERSTANDING: N_("a clear understanding of the size, location and quality of the challenge"),
    Ownership.PLAN: N_("a realistic but not unambitious plan to complete implementation"),
    Ownership.FUNDING: N_("a regular significant national financial commitment"),
}
RHYTHMS = {Rhythm.MONTHLY: N_("every month"), Rhythm.QUARTERLY: N_("every three months"),
           Rhythm.HALF_YEARLY: N_("every six months")}
GROUPS = {"women": N_("women"), "men": N_("men"), "girls": N_("girls"), "boys": N_("boys")}


def party_name(tr: Translator, party: PartnershipParty) -> str:
    """A party as its reader names it: a State in the reader's language, an organisation by its name."""
    if party.state_code is not None:
        return tr.country(party.state_code)
    return party.organisation.name if party.organisation is not None else f"#{party.organisation_id}"


def party_names(tr: Translator, parties: list[PartnershipParty]) -> str:
    return ", ".join(party_name(tr, p) for p in parties)


def progress_bar(fraction: float, width: int = 10) -> str:
    """A text bar for Block Kit, which draws none: ▓▓▓▓░░░░░░ 40 %."""
    filled = round(max(0.0, min(1.0, fraction)) * width)
    return "▓" * filled + "░" * (width - filled) + f" {round(fraction * 100)} %"


def heading(tr: Translator, partnership: Partnership) -> str:
    return tr.mrkdwn("*Partnership #{number} for {state}* ({kind})", number=partnership.id,
                     state=StateCode(partnership.state_code), kind=tr._(KINDS[Kind(partnership.kind)]))


def terms_blocks(tr: Translator, partnership: Partnership) -> list[Block]:
    """The terms as every party reads them: who does what, the targets, the commitments, what the State
    has in place, and how often all check in. What people typed is escaped (tr.mrkdwn)."""
    terms = Terms.from_json(partnership.terms)

    def lines(items: list[Mrkdwn], empty: str) -> Mrkdwn:
        return Mrkdwn("\n".join(items)) if items else tr.mrkdwn(empty)

    def target(t: Target) -> Mrkdwn:
        line = tr.mrkdwn("• {figure} {unit} by {date}", figure=tr.number(t.figure), unit=t.unit, date=t.due)
        if not t.breakdown:
            return line
        groups = ", ".join(tr.mrkdwn("{group} {count}", group=tr._(GROUPS[g]), count=tr.number(n))
                           for g, n in t.breakdown.items())
        return Mrkdwn(f"{line} ({groups})")

    def commitment(c: Commitment) -> Mrkdwn:
        if c.amount is None:
            return tr.mrkdwn("• {partner}: in kind, {what}", partner=c.partner, what=c.in_kind)
        return tr.mrkdwn("• {partner}: {amount} in {year}", partner=c.partner, year=str(c.year),
                         amount=format_currency(c.amount, c.currency, locale=tr.language))

    parties = [tr.mrkdwn("• {state}: {what}", state=party_name(tr, p), what=p.responsibilities)
               for p in partnership.parties]
    owned = [tr.mrkdwn("• {component}", component=tr._(OWNERSHIP[o])) for o in terms.ownership]
    return [
        section(heading(tr, partnership)),
        section(tr.mrkdwn("*Each party's responsibilities*\n{parties}", parties=lines(parties, "None yet."))),
        section(tr.mrkdwn("*Targets*\n{targets}", targets=lines([target(t) for t in terms.targets], "None yet."))),
        section(tr.mrkdwn("*Commitments*\n{commitments}",
                          commitments=lines([commitment(c) for c in terms.commitments], "None yet."))),
        section(tr.mrkdwn("*National ownership in place*\n{owned}", owned=lines(owned, "None named."))),
        section(tr.mrkdwn("The parties check in {rhythm}. These are the terms as of version {version}.",
                          rhythm=tr._(RHYTHMS[terms.rhythm]), version=str(partnership.version))),
        *([section(tr.mrkdwn("The ISU is told when a target is missed."))] if terms.tell_isu else []),
    ]


def confirm_value(partnership: Partnership) -> str:
    return json.dumps({"partnership": partnership.id, "version": partnership.version}, separators=(",", ":"))


def read_confirm(action: dict[str, Any]) -> tuple[int, int]:
    """The partnership a Confirm button is for, and the version of the terms it showed."""
    data = payloads.value_object(action)
    return payloads.record_id(data.get("partnership")), payloads.record_id(data.get("version"))


def terms_message(tr: Translator, partnership: Partnership) -> tuple[str, list[Block]]:
    """The terms put to a party: nobody is bound by another's word, so each confirms for its own State."""
    text = tr.mrkdwn("Your confirmation is asked for partnership #{number} for {state}.", number=partnership.id,
                     state=StateCode(partnership.state_code))
    button = ButtonElement(text=tr._("Confirm for my State"), action_id=CONFIRM, style="primary",
                           value=confirm_value(partnership),
                           confirm=ConfirmObject(title=tr._("Confirm these terms?")[:100],
                                                 text=tr._("Your State commits to its responsibilities and to "
                                                           "these terms.")[:300],
                                                 confirm=tr._("Confirm"), deny=tr._("Cancel")))
    change = ButtonElement(text=tr._("Propose a change"), action_id=CHANGE, value=confirm_value(partnership))
    return text, [section(text), DividerBlock(), *terms_blocks(tr, partnership),
                  ActionsBlock(block_id=f"partnership:{partnership.id}", elements=[button, change])]


def confirmed_message(tr: Translator, partnership: Partnership, *, active: bool) -> tuple[str, list[Block]]:
    """What replaces the terms' message once the party confirmed: the terms stay there to read."""
    if active:
        text = tr.mrkdwn("You confirmed partnership #{number}. Every party has confirmed: it is now active.",
                         number=partnership.id)
    else:
        waiting = party_names(tr, still_to_confirm(partnership))
        text = tr.mrkdwn("You confirmed partnership #{number}. Still to confirm: {states}.", number=partnership.id,
                         states=waiting)
    return text, [section(text), DividerBlock(), *terms_blocks(tr, partnership)]


def active_message(tr: Translator, partnership: Partnership) -> tuple[str, list[Block]]:
    text = tr.mrkdwn("Partnership #{number} for {state} is active: every party has confirmed its terms.",
                     number=partnership.id, state=StateCode(partnership.state_code))
    return text, [section(text)]


# ------------------------------------------------------------------------------------------ the form

PARTIES_FORM = "partnership.parties"  # step 1: the State it serves, the partners, the kind
TERMS_FORM = "partnership.terms"  # step 2: each party's responsibilities, the targets, the commitments


def form_title(tr: Translator) -> str:
    return tr._("Partnership")[:24]


def key_name(tr: Translator, key: str, names: Mapping[str, str]) -> str:
    """A party key as its reader names it: a State in the reader's language, an organisation by `names`."""
    return names.get(key, key) if key.startswith(ORGANISATION) else tr.country(key)


def parties_form(tr: Translator, parties: list[StateParty], organisations: list[Organisation], *,
                 state_code: str | None) -> View:
    """`/partnership new`, first step: who (the partners: States, or organisations). The second asks each
    of them what they will do."""
    options, groups = state_options(tr, parties)
    every = [o for g in groups for o in g.options] if groups else options or []
    own = next((o for o in every if o.value == state_code), None)
    kinds = [Option(value=k.value, text=tr._(label)) for k, label in KINDS.items()]
    partner_options, partner_groups = options, groups
    if organisations:  # a group of their own, after the States (Slack: 100 options a group)
        partner_groups = [*(groups or [OptionGroup(label=tr._("States Parties")[:75], options=options or [])]),
                          OptionGroup(label=tr._("Organisations")[:75], options=[
                              Option(value=f"{ORGANISATION}{o.id}", text=o.name[:75]) for o in organisations[:100]])]
        partner_options = None
    return View(type="modal", callback_id=PARTIES_FORM, title=form_title(tr), submit=tr._("Next"),
                close=tr._("Cancel"), blocks=[
        InputBlock(block_id=F_STATE, label=tr._("The affected State it serves"), element=StaticSelectElement(
            action_id=F_STATE, options=options, option_groups=groups, initial_option=own,
            placeholder=tr._("Choose a State"))),
        InputBlock(block_id=F_PARTNERS, label=tr._("Its partners"), element=StaticMultiSelectElement(
            action_id=F_PARTNERS, options=partner_options, option_groups=partner_groups,
            placeholder=tr._("Choose States or organisations"))),
        InputBlock(block_id=F_KIND, label=tr._("Kind of partnership"), element=StaticSelectElement(
            action_id=F_KIND, options=kinds, initial_option=kinds[0])),
    ])


def terms_form(tr: Translator, parties: Parties, *, names: Mapping[str, str],
               initial: Mapping[str, str] | None = None, change_of: Partnership | None = None,
               needs: Sequence[Need] = ()) -> View:
    """`/partnership new`, second step: what each party will do, and the terms they will all confirm.
    Formed from a match or a meeting, `initial` fills in what is known already (by block id); to propose a
    change of `change_of`, its terms as they stand."""
    initial = initial or {}
    terms = Terms.from_json(change_of.terms) if change_of is not None else None

    def text(block: str, label: str, hint: str | None = None, *, optional: bool = False) -> InputBlock:
        return InputBlock(block_id=block, label=label[:2000], optional=optional, hint=hint,
                          element=PlainTextInputElement(action_id=block, multiline=True,
                                                        initial_value=initial.get(block) or None))

    ownership = [Option(value=o.value, text=tr._(label)[:75]) for o, label in OWNERSHIP.items()]
    rhythms = [Option(value=str(int(r)), text=tr._(label)) for r, label in RHYTHMS.items()]
    keys = [parties.state_code, *parties.partners]
    need_options = [Option(value=str(n.id), text=f"#{n.id} {n.title}"[:75]) for n in needs]
    owned = [o for o in ownership if terms is not None and Ownership(o.value) in terms.ownership] or None
    tell = Option(value="yes", text=tr._("Tell the ISU when a target is missed"))
    rhythm = rhythms[[int(r) for r in RHYTHMS].index(int(terms.rhythm))] if terms is not None else rhythms[1]
    metadata = (parties.to_json() if change_of is None
                else {"partnership": change_of.id, "version": change_of.version, "parties": keys})
    return View(type="modal", callback_id=TERMS_FORM if change_of is None else CHANGE_FORM, title=form_title(tr),
                submit=tr._("Propose"), close=tr._("Cancel"), private_metadata=json.dumps(metadata),
                blocks=[
        *[text(RESPONSIBILITIES + key, tr._("What {state} will do", state=key_name(tr, key, names))) for key in keys],
        *([InputBlock(block_id=F_NEEDS, label=tr._("The needs of {state} it serves", state=tr.country(
            parties.state_code)), optional=True, element=StaticMultiSelectElement(
            action_id=F_NEEDS, placeholder=tr._("Choose needs"), options=need_options,
            initial_options=[o for o in need_options if int(o.value) in parties.need_ids] or None))]
          if need_options else []),
        text(F_TARGETS, tr._("Targets"), tr._("One a line: figure | unit | date, e.g. 120 | hectares released | "
                                              "2028-06-30. Where it counts people, add | women 120, men 80, "
                                              "girls 30, boys 20.")),
        text(F_COMMITMENTS, tr._("Commitments"), tr._("One a line: partner | amount currency | year, e.g. Norway | "
                                                      "250000 EUR | 2027, or partner | in kind | what."),
             optional=True),
        InputBlock(block_id=F_OWNERSHIP, label=tr._("National ownership the State has in place"), optional=True,
                   element=CheckboxesElement(action_id=F_OWNERSHIP, options=ownership, initial_options=owned)),
        InputBlock(block_id=F_RHYTHM, label=tr._("The parties check in"), element=RadioButtonsElement(
            action_id=F_RHYTHM, options=rhythms, initial_option=rhythm)),
        InputBlock(block_id=F_TELL_ISU, label=tr._("The ISU"), optional=True, element=CheckboxesElement(
            action_id=F_TELL_ISU, options=[tell], initial_options=[tell] if terms is not None and terms.tell_isu
            else None)),
    ])


def form_from_match_button(tr: Translator, match: Match) -> ButtonElement:
    """On an accepted match: its two sides turn it into a partnership, the form filled in from it."""
    return ButtonElement(text=tr._("Form a partnership"), action_id=FORM_FROM_MATCH, style="primary",
                         value=json.dumps({"match": match.id}))


def change_initial(tr: Translator, partnership: Partnership) -> dict[str, str]:
    """Propose a change: the form filled in with the terms and responsibilities as they stand."""
    terms = Terms.from_json(partnership.terms)
    return {**{RESPONSIBILITIES + p.key: p.responsibilities for p in partnership.parties},
            F_TARGETS: terms.target_lines(tr.language), F_COMMITMENTS: terms.commitment_lines(tr.language)}


def change_proposed_text(tr: Translator, partnership: Partnership, unreached: list[PartnershipParty]) -> str:
    asked = party_names(tr, [p for p in still_to_confirm(partnership) if p not in unreached])
    return tr.mrkdwn("Your change of partnership #{number} is proposed as version {version}. It went to {states} "
                     "to confirm; until all have, the partnership waits for confirmations.", number=partnership.id,
                     version=str(partnership.version), states=asked or "—")


def form_from_meeting_button(tr: Translator, meeting_id: int) -> ButtonElement:
    """On a meeting's recorded commitments: the form filled in from them."""
    return ButtonElement(text=tr._("Form a partnership"), action_id=FORM_FROM_MEETING,
                         value=json.dumps({"meeting": meeting_id}))


def meeting_initial(tr: Translator, draft: Draft) -> dict[str, str]:
    """Each party's responsibilities from the commitments it made at the meeting."""
    return {RESPONSIBILITIES + key: "\n".join(tr._("{who}: {what} (by {date})", who=c["who"], what=c["what"],
                                                    date=date.fromisoformat(c["by"])) for c in made)
            for key, made in commitments_by_party(draft).items() if made}


def match_initial(tr: Translator, draft: Draft, names: Mapping[str, str]) -> dict[str, str]:
    """The form's fields known from the match: what each side posted, and the offer's amount as the
    partner's commitment for the year it starts."""
    match, parties = draft.match, draft.parties
    assert match is not None
    need, offer, partner = match.need, match.offer, parties.partners[0]
    initial = {RESPONSIBILITIES + parties.state_code: tr._("Need #{number}: {title}", number=need.id, title=need.title),
               RESPONSIBILITIES + partner: tr._("Offer #{number}: {title}", number=offer.id, title=offer.title)}
    if offer.amount is not None and offer.currency:
        year = (offer.starts_on or need.starts_on or match.created_at.date()).year
        initial[F_COMMITMENTS] = f"{key_name(tr, partner, names)} | {offer.amount:f} {offer.currency} | {year}"
    return initial


def proposed_text(tr: Translator, partnership: Partnership, unreached: list[PartnershipParty]) -> str:
    asked = party_names(tr, [p for p in still_to_confirm(partnership) if p not in unreached])
    text = tr.mrkdwn("Partnership #{number} is proposed. Its terms went to {states} to confirm; it is active once "
                     "every party has.", number=partnership.id, states=asked or "—")
    if unreached:
        text = Mrkdwn(text + " " + tr.mrkdwn(
            "{states} have no focal point registered yet: ask them to register with `/pfp register`.",
            states=party_names(tr, unreached)))
    return text


# ------------------------------------------------------------------------------------- show and list



def status_line(tr: Translator, partnership: Partnership) -> Mrkdwn:
    if partnership.status == PartnershipStatus.PROPOSED:
        waiting = party_names(tr, still_to_confirm(partnership))
        return tr.mrkdwn("*Status:* waiting for confirmations from {states}", states=waiting)
    return tr.mrkdwn("*Status:* {status}", status=tr._(STATUS_WORDS[partnership.status]))


def partnership_view(tr: Translator, partnership: Partnership, answers: Sequence[CheckInAnswer] | None = None, *,
                     today: date | None = None, reader: Person | None = None) -> View:
    """`/partnership show N`: where it stands, how it is going (once active, from the check-ins' `answers`),
    then its terms; for the affected State's delegates, the button that completes it."""
    blocks: list[Block] = [section(status_line(tr, partnership))]
    # Once it has been active: a change of terms waiting for confirmations keeps its progress in view.
    if answers is not None and today is not None and partnership.activated_at is not None:
        blocks += progress_blocks(tr, partnership, progress(partnership, answers, today=today), today=today)
    blocks += [DividerBlock(), *terms_blocks(tr, partnership)]
    if may_complete(reader, partnership):
        blocks.append(completion_actions(tr, partnership))
    return View(type="modal", title=form_title(tr), close=tr._("Close"), blocks=blocks,
                private_metadata=json.dumps({"partnership": partnership.id}))


def completion_actions(tr: Translator, partnership: Partnership) -> ActionsBlock:
    """For the affected State: one click, with its consent asked in the dialog, marks it completed and
    its needs met."""
    needs = ", ".join(f"#{n.id}" for n in partnership.needs) or "—"
    return ActionsBlock(block_id=f"partnership:{partnership.id}:complete", elements=[ButtonElement(
        text=tr._("Completed: mark its needs met"), action_id=COMPLETE,
        value=json.dumps({"partnership": partnership.id}),
        confirm=ConfirmObject(title=tr._("Mark it completed?")[:100],
                              text=tr._("Its needs ({needs}) will be marked met, and every party told.",
                                        needs=needs)[:300],
                              confirm=tr._("Mark completed"), deny=tr._("Cancel")))])


def completed_message(tr: Translator, partnership: Partnership) -> str:
    return tr.mrkdwn("Partnership #{number} for {state} is completed: {state} marked its needs met. Thank you to "
                     "every party.", number=partnership.id, state=StateCode(partnership.state_code))


RATINGS = {ProgressRating.ON_TRACK: N_("on track"), ProgressRating.AT_RISK: N_("at risk"),
           ProgressRating.BEHIND: N_("behind")}


def money(tr: Translator, amount: Any, currency: str) -> str:
    return format_currency(amount, currency, locale=tr.language)


def progress_blocks(tr: Translator, partnership: Partnership, found: Progress, *, today: date) -> list[Block]:
    """Each target against its figure reached, the money pledged against disbursed by year, and each party's
    last check-in. What people typed (units, comments) is escaped (tr.mrkdwn)."""
    targets = []
    for t in found.targets:
        line = tr.mrkdwn("{bar} {reached} of {figure} {unit}, by {date}", bar=progress_bar(t.fraction),
                         reached=tr.number(t.reached or 0), figure=tr.number(t.target.figure), unit=t.target.unit,
                         date=t.target.due)
        targets.append(Mrkdwn(line + " " + tr.mrkdwn("(missed)")) if t.overdue(today) else line)
    lines = [tr.mrkdwn("*Progress*"), *targets]
    if found.money:
        lines.append(tr.mrkdwn("*Pledged and disbursed*"))
        lines += [tr.mrkdwn("• {year}: {disbursed} disbursed of {pledged} pledged", year=str(m.year),
                            disbursed=money(tr, m.disbursed, m.currency), pledged=money(tr, m.pledged, m.currency))
                  for m in found.money]
    parties = {p.id: p for p in partnership.parties}
    if found.last_answers:
        lines.append(tr.mrkdwn("*Last check-ins*"))
        for party_id, answer in found.last_answers.items():
            said = tr.mrkdwn("• {party}, {date}: {rating}", party=party_name(tr, parties[party_id]), date=answer.due,
                             rating=tr._(RATINGS[answer.rating]))
            lines.append(Mrkdwn(said + tr.mrkdwn(" — “{comment}”", comment=answer.comment)) if answer.comment
                         else said)
    else:
        lines.append(tr.mrkdwn("No party has answered a check-in yet."))
    if found.at_risk:
        lines.append(tr.mrkdwn("_At risk: a party is not on track, or a target was missed._"))
    return [section(Mrkdwn("\n".join(lines)))]


def list_message(tr: Translator, partnerships: list[Partnership]) -> tuple[str, list[Block]]:
    """`/partnership list`: one line each, newest first (the 30 newest; `/partnership show N` for one)."""
    if not partnerships:
        text = tr.mrkdwn("No partnership yet. Type `/partnership new` to propose one.")
        return text, [section(text)]
    lines = [tr.mrkdwn("• #{number} for {state} ({kind}): {status}", number=p.id, state=StateCode(p.state_code),
                       kind=tr._(KINDS[Kind(p.kind)]), status=tr._(STATUS_WORDS[p.status])) for p in partnerships[:30]]
    text = tr.mrkdwn("Partnerships ({count}). Type `/partnership show 12` to read one.", count=len(partnerships))
    return text, [section(text), section(Mrkdwn("\n".join(lines)))]


# ------------------------------------------------------------------------------------------ check-ins

ANSWER = "partnership.check_in"  # the Answer button under a check-in's question
ANSWER_FORM = "partnership.answer"


def party_by_key(partnership: Partnership, key: str) -> PartnershipParty:
    return next(p for p in partnership.parties if p.key == key)


def answer_button(tr: Translator, ref: CheckInRef) -> ActionsBlock:
    return ActionsBlock(block_id=f"check-in:{ref.partnership_id}", elements=[
        ButtonElement(text=tr._("Answer"), action_id=ANSWER, style="primary",
                      value=json.dumps(ref.to_json(), separators=(",", ":")))])


def check_in_message(tr: Translator, partnership: Partnership, check_in: CheckIn) -> tuple[str, list[Block]]:
    """The question to one party on a check-in's day (or, 14 days on, its one reminder): its own
    responsibilities and the targets, with **Answer**."""
    party = party_by_key(partnership, check_in.party)
    if check_in.reminder:
        text = tr.mrkdwn("Reminder: the other parties to partnership #{number} for {state} are still waiting for "
                         "the answer of {party} to the check-in of {date}.", number=partnership.id,
                         state=StateCode(partnership.state_code), party=party_name(tr, party), date=check_in.due)
    else:
        text = tr.mrkdwn("Check-in of {date} on partnership #{number} for {state}: how is {party} doing on its "
                         "responsibilities, and where do the targets stand?", date=check_in.due,
                         number=partnership.id, state=StateCode(partnership.state_code), party=party_name(tr, party))
    terms = Terms.from_json(partnership.terms)
    targets = [tr.mrkdwn("• {figure} {unit} by {date}", figure=tr.number(t.figure), unit=t.unit, date=t.due)
               for t in terms.targets]
    ref = CheckInRef(partnership.id, party.id, check_in.due)
    return text, [
        section(text),
        section(tr.mrkdwn("*Responsibilities of {party}*\n{what}", party=party_name(tr, party),
                          what=party.responsibilities)),
        section(tr.mrkdwn("*Targets*\n{targets}", targets=Mrkdwn("\n".join(targets)) if targets else "—")),
        answer_button(tr, ref),
    ]


def answer_form(tr: Translator, partnership: Partnership, party: PartnershipParty, ref: CheckInRef, *,
                channel: str | None, ts: str | None) -> View:
    """The check-in's form: how it goes, the figure reached per target, disbursed to date, a comment. The
    message it came from (`channel`, `ts`) is replaced with the answer once it is stored."""
    ratings = [Option(value=r.value, text=tr._(label)) for r, label in RATINGS.items()]
    terms = Terms.from_json(partnership.terms)
    figures = [InputBlock(block_id=FIGURE + str(index), optional=True,
                          label=tr._("{unit}: figure reached (target {figure} by {date})", unit=t.unit,
                                     figure=t.figure, date=t.due)[:2000],
                          element=PlainTextInputElement(action_id=FIGURE + str(index), max_length=40))
               for index, t in enumerate(terms.targets)]
    metadata = {**ref.to_json(), "channel": channel, "ts": ts}
    return View(type="modal", callback_id=ANSWER_FORM, title=tr._("Check-in")[:24], submit=tr._("Send"),
                close=tr._("Cancel"), private_metadata=json.dumps(metadata), blocks=[
        InputBlock(block_id=F_RATING, label=tr._("How is {party} doing?", party=party_name(tr, party))[:2000],
                   element=RadioButtonsElement(action_id=F_RATING, options=ratings)),
        *figures,
        InputBlock(block_id=F_DISBURSED, label=tr._("Disbursed to date"), optional=True,
                   hint=tr._("One a line: year | amount currency, e.g. 2027 | 50000 EUR."),
                   element=PlainTextInputElement(action_id=F_DISBURSED, multiline=True)),
        InputBlock(block_id=F_COMMENT, label=tr._("Comment for the other parties"), optional=True,
                   element=PlainTextInputElement(action_id=F_COMMENT, multiline=True, max_length=COMMENT_MAX)),
    ])


def read_answer_button(action: dict[str, Any]) -> CheckInRef:
    return CheckInRef.from_json(payloads.value_object(action), message=payloads.STALE_BUTTON)


def read_answer_form_metadata(view: dict[str, Any]) -> tuple[CheckInRef, str | None, str | None]:
    """The check-in a submitted form is about, and the message to replace (dropped when not one Slack makes)."""
    data = payloads.metadata(view)
    ts = data.get("ts")
    return (CheckInRef.from_json(data, message=payloads.STALE_FORM), payloads.optional_channel(data.get("channel")),
            ts if isinstance(ts, str) and payloads.MESSAGE_TS.fullmatch(ts) else None)


def answered_message(tr: Translator, partnership: Partnership, answer: CheckInAnswer) -> tuple[str, list[Block]]:
    """What replaces the question once answered: the thanks, and what was recorded (typed text escaped)."""
    text = tr.mrkdwn("Thank you, your answer is recorded for the check-in of {date} on partnership #{number}.",
                     date=answer.due, number=partnership.id)
    terms = Terms.from_json(partnership.terms)
    lines = [tr.mrkdwn("*{party}:* {rating}", party=party_name(tr, answer.party), rating=tr._(RATINGS[answer.rating]))]
    for index, figure in sorted((int(i), f) for i, f in (answer.figures or {}).items()):
        if index < len(terms.targets):
            t = terms.targets[index]
            lines.append(tr.mrkdwn("• {reached} of {figure} {unit}", reached=tr.number(figure),
                                   figure=tr.number(t.figure), unit=t.unit))
    for year, amounts in sorted((answer.disbursed or {}).items()):
        for currency, amount in sorted(amounts.items()):
            lines.append(tr.mrkdwn("• Disbursed in {year}: {amount}", year=year, amount=money(tr, amount, currency)))
    if answer.comment:
        lines.append(tr.mrkdwn("“{comment}”", comment=answer.comment))
    return text, [section(text), section(Mrkdwn("\n".join(lines)))]


def missed_target_message(tr: Translator, partnership: Partnership, answers: Sequence[CheckInAnswer],
                          nudge: MissedTarget, *, today: date) -> tuple[str, list[Block]]:
    """A target's date passed unmet: the parties are told once (and the ISU, where they agreed)."""
    found = progress(partnership, answers, today=today).targets[nudge.index]
    t = found.target
    text = tr.mrkdwn("A target of partnership #{number} for {state} was missed: {figure} {unit} by {date}, and "
                     "{reached} reached so far.", number=partnership.id, state=StateCode(partnership.state_code),
                     figure=tr.number(t.figure), unit=t.unit, date=t.due, reached=tr.number(found.reached or 0))
    if nudge.party == ISU:
        more = tr.mrkdwn("The parties agreed that the ISU be told. Type `/partnership show {number}` to read it.",
                         number=partnership.id)
    else:
        more = tr.mrkdwn("Talk it over with the other parties, and propose new terms if the target must change. "
                         "Type `/partnership show {number}` to read where it stands.", number=partnership.id)
    return text, [section(text), section(more)]
