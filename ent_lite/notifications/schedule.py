"""When a person is told: immediately, in their daily or weekly digest, never in quiet hours.

Pure functions of the person's preferences and the time given (tests pass the time; nothing
sleeps). Hours are the city's wall-clock time (``core.localtime.city_zone``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ent_lite.core.localtime import city_zone
from ent_lite.notifications.events import DUE_SOON
from ent_lite.notifications.models import Category, Mode

SATURDAY = 5


@dataclass(frozen=True)
class Plan:
    """Send at ``send_dt``; ``digest_slot_dt`` set when the item joins that digest."""

    send_dt: datetime
    digest_slot_dt: datetime | None = None


def _local(day: date, minute: int) -> datetime:
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=city_zone())


def _quiet_window_end(prefs, local: datetime) -> datetime | None:
    """The end of the daily quiet window ``local`` falls in, or None when it is not quiet."""
    start, end = prefs.quiet_start_minute, prefs.quiet_end_minute
    if start == end:
        return None
    minute = local.hour * 60 + local.minute
    if start < end:
        return _local(local.date(), end) if start <= minute < end else None
    if minute >= start:
        return _local(local.date() + timedelta(days=1), end)
    if minute < end:
        return _local(local.date(), end)
    return None


def end_of_quiet(prefs, moment: datetime) -> datetime:
    """The first instant at or after ``moment`` outside quiet hours (and weekends, if quiet)."""
    local = moment.astimezone(city_zone())
    for _ in range(4):  # a weekend, then the night window at its end, settle in a few steps
        if prefs.quiet_weekends and local.weekday() >= SATURDAY:
            local = _local(local.date() + timedelta(days=7 - local.weekday()), 0)
            continue
        window_end = _quiet_window_end(prefs, local)
        if window_end is None:
            break
        local = window_end
    return local.astimezone(moment.tzinfo)


def is_quiet(prefs, moment: datetime) -> bool:
    return end_of_quiet(prefs, moment) != moment


def _first_slot(prefs, mode: str, local_now: datetime) -> datetime:
    """The first daily or weekly slot strictly after ``local_now``, quiet or not."""
    slot = _local(local_now.date(), prefs.digest_minute)
    if mode == Mode.WEEKLY:
        slot = _local(local_now.date() + timedelta(days=(prefs.weekly_day - local_now.weekday()) % 7),
                      prefs.digest_minute)
    if slot <= local_now:
        slot = _local(slot.date() + timedelta(days=7 if mode == Mode.WEEKLY else 1), prefs.digest_minute)
    return slot


def next_digest_slot(prefs, mode: str, now: datetime) -> datetime:
    """The send time of the next daily or weekly digest after ``now``, out of quiet hours.

    The digest keeps the hour the person chose: a daily slot that falls on a quiet weekend
    moves to the next day that is not quiet (Monday 18:00, not Monday 07:00, which would be a
    second digest that day at an hour nobody chose). Only a slot that can never be out of
    quiet hours (a weekly day on a quiet weekend) is sent when quiet hours end.
    """
    local_now = now.astimezone(city_zone())
    slot = _first_slot(prefs, mode, local_now)
    step = timedelta(days=7 if mode == Mode.WEEKLY else 1)
    candidate = slot
    for _ in range(3):  # Saturday, Sunday, then a day out of the weekend
        if not is_quiet(prefs, candidate):
            return candidate.astimezone(now.tzinfo)
        candidate = _local(candidate.date() + step, prefs.digest_minute)
    return end_of_quiet(prefs, slot.astimezone(now.tzinfo))


def plan(prefs, category: str, channel: str, now: datetime, due_dt: datetime | None = None) -> Plan | None:
    """When to tell this person about an item of ``category`` on ``channel``; None: not at all.

    Urgent posts go at once, quiet hours aside. A signature or an answer due within 24 hours
    goes at once too, but after quiet hours; one due later is never held in a digest past the
    moment its deadline is 24 hours away.
    """
    if category == Category.URGENT:
        return Plan(now)
    mode = prefs.mode(category, channel)
    if mode == Mode.OFF:
        return None
    if category == Category.TODO and due_dt is not None and due_dt - now <= DUE_SOON:
        mode = Mode.IMMEDIATE
    if mode == Mode.IMMEDIATE:
        return Plan(end_of_quiet(prefs, now))
    slot = next_digest_slot(prefs, mode, now)
    if category == Category.TODO and due_dt is not None and slot > due_dt - DUE_SOON:
        # The digest would come too late to act: tell when the deadline is 24 hours away.
        return Plan(end_of_quiet(prefs, due_dt - DUE_SOON))
    return Plan(slot, slot)
