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

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select

from ent_lite.accounts.models import Membership, Role
from ent_lite.agenda.models import Event
from ent_lite.agenda.visibility import can_see_event
from ent_lite.audience import keys as audience_keys
from ent_lite.audience import rules
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind, Group, GroupKind

# The audience an event must have to be in the city's open calendar.
PUBLIC_KEYS = frozenset({audience_keys.ALL_KEY})


def _role(user) -> str | None:
    return user.role if getattr(user, "is_authenticated", False) and user.role in Role.ALL else None


def led_site_ids(user) -> frozenset[int]:
    """The periscolaire sites this animator leads (a site-wide membership, group_id null).

    ``audience.rules.led_site_ids`` is the rule once the site leads part is merged; until
    then the same question is asked here of the memberships."""
    shared = getattr(rules, "led_site_ids", None)
    if shared is not None:
        return frozenset(shared(user))
    if _role(user) != Role.ANIMATOR:
        return frozenset()
    return frozenset(db.session.scalars(
        select(Membership.establishment_id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(Membership.user_id == user.id, Membership.group_id.is_(None),
               Establishment.kind == EstablishmentKind.PERISCOLAIRE)))


def _service_ids(user) -> frozenset[int]:
    """The city services this agent works in."""
    return frozenset(db.session.scalars(
        select(Membership.establishment_id)
        .join(Establishment, Establishment.id == Membership.establishment_id)
        .where(Membership.user_id == user.id, Establishment.kind == EstablishmentKind.SERVICE)))


def sender_ids(user) -> frozenset[int]:
    """The establishments whose events this user manages (their school, site or service)."""
    role = _role(user)
    if role == Role.DIRECTOR:
        return rules.directed_school_ids(user)
    if role == Role.CITY_AGENT:
        return _service_ids(user)
    if role == Role.ANIMATOR:
        return led_site_ids(user)
    return frozenset()


def may_publish_events(user) -> bool:
    """Directors, city agents with a service and site leads publish standalone events."""
    return _role(user) in (Role.DIRECTOR, Role.CITY_AGENT, Role.ANIMATOR) and bool(sender_ids(user))


def may_mark_public(user) -> bool:
    """Only a city agent puts an event in the city's public calendar."""
    return _role(user) == Role.CITY_AGENT and may_publish_events(user)


def _site_targets(site_ids: frozenset[int]) -> list[rules.PostTarget]:
    """A site lead's audiences: each group of their sites this school year, then the whole site."""
    if not site_ids:
        return []
    rows = db.session.execute(
        select(Group, Establishment).join(Establishment, Establishment.id == Group.establishment_id)
        .where(Group.establishment_id.in_(sorted(site_ids)), Group.kind == GroupKind.PERISCOLAIRE,
               Group.school_year == audience_keys.this_school_year())
        .order_by(Establishment.name, Group.name, Group.id)).all()
    targets = [rules.PostTarget(audience_keys.GROUP, str(group.id),
                                _l("%(group)s (%(establishment)s)", group=group.name, establishment=site.name),
                                site.id, ref=group.public_id) for group, site in rows]
    sites = db.session.scalars(select(Establishment).where(Establishment.id.in_(sorted(site_ids)))
                               .order_by(Establishment.name)).all()
    return targets + [rules.PostTarget(audience_keys.ESTABLISHMENT, str(site.id),
                                       _l("Whole periscolaire site: %(site)s", site=site.name), site.id,
                                       ref=site.public_id) for site in sites]


def event_targets(user) -> list[rules.PostTarget]:
    """The audiences of a standalone event: the author's post audiences, and for a site lead
    their sites' (until the posts' rule offers them itself: no duplicate either way)."""
    if not may_publish_events(user):
        return []
    targets = list(rules.postable_targets(user))
    if _role(user) == Role.ANIMATOR:
        known = {t.key for t in targets}
        targets += [t for t in _site_targets(led_site_ids(user)) if t.key not in known]
    return targets


def can_manage_event(user, event: Event) -> bool:
    """Its author, or staff of the school, site or service it is sent from; same city only."""
    role = _role(user)
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
    role = _role(user)
    if role not in rules.POSTING_ROLES:
        return select(Event).where(false())
    senders = sender_ids(user)
    mine = or_(Event.author_id == user.id,
               Event.establishment_id.in_(sorted(senders)) if senders else false())
    return select(Event).where(and_(Event.post_id.is_(None), Event.city_id == user.city_id, mine))
