"""One date style on every page: "8 déc.", "8 déc. 2025" in another year, "à 16 h 30", never seconds.

Dates are stored in UTC and shown in the city's time zone. Parents far from school culture read
"hier à 18 h" and "il y a 2 h" faster than a numeric date, so recent moments are relative.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_skeleton, format_time
from flask_babel import get_locale, gettext as _

from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local


def _locale() -> str:
    return str(get_locale() or "fr")


def _local(moment: datetime | date) -> datetime | date:
    if isinstance(moment, datetime):
        return to_local(moment)
    return moment


def format_day(moment: datetime | date, now: datetime | None = None) -> str:
    """"8 déc." this year, "8 déc. 2025" in another."""
    day = _local(moment)
    today = to_local(now or utcnow())
    skeleton = "MMMd" if day.year == today.year else "yMMMd"
    return format_skeleton(skeleton, day, locale=_locale())


def format_clock(moment: datetime) -> str:
    """"16 h 30", "16 h" in French; "4:30 PM" in English. Never seconds."""
    local = to_local(moment)
    if _locale().startswith("fr"):
        return f"{local.hour}\u00a0h" + (f"\u00a0{local.minute:02d}" if local.minute else "")
    return format_time(local, "short", locale=_locale())


def format_when(moment: datetime, now: datetime | None = None) -> str:
    """"8 déc. à 16 h 30": the day, then the time."""
    return _("%(day)s at %(time)s", day=format_day(moment, now), time=format_clock(moment))


def format_ago(moment: datetime, now: datetime | None = None) -> str:
    """"à l'instant", "il y a 5 min", "il y a 2 h", "hier à 18 h", then ``format_when``."""
    now = now or utcnow()
    elapsed = now - moment
    if timedelta(0) <= elapsed < timedelta(minutes=1):
        return _("just now")
    if timedelta(0) <= elapsed < timedelta(hours=1):
        return _("%(num)d min ago", num=elapsed // timedelta(minutes=1))
    local, today = to_local(moment).date(), to_local(now).date()
    if timedelta(0) <= elapsed < timedelta(hours=12) or (elapsed >= timedelta(0) and local == today):
        return _("%(num)d h ago", num=max(1, elapsed // timedelta(hours=1)))
    if local == today - timedelta(days=1):
        return _("yesterday at %(time)s", time=format_clock(moment))
    return format_when(moment, now)


def init_app(app) -> None:
    """``|when``, ``|day`` and ``|ago`` in every template, and the ISO value for ``<time>``."""
    app.add_template_filter(format_when, "when")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_ago, "ago")
    app.add_template_filter(lambda moment: moment.replace(microsecond=0).isoformat(), "iso")
