"""Who an activity is for: age in whole years on the first session's day, and/or school level.

When both an age range and levels are set, a child must fit both. These are the rules of the
child's profile only; registration adds the window, duplicates and clashes (``registration``).
"""
from __future__ import annotations

from datetime import date

# The oldest age an activity is written for and a visitor filters by: the city's children
# (the organiser's form and the catalogue's filter say the same bound).
MAX_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (a child born on 29 February turns a year older on 1 March)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def fits_age(activity, birth_date: date) -> bool:
    if activity.min_age is None and activity.max_age is None:
        return True
    if activity.first_day is None:
        return False
    age = age_on(birth_date, activity.first_day)
    if activity.min_age is not None and age < activity.min_age:
        return False
    return activity.max_age is None or age <= activity.max_age


def fits_level(activity, level: str) -> bool:
    levels = activity.level_list
    return not levels or level in levels


def profile_fits(activity, child) -> bool:
    """The child's age and level fit the activity (nothing about dates or places)."""
    return fits_age(activity, child.birth_date) and fits_level(activity, child.level)
