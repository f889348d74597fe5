"""When a person is told: quiet hours, daily and weekly digests, urgent and due-soon items.

Every time is written as a wall-clock time in Paris (the city's zone) and passed in UTC, as the
worker does; the boundaries are tested at the exact instant, both sides. Week of reference:
Wednesday 2 December 2026 to Monday 7 December 2026 (winter, UTC+1).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from ent_lite.notifications.models import Category, Channel, Mode
from ent_lite.notifications.preferences import defaults
from ent_lite.notifications.schedule import Plan, end_of_quiet, is_quiet, next_digest_slot, plan

PARIS = ZoneInfo("Europe/Paris")
SECOND = timedelta(seconds=1)


def at(day: str, clock: str = "00:00", second: int = 0) -> datetime:
    """``at("2026-12-04", "20:00")``: that wall-clock time in Paris, as a UTC instant."""
    local = datetime.fromisoformat(f"{day}T{clock}").replace(second=second, tzinfo=PARIS)
    return local.astimezone(timezone.utc)


def prefs(**changes):
    chosen = defaults(1)
    for name, value in changes.items():
        setattr(chosen, name, value)
    return chosen


WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY, MONDAY = (
    "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05", "2026-12-06", "2026-12-07")


def test_the_defaults_are_those_the_issue_promises():
    chosen = defaults(7)
    assert chosen.user_id == 7
    assert {c: chosen.mode(c, Channel.EMAIL) for c in Category.CONFIGURABLE} == dict.fromkeys(
        Category.CONFIGURABLE, Mode.DAILY)
    assert {c: chosen.mode(c, Channel.PUSH) for c in Category.CONFIGURABLE} == dict.fromkeys(
        Category.CONFIGURABLE, Mode.IMMEDIATE)
    assert (chosen.digest_minute, chosen.quiet_start_minute, chosen.quiet_end_minute) == (18 * 60, 20 * 60, 7 * 60)
    assert chosen.quiet_weekends is True
    assert chosen.mode(Category.URGENT, Channel.EMAIL) == Mode.IMMEDIATE


# --- quiet hours -----------------------------------------------------------------------------

def test_quiet_hours_start_at_the_exact_minute_given():
    assert not is_quiet(prefs(), at(WEDNESDAY, "19:59", 59))
    assert end_of_quiet(prefs(), at(WEDNESDAY, "19:59", 59)) == at(WEDNESDAY, "19:59", 59)
    assert is_quiet(prefs(), at(WEDNESDAY, "20:00"))
    assert end_of_quiet(prefs(), at(WEDNESDAY, "20:00")) == at(THURSDAY, "07:00")


def test_quiet_hours_end_at_the_exact_minute_given():
    assert is_quiet(prefs(), at(THURSDAY, "06:59", 59))
    assert end_of_quiet(prefs(), at(THURSDAY, "06:59", 59)) == at(THURSDAY, "07:00")
    assert not is_quiet(prefs(), at(THURSDAY, "07:00"))
    assert end_of_quiet(prefs(), at(THURSDAY, "07:00")) == at(THURSDAY, "07:00")


def test_just_after_midnight_is_still_the_same_quiet_night():
    assert end_of_quiet(prefs(), at(THURSDAY, "00:00")) == at(THURSDAY, "07:00")
    assert end_of_quiet(prefs(), at(WEDNESDAY, "23:59", 59)) == at(THURSDAY, "07:00")


@pytest.mark.parametrize("moment", [
    at(FRIDAY, "20:00"), at(FRIDAY, "23:30"), at(SATURDAY, "00:00"), at(SATURDAY, "07:00"),
    at(SATURDAY, "12:00"), at(SUNDAY, "18:00"), at(SUNDAY, "23:59", 59), at(MONDAY, "00:00"),
    at(MONDAY, "06:59", 59),
])
def test_quiet_weekends_hold_everything_from_friday_evening_to_monday_seven(moment):
    assert is_quiet(prefs(), moment)
    assert end_of_quiet(prefs(), moment) == at(MONDAY, "07:00")


def test_friday_before_the_evening_is_not_quiet():
    assert not is_quiet(prefs(), at(FRIDAY, "19:59", 59))


def test_when_weekends_are_not_quiet_only_the_nights_are():
    chosen = prefs(quiet_weekends=False)
    assert end_of_quiet(chosen, at(FRIDAY, "21:00")) == at(SATURDAY, "07:00")
    assert not is_quiet(chosen, at(SATURDAY, "07:00"))
    assert not is_quiet(chosen, at(SATURDAY, "12:00"))
    assert end_of_quiet(chosen, at(SATURDAY, "20:00")) == at(SUNDAY, "07:00")
    assert not is_quiet(chosen, at(SUNDAY, "19:59", 59))


def test_a_window_that_does_not_cross_midnight():
    chosen = prefs(quiet_start_minute=12 * 60, quiet_end_minute=14 * 60, quiet_weekends=False)
    assert not is_quiet(chosen, at(WEDNESDAY, "11:59", 59))
    assert end_of_quiet(chosen, at(WEDNESDAY, "12:00")) == at(WEDNESDAY, "14:00")
    assert end_of_quiet(chosen, at(WEDNESDAY, "13:59", 59)) == at(WEDNESDAY, "14:00")
    assert not is_quiet(chosen, at(WEDNESDAY, "14:00"))
    # Nights are not quiet in this choice.
    assert not is_quiet(chosen, at(WEDNESDAY, "23:00"))
    assert not is_quiet(chosen, at(THURSDAY, "03:00"))


def test_a_lunch_window_with_quiet_weekends_ends_the_weekend_at_monday_midnight():
    chosen = prefs(quiet_start_minute=12 * 60, quiet_end_minute=14 * 60)
    assert end_of_quiet(chosen, at(SATURDAY, "10:00")) == at(MONDAY, "00:00")
    assert end_of_quiet(chosen, at(FRIDAY, "12:30")) == at(FRIDAY, "14:00")


def test_start_equal_to_end_means_no_quiet_hours():
    chosen = prefs(quiet_start_minute=0, quiet_end_minute=0, quiet_weekends=False)
    for moment in (at(WEDNESDAY, "00:00"), at(WEDNESDAY, "03:00"), at(SATURDAY, "23:00")):
        assert not is_quiet(chosen, moment)


# --- digests ---------------------------------------------------------------------------------

def test_the_daily_digest_goes_at_its_hour_today_until_that_very_instant():
    assert next_digest_slot(prefs(), Mode.DAILY, at(WEDNESDAY, "08:00")) == at(WEDNESDAY, "18:00")
    assert next_digest_slot(prefs(), Mode.DAILY, at(WEDNESDAY, "17:59", 59)) == at(WEDNESDAY, "18:00")
    # At 18:00 exactly today's digest is being sent: what arrives now waits for tomorrow's.
    assert next_digest_slot(prefs(), Mode.DAILY, at(WEDNESDAY, "18:00")) == at(THURSDAY, "18:00")
    assert next_digest_slot(prefs(), Mode.DAILY, at(WEDNESDAY, "18:00", 1)) == at(THURSDAY, "18:00")


def test_the_daily_digest_is_in_utc_when_asked_in_utc():
    slot = next_digest_slot(prefs(), Mode.DAILY, at(WEDNESDAY, "08:00"))
    assert slot.utcoffset() == timedelta(0)
    assert (slot.hour, slot.minute) == (17, 0)


def test_a_daily_digest_falling_on_a_quiet_weekend_waits_for_monday_at_its_own_hour():
    # Not Saturday (quiet), and not Monday 07:00 either: the person chose 18:00.
    assert next_digest_slot(prefs(), Mode.DAILY, at(FRIDAY, "18:00")) == at(MONDAY, "18:00")
    assert next_digest_slot(prefs(), Mode.DAILY, at(SATURDAY, "10:00")) == at(MONDAY, "18:00")
    assert next_digest_slot(prefs(), Mode.DAILY, at(FRIDAY, "17:00")) == at(FRIDAY, "18:00")


def test_without_quiet_weekends_the_daily_digest_goes_on_saturday():
    assert next_digest_slot(prefs(quiet_weekends=False), Mode.DAILY, at(FRIDAY, "19:00")) == at(SATURDAY, "18:00")


def test_the_weekly_digest_goes_on_its_day_before_the_hour_and_a_week_later_after_it():
    chosen = prefs(weekly_day=4)  # Friday
    assert next_digest_slot(chosen, Mode.WEEKLY, at(WEDNESDAY, "09:00")) == at(FRIDAY, "18:00")
    assert next_digest_slot(chosen, Mode.WEEKLY, at(FRIDAY, "17:59", 59)) == at(FRIDAY, "18:00")
    assert next_digest_slot(chosen, Mode.WEEKLY, at(FRIDAY, "18:00")) == at("2026-12-11", "18:00")
    assert next_digest_slot(chosen, Mode.WEEKLY, at(SATURDAY, "09:00")) == at("2026-12-11", "18:00")


def test_a_weekly_digest_on_a_monday_morning():
    chosen = prefs(weekly_day=0, digest_minute=8 * 60 + 30)
    assert next_digest_slot(chosen, Mode.WEEKLY, at(SUNDAY, "22:00")) == at(MONDAY, "08:30")
    assert next_digest_slot(chosen, Mode.WEEKLY, at(MONDAY, "08:30")) == at("2026-12-14", "08:30")


def test_a_weekly_digest_on_a_quiet_saturday_goes_when_the_weekend_ends():
    # The preferences form refuses this choice; a stored one still gets its digest.
    chosen = prefs(weekly_day=5)
    assert next_digest_slot(chosen, Mode.WEEKLY, at(WEDNESDAY, "09:00")) == at(MONDAY, "07:00")


def test_a_digest_hour_inside_quiet_hours_goes_when_they_end():
    chosen = prefs(digest_minute=21 * 60, quiet_weekends=False)
    assert next_digest_slot(chosen, Mode.DAILY, at(WEDNESDAY, "10:00")) == at(THURSDAY, "07:00")


# --- summer time ------------------------------------------------------------------------------

def test_march_change_quiet_night_ends_at_seven_summer_time():
    # Sunday 29 March 2026 at 02:00 the clocks go forward to 03:00.
    chosen = prefs(quiet_weekends=False)
    end = end_of_quiet(chosen, at("2026-03-28", "21:00"))
    assert end == at("2026-03-29", "07:00")
    assert end == datetime(2026, 3, 29, 5, 0, tzinfo=timezone.utc)


def test_march_change_daily_digest_keeps_its_wall_clock_hour():
    chosen = prefs(quiet_weekends=False)
    assert next_digest_slot(chosen, Mode.DAILY, at("2026-03-28", "19:00")) == datetime(
        2026, 3, 29, 16, 0, tzinfo=timezone.utc)
    weekly = prefs(weekly_day=0)
    assert next_digest_slot(weekly, Mode.WEEKLY, at("2026-03-23", "19:00")) == datetime(
        2026, 3, 30, 16, 0, tzinfo=timezone.utc)


def test_october_change_quiet_night_ends_at_seven_winter_time():
    # Sunday 25 October 2026 at 03:00 the clocks go back to 02:00: the night is an hour longer.
    chosen = prefs(quiet_weekends=False)
    end = end_of_quiet(chosen, at("2026-10-24", "21:00"))
    assert end == datetime(2026, 10, 25, 6, 0, tzinfo=timezone.utc)
    assert next_digest_slot(chosen, Mode.DAILY, at("2026-10-24", "19:00")) == datetime(
        2026, 10, 25, 17, 0, tzinfo=timezone.utc)


def test_october_change_the_repeated_hour_is_quiet_both_times():
    chosen = prefs(quiet_start_minute=60, quiet_end_minute=3 * 60, quiet_weekends=False)
    first = datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc)   # 02:30 summer time
    second = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 02:30 winter time
    for moment in (first, second):
        assert end_of_quiet(chosen, moment) == datetime(2026, 10, 25, 2, 0, tzinfo=timezone.utc)


# --- plans -----------------------------------------------------------------------------------

@pytest.mark.parametrize("moment", [at(WEDNESDAY, "23:00"), at(SATURDAY, "03:00"), at(SUNDAY, "12:00")])
def test_urgent_goes_at_once_even_in_quiet_hours(moment):
    for channel in Channel.ALL:
        assert plan(prefs(), Category.URGENT, channel, moment) == Plan(moment)


def test_urgent_cannot_be_turned_off():
    everything_off = prefs(**{f"{c}_{ch}": Mode.OFF for c in Category.CONFIGURABLE for ch in Channel.ALL})
    for channel in Channel.ALL:
        assert plan(everything_off, Category.URGENT, channel, at(WEDNESDAY, "10:00")) == Plan(at(WEDNESDAY, "10:00"))


def test_defaults_push_at_once_and_mail_in_the_evening_digest():
    now = at(WEDNESDAY, "10:00")
    assert plan(prefs(), Category.NEWS, Channel.PUSH, now) == Plan(now)
    assert plan(prefs(), Category.NEWS, Channel.EMAIL, now) == Plan(at(WEDNESDAY, "18:00"), at(WEDNESDAY, "18:00"))


def test_immediate_waits_for_the_end_of_quiet_hours():
    assert plan(prefs(), Category.MESSAGES, Channel.PUSH, at(WEDNESDAY, "22:00")) == Plan(at(THURSDAY, "07:00"))
    assert plan(prefs(), Category.NEWS, Channel.PUSH, at(FRIDAY, "20:00")) == Plan(at(MONDAY, "07:00"))


def test_each_category_follows_its_own_choice():
    chosen = prefs(messages_email=Mode.WEEKLY, news_email=Mode.IMMEDIATE)
    now = at(WEDNESDAY, "10:00")
    assert plan(chosen, Category.MESSAGES, Channel.EMAIL, now) == Plan(at(FRIDAY, "18:00"), at(FRIDAY, "18:00"))
    assert plan(chosen, Category.NEWS, Channel.EMAIL, now) == Plan(now)
    assert plan(chosen, Category.TODO, Channel.EMAIL, now) == Plan(at(WEDNESDAY, "18:00"), at(WEDNESDAY, "18:00"))


def test_off_tells_nothing_on_that_channel_only():
    chosen = prefs(news_email=Mode.OFF)
    now = at(WEDNESDAY, "10:00")
    assert plan(chosen, Category.NEWS, Channel.EMAIL, now) is None
    assert plan(chosen, Category.NEWS, Channel.PUSH, now) == Plan(now)


def test_a_signature_due_in_23_hours_goes_at_once_but_after_quiet_hours():
    now = at(WEDNESDAY, "10:00")
    assert plan(prefs(), Category.TODO, Channel.EMAIL, now, due_dt=now + timedelta(hours=23)) == Plan(now)
    evening = at(WEDNESDAY, "21:00")
    assert plan(prefs(), Category.TODO, Channel.EMAIL, evening, due_dt=evening + timedelta(hours=23)) == Plan(
        at(THURSDAY, "07:00"))


def test_a_signature_due_in_exactly_24_hours_goes_at_once():
    now = at(WEDNESDAY, "10:00")
    assert plan(prefs(), Category.TODO, Channel.EMAIL, now, due_dt=now + timedelta(hours=24)) == Plan(now)


def test_a_signature_due_in_25_hours_waits_for_the_digest():
    now = at(WEDNESDAY, "17:00")
    slot = at(WEDNESDAY, "18:00")
    assert plan(prefs(), Category.TODO, Channel.EMAIL, now, due_dt=now + timedelta(hours=25)) == Plan(slot, slot)
    assert plan(prefs(), Category.TODO, Channel.EMAIL, now) == Plan(slot, slot)


def test_a_signature_is_told_once_it_is_24_hours_from_its_deadline_if_the_digest_is_later():
    # At 10:00 a signature due tomorrow at 11:00 is 25 hours away; this evening's digest would
    # leave only 17 hours, so it goes at 11:00, when it becomes due within 24 hours.
    now = at(WEDNESDAY, "10:00")
    assert plan(prefs(), Category.TODO, Channel.EMAIL, now, due_dt=now + timedelta(hours=25)) == Plan(
        at(WEDNESDAY, "11:00"))


def test_a_signature_is_never_told_in_a_digest_that_comes_too_late_to_sign():
    # Weekly digest on Friday 18:00, signature due Friday 12:00: told on Thursday at 12:00,
    # when the deadline is 24 hours away, not after it has passed.
    chosen = prefs(todo_email=Mode.WEEKLY)
    now = at(WEDNESDAY, "10:00")
    assert plan(chosen, Category.TODO, Channel.EMAIL, now, due_dt=at(FRIDAY, "12:00")) == Plan(at(THURSDAY, "12:00"))
    # Due after the digest: the digest is soon enough.
    assert plan(chosen, Category.TODO, Channel.EMAIL, now, due_dt=at("2026-12-08", "12:00")) == Plan(
        at(FRIDAY, "18:00"), at(FRIDAY, "18:00"))


def test_the_day_before_the_deadline_falls_in_quiet_hours_then_it_waits_for_their_end():
    chosen = prefs(todo_email=Mode.WEEKLY)
    now = at(WEDNESDAY, "10:00")
    assert plan(chosen, Category.TODO, Channel.EMAIL, now, due_dt=at(FRIDAY, "06:00")) == Plan(at(THURSDAY, "07:00"))


def test_a_signature_turned_off_stays_off_even_when_due_soon():
    chosen = prefs(todo_email=Mode.OFF)
    now = at(WEDNESDAY, "10:00")
    assert plan(chosen, Category.TODO, Channel.EMAIL, now, due_dt=now + timedelta(hours=23)) is None
