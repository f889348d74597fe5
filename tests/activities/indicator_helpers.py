"""Builders for the indicator tests: children in a school of their own, and attendance."""
from __future__ import annotations

from ent_lite.activities.models import ActivitySession, Attendance, Registration, RegistrationStatus
from ent_lite.extensions import db
from tests import factories
from tests.activities.factories import make_activity


def school_with(world, name: str, count: int, district: str | None = "Est", level: str = "CE2",
                city=None) -> list:
    """A school with one class of ``count`` children (one guardian each); returns the children."""
    city = city or world.city
    school = factories.make_school(city, name, district=district)
    group = factories.make_class(school, f"{level} {name}", level)
    children = []
    for n in range(count):
        parent = factories.make_user(city, "guardian", f"Parent{n}", name)
        children.append(factories.make_child(city, group, f"Enfant{n}", name, guardians=(parent,)))
    db.session.commit()
    return children


def this_year_activity(aw, title: str = "Judo", **kwargs):
    """An activity of the school year the world's classes are in."""
    activity = make_activity(aw, title=title, **kwargs)
    activity.school_year = factories.SCHOOL_YEAR
    db.session.commit()
    return activity


def register(activity, child, status: str = RegistrationStatus.CONFIRMED, present: bool | None = True) -> Registration:
    """``child`` on ``activity`` with this status, marked present (or absent, or not at all)."""
    registration = Registration(activity_id=activity.id, child_id=child.id, status=status)
    db.session.add(registration)
    db.session.flush()
    if present is not None:
        session_id = db.session.scalar(
            db.select(ActivitySession.id).where(ActivitySession.activity_id == activity.id).limit(1))
        db.session.add(Attendance(session_id=session_id, registration_id=registration.id, present=present))
    db.session.commit()
    return registration
