"""Staff writing an activity: the rules an activity must keep, then saving, publishing, withdrawing.

Rules kept (``check``, a plain function of the typed values and ``now``):
- a title, a known category, an organiser among the establishments the author manages;
- at least one session, each with a day, a start and an end time, ending after it starts;
- capacity at least 1, and never below the places already taken (editing);
- a price for every bracket of the city, none negative ("free" is a price of 0);
- first come: a registration window that closes after it opens; lottery: one of the author's
  campaigns (the campaign's window applies);
- the cancellation deadline no later than the first session; min age not above max age;
- the allocation mode does not change once families have registered.
Nothing is written when a rule fails: ``check`` returns every problem at once, by field.

Services flush, views commit. Raising the capacity offers the freed places to the waiting list
(``allocation.offer_free_places``) in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from ent_lite.activities import allocation, permissions
from ent_lite.activities.brackets import city_brackets
from ent_lite.activities.models import (
    Activity,
    ActivityCategory,
    ActivityPrice,
    ActivitySession,
    AllocationMode,
    Attendance,
    Campaign,
    QuotientBracket,
    Registration,
)
from ent_lite.core.localtime import local_to_utc, to_local
from ent_lite.extensions import db
from ent_lite.school.models import LEVELS, Establishment
from ent_lite.school.services import current_school_year

MAX_PRICE_CENTS = 100_000_00
MAX_OFFER_HOURS = 24 * 14
MAX_CAPACITY = 10_000


@dataclass
class SessionInput:
    """One row of the sessions table as typed: any part may be missing."""

    day: date | None = None
    starts: time | None = None
    ends: time | None = None

    @property
    def is_blank(self) -> bool:
        return self.day is None and self.starts is None and self.ends is None


@dataclass
class ActivityInput:
    """What the form sends, already converted (None where the field was empty)."""

    title: str = ""
    description: str = ""
    category: str = ActivityCategory.OTHER
    establishment_id: int | None = None
    place: str = ""
    sessions: list[SessionInput] = field(default_factory=list)
    min_age: int | None = None
    max_age: int | None = None
    levels: list[str] = field(default_factory=list)
    capacity: int | None = None
    mode: str = AllocationMode.FIRST_COME
    campaign_id: int | None = None
    campaign_unknown: bool = False  # a campaign was chosen that is not one of the author's
    opens_dt: datetime | None = None
    closes_dt: datetime | None = None
    cancel_until_dt: datetime | None = None
    offer_hours: int | None = 48
    documents: str = ""
    prices: dict[int, int | None] = field(default_factory=dict)  # bracket id -> cents

    def session_times(self) -> list[tuple[datetime, datetime]]:
        """The complete rows in UTC, earliest first."""
        rows = [(local_to_utc(s.day, s.starts), local_to_utc(s.day, s.ends))
                for s in self.sessions if s.day and s.starts and s.ends]
        return sorted(rows)


def organisers(user) -> list[Establishment]:
    """The establishments whose activities the user manages, by name."""
    ids = permissions.managed_establishment_ids(user)
    return list(db.session.scalars(select(Establishment).where(Establishment.id.in_(sorted(ids)))
                                   .order_by(Establishment.name, Establishment.id)))


def campaigns_of(user) -> list[Campaign]:
    """The lottery campaigns of the establishments the user manages."""
    ids = permissions.managed_establishment_ids(user)
    return list(db.session.scalars(select(Campaign).where(Campaign.establishment_id.in_(sorted(ids)),
                                                          Campaign.city_id == user.city_id)
                                   .order_by(Campaign.opens_dt.desc(), Campaign.id)))


def has_registrations(activity: Activity) -> bool:
    return bool(db.session.scalar(select(func.count(Registration.id))
                                  .where(Registration.activity_id == activity.id)))


def _places_taken(activity: Activity) -> int:
    return db.session.scalar(select(Activity.places_taken).where(Activity.id == activity.id)) or 0


def check(data: ActivityInput, user, now: datetime, activity: Activity | None = None) -> dict:
    """Every problem of ``data``: {field key: translated message}; empty when it may be saved.

    Keys: a field name ("title", "capacity", "closes", ...), "sessions" (none at all),
    ("session", row index) and ("price", bracket id)."""
    problems: dict = {}
    if not data.title.strip():
        problems["title"] = _("Give the activity a title.")
    if data.category not in ActivityCategory.ALL:
        problems["category"] = _("Choose a category among those listed.")
    if data.establishment_id not in permissions.managed_establishment_ids(user):
        problems["organiser"] = _("Choose an organiser among those listed.")
    _check_sessions(data, problems)
    if data.min_age is not None and data.max_age is not None and data.min_age > data.max_age:
        problems["max_age"] = _("The maximum age must not be below the minimum age.")
    if any(level not in LEVELS for level in data.levels):
        problems["levels"] = _("Choose among the levels listed.")
    _check_capacity(data, activity, problems)
    _check_allocation(data, user, activity, problems)
    if data.offer_hours is None or not 1 <= data.offer_hours <= MAX_OFFER_HOURS:
        problems["offer_hours"] = _("Give a number of hours between 1 and %(max)d.", max=MAX_OFFER_HOURS)
    sessions = data.session_times()
    if data.cancel_until_dt is not None and sessions and data.cancel_until_dt > sessions[0][0]:
        problems["cancel_until"] = _("Families must be able to cancel before the first session: "
                                     "choose a deadline no later than its start.")
    for bracket in city_brackets(user.city_id):
        cents = data.prices.get(bracket.id)
        if cents is None:
            problems[("price", bracket.id)] = _("Give the price for bracket %(label)s (0 if free).",
                                                label=bracket.label)
        elif cents < 0:
            problems[("price", bracket.id)] = _("A price cannot be negative.")
        elif cents > MAX_PRICE_CENTS:
            problems[("price", bracket.id)] = _("This price is too high.")
    return problems


def _check_sessions(data: ActivityInput, problems: dict) -> None:
    complete = 0
    for index, row in enumerate(data.sessions):
        if row.is_blank:
            continue
        if row.day is None or row.starts is None or row.ends is None:
            problems[("session", index)] = _("Give this session a day, a start time and an end time.")
        elif row.ends <= row.starts:
            problems[("session", index)] = _("The session must end after it starts.")
        else:
            complete += 1
    if not complete and not any(isinstance(key, tuple) and key[0] == "session" for key in problems):
        problems["sessions"] = _("Give at least one session: a day, a start time and an end time.")


def _check_capacity(data: ActivityInput, activity: Activity | None, problems: dict) -> None:
    if data.capacity is None or data.capacity < 1:
        problems["capacity"] = _("Give at least 1 place.")
    elif data.capacity > MAX_CAPACITY:
        problems["capacity"] = _("Give at most %(max)d places.", max=MAX_CAPACITY)
    elif activity is not None and data.capacity < (taken := _places_taken(activity)):
        problems["capacity"] = _("%(num)d places are already taken: the capacity cannot be lower.", num=taken)


def _check_allocation(data: ActivityInput, user, activity: Activity | None, problems: dict) -> None:
    if data.mode not in AllocationMode.ALL:
        problems["mode"] = _("Choose how places are given.")
        return
    if activity is not None and data.mode != activity.mode and has_registrations(activity):
        problems["mode"] = _("Families have already registered: the way places are given cannot change.")
    if activity is not None and data.mode == activity.mode == AllocationMode.LOTTERY \
            and data.campaign_id != activity.campaign_id and has_registrations(activity):
        # Its requests and tickets belong to the campaign they were made in (a change of mode
        # is refused above already).
        problems["campaign"] = _("Families have already made requests: the stay cannot move to another campaign.")
    if data.mode == AllocationMode.LOTTERY:
        if data.campaign_unknown:
            problems["campaign"] = _("Choose a campaign among those listed.")
        elif data.campaign_id is None:
            problems["campaign"] = _("A lottery needs a campaign: choose the one this stay is drawn in.")
        return
    if data.opens_dt is None:
        problems["opens"] = _("Give the day registrations open.")
    if data.closes_dt is None:
        problems["closes"] = _("Give the day registrations close.")
    elif data.opens_dt is not None and data.closes_dt <= data.opens_dt:
        problems["closes"] = _("Registrations must close after they open.")


class CapacityTaken(Exception):
    """Places were taken meanwhile: the capacity asked is below them (nothing was changed)."""


def save(activity: Activity | None, data: ActivityInput, user, now: datetime) -> Activity:
    """Create or update the activity from checked ``data``; flushed, the caller commits.

    Raises CapacityTaken when, between ``check`` and now, families took more places than the
    new capacity: the capacity is changed by a conditional UPDATE, so it never goes below
    ``places_taken`` even with registrations arriving at the same moment."""
    raised = False
    if activity is None:
        activity = Activity(city_id=user.city_id, author_id=user.id, capacity=data.capacity, created_dt=now)
        db.session.add(activity)
    elif data.capacity != activity.capacity:
        raised = data.capacity > activity.capacity
        changed = db.session.execute(
            update(Activity).where(Activity.id == activity.id, Activity.places_taken <= data.capacity)
            .values(capacity=data.capacity).execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            raise CapacityTaken()
        db.session.expire(activity, ["capacity", "places_taken"])
    lottery = data.mode == AllocationMode.LOTTERY
    activity.establishment_id = data.establishment_id
    activity.title = data.title.strip()
    activity.description = data.description.strip()
    activity.category = data.category
    activity.place = data.place.strip()
    activity.min_age, activity.max_age = data.min_age, data.max_age
    activity.levels = ",".join(level for level in LEVELS if level in data.levels)
    activity.mode = data.mode
    activity.campaign_id = data.campaign_id if lottery else None
    # A lottery uses its campaign's window; keeping a stale one would only confuse.
    activity.opens_dt = None if lottery else data.opens_dt
    activity.closes_dt = None if lottery else data.closes_dt
    activity.cancel_until_dt = data.cancel_until_dt
    activity.offer_hours = data.offer_hours
    activity.documents = data.documents.strip()
    activity.updated_dt = now
    _set_sessions(activity, data.session_times())
    _set_prices(activity, data.prices)
    db.session.flush()
    if raised:
        allocation.offer_free_places(activity.id, now)
    return activity


def _set_sessions(activity: Activity, times: list[tuple[datetime, datetime]]) -> None:
    """Update the sessions in place, earliest first, so a session that only moved keeps the
    attendance taken for it; extra ones are removed, new ones added."""
    existing = list(activity.sessions)
    for session, (starts, ends) in zip(existing, times):
        session.starts_dt, session.ends_dt = starts, ends
    for session in existing[len(times):]:
        # Its attendance goes with it (SQLite enforces no foreign key, so no cascade does it).
        db.session.execute(delete(Attendance).where(Attendance.session_id == session.id))
        activity.sessions.remove(session)
    for starts, ends in times[len(existing):]:
        activity.sessions.append(ActivitySession(starts_dt=starts, ends_dt=ends))
    activity.first_day = to_local(times[0][0]).date()
    activity.last_session_dt = max(ends for _, ends in times)
    activity.school_year = current_school_year(to_local(times[0][0]))


def _set_prices(activity: Activity, prices: dict[int, int | None]) -> None:
    by_bracket = {price.bracket_id: price for price in activity.prices}
    for bracket_id, cents in prices.items():
        if bracket_id in by_bracket:
            by_bracket[bracket_id].amount_cents = cents
        else:
            activity.prices.append(ActivityPrice(bracket_id=bracket_id, amount_cents=cents))


def missing_prices(activity: Activity) -> list[QuotientBracket]:
    """Brackets the city added after the activity was written, still without a price."""
    priced = {price.bracket_id for price in activity.prices}
    return [b for b in city_brackets(activity.city_id) if b.id not in priced]


def status(activity: Activity) -> str:
    """"draft", "published" or "withdrawn", as the list shows it."""
    if activity.withdrawn_dt is not None:
        return "withdrawn"
    return "draft" if activity.published_dt is None else "published"
