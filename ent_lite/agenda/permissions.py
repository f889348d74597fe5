"""Who publishes and manages calendar events. Deny by default; nothing crosses cities.

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
families (``may_mark_public`` + ``PUBLIC_KEYS``).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, false, or_, select

from ent_lite import rules
from ent_lite.accounts.models import Role
from ent_lite.agenda.models import Event
from ent_lite.agenda.visibility import can_see_event, services_of
from ent_lite.audience import keys as audience_keys
from ent_lite.extensions import db

# The audience an event must have to be in the city's open calendar.
PUBLIC_KEYS = frozenset({audience_keys.ALL_KEY})


def sender_ids(user) -> frozenset[int]:
    """The establishments whose events this user manages (their school, site or service)."""
    role = rules.role_of(user)
    if role == Role.DIRECTOR:
        return rules.directed_school_ids(user)
    if role == Role.CITY_AGENT:
        # The same services as the calendar's (``agenda.visibility``): who manages, sees.
        return frozenset(db.session.scalars(services_of(user.id)))
    if role == Role.ANIMATOR:
        return rules.led_site_ids(user)
    return frozenset()


def may_publish_events(user) -> bool:
    """Directors, city agents with a service and site leads publish standalone events."""
    return rules.role_of(user) in (Role.DIRECTOR, Role.CITY_AGENT, Role.ANIMATOR) and bool(sender_ids(user))


def may_mark_public(user) -> bool:
    """Only a city agent puts an event in the city's public calendar."""
    return rules.role_of(user) == Role.CITY_AGENT and may_publish_events(user)


def event_targets(user) -> list[rules.PostTarget]:
    """The audiences of a standalone event: the author's post audiences (a site lead's are
    their sites and each of their groups, ``ent_lite.rules.postable_targets``)."""
    return list(rules.postable_targets(user)) if may_publish_events(user) else []


def can_manage_event(user, event: Event) -> bool:
    """Its author, or staff of the school, site or service it is sent from; same city only."""
    role = rules.role_of(user)
    if role not in rules.POSTING_ROLES or event.city_id != user.city_id:
        return False
    if event.author_id is not None and event.author_id == user.id:
        return True
    return event.establishment_id in sender_ids(user)


def may_change_event(user, event: Event) -> bool:
    """The event pages change a standalone event still on: a post's event follows its post."""
    return event.post_id is None and not event.is_cancelled and can_manage_event(user, event)


def can_view_event(user, event: Event, now: datetime | None = None, reach: rules.Reach | None = None) -> bool:
    """Its readers (``agenda.visibility``) and those who manage it."""
    return can_see_event(user, event, now, reach) or can_manage_event(user, event)


def managed_events(user):
    """SELECT of the standalone events this user manages (unordered)."""
    role = rules.role_of(user)
    if role not in rules.POSTING_ROLES:
        return select(Event).where(false())
    senders = sender_ids(user)
    mine = or_(Event.author_id == user.id,
               Event.establishment_id.in_(sorted(senders)) if senders else false())
    return select(Event).where(and_(Event.post_id.is_(None), Event.city_id == user.city_id, mine))
