"""The city's school holidays, as the periscolaire rules need them (``kinds.kinds_on``).

The project's holiday calendar is the city's public calendar: the events of category
"holiday" that a city agent or the admin published for all families (``agenda``: only they
mark an event public, and only for the whole city), not cancelled, one day or a span of days
(a repeating event is no holiday period). A day is in the holidays when such an event covers
it. A school year in which the city published no holiday at all has an unknown calendar
(None): the kinds rule then falls back to the weekdays without school.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from ent_lite.agenda.models import Event, EventCategory
from ent_lite.extensions import db
from ent_lite.school.services import SCHOOL_YEAR_START_MONTH


def _school_year_bounds(day: date) -> tuple[date, date]:
    start_year = day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1
    return (date(start_year, SCHOOL_YEAR_START_MONTH, 1),
            date(start_year + 1, SCHOOL_YEAR_START_MONTH, 1) - timedelta(days=1))


def holiday_days(city_id: int, first: date, last: date) -> dict[date, bool | None]:
    """{day: in the holidays (True/False), or None when its school year has no holiday
    published} for each day from ``first`` to ``last``; one query."""
    window_start, _ = _school_year_bounds(first)
    _, window_end = _school_year_bounds(last)
    spans = db.session.execute(
        select(Event.start_date, func.coalesce(Event.end_date, Event.start_date))
        .where(Event.city_id == city_id, Event.category == EventCategory.HOLIDAY, Event.is_public.is_(True),
               Event.cancelled_dt.is_(None), Event.weekly_until.is_(None),
               Event.start_date <= window_end, func.coalesce(Event.end_date, Event.start_date) >= window_start)
    ).all()
    found: dict[date, bool | None] = {}
    day = first
    while day <= last:
        year_start, year_end = _school_year_bounds(day)
        if not any(start <= year_end and end >= year_start for start, end in spans):
            found[day] = None
        else:
            found[day] = any(start <= day <= end for start, end in spans)
        day += timedelta(days=1)
    return found


def is_holiday(city_id: int, day: date) -> bool | None:
    return holiday_days(city_id, day, day)[day]
