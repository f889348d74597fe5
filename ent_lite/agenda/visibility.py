"""Who sees which calendar event: the rule of posts, applied to events (``audience.rules``).

- guardian: the published, matching events of their current children (group, school,
  periscolaire site keys; district, level and "all" keys sent from the child's city), as for
  posts. Cancelled events stay visible (struck through) so that a family learns of the
  cancellation; the calendar and feeds decide how long to show them.
- staff (teacher, director, animator, city agent): the events they wrote, the events sent
  from a school or site they direct or lead, and the published events that reach one of their
  groups or establishments.
- admin and DPO: none.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_, select

from ent_lite.accounts.models import Role
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience.rules import READING_STAFF, Reach, any_key, reach_of, reader_matches
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db


def visible_events(user, now: datetime | None = None, reach: Reach | None = None):
    """SELECT of the events this user may see (unordered, cancelled ones included)."""
    now = now or utcnow()
    reach = reach or reach_of(user)
    published = Event.published_dt <= now
    if reach.role == Role.GUARDIAN:
        return select(Event).where(published, reader_matches(reach.children, Event, EventAudience))
    if reach.role in READING_STAFF:
        sent_from_directed = (Event.establishment_id.in_(sorted(reach.directed_ids))
                              if reach.directed_ids else false())
        return select(Event).where(or_(
            Event.author_id == reach.user_id,
            sent_from_directed,
            and_(published, any_key(reach.keys, Event, EventAudience)),
        ))
    return select(Event).where(false())


def can_see_event(user, event: Event, now: datetime | None = None, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_events(user, now, reach).where(Event.id == event.id).exists())))
