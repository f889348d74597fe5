"""The periscolaire group kinds (``PeriscolaireKind``): their names, and the days each looks
after the children.

Names: one label set, used wherever a kind is named alone (tables, pickers, the composer's
boxes), and the same kinds inside a sentence (the name of a city audience).

Days (``KIND_WEEKDAYS``, the one rule; absence notices reach a group only on its days):

| kind | weekdays |
|---|---|
| morning | Monday to Friday (mornings before school, Wednesday included) |
| lunch, evening | school days: Monday, Tuesday, Thursday, Friday (no school on Wednesday afternoon) |
| wednesday | Wednesday |
| holidays | any day in the school holidays only |

The school holidays are the city's holiday calendar (``periscolaire.holidays``). When the city
has published no holiday for that school year, the holidays group counts the days without
school instead (Wednesday, Saturday, Sunday): it then sees the notices of those days rather
than none. The school-day kinds are not switched off during the holidays (kept simple: a
notice for a holiday day reaches them too, which costs a line in a list, never a missed
absence).
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from ent_lite.school.models import PeriscolaireKind

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
WEEKDAYS = (MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)
SCHOOL_DAYS = (MONDAY, TUESDAY, THURSDAY, FRIDAY)
EVERY_DAY = tuple(range(7))

KIND_WEEKDAYS: dict[str, tuple[int, ...]] = {
    PeriscolaireKind.MORNING: WEEKDAYS,
    PeriscolaireKind.LUNCH: SCHOOL_DAYS,
    PeriscolaireKind.EVENING: SCHOOL_DAYS,
    PeriscolaireKind.WEDNESDAY: (WEDNESDAY,),
    PeriscolaireKind.HOLIDAYS: EVERY_DAY,  # and only in the holidays: see kinds_on
}

KIND_LABELS = {
    PeriscolaireKind.MORNING: _l("Morning childcare"),
    PeriscolaireKind.LUNCH: _l("Lunch break"),
    PeriscolaireKind.EVENING: _l("Evening childcare"),
    PeriscolaireKind.WEDNESDAY: _l("Wednesday leisure centre"),
    PeriscolaireKind.HOLIDAYS: _l("Holiday leisure centre"),
}
KIND_IN_SENTENCE = {
    PeriscolaireKind.MORNING: _l("the morning childcare"),
    PeriscolaireKind.LUNCH: _l("the lunch break"),
    PeriscolaireKind.EVENING: _l("the evening childcare"),
    PeriscolaireKind.WEDNESDAY: _l("the Wednesday leisure centre"),
    PeriscolaireKind.HOLIDAYS: _l("the holiday leisure centre"),
}


def kind_label(kind: str | None):
    return KIND_LABELS.get(kind, "") if kind else ""


def kinds_on(day: date, holiday: bool | None) -> tuple[str, ...]:
    """The kinds of group that look after the children on ``day``. ``holiday``: whether the
    day is in the city's school holidays, None when the city's calendar holds no holiday."""
    weekday = day.weekday()
    found = []
    for kind in PeriscolaireKind.ALL:
        if weekday not in KIND_WEEKDAYS[kind]:
            continue
        if kind == PeriscolaireKind.HOLIDAYS and not (holiday if holiday is not None else weekday not in SCHOOL_DAYS):
            continue
        found.append(kind)
    return tuple(found)
