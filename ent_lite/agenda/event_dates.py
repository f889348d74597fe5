"""An event's date in the project's style, with the weekday a family plans by:
"mer. 9 déc. à 16 h 30", "mer. 9 déc." (all day), "mer. 9 déc. de 16 h 30 à 18 h",
"du lun. 21 déc. au dim. 3 janv. 2027"; "chaque semaine jusqu'au 8 févr." when it repeats.

Event dates and times are local to the city (what the author typed), never converted.
The year shows only outside the current one, as ``core.dates.format_day`` does. The calendar
pages use the same ``clock`` and ``weekday_name``; ``views_events`` registers ``event_when``
as the template filter.
"""
from __future__ import annotations

from datetime import date, datetime, time

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _

from ent_lite.core.dates import format_clock
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import city_zone, to_local


WALL_CLOCK_DAY = date(2000, 1, 1)


def _locale() -> str:
    return str(get_locale() or "fr")


def weekday(day: date, now: datetime | None = None) -> str:
    """"mer. 9 déc.", "dim. 3 janv. 2027" in another year."""
    this_year = to_local(now or utcnow()).year
    return format_skeleton("MMMEd" if day.year == this_year else "yMMMEd", day, locale=_locale())


def weekday_name(day: date) -> str:
    """"mercredi": the calendar's day headings."""
    return format_date(day, "EEEE", locale=_locale())


def clock(at: time) -> str:
    """"16 h 30": a local wall-clock time of the city, shown as typed (any day will do: it is
    never converted, only written as every page writes times)."""
    return format_clock(datetime.combine(WALL_CLOCK_DAY, at, tzinfo=city_zone()))


def _moment(day: date, at: time | None, now: datetime | None) -> str:
    if at is None:
        return weekday(day, now)
    return _("%(day)s at %(time)s", day=weekday(day, now), time=clock(at))


def event_when(event, now: datetime | None = None) -> str:
    """The event's date and times as one phrase (see the module docstring)."""
    start, end_day = event.start_date, event.end_date or event.start_date
    if end_day == start:
        if event.start_time is not None and event.end_time is not None:
            text = _("%(day)s from %(start)s to %(end)s", day=weekday(start, now),
                     start=clock(event.start_time), end=clock(event.end_time))
        else:
            text = _moment(start, event.start_time, now)
    else:
        text = _("from %(start)s to %(end)s", start=_moment(start, event.start_time, now),
                 end=_moment(end_day, event.end_time, now))
    if event.weekly_until is not None:
        text = _("%(when)s, every week until %(day)s", when=text, day=weekday(event.weekly_until, now))
    return text
