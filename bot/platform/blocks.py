"""Block Kit of the Platform for Partnerships: the need and offer forms, entry cards, browse, matches."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from babel import Locale
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
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
from bot.platform import rules as p
from bot.platform.fields import (
    AREAS,
    KINDS,
    NEED_FIELDS,
    OFFER_FIELDS,
    OWNERSHIP,
    REGIONS,
    VISIBILITIES,
    Field,
)
from bot.text import Mrkdwn, Msg, StateCode
from storage.models import Match, Need, Offer, StateParty
from storage.platform import Usage
from storage.taxonomy import (
    Area,
    EntryStatus,
    Kind,
    Language,
    Ownership,
    Region,
    Visibility,
    from_mask,
)

NEED_FORM, OFFER_FORM, BROWSE = "need_form", "offer_form", "browse"
EDIT, CONFIRM, PARTLY_MET, MET, WITHDRAW, OPEN = (
    "entry.edit", "entry.confirm", "entry.partly_met", "entry.met", "entry.withdraw", "entry.open",
)
STATUS_ACTIONS = {PARTLY_MET: EntryStatus.PARTLY_MET, MET: EntryStatus.MET, WITHDRAW: EntryStatus.WITHDRAWN}
ACCEPT_MATCH, DISMISS_MATCH = "match.accept", "match.not_relevant"
BROWSE_FILTER, BROWSE_PAGE = "browse.filter", "browse.page"
ALL = "*"

STATUSES = {
    EntryStatus.OPEN: N_("Open"),
    EntryStatus.PARTLY_MET: N_("Partly met"),
    EntryStatus.MET: N_("Met"),
    EntryStatus.WITHDRAWN: N_("Withdrawn"),
}
BROWSE_STATUSES = {
    "current": N_("Current"),
    "stale": N_("Not confirmed for six months"),
    "met": N_("Met"),
    "withdrawn": N_("Withdrawn"),
}


def entry_value(side: p.Side, entry_id: int) -> str:
    return json.dumps({"side": side, "id": entry_id})


def read_entry_value(action: dict[str, Any]) -> tuple[p.Side, int]:
    """The entry a button points at; a value the bot did not write is out of date."""
    data = payloads.value_object(action)
    side = data.get("side")
    if side not in p.MODELS:
        raise payloads.OutOfDate(payloads.STALE_BUTTON)
    return side, payloads.record_id(data.get("id"))


# -------------------------------------------------------------------------------------------- forms


def _options(tr: Translator, labels: dict[Any, str]) -> list[Option]:
    return [Option(value=key.value, text=tr._(label)[:75]) for key, label in labels.items()]


def _chosen(options: list[Option], values: list[str] | None) -> list[Option] | None:
    picked = [o for o in options if o.value in (values or [])]
    return picked or None


def _one(options: list[Option], value: str | None) -> Option | None:
    return next((o for o in options if o.value == value), None)


def _input(tr: Translator, f: Field, values: dict[str, Any], states: list[StateParty]) -> InputBlock:
    """One field of the form, as bot/platform/fields.py declares it, filled with what is stored."""
    label, optional, value = tr._(f.label), not f.required, values.get(f.key)
    placeholder = tr._(f.placeholder) if f.placeholder else None
    if f.input in ("text", "long_text", "amount", "currency"):
        element: Any = PlainTextInputElement(action_id=f.name, max_length=f.limit, multiline=f.input == "long_text",
                                             initial_value=value, placeholder=placeholder)
    elif f.input == "date":
        element = DatePickerElement(action_id=f.name, initial_date=value)
    elif f.input == "select":
        options = _options(tr, f.labels or {})
        element = StaticSelectElement(action_id=f.name, options=options, initial_option=_one(options, value),
                                      placeholder=placeholder)
    elif f.input == "radio":  # who may see it: States Parties unless the State chose otherwise
        options = _options(tr, f.labels or {})
        element = RadioButtonsElement(action_id=f.name, options=options,
                                      initial_option=_one(options, value or Visibility.STATES.value))
    elif f.input == "consent":
        [consent] = [Option(value=key, text=tr._(text)) for key, text in (f.labels or {}).items()]
        element = CheckboxesElement(action_id=f.name, options=[consent], initial_options=[consent] if value else None)
    elif f.input == "states":
        options, groups = state_options(tr, states)
        every = [o for g in groups for o in g.options] if groups else options or []
        element = StaticMultiSelectElement(action_id=f.name, options=options, option_groups=groups,
                                           initial_options=[o for o in every if o.value in (value or [])] or None,
                                           placeholder=placeholder)
    else:  # several choices: checkboxes, the languages named in the reader's language
        labels = f.labels if f.input == "checkboxes" else {
            language: _language_name(tr, language) for language in Language}
        options = [Option(value=key.value, text=tr._(text)[:75]) for key, text in (labels or {}).items()]
        element = CheckboxesElement(action_id=f.name, options=options, initial_options=_chosen(options, value))
    return InputBlock(block_id=f.name, label=label, optional=optional, element=element)


def _metadata(entry_id: int | None, channel: str | None) -> str:
    return json.dumps({"id": entry_id, "channel": channel})


def read_metadata(view: dict[str, Any]) -> tuple[int | None, str | None]:
    """The entry a form edits (None for a new one) and the channel it was opened from."""
    data = payloads.metadata(view)
    return payloads.optional_id(data, "id"), payloads.optional_channel(data.get("channel"))


def need_form(tr: Translator, need: Need | None, *, channel: str | None, prefill: dict[str, Any] | None = None) -> View:
    """The need's form, with the stored need, or a new one (pre-filled from a meeting's challenge, say)."""
    values = p.snapshot(need) if need else dict(prefill or {})
    blocks = [_input(tr, f, values, []) for f in NEED_FIELDS]
    return View(type="modal", callback_id=NEED_FORM, private_metadata=_metadata(need.id if need else None, channel),
                title=form_title(tr, "need"), submit=tr._("Save"), close=tr._("Cancel"), blocks=blocks)


def offer_form(tr: Translator, offer: Offer | None, states: list[StateParty], *, channel: str | None) -> View:
    values = p.snapshot(offer) if offer else {}
    blocks = [_input(tr, f, values, states) for f in OFFER_FIELDS]
    return View(type="modal", callback_id=OFFER_FORM, private_metadata=_metadata(offer.id if offer else None, channel),
                title=form_title(tr, "offer"), submit=tr._("Save"), close=tr._("Cancel"), blocks=blocks)


def form_title(tr: Translator, side: p.Side) -> str:
    return tr._("Need for assistance") if side == "need" else tr._("Offer of assistance")


def _language_name(tr: Translator, language: Language) -> str:
    return Locale.parse(tr.language).languages.get(language.value, language.value).capitalize()


# -------------------------------------------------------------------------------------- entry cards


def entry_heading(tr: Translator, entry: p.Entry) -> str:
    label = N_("Need #{number}") if isinstance(entry, Need) else N_("Offer #{number}")
    return tr.mrkdwn(label, number=entry.id)


def _labels(tr: Translator, mask: int, enum_class, labels: dict[Any, str]) -> str:
    return ", ".join(tr._(labels[m]) for m in from_mask(mask, enum_class))


def entry_summary(tr: Translator, entry: p.Entry, *, full: bool = False, description: bool = True) -> str:
    """An entry in a few lines of mrkdwn; user text is escaped by `tr.mrkdwn`."""
    if isinstance(entry, Need):
        what = tr._(AREAS[entry.area])
        kinds = _labels(tr, entry.kinds, Kind, KINDS)
    else:
        what = _labels(tr, entry.areas, Area, AREAS)
        kinds = _labels(tr, entry.kinds, Kind, KINDS)
    lines = [
        tr.mrkdwn("*{heading} · {title}*", heading=entry_heading(tr, entry), title=entry.title),
        tr.mrkdwn("{state} · {what} · {kinds}", state=p.poster(entry), what=what, kinds=kinds),
    ]
    if description:
        text = entry.description if full or len(entry.description) <= 280 else entry.description[:279] + "…"
        lines.append(tr.mrkdwn("{text}", text=text))
    if entry.amount is not None:
        lines.append(tr.mrkdwn("Amount: {amount} {currency}", amount=tr.number(entry.amount),
                               currency=entry.currency or ""))
    if entry.starts_on or entry.ends_on:
        lines.append(tr.mrkdwn("Time frame: {start} – {end}", start=entry.starts_on or "…", end=entry.ends_on or "…"))
    if full and isinstance(entry, Need) and entry.location:
        lines.append(tr.mrkdwn("Where: {place}", place=entry.location))
    if full and isinstance(entry, Need) and entry.ownership:
        lines.append(tr.mrkdwn("National ownership: {parts}",
                               parts=_labels(tr, entry.ownership, Ownership, OWNERSHIP)))
    if full and isinstance(entry, Offer):
        if entry.countries or entry.regions:
            places = [tr.country(c) for c in entry.countries] + [
                tr._(REGIONS[r]) for r in from_mask(entry.regions, Region)]
            lines.append(tr.mrkdwn("Serves: {places}", places=", ".join(places)))
        if entry.languages:
            names = ", ".join(_language_name(tr, lang) for lang in from_mask(entry.languages, Language))
            lines.append(tr.mrkdwn("Languages: {languages}", languages=names))
        if entry.capacity:
            lines.append(tr.mrkdwn("Capacity: {capacity}", capacity=entry.capacity))
        if entry.contact:
            lines.append(tr.mrkdwn("Contact: {contact}", contact=entry.contact))
    return "\n".join(lines)


def entry_context(tr: Translator, entry: p.Entry, *, now: datetime) -> ContextBlock:
    parts = [
        tr.mrkdwn("Status: {status}", status=Msg(STATUSES[entry.status])),
        tr.mrkdwn("Visible to: {who}", who=Msg(VISIBILITIES[entry.visibility])),
        tr.mrkdwn("Confirmed current on {date}", date=entry.confirmed_at.date()),
    ]
    if entry.status in p.CURRENT and p.is_stale(entry, now):
        parts.append(tr.mrkdwn("*Not confirmed for six months: press Still current if it is.*"))
    return ContextBlock(elements=[MarkdownTextObject(text=" · ".join(parts))])


def entry_actions(tr: Translator, entry: p.Entry) -> ActionsBlock:
    value = entry_value(p.side_of(entry), entry.id)
    buttons = [
        ButtonElement(text=tr._("Edit"), action_id=EDIT, value=value),
        ButtonElement(text=tr._("Still current"), action_id=CONFIRM, value=value, style="primary"),
        ButtonElement(text=tr._("Partly met"), action_id=PARTLY_MET, value=value),
        ButtonElement(text=tr._("Met"), action_id=MET, value=value),
        ButtonElement(text=tr._("Withdraw"), action_id=WITHDRAW, value=value, style="danger"),
    ]
    return ActionsBlock(block_id=f"{p.side_of(entry)}:{entry.id}", elements=buttons)


def entry_card(tr: Translator, entry: p.Entry, *, now: datetime, actions: bool, full: bool = False) -> list[Block]:
    if full:
        # A 3,000-character description fills a section alone: it gets its own, so nothing else is cut.
        blocks: list[Block] = [
            section(entry_summary(tr, entry, full=True, description=False)),
            section(tr.mrkdwn("{text}", text=entry.description)),
        ]
    else:
        blocks = [section(entry_summary(tr, entry))]
    blocks.append(entry_context(tr, entry, now=now))
    if actions:
        blocks.append(entry_actions(tr, entry))
    return blocks


def saved_message(tr: Translator, entry: p.Entry, *, now: datetime, created: bool) -> tuple[str, list[Block]]:
    text = (
        tr.mrkdwn("Saved: {heading}. You can change it with the buttons below, or from the App Home tab.",
                  heading=entry_heading(tr, entry))
        if created
        else tr.mrkdwn("Updated: {heading}.", heading=entry_heading(tr, entry))
    )
    return text, [section(text), *entry_card(tr, entry, now=now, actions=True)]


def announcement(tr: Translator, entry: p.Entry, *, now: datetime) -> tuple[str, list[Block]]:
    text = (
        tr.mrkdwn("New need for assistance from {state}", state=StateCode(entry.state_code))
        if isinstance(entry, Need)
        else tr.mrkdwn("New offer of assistance from {state}", state=p.poster(entry))
    )
    return text, [section(f"*{text}*"), *entry_card(tr, entry, now=now, actions=False)]


def status_message(tr: Translator, entry: p.Entry) -> str:
    return tr.mrkdwn("{heading} is now: {status}.", heading=entry_heading(tr, entry),
                     status=Msg(STATUSES[entry.status]))


# ------------------------------------------------------------------------------------------ matches

REASONS = {
    "area": N_("same area: {area}"),
    "kinds": N_("assistance in common: {kinds}"),
    "country": N_("the offer names {state}"),
    "region": N_("the offer covers {region}"),
    "anywhere": N_("the offer is open to any State"),
    "language": N_("a common language: {languages}"),
    "amount": N_("the amounts are close ({percent} per cent of the larger)"),
    "period": N_("the time frames overlap"),
}


def reasons_in_words(tr: Translator, reasons: list[dict[str, Any]]) -> Mrkdwn:
    words = []
    for reason in reasons:
        kind = reason.get("reason")
        if kind not in REASONS:
            continue
        params: dict[str, Any] = {}
        if kind == "area":
            params["area"] = Msg(AREAS[Area(reason["area"])])
        elif kind == "kinds":
            params["kinds"] = ", ".join(tr._(KINDS[Kind(k)]) for k in reason["kinds"])
        elif kind == "country":
            params["state"] = StateCode(reason["state"])
        elif kind == "region":
            params["region"] = Msg(REGIONS[Region(reason["region"])])
        elif kind == "language":
            params["languages"] = ", ".join(Locale.parse(tr.language).languages.get(code, code)
                                            for code in reason["languages"])
        elif kind == "amount":
            params["percent"] = round(float(reason["covers"]) * 100)
        words.append(tr.mrkdwn(REASONS[kind], **params))
    return Mrkdwn("; ".join(words))


def match_message(tr: Translator, match: Match, *, for_side: p.Side) -> tuple[str, list[Block]]:
    """The DM to one side of a match, naming the other side's entry and why they fit."""
    if for_side == "need":
        text = tr.mrkdwn(
            "{state} may be able to help with your need #{need}: their offer #{offer} “{title}”.",
            state=p.poster(match.offer), need=match.need_id, offer=match.offer_id,
            title=match.offer.title,
        )
    else:
        text = tr.mrkdwn(
            "Your offer #{offer} may help {state} with their need #{need} “{title}”.",
            state=StateCode(match.need.state_code), need=match.need_id, offer=match.offer_id,
            title=match.need.title,
        )
    why = tr.mrkdwn("Why: {reasons}.", reasons=reasons_in_words(tr, match.reasons))
    value = json.dumps({"match": match.id})
    return text, [
        section(f"{text}\n{why}"),
        ActionsBlock(block_id=f"match:{match.id}", elements=[
            ButtonElement(text=tr._("Start a conversation"), action_id=ACCEPT_MATCH, value=value, style="primary"),
            ButtonElement(text=tr._("Not relevant"), action_id=DISMISS_MATCH, value=value),
        ]),
    ]


def matches_section(tr: Translator, matches: list[Match], *, side: p.Side) -> list[Block]:
    if not matches:
        return [section(tr.mrkdwn("No matching entries yet. The bot will tell you when one is posted."))]
    blocks: list[Block] = [section(tr.mrkdwn("*Best current matches*"))]
    for match in matches:
        other = match.offer if side == "need" else match.need
        blocks.append(section(tr.mrkdwn(
            "{heading} · {state} · {title} — score {score}\n{reasons}", heading=entry_heading(tr, other),
            state=p.poster(other), title=other.title, score=f"{match.score:.2f}",
            reasons=reasons_in_words(tr, match.reasons))))
    return blocks


# ------------------------------------------------------------------------------------------- browse


def browse_view(tr: Translator, filters: dict[str, Any], entries: list[p.Entry], total: int,
                states: list[StateParty], *, now: datetime) -> View:
    page, size = filters["page"], filters["size"]
    pages = max(1, -(-total // size))

    def select(name: str, placeholder: str, options: list[Option] | None, groups: list[OptionGroup] | None = None):
        every = [Option(value=ALL, text=tr._("All"))]
        if groups:
            groups = [OptionGroup(label=tr._("All"), options=every), *groups]
            flat = [o for g in groups for o in g.options]
        else:
            options = every + (options or [])
            flat = options
        current = next((o for o in flat if o.value == (filters.get(name) or ALL)), None)
        return StaticSelectElement(action_id=f"{BROWSE_FILTER}.{name}", placeholder=tr._(placeholder),
                                   options=options if not groups else None, option_groups=groups,
                                   initial_option=current)

    sides = [Option(value="need", text=tr._("Needs")), Option(value="offer", text=tr._("Offers"))]
    state_opts, state_groups = state_options(tr, states)
    statuses = [Option(value=k, text=tr._(v)) for k, v in BROWSE_STATUSES.items()]
    blocks: list[Block] = [
        ActionsBlock(block_id="browse.filters", elements=[
            StaticSelectElement(action_id=f"{BROWSE_FILTER}.side", options=sides,
                                initial_option=_one(sides, filters["side"])),
            select("area", N_("Area"), _options(tr, AREAS)),
            select("kind", N_("Kind"), _options(tr, KINDS)),
            select("region", N_("Region"), _options(tr, REGIONS)),
            select("state", N_("State"), state_opts, state_groups),
            StaticSelectElement(action_id=f"{BROWSE_FILTER}.status", options=statuses,
                                initial_option=_one(statuses, filters["status"])),
        ]),
        DividerBlock(),
    ]
    if not entries:
        blocks.append(section(tr.mrkdwn("Nothing matches these filters.")))
    for entry in entries:
        summary = section(entry_summary(tr, entry))
        summary.accessory = ButtonElement(text=tr._("View"), action_id=OPEN,
                                          value=entry_value(p.side_of(entry), entry.id))
        blocks += [summary, entry_context(tr, entry, now=now)]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=tr.mrkdwn(
        "Page {page} of {pages} · {total} entries", page=page + 1, pages=pages, total=total))]))
    paging = []
    if page > 0:
        paging.append(ButtonElement(text=tr._("Previous"), action_id=f"{BROWSE_PAGE}.previous", value=str(page - 1)))
    if page + 1 < pages:
        paging.append(ButtonElement(text=tr._("Next"), action_id=f"{BROWSE_PAGE}.next", value=str(page + 1)))
    if paging:
        blocks.append(ActionsBlock(block_id="browse.paging", elements=paging))
    return View(type="modal", callback_id=BROWSE, title=browse_title(tr),
                close=tr._("Close"), private_metadata=json.dumps(filters), blocks=blocks)


def entry_view(tr: Translator, entry: p.Entry, matches: list[Match], *, now: datetime, can_edit: bool) -> View:
    blocks = entry_card(tr, entry, now=now, actions=can_edit, full=True)
    if isinstance(entry, Need):
        blocks += [DividerBlock(), *matches_section(tr, matches, side="need")]
    return View(type="modal", title=entry_title(tr, p.side_of(entry)), close=tr._("Back"), blocks=blocks)


def browse_title(tr: Translator) -> str:
    return tr._("Platform for Partnerships")[:24]


def entry_title(tr: Translator, side: p.Side) -> str:
    return tr._("Need") if side == "need" else tr._("Offer")


# --------------------------------------------------------------------------------------------- home


def home_sections(tr: Translator, *, entries: list[p.Entry], waiting: list[tuple[Match, p.Side]],
                  due: list[p.Entry], now: datetime) -> list[Block]:
    blocks: list[Block] = [HeaderBlock(text=tr._("Your State on the platform")[:150])]
    if due:
        blocks.append(section(tr.mrkdwn("*Needs updating*: confirm these are still current, or change them.")))
        for entry in due:
            blocks += entry_card(tr, entry, now=now, actions=True)
    if waiting:
        blocks.append(section(tr.mrkdwn("*Matches waiting for your answer*")))
        for match, side in waiting:
            blocks += match_message(tr, match, for_side=side)[1]
    blocks.append(section(tr.mrkdwn("*Your State's entries*")))
    if not entries:
        blocks.append(section(tr.mrkdwn("None yet: type `/need` or `/offer` to post one.")))
    for entry in entries:
        if entry not in due:
            blocks += entry_card(tr, entry, now=now, actions=True)
    return blocks


def usage_sections(tr: Translator, month: Usage, year: Usage) -> list[Block]:
    rows = [
        (N_("Entries posted"), month.posted, year.posted),
        (N_("Entries updated"), month.updated, year.updated),
        (N_("States active"), month.states_active, year.states_active),
        (N_("Matches made"), month.matches_made, year.matches_made),
        (N_("Matches accepted by both sides"), month.matches_accepted, year.matches_accepted),
    ]
    lines = [tr.mrkdwn("*How much the platform is used* (last 30 days / last 365 days)")]
    lines += [tr.mrkdwn("{what}: {month} / {year}", what=Msg(label), month=m, year=y) for label, m, y in rows]
    return [HeaderBlock(text=tr._("Platform usage")), section("\n".join(lines))]
