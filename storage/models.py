"""The tables, as typed SQLAlchemy 2 models. Migrations in `storage/migrations` create them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.taxonomy import Answer, Area, EntryStatus, Region, Visibility
from storage.types import UTCDateTime


class Base(DeclarativeBase):
    pass


def _enum(enum_class: type[enum.Enum], length: int = 16) -> Enum:
    """A portable enum column (a short string, no native type) that stores values like 'isu'."""
    return Enum(enum_class, native_enum=False, length=length, values_callable=_values)


def _values(enum_class: type[enum.Enum]) -> list[str]:
    """Store enum values ('isu'), not member names ('ISU'): the database reads like the domain."""
    return [member.value for member in enum_class]


class Role(enum.StrEnum):
    """Roles granted by ISU staff; being a delegate or a focal point comes from registration."""

    ISU = "isu"
    COMMITTEE = "committee"  # the Committee on the Enhancement of Cooperation and Assistance
    OTHER_COMMITTEE = "other_committee"  # Article 5 implementation, victim assistance, cooperative compliance
    PRESIDENT = "president"  # the Convention's President and their team, who co-chair the meetings


class EventKind(enum.StrEnum):
    """The kinds of date ISU staff enter in the Convention's calendar."""

    INTERSESSIONAL = "intersessional"  # the Intersessional Meetings, Geneva, usually May or June
    MSP = "msp"  # the Meeting of the States Parties, late November or December
    REVIEW_CONFERENCE = "review_conference"  # every five years, in the MSP's place
    OTHER = "other"  # a pledging conference, a committee meeting...


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class MeetingStatus(enum.StrEnum):
    """Where an individualised meeting request stands; bot/meetings/rules.py says which moves are allowed."""

    REQUESTED = "requested"
    INFORMATION_ASKED = "information_asked"  # ISU staff asked a question; the requester answers
    SCHEDULED = "scheduled"
    HELD = "held"  # its outcomes are recorded
    REPORT_DRAFTED = "report_drafted"
    REPORT_FINAL = "report_final"  # frozen
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


OPEN_MEETING_STATUSES = (MeetingStatus.REQUESTED, MeetingStatus.INFORMATION_ASKED, MeetingStatus.SCHEDULED)


class MeetingTiming(enum.StrEnum):
    LEAD_UP = "lead_up"  # in the lead-up to the occasion (the annex's preference)
    MARGINS = "margins"  # on its margins


class ReportSharing(enum.StrEnum):
    """How the requesting State lets the meeting's report be shared."""

    ALL = "all"  # with all States Parties and observers
    ANONYMISED = "anonymised"  # as a summary naming no State and no person
    NONE = "none"  # not at all


class InvitationAnswer(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class DeliveryStatus(enum.StrEnum):
    """Where one scheduled message stands in the delivery ledger (storage/ledger.py)."""

    CLAIMED = "claimed"  # a sender holds it until its lease ends
    SENT = "sent"  # done: in Slack at channel/ts
    SKIPPED = "skipped"  # done: its moment passed by more than its grace, so it was never sent late
    UNDELIVERABLE = "undeliverable"  # done: the person left the workspace
    FAILED = "failed"  # the last attempt failed; it may be claimed again


class ReportSource(enum.StrEnum):
    """How an Article 7 report came to be recorded as received."""

    BUTTON = "button"  # a delegate (or ISU staff) pressed Report submitted in a reminder
    COMMAND = "command"  # ISU staff: `/pfp admin article7 received`, or `pfp article7 received` on the server
    IMPORT = "import"  # ISU's list of reports received, `pfp article7 import`


class OrganisationType(enum.StrEnum):
    """The partners beyond States (seed 001, "the complete range of partnerships"); the meetings' invitation
    categories (bot/meetings/rules.py OTHERS) name the same groups."""

    INTERNATIONAL = "international"  # international and regional organisations: UN agencies, the ICRC...
    CIVIL_SOCIETY = "civil_society"
    OPERATOR = "operator"  # demining and victim-assistance operators
    PRIVATE = "private"  # private companies


class StateParty(Base):
    """A State that is or was party to the Convention; reference data, editable by ISU staff."""

    __tablename__ = "state_parties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    entry_into_force: Mapped[date] = mapped_column(Date)
    withdrawal_effective: Mapped[date | None] = mapped_column(Date)
    article4: Mapped[bool] = mapped_column(Boolean, default=False)
    article5_deadline: Mapped[date | None] = mapped_column(Date)
    victim_assistance: Mapped[bool] = mapped_column(Boolean, default=False)
    region: Mapped[Region] = mapped_column(_enum(Region))  # UN M49 continental region
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def is_party_on(self, day: date) -> bool:
        if day < self.entry_into_force:
            return False
        return self.withdrawal_effective is None or day < self.withdrawal_effective


class Organisation(Base):
    """A partner beyond States, recorded when ISU staff approve the first registration for it. Its
    people post offers and are parties to partnerships as States' delegates are; it is never a State."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name folded (case, accents, spaces): one organisation however its people spell it.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[OrganisationType] = mapped_column(_enum(OrganisationType, length=24))
    seat_country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2; any country, not only Parties
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    """Someone in the Slack workspace the bot has met; a delegate once ISU approves a registration."""

    __tablename__ = "people"
    __table_args__ = (
        # One focal point per State: a new one replaces the old one in the same transaction.
        Index(
            "uq_people_focal_point_per_state",
            "state_code",
            unique=True,
            sqlite_where=text("is_focal_point"),
            postgresql_where=text("is_focal_point"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slack_user_id: Mapped[str] = mapped_column(String(32), unique=True)
    locale: Mapped[str] = mapped_column(String(16), default="en")
    state_code: Mapped[str | None] = mapped_column(ForeignKey("state_parties.code"))
    is_focal_point: Mapped[bool] = mapped_column(Boolean, default=False)
    # The organisation they speak for, once approved; never together with a State.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    roles: Mapped[list[PersonRole]] = relationship(
        back_populates="person", cascade="all, delete-orphan", lazy="selectin",
        foreign_keys="PersonRole.person_id",
    )

    def has_role(self, role: Role) -> bool:
        return any(r.role == role for r in self.roles)


class PersonRole(Base):
    __tablename__ = "person_roles"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    granted_by: Mapped[str | None] = mapped_column(String(32))  # Slack user ID, or None at bootstrap

    person: Mapped[Person] = relationship(back_populates="roles", foreign_keys=[person_id])


class RegistrationRequest(Base):
    """A person's request to be recorded as a delegate (and maybe focal point) of a State Party, or as
    speaking for an organisation (then `state_code` is empty and the organisation's fields are set)."""

    __tablename__ = "registration_requests"
    __table_args__ = (
        # One pending request per person, even when two submissions race.
        Index(
            "uq_registration_requests_one_pending",
            "person_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        CheckConstraint("(state_code IS NULL) <> (organisation_name IS NULL)",
                        name="ck_registration_requests_state_or_organisation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    state_code: Mapped[str | None] = mapped_column(ForeignKey("state_parties.code"))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    organisation_type: Mapped[OrganisationType | None] = mapped_column(_enum(OrganisationType, length=24))
    organisation_country: Mapped[str | None] = mapped_column(String(2))  # of its seat
    wants_focal_point: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[RequestStatus] = mapped_column(
        _enum(RequestStatus), default=RequestStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(32))
    # Where the ISU review message was posted, so it can be updated in place.
    review_channel: Mapped[str | None] = mapped_column(String(32))
    review_ts: Mapped[str | None] = mapped_column(String(32))

    person: Mapped[Person] = relationship(lazy="joined")


class AuditEntry(Base):
    """Who did what, when, with the state before and after; also refused and forged attempts."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_subject", "subject"),
                      Index("uq_audit_log_dedupe_key", "dedupe_key", unique=True))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str | None] = mapped_column(String(32))  # Slack user ID as claimed by the request
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    detail: Mapped[str | None] = mapped_column(Text)
    # How many times this happened; above 1 only for rows that fold repeats (see audit.record_refusal).
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    dedupe_key: Mapped[str | None] = mapped_column(String(128))


class _Entry:
    """What needs and offers share: who posted it for which State, its visibility, status and freshness."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("state_parties.code"))
    posted_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text)
    kinds: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Kind
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    visibility: Mapped[Visibility] = mapped_column(_enum(Visibility))
    status: Mapped[EntryStatus] = mapped_column(_enum(EntryStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # last said to be current


class Need(_Entry, Base):
    """A State's need for assistance, posted on the Platform for Partnerships."""

    __tablename__ = "needs"
    __table_args__ = (
        # Browse reads the newest first: these let both databases walk an index instead of sorting.
        Index("ix_needs_browse", "status", "area", "updated_at"),
        Index("ix_needs_recent", "status", "updated_at"),
        Index("ix_needs_updated", "updated_at", "id"),
        Index("ix_needs_state", "state_code"),
    )

    area: Mapped[Area] = mapped_column(_enum(Area, length=24))
    challenges: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Challenge
    location: Mapped[str | None] = mapped_column(String(200))  # where in the country
    consent_to_mapping: Mapped[bool] = mapped_column(Boolean)  # the Committee may use it in its mapping
    ownership: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Ownership


class Offer(_Entry, Base):
    """Assistance a State, or an organisation, is in a position to offer."""

    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_browse", "status", "updated_at"),
        Index("ix_offers_updated", "updated_at", "id"),
        Index("ix_offers_state", "state_code"),
        Index("ix_offers_organisation", "organisation_id"),
        CheckConstraint("(state_code IS NULL) <> (organisation_id IS NULL)", name="ck_offers_state_or_organisation"),
    )

    # An organisation's offer has no State: one of the two is set.
    state_code: Mapped[str | None] = mapped_column(ForeignKey("state_parties.code"))  # type: ignore[assignment]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    areas: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Area
    regions: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Region served; 0 with no countries: anywhere
    countries: Mapped[list[str]] = mapped_column(JSON)  # ISO codes of States served
    capacity: Mapped[str | None] = mapped_column(String(500))  # the period of the amount, or a description
    languages: Mapped[int] = mapped_column(Integer)  # bit mask of taxonomy.Language
    contact: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class Match(Base):
    """A need and an offer the bot ranked as fitting, with the score, the reasons, and each side's answer."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("need_id", "offer_id", name="uq_matches_need_offer"),
                      Index("ix_matches_offer", "offer_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # [{"reason": "area", ...params}]
    need_answer: Mapped[Answer] = mapped_column(_enum(Answer))
    offer_answer: Mapped[Answer] = mapped_column(_enum(Answer))
    conversation: Mapped[str | None] = mapped_column(String(32))  # the group DM once both accepted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    need: Mapped[Need] = relationship(lazy="joined")
    offer: Mapped[Offer] = relationship(lazy="joined")


class ConventionEvent(Base):
    """A date of the Convention's year that ISU staff entered: a meeting and where it is held.
    (The 30 April Article 7 deadline is a rule in bot/calendar, never a row.)"""

    __tablename__ = "convention_events"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="ck_convention_events_ends_after_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind, length=24))
    title: Mapped[str] = mapped_column(String(200))  # "Twenty-Third Meeting of the States Parties"
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the last day, included
    place: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str | None] = mapped_column(String(32))  # Slack user ID, or None from the command line


class Delivery(Base):
    """One scheduled message in the delivery ledger: claimed, sent once, or recorded as why not.

    `key` names the message (rule, recipient, occasion, offset: `article7|KH|2027|-30d`); its unique
    constraint is what makes a message go out once however many schedulers run."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("key", name="uq_deliveries_key"),
        # What is due and not done: claims whose lease lapsed and failed attempts, by due time.
        Index("ix_deliveries_status_due", "status", "due_at"),
        # Reports: what happened to one rule's messages, or to all, since a moment.
        Index("ix_deliveries_rule_updated", "rule", "updated_at"),
        Index("ix_deliveries_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(64))  # e.g. "article7"
    recipient: Mapped[str | None] = mapped_column(String(32))  # Slack user ID it was addressed to, once known
    # No foreign key: the ledger keeps what was addressed, whatever later happens to the reference data.
    state_code: Mapped[str | None] = mapped_column(String(2))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus))
    claimed_by: Mapped[str | None] = mapped_column(String(100))  # the owner holding, or who last held, the claim
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # set only while claimed
    # The owner whose lease lapsed when the current holder took the claim: it may have sent before dying.
    taken_over_from: Mapped[str | None] = mapped_column(String(100))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # claims granted
    last_error: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(32))
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Article7Report(Base):
    """An Article 7 transparency report recorded as received: one per State and year. The reminders stop for
    a State and year once its report is here."""

    __tablename__ = "article7_reports"
    __table_args__ = (
        UniqueConstraint("state_code", "year", name="uq_article7_reports_state_year"),
        Index("ix_article7_reports_year", "year"),  # the reminders ask year by year (received_states)
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("state_parties.code"))
    # The year of the 30 April deadline, not the year the report covers: 2027 is the report due on
    # 30 April 2027, covering 1 January-31 December 2026 (as bot.calendar.article7_deadline(2027)).
    year: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[date] = mapped_column(Date)  # the day the ISU received it
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str | None] = mapped_column(String(32))  # Slack user ID, or None from the command line
    source: Mapped[ReportSource] = mapped_column(_enum(ReportSource))


class ReminderPause(Base):
    """A series of reminders ISU staff paused (`article7`, `platform`, `stale`, `digest`) until resumed."""

    __tablename__ = "reminder_pauses"

    rule: Mapped[str] = mapped_column(String(32), primary_key=True)
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime)
    paused_by: Mapped[str | None] = mapped_column(String(32))  # Slack user ID


class MeetingRequest(Base):
    """An affected State Party's request for an individualised meeting (seed 000, annex), from the request
    to the final report. Its details are confidential: the requesting delegation, ISU staff and, once
    it is scheduled, those invited see them (bot/meetings/rules.py `can_see`)."""

    __tablename__ = "meeting_requests"
    __table_args__ = (
        # One open request per State and occasion, even when two submissions race.
        Index("uq_meeting_requests_open", "state_code", "event_id", unique=True,
              sqlite_where=text("status IN ('requested', 'information_asked', 'scheduled')"),
              postgresql_where=text("status IN ('requested', 'information_asked', 'scheduled')")),
        CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ck_meeting_requests_ends_after_start"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("state_parties.code"))
    requested_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    on_behalf: Mapped[bool] = mapped_column(Boolean, default=False)  # ISU staff asked for the State
    eligibility_overridden: Mapped[bool] = mapped_column(Boolean, default=False)  # by ISU staff, audited
    event_id: Mapped[int] = mapped_column(ForeignKey("convention_events.id"))
    timing: Mapped[MeetingTiming] = mapped_column(_enum(MeetingTiming))
    preferred_dates: Mapped[list[str]] = mapped_column(JSON)  # ISO days, two or three
    invite_roles: Mapped[list[str]] = mapped_column(JSON)  # Role values: president, committee, other_committee
    invited_states: Mapped[list[str]] = mapped_column(JSON)  # ISO codes of States in a position to assist
    invited_others: Mapped[dict[str, str]] = mapped_column(JSON)  # observers, organisations, civil_society, operators
    situation: Mapped[str] = mapped_column(Text)  # the current status of implementation and the challenges
    solutions: Mapped[str] = mapped_column(Text)  # the solutions the State proposes
    language: Mapped[str] = mapped_column(String(2))  # en, fr or es: the meeting's, its agenda's and report's
    sharing: Mapped[ReportSharing] = mapped_column(_enum(ReportSharing))
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus, length=24))
    exchanges: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # questions asked and their answers, in order
    decided_by: Mapped[str | None] = mapped_column(String(32))  # who made the last move (Slack user ID)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timezone: Mapped[str | None] = mapped_column(String(64))  # shown in it, e.g. Europe/Zurich
    place: Mapped[str | None] = mapped_column(String(500))  # a room, or a video link
    review_channel: Mapped[str | None] = mapped_column(String(32))  # the ISU channel's message, updated in place
    review_ts: Mapped[str | None] = mapped_column(String(32))
    # After the meeting: {"challenges": [...], "measures": "...", "commitments": [{"who", "what", "by"}]}.
    outcomes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the report as frozen by Mark final
    report_final_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requester_channel: Mapped[str | None] = mapped_column(String(32))  # the requester's DM about it, kept current
    requester_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    requester: Mapped[Person] = relationship(lazy="joined")
    event: Mapped[ConventionEvent] = relationship(lazy="joined")
    invitations: Mapped[list[MeetingInvitation]] = relationship(
        back_populates="meeting", order_by="MeetingInvitation.id", lazy="selectin")


class MeetingInvitation(Base):
    """One person invited to a scheduled meeting, and their answer."""

    __tablename__ = "meeting_invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id", name="uq_meeting_invitations_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting_requests.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    category: Mapped[str] = mapped_column(String(24))  # why invited: a Role value, or "state"
    state_code: Mapped[str | None] = mapped_column(String(2))  # the State whose focal point they are
    answer: Mapped[InvitationAnswer] = mapped_column(_enum(InvitationAnswer))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(32))  # the invitation's DM, updated when answered
    ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    meeting: Mapped[MeetingRequest] = relationship(back_populates="invitations")
    person: Mapped[Person] = relationship(lazy="joined")


class PartnershipStatus(enum.StrEnum):
    PROPOSED = "proposed"  # some parties have not confirmed these terms yet
    ACTIVE = "active"  # every party confirmed the terms as they stand
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


partnership_needs = Table(
    "partnership_needs",
    Base.metadata,
    Column("partnership_id", ForeignKey("partnerships.id"), primary_key=True),
    Column("need_id", ForeignKey("needs.id"), primary_key=True),
    # "Has this need found a partner?" asks by need: without it, each need scanned every partnership's.
    Index("ix_partnership_needs_need", "need_id"),
)


class Partnership(Base):
    """A partnership for completion (Maputo Action Plan, Action 21): an affected State and its partners,
    bound by terms every party confirmed. Each change of the terms is a new version to confirm."""

    __tablename__ = "partnerships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("state_parties.code"))  # the State it serves
    kind: Mapped[str] = mapped_column(String(16))  # bot.partnerships.terms.Kind
    status: Mapped[PartnershipStatus] = mapped_column(_enum(PartnershipStatus))
    version: Mapped[int] = mapped_column(Integer)  # of the terms, which each party confirms
    terms: Mapped[dict[str, Any]] = mapped_column(JSON)  # targets, commitments, ownership, rhythm
    source: Mapped[str | None] = mapped_column(String(32))  # where it was formed: "match:12", "meeting:4"
    created_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parties: Mapped[list[PartnershipParty]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", lazy="selectin",
        order_by="PartnershipParty.id")
    needs: Mapped[list[Need]] = relationship(secondary=partnership_needs, lazy="selectin")


class PartnershipParty(Base):
    """One party to a partnership (the affected State is one too), its responsibilities to the others,
    and the version of the terms it confirmed."""

    __tablename__ = "partnership_parties"
    __table_args__ = (
        UniqueConstraint("partnership_id", "state_code", name="uq_partnership_parties_state"),
        UniqueConstraint("partnership_id", "organisation_id", name="uq_partnership_parties_organisation"),
        CheckConstraint("(state_code IS NULL) <> (organisation_id IS NULL)",
                        name="ck_partnership_parties_state_or_organisation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    # A State, or an organisation (a UN agency, an operator, civil society, a company): one of the two.
    state_code: Mapped[str | None] = mapped_column(ForeignKey("state_parties.code"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    responsibilities: Mapped[str] = mapped_column(Text)
    confirmed_version: Mapped[int | None] = mapped_column(Integer)
    confirmed_by: Mapped[str | None] = mapped_column(String(32))  # Slack user ID
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partnership: Mapped[Partnership] = relationship(back_populates="parties")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def key(self) -> str:
        """The party as the ledger's keys and the forms name it: a State's code (KH), or org-12."""
        return self.state_code or f"org-{self.organisation_id}"


class ProgressRating(enum.StrEnum):
    """How a party says its part of a partnership goes, at a check-in."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"


class CheckInAnswer(Base):
    """One party's answer to one check-in of a partnership: how its part goes, the figures reached on
    the targets, what it disbursed, a comment. One per party and check-in date; a second answer replaces it."""

    __tablename__ = "check_in_answers"
    __table_args__ = (UniqueConstraint("party_id", "due", name="uq_check_in_answers_party_due"),
                      Index("ix_check_in_answers_partnership", "partnership_id", "due"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(ForeignKey("partnerships.id"))
    party_id: Mapped[int] = mapped_column(ForeignKey("partnership_parties.id"))
    due: Mapped[date] = mapped_column(Date)  # the check-in's date (bot.partnerships.check_ins.check_in_dates)
    rating: Mapped[ProgressRating] = mapped_column(_enum(ProgressRating))
    # {"0": "120"}: the figure reached on each target, by its index in the terms (a decimal string).
    figures: Mapped[dict[str, str]] = mapped_column(JSON)
    # {"2027": {"EUR": "50000.00"}}: what the party disbursed, by year and currency, to this check-in.
    disbursed: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(32))  # Slack user ID
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)

    party: Mapped[PartnershipParty] = relationship(lazy="joined")
