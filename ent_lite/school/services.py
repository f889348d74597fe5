"""School rules shared by the roster import and the activation-codes pages."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, union

from ent_lite.core.school_year import SCHOOL_YEAR_START_MONTH
from ent_lite.extensions import db
from ent_lite.school.models import Child, City, Establishment, Group, GuardianLink

SCHOOL_YEAR_RE = re.compile(r"(\d{4})-(\d{4})")


def current_school_year(now: datetime) -> str:
    """A school year starts in September: November 2026 and March 2027 are both in "2026-2027"."""
    start = now.year if now.month >= SCHOOL_YEAR_START_MONTH else now.year - 1
    return f"{start}-{start + 1}"


def is_school_year(text: str) -> bool:
    match = SCHOOL_YEAR_RE.fullmatch(text or "")
    return bool(match) and int(match.group(2)) == int(match.group(1)) + 1


def get_city() -> City | None:
    """ent_lite serves one city: the single City row."""
    return db.session.scalar(select(City).order_by(City.id).limit(1))


def get_or_create_city(name: str) -> City:
    city = get_city()
    if city is None:
        city = City(name=name)
        db.session.add(city)
        db.session.flush()
    return city


def guardian_children(user_id: int) -> list[Child]:
    """Every child the guardian is linked to, those who left included (their data is still held
    and a rights request may be about them), by first name."""
    return list(db.session.scalars(
        select(Child).join(GuardianLink, GuardianLink.child_id == Child.id)
        .where(GuardianLink.user_id == user_id)
        .order_by(Child.first_name, Child.last_name, Child.id)))


def place_names(city_id: int) -> list[str]:
    """The names of the city's establishments (schools, periscolaire sites, services) and of
    their groups, each once: words a password must not borrow (accounts/password_policy.py)."""
    establishments = select(Establishment.name).where(Establishment.city_id == city_id)
    groups = select(Group.name).join(Establishment, Establishment.id == Group.establishment_id) \
        .where(Establishment.city_id == city_id)
    return list(db.session.scalars(union(establishments, groups)))
