"""The city's holiday and leisure activities: catalogue, prices, sessions, registrations.

- ``QuotientBracket``: the city's family-quotient brackets; a family declares one per school
  year (``BracketDeclaration``), never an income.
- ``Activity`` and its ``ActivitySession`` rows and ``ActivityPrice`` per bracket ("free" is a
  price of 0). ``places_taken`` counts the registrations holding a place (confirmed or offered):
  it changes only by a conditional UPDATE (``allocation``), so two families taking the last
  place at the same moment cannot both win.
- ``Campaign``: a lottery of popular stays; families rank up to three of its activities for a
  child, a ``LotteryEntry`` per child carries the pseudonymous ticket the published draw lists.
- ``Registration``: one child on one activity, whatever its status; ``RegistrationNote`` holds
  the sensitive note for the organiser (health, allergies), deleted by the purge shortly after
  the last session (PRIVACY.md 10); ``Attendance``: present or absent per session.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db


class ActivityCategory:
    SPORT = "sport"
    CULTURE = "culture"
    NATURE = "nature"
    CIVIC = "civic"
    HOLIDAY_STAY = "holiday_stay"
    OTHER = "other"
    ALL = (SPORT, CULTURE, NATURE, CIVIC, HOLIDAY_STAY, OTHER)


class AllocationMode:
    FIRST_COME = "first_come"
    LOTTERY = "lottery"
    ALL = (FIRST_COME, LOTTERY)


class RegistrationStatus:
    REQUESTED = "requested"   # a lottery request waiting for the draw
    CONFIRMED = "confirmed"   # holds a place
    WAITING = "waiting"       # on the waiting list, in ``queue_rank`` order
    OFFERED = "offered"       # a freed place held for this child until ``offer_expires_dt``
    CANCELLED = "cancelled"   # by the family
    DECLINED = "declined"     # the family declined an offer
    EXPIRED = "expired"       # an offer not answered in time
    REMOVED = "removed"       # by the organiser
    NOT_PLACED = "not_placed" # lottery: the child got a place on another ranked stay
    HOLDING = (CONFIRMED, OFFERED)
    ACTIVE = (REQUESTED, CONFIRMED, WAITING, OFFERED)
    ALL = (REQUESTED, CONFIRMED, WAITING, OFFERED, CANCELLED, DECLINED, EXPIRED, REMOVED, NOT_PLACED)


class QuotientBracket(db.Model):
    """A family-quotient bracket set by the city: "A: up to 600 €", "B: 601 to 1,200 €"..."""

    __tablename__ = "quotient_bracket"
    __table_args__ = (UniqueConstraint("city_id", "label"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)  # lower brackets first
    label: Mapped[str] = mapped_column(String(40))
    # Monthly family quotient in euros; null: no lower (first bracket) or upper (last) bound.
    min_quotient: Mapped[int | None] = mapped_column(Integer)
    max_quotient: Mapped[int | None] = mapped_column(Integer)


class BracketDeclaration(db.Model):
    """The bracket a guardian declared for a school year (one per guardian and year)."""

    __tablename__ = "bracket_declaration"
    __table_args__ = (UniqueConstraint("user_id", "school_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    bracket_id: Mapped[int] = mapped_column(ForeignKey("quotient_bracket.id"), index=True)
    school_year: Mapped[str] = mapped_column(String(9))
    declared_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    bracket: Mapped[QuotientBracket] = relationship()


class Campaign(db.Model):
    """A lottery of holiday stays: requests collected in the window, then one draw.

    ``slug`` names it on the command line (``flask ent-lite draw SLUG``). Once drawn, ``seed``
    and ``result_json`` (the tickets in draw order with their priority tier) are published so
    that anyone can re-run the draw (``lottery``).
    """

    __tablename__ = "activity_campaign"
    __table_args__ = (UniqueConstraint("city_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    opens_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    max_choices: Mapped[int] = mapped_column(Integer, default=3)
    # Which published priority rules apply (``lottery.PRIORITY_RULES``).
    priority_rules: Mapped[str] = mapped_column(String(40), default="no_activity_then_bracket")
    seed: Mapped[str | None] = mapped_column(String(64))
    drawn_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    result_json: Mapped[str | None] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Activity(db.Model):
    """One activity of the catalogue, organised by a city service or a periscolaire site."""

    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_city_published", "city_id", "published_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("activity_campaign.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default=ActivityCategory.OTHER)
    place: Mapped[str] = mapped_column(String(300), default="")
    # Eligibility: age in whole years on the first session's day, and/or levels ("CP,CE1").
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    levels: Mapped[str] = mapped_column(String(40), default="")
    capacity: Mapped[int] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[str] = mapped_column(String(12), default=AllocationMode.FIRST_COME)
    # First-come window (a lottery activity uses its campaign's).
    opens_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closes_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_until_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_hours: Mapped[int] = mapped_column(Integer, default=48)
    documents: Mapped[str] = mapped_column(Text, default="")
    photo_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    photo_thumb_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    # "2026-2027": the school year of the first session (the indicator's year).
    school_year: Mapped[str] = mapped_column(String(9))
    first_day: Mapped[date | None] = mapped_column(Date)  # local date of the first session
    last_session_dt: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    published_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    establishment = relationship("Establishment")
    campaign: Mapped[Campaign | None] = relationship()
    sessions: Mapped[list[ActivitySession]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="ActivitySession.starts_dt")
    prices: Mapped[list[ActivityPrice]] = relationship(back_populates="activity", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Activity {self.public_id}>"

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]

    @property
    def is_lottery(self) -> bool:
        return self.mode == AllocationMode.LOTTERY

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.places_taken, 0)

    def is_published(self, now: datetime) -> bool:
        return self.published_dt is not None and self.published_dt <= now and self.withdrawn_dt is None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """When registration opens and closes (a lottery's is its campaign's)."""
        if self.campaign is not None:
            return self.campaign.opens_dt, self.campaign.closes_dt
        return self.opens_dt, self.closes_dt

    def is_open(self, now: datetime) -> bool:
        opens, closes = self.window()
        return opens is not None and closes is not None and opens <= now < closes


class ActivitySession(db.Model):
    __tablename__ = "activity_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    starts_dt: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_dt: Mapped[datetime] = mapped_column(UTCDateTime())

    activity: Mapped[Activity] = relationship(back_populates="sessions")


class ActivityPrice(db.Model):
    """The price for one bracket, in cents; 0 is free."""

    __tablename__ = "activity_price"
    __table_args__ = (UniqueConstraint("activity_id", "bracket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    bracket_id: Mapped[int] = mapped_column(ForeignKey("quotient_bracket.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)

    activity: Mapped[Activity] = relationship(back_populates="prices")
    bracket: Mapped[QuotientBracket] = relationship()


class LotteryEntry(db.Model):
    """A child in a campaign's draw: the ticket families and the published result share."""

    __tablename__ = "lottery_entry"
    __table_args__ = (UniqueConstraint("campaign_id", "child_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("activity_campaign.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    # Random, pseudonymous, shown to the family and in the published result ("K7F3-2QX9").
    ticket: Mapped[str] = mapped_column(String(20), unique=True)
    # Set by the draw: the priority tier (0 first) and the place in the draw order (1 first).
    tier: Mapped[int | None] = mapped_column(Integer)
    draw_position: Mapped[int | None] = mapped_column(Integer)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Registration(db.Model):
    """One child on one activity. Unique per (activity, child): a second request changes nothing."""

    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("activity_id", "child_id"),
        # A lottery request ranks each stay once per child and campaign (NULLs differ for first come).
        UniqueConstraint("campaign_id", "child_id", "choice_rank"),
        Index("ix_registration_queue", "activity_id", "status", "queue_rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"))
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    # The guardian who registered; null once erased (the child's other guardian still sees it).
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("activity_campaign.id"))
    choice_rank: Mapped[int | None] = mapped_column(Integer)  # lottery: 1 = first choice
    status: Mapped[str] = mapped_column(String(12))
    # Waiting-list order (smaller first): registration order, or draw order for a lottery.
    queue_rank: Mapped[int | None] = mapped_column(Integer)
    bracket_id: Mapped[int | None] = mapped_column(ForeignKey("quotient_bracket.id"), index=True)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    offer_expires_dt: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    activity: Mapped[Activity] = relationship()
    child = relationship("Child")
    note: Mapped[RegistrationNote | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan", uselist=False)

    def __repr__(self) -> str:
        return f"<Registration {self.public_id} {self.status}>"


class RegistrationNote(db.Model):
    """The family's note for the organiser (health, allergies): sensitive, kept briefly."""

    __tablename__ = "registration_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="note")


class Attendance(db.Model):
    """Present or absent at one session, taken by the organiser on a phone."""

    __tablename__ = "activity_attendance"
    __table_args__ = (UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("activity_session.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
