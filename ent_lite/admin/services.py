"""Figures for the administration home page."""
from __future__ import annotations

from sqlalchemy import func, select

from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.notifications import problems
from ent_lite.school.models import Child, Establishment, EstablishmentKind, Group, GroupKind, RosterReview


def overview(school_year: str, city_id: int) -> dict[str, int]:
    """The figures of one city (the administrator's)."""
    def count(statement) -> int:
        return db.session.scalar(statement) or 0

    guardians = select(func.count(User.id)).where(User.role == Role.GUARDIAN, User.city_id == city_id)
    return {
        "schools": count(select(func.count(Establishment.id))
                         .where(Establishment.kind == EstablishmentKind.SCHOOL, Establishment.city_id == city_id)),
        "classes": count(select(func.count(Group.id)).join(Establishment, Establishment.id == Group.establishment_id)
                         .where(Group.kind == GroupKind.CLASS, Group.school_year == school_year,
                                Establishment.city_id == city_id)),
        "children": count(select(func.count(Child.id)).where(Child.left_dt.is_(None), Child.city_id == city_id)),
        "guardians": count(guardians),
        "guardians_active": count(guardians.where(User.password_hash.is_not(None))),
        "guardians_held": count(select(func.count(RosterReview.id)).where(RosterReview.city_id == city_id)),
        "email_problems": problems.refused_count(city_id),
    }
