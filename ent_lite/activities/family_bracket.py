"""The family-quotient bracket a guardian declares, once per school year.

The guardian picks one of the city's brackets (never an income); the declaration is kept for
the school year and reused by every registration of that year, where the price is frozen.
Changing it later changes the price of later registrations only.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ent_lite.activities.models import Activity, ActivityPrice, BracketDeclaration, QuotientBracket
from ent_lite.extensions import db


def declared(user_id: int, school_year: str) -> BracketDeclaration | None:
    return db.session.scalar(select(BracketDeclaration).where(
        BracketDeclaration.user_id == user_id, BracketDeclaration.school_year == school_year))


def declare(user, bracket: QuotientBracket, school_year: str, now: datetime) -> BracketDeclaration:
    """Record (or change) the guardian's bracket for the school year; the caller commits.

    Two tabs declaring at once may both insert: the unique (user, school year) constraint
    refuses the second, whose whole submission the caller then refuses as a double one.
    """
    if bracket.city_id != user.city_id:
        raise ValueError("bracket of another city")
    declaration = declared(user.id, school_year)
    if declaration is None:
        declaration = BracketDeclaration(user_id=user.id, school_year=school_year)
        db.session.add(declaration)
    declaration.bracket_id = bracket.id
    declaration.bracket = bracket
    declaration.declared_dt = now
    return declaration


def prices_by_bracket(activity: Activity) -> dict[int, int]:
    """{bracket id: price in cents} of the activity."""
    return dict(db.session.execute(select(ActivityPrice.bracket_id, ActivityPrice.amount_cents)
                                   .where(ActivityPrice.activity_id == activity.id)).all())
