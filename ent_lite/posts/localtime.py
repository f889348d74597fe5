"""The city's wall-clock time (Europe/Paris by default) for the dates authors type.

Dates are stored in UTC; a date typed in a form means that day in the city's time zone.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def city_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=city_zone()).astimezone(timezone.utc)


def end_of_day_utc(day: date) -> datetime:
    """The last second of that day in the city: "before the 5th" still allows the 5th."""
    return local_to_utc(day, time(23, 59, 59))


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(city_zone())
