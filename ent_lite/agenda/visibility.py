"""Who sees which calendar event: the rule of posts, applied to events (``ent_lite.rules``).

- guardian: the published, matching events of their current children (group, school,
  periscolaire site keys; district, level and "all" keys sent from the child's city), as for
  posts. Cancelled events stay visible (struck through) so that a family learns of the
  cancellation; the calendar and feeds decide how long to show them.
- staff (teacher, director, animator, city agent): the events they wrote, the events sent
  from a school or site they direct or lead or from the city service they work in (any agent
  of the service, as every agent manages them), and the published events that reach one of
  their groups or establishments, or that their city sends to everyone, to the district of an
  establishment they work in or to a level of their classes (as families see them: a city's
  closure or strike is in the staff's calendar too, never another city's).
- admin and DPO: none.

``can_see_event`` is ``visible_events`` for one event, so a calendar and an event page never
disagree.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_, select

from ent_lite.accounts.models import Membership, Role
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience import keys as audience_keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules import READING_STAFF, Reach, any_key, reach_of, reader_matches
from ent_lite.school.models import Establishment, EstablishmentKind, Group, GroupKind


def services_of(user_id: int | None):
    """SELECT of the ids of the city services this user works in (an agent's sender)."""
    return (select(Membership.establishment_id)
            .join(Establishment, Establishment.id == Membership.establishment_id)
            .where(Membership.user_id == user_id, Establishment.kind == EstablishmentKind.SERVICE))


def staff_city_keys(user, reach: Reach) -> audience_keys.ReaderKeys:
    """The city-wide keys a staff member matches in their city, as ``ReaderKeys.city_keys``:
    "all", the districts of the establishments they work in, the levels of their classes this
    school year (a director's: of every class of their school). Two small queries."""
    establishment_ids = sorted(int(value) for kind, value in reach.keys if kind == audience_keys.ESTABLISHMENT)
    in_scope = [Group.id.in_(sorted(reach.group_ids))] if reach.group_ids else []
    if reach.directed_ids:
        in_scope.append(Group.establishment_id.in_(sorted(reach.directed_ids)))
    levels = (select(Group.levels.label("value"))
              .where(or_(*in_scope), Group.kind == GroupKind.CLASS,
                     Group.school_year == audience_keys.this_school_year()) if in_scope else None)
    districts = (select(Establishment.district.label("value"))
                 .where(Establishment.id.in_(establishment_ids), Establishment.district.is_not(None),
                        Establishment.district != "") if establishment_ids else None)
    found: set[audience_keys.Key] = {audience_keys.ALL_KEY}
    if districts is not None:
        found |= {audience_keys.district_key(d) for d in db.session.scalars(districts)}
    if levels is not None:
        found |= {audience_keys.level_key(level) for value in db.session.scalars(levels)
                  for level in value.split(",") if level}
    return audience_keys.ReaderKeys(city_keys={user.city_id: frozenset(found)})


def visible_events(user, now: datetime | None = None, reach: Reach | None = None):
    """SELECT of the events this user may see (unordered, cancelled ones included)."""
    now = now or utcnow()
    reach = reach or reach_of(user)
    published = Event.published_dt <= now
    if reach.role == Role.GUARDIAN:
        return select(Event).where(published, reader_matches(reach.children, Event, EventAudience))
    if reach.role in READING_STAFF:
        senders = [Event.establishment_id.in_(sorted(reach.directed_ids))] if reach.directed_ids else []
        if reach.role == Role.CITY_AGENT:
            senders.append(Event.establishment_id.in_(services_of(reach.user_id)))
        return select(Event).where(or_(
            Event.author_id == reach.user_id,
            *senders,
            and_(published, or_(any_key(reach.keys, Event, EventAudience),
                                reader_matches(staff_city_keys(user, reach), Event, EventAudience))),
        ))
    return select(Event).where(false())


def can_see_event(user, event: Event, now: datetime | None = None, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_events(user, now, reach).where(Event.id == event.id).exists())))
