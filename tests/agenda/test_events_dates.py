"""An event's date as families read it: the weekday, "à 16 h 30", "de … à …", "du … au …",
the year only outside this one, never seconds; the times shown as typed (local, not UTC)."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from ent_lite.agenda.event_dates import event_when

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)


def event(start=date(2026, 12, 9), start_time=None, end_date=None, end_time=None, weekly_until=None):
    return SimpleNamespace(start_date=start, start_time=start_time, end_date=end_date, end_time=end_time,
                           weekly_until=weekly_until)


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("values, french, english", [
    ({}, "mer. 9 déc.", "Wed, Dec 9"),
    ({"start_time": time(16, 30)}, "mer. 9 déc. à 16\u00a0h\u00a030", "Wed, Dec 9 at 4:30\u202fPM"),
    ({"start_time": time(9, 0), "end_time": time(16, 0)}, "mer. 9 déc. de 9\u00a0h à 16\u00a0h",
     "Wed, Dec 9 from 9:00\u202fAM to 4:00\u202fPM"),
    ({"start": date(2026, 12, 19), "end_date": date(2027, 1, 3)}, "du sam. 19 déc. au dim. 3 janv. 2027",
     "from Sat, Dec 19 to Sun, Jan 3, 2027"),
    ({"start_time": time(18, 0), "end_date": date(2026, 12, 10), "end_time": time(8, 0)},
     "du mer. 9 déc. à 18\u00a0h au jeu. 10 déc. à 8\u00a0h", "from Wed, Dec 9 at 6:00\u202fPM to Thu, Dec 10 at 8:00\u202fAM"),
    ({"start_time": time(12, 0), "weekly_until": date(2027, 2, 3)},
     "mer. 9 déc. à 12\u00a0h, chaque semaine jusqu’au mer. 3 févr. 2027",
     "Wed, Dec 9 at 12:00\u202fPM, every week until Wed, Feb 3, 2027"),
])
def test_an_event_reads_as_families_plan_it(in_request, values, french, english):
    with force_locale("fr"):
        assert event_when(event(**values), NOW) == french
    with force_locale("en"):
        assert event_when(event(**values), NOW) == english


def test_a_summer_time_event_keeps_the_hour_typed(in_request):
    with force_locale("fr"):
        assert event_when(event(start=date(2026, 7, 1), start_time=time(9, 0)), NOW) == "mer. 1 juil. à 9\u00a0h"
