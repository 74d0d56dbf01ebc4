"""The Platform for Partnerships: posting, editing and closing needs and offers, who may see and
change them, and how fresh they are. Every change is audited with the entry before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from babel.numbers import list_currencies
from sqlalchemy.orm import Session

from bot.errors import N_, NotAuthorised, NotFound, Refusal
from bot.forms import FormReader
from bot.platform.fields import FIELDS, MASKS
from bot.registration.people import is_isu
from bot.text import Msg, StateCode
from storage import audit
from storage import platform as queries
from storage.models import Need, Offer, Person, Role
from storage.taxonomy import (
    Area,
    Challenge,
    EntryStatus,
    Kind,
    Language,
    Ownership,
    Region,
    Visibility,
    bit,
    from_mask,
    to_mask,
)

Side = Literal["need", "offer"]
Entry = Need | Offer
MODELS: dict[str, type[Entry]] = {"need": Need, "offer": Offer}

# An entry nobody has confirmed for six months is stale: it leaves the default browse.
STALE_AFTER = timedelta(days=182)
# A month before that, its State is asked (App Home, and the reminders issue) to confirm it.
DUE_FOR_UPDATE_AFTER = timedelta(days=152)
AMOUNT_MAX = Decimal("1e13")
CURRENT = (EntryStatus.OPEN, EntryStatus.PARTLY_MET)

# The block ids the form's cross-field checks (amount with currency, start before end) report on.
F_AMOUNT, F_CURRENCY, F_STARTS, F_ENDS = "amount", "currency", "starts_on", "ends_on"


class NotRegistered(NotAuthorised):
    pass


@dataclass(frozen=True)
class Viewer:
    """Who is looking, as far as visibility is concerned."""

    state_code: str | None
    sees_everything: bool  # ISU staff and Committee members
    is_delegate: bool
    organisation_id: int | None = None  # the organisation they speak for: a partner, never a State

    @classmethod
    def of(cls, person: Person | None) -> Viewer:
        if person is None:
            return cls(state_code=None, sees_everything=False, is_delegate=False)
        return cls(
            state_code=person.state_code,
            sees_everything=person.has_role(Role.ISU) or person.has_role(Role.COMMITTEE),
            is_delegate=person.state_code is not None,
            organisation_id=person.organisation_id,
        )

    def owns(self, entry: Entry) -> bool:
        """Whether the viewer speaks for the State, or the organisation, the entry is posted for."""
        if entry.state_code is not None:
            return entry.state_code == self.state_code
        organisation = getattr(entry, "organisation_id", None)
        return organisation is not None and organisation == self.organisation_id

    @property
    def visibilities(self) -> frozenset[Visibility]:
        if self.sees_everything:
            return frozenset(Visibility)
        if self.is_delegate:
            return frozenset({Visibility.PUBLIC, Visibility.STATES})
        return frozenset({Visibility.PUBLIC})

    def can_view(self, entry: Entry) -> bool:
        """The one rule of consent: a State's own entries, or what its chosen visibility allows."""
        if self.sees_everything or self.owns(entry):
            return True
        return entry.visibility in self.visibilities and entry.status != EntryStatus.WITHDRAWN


def is_stale(entry: Entry, now: datetime) -> bool:
    return entry.confirmed_at < now - STALE_AFTER


def is_due_for_update(entry: Entry, now: datetime) -> bool:
    return entry.status in CURRENT and entry.confirmed_at < now - DUE_FOR_UPDATE_AFTER


def poster(entry: Entry) -> StateCode | str:
    """Whom an entry is posted for, as messages name them: a State (in the reader's language) or an
    organisation (by its name)."""
    if entry.state_code is not None:
        return StateCode(entry.state_code)
    organisation = getattr(entry, "organisation", None)
    return organisation.name if organisation is not None else "—"


def require_delegate(person: Person) -> str:
    """The State a person posts for; anyone else is told how to register."""
    if person.state_code is None and person.organisation_id is not None:
        raise NotRegistered(N_("Needs for assistance are posted by States Parties. Your organisation can offer "
                               "assistance: type `/offer`."))
    if person.state_code is None:
        raise NotRegistered(
            N_("Only registered delegates can post for their State. Type `/pfp register` to register; "
               "ISU staff will confirm it.")
        )
    return person.state_code


# ------------------------------------------------------------------------------------------ forms


class _Form(FormReader):
    """A need's or an offer's form: the shared readers, and money."""

    def amount(self) -> tuple[Decimal | None, str | None]:
        from babel.numbers import NumberFormatError, parse_decimal

        raw = (self.values.get(F_AMOUNT) or "").strip().replace("\u00a0", " ").replace("\u202f", " ")
        currency = (self.values.get(F_CURRENCY) or "").strip().upper() or None
        amount = None
        if raw:
            try:
                amount = parse_decimal(raw.replace(" ", ""), locale=_number_locale(self.language), strict=False)
            except (NumberFormatError, InvalidOperation, ValueError):
                amount = None
            # Decimal reads "NaN", "Infinity" and "1e30" too: none of them is an amount of money.
            if amount is None or not amount.is_finite():
                self.errors[F_AMOUNT] = (N_("Write the amount in figures, for example 250000 or 250,000.50."), {})
                amount = None
            elif amount < 0:
                self.errors[F_AMOUNT] = (N_("The amount cannot be negative."), {})
                amount = None
            elif amount >= AMOUNT_MAX:
                self.errors[F_AMOUNT] = (
                    N_("This amount is too large: up to {largest} is accepted. Check the number of zeros."),
                    {"largest": AMOUNT_MAX - 1},
                )
                amount = None
            else:
                amount = amount.quantize(Decimal("0.01"))
        if currency is not None and currency not in _currencies():
            self.errors[F_CURRENCY] = (
                N_("'{currency}' is not a currency code: use three letters such as USD, EUR or CHF."),
                {"currency": currency[:10]},
            )
        elif amount is not None and currency is None:
            self.errors[F_CURRENCY] = (N_("Say which currency the amount is in (USD, EUR, CHF...)."), {})
        return amount, currency


def _number_locale(language: str) -> str:
    return {"en": "en_GB"}.get(language, language)


def _currencies() -> set[str]:
    return set(list_currencies())


@dataclass(frozen=True)
class NeedForm:
    area: Area
    kinds: list[Kind]
    challenges: list[Challenge]
    title: str
    description: str
    amount: Decimal | None
    currency: str | None
    starts_on: date | None
    ends_on: date | None
    location: str | None
    visibility: Visibility
    consent_to_mapping: bool
    ownership: list[Ownership]


@dataclass(frozen=True)
class OfferForm:
    kinds: list[Kind]
    areas: list[Area]
    regions: list[Region]
    countries: list[str]
    title: str
    description: str
    amount: Decimal | None
    currency: str | None
    capacity: str | None
    languages: list[Language]
    starts_on: date | None
    ends_on: date | None
    contact: str | None
    visibility: Visibility


def _read(side: Side, values: dict[str, Any], *, language: str, known_states: set[str] | None = None) -> dict[str, Any]:
    """A submitted form's values by column, read field by field as bot/platform/fields.py declares them;
    every problem is collected, each on its own field."""
    form = _Form(values, language)
    read: dict[str, Any] = {}
    for f in FIELDS[side]:
        if f.input in ("text", "long_text"):
            read[f.key] = form.text(f.name, f.limit or 0, required=f.required)
        elif f.input in ("select", "radio"):
            read[f.key] = form.one(f.name, f.choices, required=f.required)  # type: ignore[arg-type]
        elif f.masked:
            read[f.key] = form.many(f.name, f.choices, required=f.required)  # type: ignore[arg-type]
        elif f.input == "consent":
            read[f.key] = "yes" in (values.get(f.name) or [])
        elif f.input == "states":
            read[f.key] = sorted({str(code).upper() for code in values.get(f.name) or []})
            if any(code not in (known_states or set()) for code in read[f.key]):
                form.errors[f.name] = (N_("Choose the States from the list."), {})
    read["amount"], read["currency"] = form.amount()
    read["starts_on"], read["ends_on"] = form.period(F_STARTS, F_ENDS, required=False)
    form.done()
    return read


def read_need_form(values: dict[str, Any], *, language: str) -> NeedForm:
    return NeedForm(**_read("need", values, language=language))


def read_offer_form(values: dict[str, Any], *, language: str, known_states: set[str]) -> OfferForm:
    return OfferForm(**_read("offer", values, language=language, known_states=known_states))


def _columns(form: NeedForm | OfferForm) -> dict[str, Any]:
    """A form's values as the entry's column values: several choices become a bit mask."""
    fields = FIELDS["need" if isinstance(form, NeedForm) else "offer"]
    return {f.key: to_mask(getattr(form, f.key)) if f.masked else getattr(form, f.key) for f in fields}


def snapshot(entry: Entry) -> dict[str, Any]:
    """An entry as the audit log keeps it: plain JSON values, masks spelled out."""
    values: dict[str, Any] = {}
    for column in entry.__table__.columns:
        value = getattr(entry, column.key)
        if column.key in MASKS:
            value = [member.value for member in from_mask(value or 0, MASKS[column.key])]
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        values[column.key] = value
    return values


def side_of(entry: Entry) -> Side:
    return "need" if isinstance(entry, Need) else "offer"


# -------------------------------------------------------------------------------------- changes


def require_poster(person: Person, side: Side) -> dict[str, Any]:
    """For whom a person posts on this side: their State, or, for an offer, their organisation too."""
    if side == "offer" and person.state_code is None and person.organisation_id is not None:
        return {"organisation_id": person.organisation_id}
    return {"state_code": require_delegate(person)}


def post(session: Session, person: Person, form: NeedForm | OfferForm, *, now: datetime) -> Entry:
    model = Need if isinstance(form, NeedForm) else Offer
    entry = model(
        **_columns(form), **require_poster(person, "need" if model is Need else "offer"), posted_by=person.id,
        status=EntryStatus.OPEN, created_at=now, updated_at=now, confirmed_at=now,
    )
    session.add(entry)
    session.flush()
    audit.record(session, at=now, actor=person.slack_user_id, action=f"{side_of(entry)}.posted",
                 subject=f"{side_of(entry)}:{entry.id}", after=snapshot(entry))
    return entry


def find(session: Session, side: Side, entry_id: int, viewer: Viewer) -> Entry:
    """An entry the viewer may see; one they may not see does not exist for them."""
    entry = session.get(MODELS[side], entry_id)
    if entry is None or not viewer.can_view(entry):
        raise NotFound(
            N_("There is no {side} number {number}. Type `/pfp browse` to see the entries you can open."),
            side=side_label(side), number=entry_id,
        )
    return entry


def side_label(side: Side) -> Msg:
    return Msg(N_("need")) if side == "need" else Msg(N_("offer"))


def may_change(person: Person | None, entry: Entry) -> bool:
    """The one rule of who changes an entry: its own State's delegates (its organisation's people), and ISU staff."""
    return is_isu(person) or (person is not None and Viewer.of(person).owns(entry))


def editable(session: Session, person: Person, side: Side, entry_id: int, *, now: datetime, action: str) -> Entry:
    """An entry the person may change (may_change). Anyone else is refused, and the attempt (a forged
    button, say) is audited."""
    entry = find(session, side, entry_id, Viewer.of(person))
    if may_change(person, entry):
        return entry
    raise NotAuthorised(
        N_("Only delegates of {state} and ISU staff can change this entry. Nothing was changed."),
        state=poster(entry),
        refusal=Refusal(person.slack_user_id, f"{side}.change_refused", f"{side}:{entry_id}", action),
    )


def edit(session: Session, person: Person, side: Side, entry_id: int, form: NeedForm | OfferForm,
         *, now: datetime) -> Entry:
    entry = editable(session, person, side, entry_id, now=now, action="edit")
    before = snapshot(entry)
    for key, value in _columns(form).items():
        setattr(entry, key, value)
    entry.updated_at = entry.confirmed_at = now  # editing an entry confirms it is current
    audit.record(session, at=now, actor=person.slack_user_id, action=f"{side}.edited",
                 subject=f"{side}:{entry.id}", before=before, after=snapshot(entry))
    return entry


def change_status(session: Session, person: Person, side: Side, entry_id: int, status: EntryStatus,
                  *, now: datetime) -> Entry:
    entry = editable(session, person, side, entry_id, now=now, action=status.value)
    before = snapshot(entry)
    entry.status = status
    entry.updated_at = now
    if status in CURRENT:
        entry.confirmed_at = now
    audit.record(session, at=now, actor=person.slack_user_id, action=f"{side}.status",
                 subject=f"{side}:{entry.id}", before=before, after=snapshot(entry))
    return entry


def confirm_current(session: Session, person: Person, side: Side, entry_id: int, *, now: datetime) -> Entry:
    """"Still current": the entry's freshness starts again."""
    entry = editable(session, person, side, entry_id, now=now, action="confirm")
    before = snapshot(entry)
    entry.confirmed_at = now
    audit.record(session, at=now, actor=person.slack_user_id, action=f"{side}.confirmed",
                 subject=f"{side}:{entry.id}", before=before, after=snapshot(entry))
    return entry





# ------------------------------------------------------------------------------------------- browse

PAGE_SIZE = 10
PAGE_MAX = 100_000  # a page number from a button is clamped: an offset past this would overflow SQL
BROWSE_STATUSES = ("current", "stale", "met", "withdrawn")


def browse_filters(raw: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """Browse filters from a modal's metadata and a change; anything unknown falls back to 'all'."""
    filters: dict[str, Any] = {"side": "need", "area": None, "kind": None, "state": None, "region": None,
                               "status": "current", "page": 0, "size": PAGE_SIZE}
    for key, value in {**(raw or {}), **changes}.items():
        if key in filters:
            filters[key] = None if value == "*" else value
    checks = {"area": Area, "kind": Kind, "region": Region}
    for key, enum_class in checks.items():
        if filters[key] not in {m.value for m in enum_class}:
            filters[key] = None
    if filters["side"] not in MODELS:
        filters["side"] = "need"
    if filters["status"] not in BROWSE_STATUSES:
        filters["status"] = "current"
    if not (isinstance(filters["state"], str) and len(filters["state"]) == 2 and filters["state"].isalpha()):
        filters["state"] = None
    try:
        filters["page"] = min(max(0, int(filters["page"])), PAGE_MAX)
    except (TypeError, ValueError, OverflowError):
        filters["page"] = 0
    filters["size"] = PAGE_SIZE
    if "page" not in changes and changes:
        filters["page"] = 0  # a new filter starts from the first page
    return filters


def browse(session: Session, person: Person | None, filters: dict[str, Any], *, now: datetime) -> tuple[
        list[Entry], int]:
    viewer = Viewer.of(person)
    query = queries.BrowseQuery(
        area=Area(filters["area"]) if filters["area"] else None,
        kind_bit=bit(Kind(filters["kind"])) if filters["kind"] else None,
        state=filters["state"], region=filters["region"], status=filters["status"],
        offset=filters["page"] * filters["size"], limit=filters["size"],
    )
    return queries.browse(
        session, MODELS[filters["side"]], query, visibilities=viewer.visibilities, own_state=viewer.state_code,
        own_organisation=viewer.organisation_id, everything=viewer.sees_everything, fresh_since=now - STALE_AFTER,
    )


def stale_entries(session: Session, now: datetime, states: set[str]) -> list[Entry]:
    """Every current need and offer of these States nobody confirmed for six months."""
    return [entry for model in (Need, Offer)
            for entry in queries.stale_entries(session, model, confirmed_before=now - STALE_AFTER, states=states)]


def stale_organisation_offers(session: Session, now: datetime) -> list[Offer]:
    """Every current offer of an organisation nobody confirmed for six months."""
    return queries.stale_organisation_offers(session, confirmed_before=now - STALE_AFTER)


def state_entries(session: Session, state_code: str) -> list[Entry]:
    return [*queries.entries_of_state(session, Need, state_code), *queries.entries_of_state(session, Offer, state_code)]


def own_entries(session: Session, person: Person) -> list[Entry]:
    """The entries a person's State, or organisation (offers only), has posted and not withdrawn."""
    if person.state_code is not None:
        return state_entries(session, person.state_code)
    if person.organisation_id is not None:
        return list(queries.offers_of_organisation(session, person.organisation_id))
    return []


def usage(session: Session, *, now: datetime) -> tuple[queries.Usage, queries.Usage]:
    """Platform use over the last 30 and 365 days, for the ISU and the Committee."""
    month, year = (queries.usage_since(session, now - timedelta(days=days)) for days in (30, 365))
    return month, year
