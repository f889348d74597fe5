"""Events and activity sessions as model rows, for the calendar and feed tests (the pages that
write events belong to the events part)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ent_lite.activities.models import Activity, ActivitySession, Registration, RegistrationStatus
from ent_lite.agenda.models import Event, EventAudience, EventCategory
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.school.services import current_school_year


def today() -> date:
    return to_local(utcnow()).date()


def make_event(establishment, author, *keys, title="Réunion de rentrée", day: date | None = None,
               at: time | None = None, end_day: date | None = None, end_at: time | None = None,
               weekly_until: date | None = None, place="Salle polyvalente", is_public=False,
               category=EventCategory.MEETING, published_dt: datetime | None = None) -> Event:
    event = Event(city_id=establishment.city_id, establishment_id=establishment.id,
                  author_id=author.id if author else None, category=category, title=title, place=place,
                  start_date=day or today() + timedelta(days=3), start_time=at, end_date=end_day, end_time=end_at,
                  weekly_until=weekly_until, is_public=is_public,
                  published_dt=published_dt or utcnow() - timedelta(hours=1),
                  updated_dt=utcnow() - timedelta(hours=1))
    for kind, value in keys:
        event.audience.append(EventAudience(kind=kind, value=value))
    db.session.add(event)
    db.session.commit()
    return event


def make_session_for(world, child, *, title="Poterie", day: date | None = None, at=time(14),
                     status=RegistrationStatus.CONFIRMED, guardian=None) -> ActivitySession:
    """An activity with one session, and the child registered to it."""
    day = day or today() + timedelta(days=4)
    starts = local_to_utc(day, at)
    activity = Activity(city_id=world.city.id, establishment_id=world.school.id, title=title, place="Atelier",
                        capacity=10, school_year=current_school_year(starts), first_day=day,
                        published_dt=utcnow() - timedelta(days=1))
    db.session.add(activity)
    db.session.flush()
    session = ActivitySession(activity_id=activity.id, starts_dt=starts, ends_dt=starts + timedelta(hours=2))
    db.session.add(session)
    add_registration(activity, child, status, guardian)
    db.session.commit()
    return session


def add_registration(activity, child, status=RegistrationStatus.CONFIRMED, guardian=None) -> None:
    db.session.add(Registration(activity_id=activity.id, child_id=child.id, status=status,
                                guardian_id=guardian.id if guardian else None))
    db.session.commit()
