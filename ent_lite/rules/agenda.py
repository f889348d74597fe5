"""Calendar events: who sees which event, who publishes and manages them. Deny by default;
nothing crosses cities. The rule of posts, applied to events.

Who sees an event (``visible_events``; ``can_see_event`` asks it about one event, so a
calendar and an event page never disagree):

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

Who publishes and manages them:

| who | publishes standalone events | manages (edits, cancels) |
|---|---|---|
| director | yes, to their school's audiences | the events sent from the schools they run |
| city agent | yes, from their service to the city's audiences | the events sent from their service (any agent of it) |
| site lead (animator with a site-wide membership) | yes, to their site and its groups | the events sent from their site |
| teacher, other animators | no (they add a date to a post) | the events they wrote |
| guardian, admin, DPO | no | nothing |

An event attached to a post follows its post: it is changed by editing or deleting the post
(``posts`` rules), never from the event pages. A cancelled event is kept (calendars learn of
the cancellation) and is final. Only a city agent marks an event public, and only for all
families (``may_mark_event_public`` + ``PUBLIC_EVENT_KEYS``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import aliased

from ent_lite.accounts.models import Membership, Role
from ent_lite.agenda.models import Event, EventAudience
from ent_lite.audience import keys as audience_keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.rules.posts import PostTarget, postable_targets
from ent_lite.rules.reach import (
    POSTING_ROLES, READING_STAFF, Reach, any_of, key_rows, led_site_ids, reach_of, reader_matches, reader_rows,
    role_of,
)
from ent_lite.rules.staff import directed_school_ids
from ent_lite.school.models import Establishment, EstablishmentKind, Group, GroupKind

# The audience an event must have to be in the city's open calendar.
PUBLIC_EVENT_KEYS = frozenset({audience_keys.ALL_KEY})
# Who sends standalone events, each from the establishments of ``event_sender_ids``.
EVENT_SENDING_ROLES = (Role.DIRECTOR, Role.CITY_AGENT, Role.ANIMATOR)


def agent_service_ids(user_id: int | None):
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
    """SELECT of the events this user may see (unordered, cancelled ones included).

    Staff: each way of seeing an event is a SELECT of event ids on an alias of event, all in
    ONE ``IN (… UNION ALL …)`` (``any_of``), as for posts and threads: an OR of INs cannot be
    a semi-join, and PostgreSQL would test every event of the city against each subquery."""
    now = now or utcnow()
    reach = reach or reach_of(user)
    if reach.role == Role.GUARDIAN:
        return select(Event).where(Event.published_dt <= now, reader_matches(reach.children, Event, EventAudience))
    if reach.role not in READING_STAFF:
        return select(Event).where(false())
    event = aliased(Event)
    seen = [select(event.id).where(event.author_id == reach.user_id)]
    if reach.directed_ids:
        seen.append(select(event.id).where(event.establishment_id.in_(sorted(reach.directed_ids))))
    if reach.role == Role.CITY_AGENT:
        seen.append(select(event.id).where(event.establishment_id.in_(agent_service_ids(reach.user_id))))
    # Reached by an audience key: once published only (key_rows select EventAudience.event_id).
    for keyed in [key_rows(reach.keys, Event, EventAudience),
                  *reader_rows(staff_city_keys(user, reach), Event, EventAudience)]:
        if keyed is not None:
            sent = aliased(Event)
            seen.append(keyed.join(sent, sent.id == EventAudience.event_id).where(sent.published_dt <= now))
    return select(Event).where(any_of(seen, Event.id))


def can_see_event(user, event: Event, now: datetime | None = None, reach: Reach | None = None) -> bool:
    return bool(db.session.scalar(select(visible_events(user, now, reach).where(Event.id == event.id).exists())))


def event_sender_ids(user) -> frozenset[int]:
    """The establishments whose events this user manages (their school, site or service)."""
    role = role_of(user)
    if role == Role.DIRECTOR:
        return directed_school_ids(user)
    if role == Role.CITY_AGENT:
        # The same services as the calendar's (``visible_events``): who manages, sees.
        return frozenset(db.session.scalars(agent_service_ids(user.id)))
    if role == Role.ANIMATOR:
        return led_site_ids(user)
    return frozenset()


def may_publish_events(user) -> bool:
    """Directors, city agents with a service and site leads publish standalone events."""
    return role_of(user) in EVENT_SENDING_ROLES and bool(event_sender_ids(user))


def may_mark_event_public(user) -> bool:
    """Only a city agent puts an event in the city's public calendar."""
    return role_of(user) == Role.CITY_AGENT and may_publish_events(user)


def event_targets(user) -> list[PostTarget]:
    """The audiences of a standalone event: the author's post audiences (a site lead's are
    their sites and each of their groups, ``postable_targets``)."""
    return list(postable_targets(user)) if may_publish_events(user) else []


def can_manage_event(user, event: Event) -> bool:
    """Its author, or staff of the school, site or service it is sent from; same city only."""
    if role_of(user) not in POSTING_ROLES or event.city_id != user.city_id:
        return False
    if event.author_id is not None and event.author_id == user.id:
        return True
    return event.establishment_id in event_sender_ids(user)


def may_change_event(user, event: Event) -> bool:
    """The event pages change a standalone event still on: a post's event follows its post."""
    return event.post_id is None and not event.is_cancelled and can_manage_event(user, event)


def can_view_event(user, event: Event, now: datetime | None = None, reach: Reach | None = None) -> bool:
    """Its readers (``visible_events``) and those who manage it."""
    return can_see_event(user, event, now, reach) or can_manage_event(user, event)


def managed_events(user):
    """SELECT of the standalone events this user manages (unordered)."""
    if role_of(user) not in POSTING_ROLES:
        return select(Event).where(false())
    senders = event_sender_ids(user)
    mine = or_(Event.author_id == user.id,
               Event.establishment_id.in_(sorted(senders)) if senders else false())
    return select(Event).where(and_(Event.post_id.is_(None), Event.city_id == user.city_id, mine))
