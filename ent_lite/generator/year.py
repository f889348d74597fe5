"""The generated school year's dates: from its first day (1 September, when the retention
rules start the year too) up to now, in school weeks, so that nothing generated belongs to a
past school year the first purge would delete, and nothing lands on a weekend or at night."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from ent_lite.demo.city_life import school_holidays
from ent_lite.school.services import SCHOOL_YEAR_START_MONTH, current_school_year

SCHOOL_DAY_START = time(7)   # UTC: 8 h or 9 h in Paris
SCHOOL_DAY_HOURS = 10


class SchoolYear:
    def __init__(self, now: datetime):
        self.now = now
        first_year = int(current_school_year(now)[:4])
        self.start = datetime(first_year, SCHOOL_YEAR_START_MONTH, 1, tzinfo=timezone.utc)
        self.holidays = school_holidays(first_year)
        monday = self.start.date() - timedelta(days=self.start.weekday())
        mondays = []
        while self._opening(monday) < now:
            if not self.in_holidays(monday):
                mondays.append(monday)
            monday += timedelta(days=7)
        # Always one week, even on the year's first morning: its moments are then squeezed before now.
        self.weeks = mondays or [self.start.date()]

    def in_holidays(self, day: date) -> bool:
        return any(first <= day <= last for _, first, last in self.holidays)

    def school_days(self) -> list[date]:
        """The whole year's weekdays outside the holidays (events may be ahead of now)."""
        day, end = self.start.date(), self.holidays[-1][1]
        days = []
        while day < end:
            if day.weekday() < 5 and not self.in_holidays(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def moment(self, week: int, rng: random.Random) -> datetime:
        """A school-hours moment of a weekday of the ``week``-th school week, within [start, now)."""
        monday = self.weeks[week]
        days = [opening for opening in (self._opening(monday + timedelta(days=n)) for n in range(5))
                if self.start <= opening < self.now]
        if not days:  # the year's first morning: nothing has opened yet
            return self.start + (self.now - self.start) * rng.random()
        opening = rng.choice(days)
        moment = opening + timedelta(hours=rng.randrange(SCHOOL_DAY_HOURS), minutes=rng.randrange(60))
        return moment if moment < self.now else opening + (self.now - opening) * rng.random()

    @staticmethod
    def _opening(day: date) -> datetime:
        return datetime.combine(day, SCHOOL_DAY_START, tzinfo=timezone.utc)
