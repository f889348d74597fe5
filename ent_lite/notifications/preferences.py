"""A person's notification preferences; no stored row means the defaults."""
from __future__ import annotations

from datetime import datetime

from ent_lite.core import upsert
from ent_lite.extensions import db
from ent_lite.notifications.models import Category, Channel, Mode, NotificationPreferences
from ent_lite.notifications.schedule import SATURDAY


def defaults(user_id: int) -> NotificationPreferences:
    """Daily digest at 18:00 by email, push at once when turned on, quiet 20:00–07:00 and weekends."""
    columns = NotificationPreferences.__table__.columns
    return NotificationPreferences(user_id=user_id, **{
        c.name: c.default.arg for c in columns if c.default is not None and not callable(c.default.arg)})


def preferences_of(user_id: int) -> NotificationPreferences:
    """The stored preferences, or unsaved defaults."""
    return db.session.get(NotificationPreferences, user_id) or defaults(user_id)


# Choices that would never be sent, refused by the form (``timing_problems``).
QUIET_START_IS_END = "quiet_start_is_end"
DIGEST_IN_QUIET_HOURS = "digest_in_quiet_hours"
WEEKLY_ON_QUIET_WEEKEND = "weekly_on_quiet_weekend"


def in_quiet_window(minute: int, start: int, end: int) -> bool:
    """Whether a time of day falls in the daily quiet window (which may cross midnight)."""
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def timing_problems(choices: dict) -> dict[str, str]:
    """Per field name, why these hours cannot work. The digest's hour and day matter only
    when some choice is a digest."""
    problems = {}
    start, end = choices["quiet_start_minute"], choices["quiet_end_minute"]
    if start == end:
        problems["quiet_end_minute"] = QUIET_START_IS_END
    modes = {choices[f"{category}_{channel}"] for category in Category.CONFIGURABLE for channel in Channel.ALL}
    if modes & set(Mode.DIGESTS) and start != end and in_quiet_window(choices["digest_minute"], start, end):
        problems["digest_minute"] = DIGEST_IN_QUIET_HOURS
    if Mode.WEEKLY in modes and choices["quiet_weekends"] and choices["weekly_day"] >= SATURDAY:
        problems["weekly_day"] = WEEKLY_ON_QUIET_WEEKEND
    return problems


def save(user_id: int, choices: dict, now: datetime) -> None:
    """Write the person's one row: an upsert, so two tabs saving at once both succeed (the
    last one wins) instead of one failing on the primary key."""
    values = {**choices, "updated_dt": now}
    statement = upsert.insert(NotificationPreferences).values(user_id=user_id, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_=values))
