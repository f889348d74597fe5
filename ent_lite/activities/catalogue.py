"""What the public catalogue shows: the city's published activities that are not over yet.

Rule kept: an activity is in the catalogue when it belongs to the catalogue's city, is
published (``published_dt <= now``), not withdrawn, and its last session has not ended
(``last_session_dt > now``). The list, the activity's page, the family's list and the
open-data feeds all start from ``visible``, so they never disagree.

Nothing here reads a child of another family, a guardian or a registration: the public
catalogue names no person. Queries stay constant in number whatever the number of
activities (organiser and campaign joined, prices in one grouped query).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from ent_lite.activities import eligibility, registration
from ent_lite.activities.models import Activity, ActivityPrice, ActivitySession, Campaign
from ent_lite.core.localtime import local_to_utc
from ent_lite.extensions import db
from ent_lite.school.services import get_city

PER_PAGE = 40
# The feeds list every current activity; a city has hundreds, not this many.
FEED_LIMIT = 2000


@dataclass(frozen=True)
class Filters:
    """What a visitor narrowed the catalogue to; None (or False) leaves a filter out."""

    age: int | None = None         # whole years: the activity accepts a child of this age
    level: str | None = None       # "CP": the activity accepts this level
    category: str | None = None
    since: date | None = None      # a session on or after this day (city time)
    until: date | None = None      # a session on or before this day
    free_only: bool = False        # places left (capacity not reached)


@dataclass
class Entry:
    """One line of the catalogue: the activity, when it starts and what the brackets pay."""

    activity: Activity
    first_start: datetime
    prices: list[int] = field(default_factory=list)
    children: list = field(default_factory=list)  # the family's list: who it is for


def catalogue_city_id(user) -> int | None:
    """A signed-in user sees their own city's catalogue, a visitor the instance's city."""
    if getattr(user, "is_authenticated", False):
        return user.city_id
    city = get_city()
    return city.id if city else None


def _first_starts():
    return (select(ActivitySession.activity_id, func.min(ActivitySession.starts_dt).label("first_start"))
            .group_by(ActivitySession.activity_id).subquery())


def visible(city_id: int | None, now: datetime) -> Select:
    """SELECT (Activity, first_start) of the catalogue, soonest first, organiser and campaign loaded."""
    first = _first_starts()
    return (select(Activity, first.c.first_start)
            .join(first, first.c.activity_id == Activity.id)
            .outerjoin(Campaign, Campaign.id == Activity.campaign_id)
            .options(joinedload(Activity.establishment), contains_eager(Activity.campaign))
            .where(Activity.city_id == city_id, Activity.published_dt.is_not(None),
                   Activity.published_dt <= now, Activity.withdrawn_dt.is_(None),
                   Activity.last_session_dt.is_not(None), Activity.last_session_dt > now)
            .order_by(first.c.first_start, Activity.id))


def apply_filters(query: Select, filters: Filters) -> Select:
    if filters.age is not None:
        query = query.where(or_(Activity.min_age.is_(None), Activity.min_age <= filters.age),
                            or_(Activity.max_age.is_(None), Activity.max_age >= filters.age))
    if filters.level:
        # Levels are stored "CP,CE1"; the filter's value is one of LEVELS, never a pattern.
        query = query.where(or_(Activity.levels == "", ("," + Activity.levels + ",").like(f"%,{filters.level},%")))
    if filters.category:
        query = query.where(Activity.category == filters.category)
    if filters.since or filters.until:
        overlap = [ActivitySession.activity_id == Activity.id]
        if filters.since:
            overlap.append(ActivitySession.ends_dt > local_to_utc(filters.since, time(0, 0)))
        if filters.until:
            overlap.append(ActivitySession.starts_dt < local_to_utc(filters.until + timedelta(days=1), time(0, 0)))
        query = query.where(exists().where(and_(*overlap)))
    if filters.free_only:
        query = query.where(Activity.places_taken < Activity.capacity)
    return query


def prices_of(activity_ids) -> dict[int, list[int]]:
    """Each activity's bracket prices in cents, cheapest first (one query)."""
    found: dict[int, list[int]] = {}
    if not activity_ids:
        return found
    rows = db.session.execute(select(ActivityPrice.activity_id, ActivityPrice.amount_cents)
                              .where(ActivityPrice.activity_id.in_(list(activity_ids)))
                              .order_by(ActivityPrice.activity_id, ActivityPrice.amount_cents))
    for activity_id, cents in rows:
        found.setdefault(activity_id, []).append(cents)
    return found


def _entries(rows) -> list[Entry]:
    entries = [Entry(activity, first_start) for activity, first_start in rows]
    prices = prices_of([entry.activity.id for entry in entries])
    for entry in entries:
        entry.prices = prices.get(entry.activity.id, [])
    return entries


def catalogue_page(city_id: int | None, now: datetime, filters: Filters, page: int,
                   per_page: int = PER_PAGE) -> tuple[list[Entry], bool]:
    """One page of the catalogue and whether another follows (two queries)."""
    query = apply_filters(visible(city_id, now), filters).offset((page - 1) * per_page).limit(per_page + 1)
    rows = db.session.execute(query).unique().all()
    return _entries(rows[:per_page]), len(rows) > per_page


def find_public(city_id: int | None, public_id: str, now: datetime) -> Entry | None:
    """The activity if the catalogue shows it, else None (the page then answers 404)."""
    query = visible(city_id, now).where(Activity.public_id == public_id).options(
        selectinload(Activity.sessions), selectinload(Activity.prices).joinedload(ActivityPrice.bracket))
    row = db.session.execute(query).unique().first()
    return _entries([row])[0] if row else None


def feed_entries(city_id: int | None, now: datetime, filters: Filters) -> list[Entry]:
    """Every activity of the catalogue with its sessions and prices, for the open-data feeds."""
    query = apply_filters(visible(city_id, now), filters).limit(FEED_LIMIT).options(
        selectinload(Activity.sessions), selectinload(Activity.prices).joinedload(ActivityPrice.bracket))
    return _entries(db.session.execute(query).unique().all())


def family_entries(user, now: datetime) -> list[Entry]:
    """The activities still taking registrations (window not closed) that at least one child
    the guardian may register (parental authority, on the roster of the city) fits by age and
    level, each naming those children.

    Three queries whatever the number of activities: the children, the activities with their
    organiser and campaign, the prices.
    """
    children = registration.family_children(user, authority_only=True)
    if not children:
        return []
    closes = func.coalesce(Campaign.closes_dt, Activity.closes_dt)
    rows = db.session.execute(visible(user.city_id, now).where(closes > now)).unique().all()
    fitting = []
    for activity, first_start in rows:
        who = [child for child in children if eligibility.profile_fits(activity, child)]
        if who:
            fitting.append((activity, first_start, who))
    entries = _entries([(activity, first_start) for activity, first_start, _ in fitting])
    for entry, (_, _, who) in zip(entries, fitting):
        entry.children = who
    return entries
