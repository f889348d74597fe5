"""The family calendar page, one event as .ics, and the city's public open-data calendar.

- ``calendar`` (/agenda; /calendar leads there): families and the staff who read news (404
  for the others); a month (``?mois=2026-12``) as a list grouped by day, which fits a phone,
  or the coming weeks (``?vue=liste``). A wrong month is refused with a message and the
  current month, never a 500.
- ``event_ics``: "Add to my calendar" for one event its reader may see, or for anyone when
  the event is public (no login: a visitor of the open-data calendar may add it too).
- ``public_feed`` (/agenda.ics, /calendar.ics): open data, no login, names nobody.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from babel.dates import format_skeleton
from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ent_lite.activities.catalogue import catalogue_city_id
from ent_lite.agenda import feeds, ical
from ent_lite.agenda.blueprint import bp
from ent_lite.agenda.calendar import calendar_items
from ent_lite.agenda.event_dates import clock, weekday_name
from ent_lite.agenda.models import Event
from ent_lite.core.auth import public
from ent_lite.core.branding import product_name
from ent_lite.core.db_types import PUBLIC_ID_LENGTH, utcnow
from ent_lite.core.localtime import to_local
from ent_lite.core.security import sets_own_cache_control
from ent_lite.extensions import db
from ent_lite.rules import can_view_event, may_read_news

LIST_DAYS = 60
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_YEARS = 5
PUBLIC_CACHE = "public, max-age=300"


@bp.app_context_processor
def _calendar_words():
    return {"calendar_clock": clock, "calendar_weekday": weekday_name}


def month_label(first: date) -> str:
    return format_skeleton("yMMMM", first, locale=str(get_locale() or "fr"))


def parse_month(value: str | None, today: date) -> date | None:
    """The first day of ``YYYY-MM`` within a few years of today; None when it is not one."""
    found = MONTH.match(value or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or abs(year - today.year) > MAX_YEARS:
        return None
    return date(year, month, 1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def by_day(items, first_day: date) -> list[tuple[date, list]]:
    days: dict[date, list] = {}
    for item in items:
        days.setdefault(item.shown_on(first_day), []).append(item)
    return sorted(days.items())


@bp.get("/agenda", endpoint="calendar")
def calendar_page():
    if not may_read_news(current_user):
        abort(404)
    now = utcnow()
    today = to_local(now).date()
    if request.args.get("vue") == "liste":
        first, last = today, today + timedelta(days=LIST_DAYS)
        items = calendar_items(current_user, first, last, now)
        return render_template("agenda/calendar_list.html", days=by_day(items, first), today=today,
                               last=last, now=now)
    status, month_error = 200, None
    first = today.replace(day=1)
    if "mois" in request.args:
        asked = parse_month(request.args.get("mois"), today)
        if asked is None:
            status = 400
            month_error = _("This month could not be read: choose it with the links below. Here is this month.")
        else:
            first = asked
    last = month_end(first)
    items = calendar_items(current_user, first, last, now)
    previous, following = (first - timedelta(days=1)).replace(day=1), last + timedelta(days=1)
    return render_template(
        "agenda/calendar_month.html", days=by_day(items, first), today=today, first=first,
        month=month_label(first), month_error=month_error, now=now,
        previous=previous if parse_month(previous.strftime("%Y-%m"), today) else None,
        following=following if parse_month(following.strftime("%Y-%m"), today) else None,
        previous_label=month_label(previous), following_label=month_label(following)), status


@bp.get("/calendar", endpoint="calendar_redirect")
def calendar_redirect():
    return redirect(url_for("agenda.calendar"))


def ics_response(body: bytes, filename: str | None = None):
    response = make_response(body, 200, {"Content-Type": "text/calendar; charset=utf-8"})
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/agenda/evenements/<public_id>.ics", endpoint="event_ics")
@public
@sets_own_cache_control
def event_ics(public_id: str):
    if len(public_id) > PUBLIC_ID_LENGTH:
        abort(404)
    now = utcnow()
    event = db.session.scalar(select(Event).where(Event.public_id == public_id))
    if event is None:
        abort(404)
    open_data = event.is_public and event.published_dt <= now and event.city_id == catalogue_city_id(current_user)
    if not open_data and not (current_user.is_authenticated and can_view_event(current_user, event, now)):
        abort(404)
    response = ics_response(ical.events_calendar([event], event.title), f"{event.public_id}.ics")
    response.headers["Cache-Control"] = PUBLIC_CACHE if open_data else "no-store"
    return response


@bp.get("/agenda.ics", endpoint="public_feed")
@bp.get("/calendar.ics", endpoint="public_feed")
@public
@sets_own_cache_control
def public_feed():
    now = utcnow()
    events = feeds.public_events(catalogue_city_id(current_user), now)
    name = _("School holidays and city events: %(product)s", product=product_name())
    response = ics_response(ical.events_calendar(events, name))
    response.headers["Cache-Control"] = PUBLIC_CACHE
    # Open data: other sites may fetch it (no cookie is sent or read with it).
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
