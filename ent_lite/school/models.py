from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import PublicId, UTCDateTime, new_public_id, utcnow
from ent_lite.extensions import db

LEVELS = ("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")


class EstablishmentKind:
    SCHOOL = "school"
    PERISCOLAIRE = "periscolaire"
    SERVICE = "service"
    ALL = (SCHOOL, PERISCOLAIRE, SERVICE)


class GroupKind:
    CLASS = "class"
    PERISCOLAIRE = "periscolaire"
    TEAM = "team"
    ALL = (CLASS, PERISCOLAIRE, TEAM)


class PeriscolaireKind:
    """When a periscolaire group looks after the children (``Group.periscolaire_kind``)."""

    MORNING = "morning"        # accueil du matin
    LUNCH = "lunch"            # pause méridienne
    EVENING = "evening"        # accueil du soir, études
    WEDNESDAY = "wednesday"    # accueil de loisirs du mercredi
    HOLIDAYS = "holidays"      # accueil de loisirs des vacances
    ALL = (MORNING, LUNCH, EVENING, WEDNESDAY, HOLIDAYS)


# A periscolaire site takes absence notices for today until this local hour, unless it sets its own.
DEFAULT_ABSENCE_CUTOFF = time(16, 0)


class City(db.Model):
    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    name: Mapped[str] = mapped_column(String(120))


class Establishment(db.Model):
    """A school, a periscolaire site or a city service."""

    __tablename__ = "establishment"
    __table_args__ = (UniqueConstraint("city_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(100))
    # Periscolaire sites: the local hour until which a family may say a child is absent today
    # (null: DEFAULT_ABSENCE_CUTOFF). Later, the family phones the site.
    absence_cutoff: Mapped[time | None] = mapped_column(Time)

    city: Mapped[City] = relationship()

    @property
    def absence_cutoff_or_default(self) -> time:
        return self.absence_cutoff or DEFAULT_ABSENCE_CUTOFF
    groups: Mapped[list[Group]] = relationship(back_populates="establishment", order_by="Group.name")


class Group(db.Model):
    """A class for one school year, a periscolaire group or a service team."""

    __tablename__ = "school_group"
    __table_args__ = (UniqueConstraint("establishment_id", "school_year", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"))
    kind: Mapped[str] = mapped_column(String(20), default=GroupKind.CLASS)
    name: Mapped[str] = mapped_column(String(100))
    # "2026-2027": a class exists for one school year.
    school_year: Mapped[str] = mapped_column(String(9))
    # Comma-separated levels taught, e.g. "CE1,CE2" for a double-level class.
    levels: Mapped[str] = mapped_column(String(40), default="")
    # Periscolaire groups only: one of PeriscolaireKind.ALL (null for classes and teams).
    periscolaire_kind: Mapped[str | None] = mapped_column(String(12))

    establishment: Mapped[Establishment] = relationship(back_populates="groups")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="group")

    @property
    def level_list(self) -> list[str]:
        return [level for level in self.levels.split(",") if level]


class Child(db.Model):
    """Only what the service needs (PRIVACY.md 17): names, level, birth date, groups, guardians."""

    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(4))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when the child is no longer on the roster; the data is kept until the purge.
    left_dt: Mapped[datetime | None] = mapped_column(UTCDateTime())

    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="child", cascade="all, delete-orphan")
    guardian_links: Mapped[list[GuardianLink]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="GuardianLink.rank"
    )

    def __repr__(self) -> str:
        return f"<Child {self.public_id}>"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Enrolment(db.Model):
    """A child in a group: one class per school year, any number of periscolaire groups."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("child_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    group_id: Mapped[int] = mapped_column(ForeignKey("school_group.id"), index=True)

    child: Mapped[Child] = relationship(back_populates="enrolments")
    group: Mapped[Group] = relationship(back_populates="enrolments")


class GuardianLink(db.Model):
    """A guardian of a child; only those with legal authority sign and authorise."""

    __tablename__ = "guardian_link"
    __table_args__ = (UniqueConstraint("child_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # 1 or 2: the column pair of the roster the guardian came from.
    rank: Mapped[int] = mapped_column(default=1)
    relation: Mapped[str] = mapped_column(String(40), default="")
    legal_authority: Mapped[bool] = mapped_column(Boolean, default=True)

    child: Mapped[Child] = relationship(back_populates="guardian_links")
    user = relationship("User")


class RosterReview(db.Model):
    """A guardian the roster import could not tell from a namesake, held until an admin decides.

    The rest of the row (the child, the other guardian) is imported; only this guardian's link
    waits. ``candidate`` is the account the namesake row was given. Deleted once decided, and
    with the child.
    """

    __tablename__ = "roster_review"
    __table_args__ = (UniqueConstraint("child_id", "rank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(PublicId(), unique=True, default=new_public_id)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))
    rank: Mapped[int] = mapped_column(default=1)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    relation: Mapped[str] = mapped_column(String(40), default="")
    legal_authority: Mapped[bool] = mapped_column(Boolean, default=True)
    phone: Mapped[str | None] = mapped_column(String(30))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # Where the row was, for the administrator who compares with the file.
    line: Mapped[int] = mapped_column(default=0)
    school_year: Mapped[str] = mapped_column(String(9))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    child: Mapped[Child] = relationship()
    candidate = relationship("User")

    def __repr__(self) -> str:
        return f"<RosterReview {self.public_id}>"
