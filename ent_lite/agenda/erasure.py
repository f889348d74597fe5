"""Erasure and the calendar: a person's private calendar address goes; the events they wrote
stay for the families, without their author (a guardian writes none: for safety)."""
from __future__ import annotations

from ent_lite.agenda.models import CalendarFeed, Event
from ent_lite.erasure.helpers import counts, delete_where, set_null
from ent_lite.erasure.signals import erasure_handler


@erasure_handler("user", "agenda_event.author_id", "calendar_feed.user_id")
def erase_guardian_calendar(user, **_) -> dict[str, int]:
    return counts(
        calendar_feed=delete_where(CalendarFeed, CalendarFeed.user_id == user.id),
        agenda_event=set_null(Event.author_id, user.id),
    )
