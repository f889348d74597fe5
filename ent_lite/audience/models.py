"""A stored audience rule: "families of 6–11-year-olds of the Nord district who use the
evening childcare", resolved when read like every audience key.

A city agent's post targeted by criteria gets ONE audience row ("rule", "<rule id>") and one
rule row with its parts, written once per publish (never a list of families). The rule keeps
what the author chose (``min_age``, ``max_age``, ``age_on``) and the birth dates they mean,
computed at publish (``born_from``..``born_until``, both included), so the audience does not
drift as time passes. Each part is one value of one dimension (``kind``: establishment id,
district, level, periscolaire kind). Dimensions combine with AND, values of one dimension
with OR; a dimension with no part does not filter (``audience.criteria``).

The rule names no person: its columns are not personal data. It is written for the post
that published it (``post_id``), but the post's calendar event carries the same ("rule", id)
key: deleting the post detaches the rule (``post_id`` set to null) instead of deleting it, so
the cancelled event still reaches its families and their calendars learn of the
cancellation. A detached rule no event uses is deleted with the post
(``posts.services.delete_post``) or later by the purge (``agenda.retention.due_rules``, with
the event's school year).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ent_lite.core.db_types import UTCDateTime, utcnow
from ent_lite.extensions import db


class AudienceRule(db.Model):
    __tablename__ = "audience_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only the children of this city are reached (the post's sender city).
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"), index=True)
    # Null between storing the rule and writing its post (one transaction), and once the post
    # is deleted while its cancelled event still uses the rule (see the module docstring).
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id", ondelete="SET NULL"), index=True)
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    age_on: Mapped[date | None] = mapped_column(Date)
    born_from: Mapped[date | None] = mapped_column(Date)
    born_until: Mapped[date | None] = mapped_column(Date)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    parts: Mapped[list[AudienceRulePart]] = relationship(
        back_populates="rule", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AudienceRulePart.id")

    def values(self, kind: str) -> list[str]:
        return [p.value for p in self.parts if p.kind == kind]


class AudienceRulePart(db.Model):
    __tablename__ = "audience_rule_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("audience_rule.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(100))

    rule: Mapped[AudienceRule] = relationship(back_populates="parts")
