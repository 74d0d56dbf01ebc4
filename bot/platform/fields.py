"""The fields of a need and of an offer, each declared once. The form (bot/platform/blocks.py), the
reader and the stored columns and the audit snapshot (bot/platform/rules.py) all walk these lists, so
adding a field is one line here, and a set of choices stored as a bit mask cannot be forgotten by one
of them (the snapshot once kept such a field as a bare number)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Literal

from bot.errors import N_
from storage.taxonomy import Area, Challenge, Kind, Language, Ownership, Region, Visibility

TITLE_MAX, DESCRIPTION_MAX, LOCATION_MAX, CAPACITY_MAX, CONTACT_MAX = 150, 3000, 200, 500, 200

# What each choice is called, in message ids translated where shown.
AREAS = {
    Area.STOCKPILE_DESTRUCTION: N_("Stockpile destruction (Article 4)"),
    Area.CLEARANCE: N_("Survey and clearance (Article 5)"),
    Area.VICTIM_ASSISTANCE: N_("Victim assistance"),
    Area.RISK_EDUCATION: N_("Risk education"),
    Area.NATIONAL_CAPACITY: N_("National capacity and coordination"),
}
KINDS = {
    Kind.FINANCIAL: N_("Financial support"),
    Kind.EQUIPMENT: N_("Equipment"),
    Kind.EXPERTISE: N_("Expertise"),
    Kind.KNOW_HOW: N_("Experience and technical know-how"),
    Kind.BEST_PRACTICE: N_("Sharing of best practice"),
}
CHALLENGES = {
    Challenge.FINANCIAL: N_("Financial"),
    Challenge.TECHNICAL: N_("Technical"),
    Challenge.POLITICAL: N_("Political"),
}
OWNERSHIP = {
    Ownership.HIGH_LEVEL_INTEREST: N_("High-level national interest"),
    Ownership.NATIONAL_AUTHORITY: N_("An empowered national authority"),
    Ownership.CLEAR_PICTURE: N_("A clear picture of the problem"),
    Ownership.REALISTIC_PLAN: N_("A realistic national plan"),
    Ownership.NATIONAL_FUNDING: N_("National funding"),
}
REGIONS = {
    Region.AFRICA: N_("Africa"),
    Region.AMERICAS: N_("Americas"),
    Region.ASIA: N_("Asia"),
    Region.EUROPE: N_("Europe"),
    Region.OCEANIA: N_("Oceania"),
}
VISIBILITIES = {
    Visibility.PUBLIC: N_("Public: anyone, and the Convention's website"),
    Visibility.STATES: N_("States Parties: registered delegates, the ISU and the Committee"),
    Visibility.ISU: N_("Confidential: the ISU and the Committee only"),
}

Input = Literal["text", "long_text", "select", "radio", "checkboxes", "amount", "currency", "date", "consent",
                "states", "languages"]


@dataclass(frozen=True)
class Field:
    name: str  # the form's block id, the reader's key, the snapshot's and the export's name
    input: Input
    label: str  # a message id
    column: str | None = None  # the model's attribute, when it is not `name`
    choices: type[enum.Enum] | None = None
    labels: dict[Any, str] | None = None
    limit: int | None = None
    required: bool = False
    placeholder: str | None = None

    @property
    def key(self) -> str:
        return self.column or self.name

    @property
    def masked(self) -> bool:
        """Several choices, stored as a bit mask of `choices` (storage.taxonomy.to_mask)."""
        return self.input in ("checkboxes", "languages")


NEED_FIELDS: tuple[Field, ...] = (
    Field("area", "select", N_("Area"), choices=Area, labels=AREAS, required=True, placeholder=N_("Choose an area")),
    Field("kinds", "checkboxes", N_("Kind of assistance wanted"), choices=Kind, labels=KINDS, required=True),
    Field("challenges", "checkboxes", N_("Nature of the challenge"), choices=Challenge, labels=CHALLENGES,
          required=True),
    Field("title", "text", N_("Title"), limit=TITLE_MAX, required=True,
          placeholder=N_("e.g. Survey of mined areas in the north-west")),
    Field("description", "long_text", N_("Description"), limit=DESCRIPTION_MAX, required=True),
    Field("amount", "amount", N_("Estimated amount (optional)"), limit=20, placeholder=N_("e.g. 250000")),
    Field("currency", "currency", N_("Currency"), limit=3, placeholder=N_("USD, EUR, CHF...")),
    Field("starts_on", "date", N_("From")),
    Field("ends_on", "date", N_("To")),
    Field("location", "text", N_("Where in the country (optional)"), limit=LOCATION_MAX),
    Field("visibility", "radio", N_("Who may see it"), choices=Visibility, labels=VISIBILITIES, required=True),
    Field("consent", "consent", N_("Consent"), column="consent_to_mapping",
          labels={"yes": N_("The Committee may use this need in its mapping of challenges")}),
    Field("ownership", "checkboxes", N_("National ownership: what your State has in place (optional)"),
          choices=Ownership, labels=OWNERSHIP),
)

OFFER_FIELDS: tuple[Field, ...] = (
    Field("title", "text", N_("Title"), limit=TITLE_MAX, required=True,
          placeholder=N_("e.g. Technical survey teams for 2027")),
    Field("description", "long_text", N_("Description"), limit=DESCRIPTION_MAX, required=True),
    Field("kinds", "checkboxes", N_("Kind of assistance offered"), choices=Kind, labels=KINDS, required=True),
    Field("areas", "checkboxes", N_("Areas"), choices=Area, labels=AREAS, required=True),
    Field("regions", "checkboxes", N_("Regions served (leave empty for anywhere)"), choices=Region, labels=REGIONS),
    Field("countries", "states", N_("States served (optional)"), placeholder=N_("Choose States Parties")),
    Field("amount", "amount", N_("Amount (optional)"), limit=20, placeholder=N_("e.g. 250000")),
    Field("currency", "currency", N_("Currency"), limit=3, placeholder=N_("USD, EUR, CHF...")),
    Field("capacity", "long_text", N_("Capacity: the period of the amount, or a description (optional)"),
          limit=CAPACITY_MAX),
    Field("languages", "languages", N_("Languages"), choices=Language, required=True),
    Field("starts_on", "date", N_("Available from")),
    Field("ends_on", "date", N_("Available until")),
    Field("contact", "text", N_("Contact person (optional)"), limit=CONTACT_MAX),
    Field("visibility", "radio", N_("Who may see it"), choices=Visibility, labels=VISIBILITIES, required=True),
)

FIELDS: dict[str, tuple[Field, ...]] = {"need": NEED_FIELDS, "offer": OFFER_FIELDS}
# Every column stored as a bit mask, and of which choices: what the snapshot spells out.
MASKS: dict[str, type[enum.Enum]] = {
    f.key: f.choices for fields in FIELDS.values() for f in fields if f.masked and f.choices is not None
}
