"""The city's wall-clock time (Europe/Paris by default) for the dates people type.

Dates are stored in UTC; a date typed in a form means that day in the city's time zone.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from wtforms import DateField, TimeField
from wtforms.validators import Optional, StopValidation

DEFAULT_TIMEZONE = "Europe/Paris"
# Date and time fields of forms: what a person may type, and what they are told when it is not that.
# Phones send 2026-06-30 from their date picker; a browser without one gets typed text.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
BAD_DATE = _l("Enter the date as day, month and year, for example 30/06/2026.")
BAD_TIME = _l("Enter a time, for example 08:30.")


def city_zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_TIMEZONE)


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=city_zone()).astimezone(timezone.utc)


def end_of_day_utc(day: date) -> datetime:
    """The last second of that day in the city: "before the 5th" still allows the 5th."""
    return local_to_utc(day, time(23, 59, 59))


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(city_zone())


def day_end_utc(day: date) -> datetime:
    """The instant a local day ends (the next midnight in the city): the retention anchor of
    what is dated by days (calendar events, absence notices)."""
    return local_to_utc(day + timedelta(days=1), time(0))


def last_day_ended_before(moment: datetime) -> date:
    """The latest local day that ended strictly before ``moment``: what is anchored at a day's
    end (``day_end_utc``) is due for deletion at ``moment`` when its day is on or before it."""
    local = to_local(moment)
    return local.date() - timedelta(days=1 if local.time() > time(0) else 2)


class NearToday:
    """A date field validator: within ``years`` of today. A slip such as 0026 or 2206 is
    refused next to the field (year 1 would not even convert to UTC)."""

    def __init__(self, years: int = 5) -> None:
        self.years = years

    def __call__(self, form, field) -> None:
        if field.data is None:
            return
        today = datetime.now(city_zone()).date()
        if abs(field.data.year - today.year) > self.years:
            field.errors[:] = []
            raise StopValidation(str(_l("Choose a date within %(n)d years of today.", n=self.years)))


def optional_date(label, years: int = 5, **kwargs) -> DateField:
    """A date field that may stay empty, as every form writes one: either format, within
    ``years`` of today, the one message for what cannot be read."""
    return DateField(label, validators=[Optional(), NearToday(years)], format=DATE_FORMATS,
                     invalid_value_message=BAD_DATE, **kwargs)


def optional_time(label, **kwargs) -> TimeField:
    """A time field that may stay empty, with the one message for what cannot be read."""
    return TimeField(label, validators=[Optional()], invalid_value_message=BAD_TIME, **kwargs)
