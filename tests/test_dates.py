"""One date style everywhere: "8 déc. à 16 h 30", the year only when it is not this one,
relative words for recent moments, never seconds."""
from datetime import datetime, timezone

import pytest
from flask_babel import force_locale

from ent_lite.core.dates import format_ago, format_day, format_when

NOW = datetime(2026, 12, 8, 17, 0, tzinfo=timezone.utc)  # 18 h in Paris


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def test_a_moment_this_year_has_no_year_and_no_seconds(in_request):
    with force_locale("fr"):
        assert format_when(utc(2026, 12, 8, 15, 30, 59), NOW) == "8 déc. à 16\u00a0h\u00a030"
        assert format_when(utc(2026, 3, 2, 8, 0), NOW) == "2 mars à 9\u00a0h"
    with force_locale("en"):
        assert format_when(utc(2026, 12, 8, 15, 30, 59), NOW) == "Dec 8 at 4:30\u202fPM"


def test_another_year_shows_its_year(in_request):
    with force_locale("fr"):
        assert format_day(utc(2025, 12, 8, 12, 0), NOW) == "8 déc. 2025"
        assert format_day(utc(2026, 12, 8, 12, 0), NOW) == "8 déc."


def test_the_day_is_the_citys_day_not_utcs(in_request):
    # 23:30 UTC on 31 December is already New Year's Day in Paris.
    with force_locale("fr"):
        assert format_day(utc(2026, 12, 31, 23, 30), NOW) == "1 janv. 2027"


def test_recent_moments_are_relative(in_request):
    with force_locale("fr"):
        assert format_ago(utc(2026, 12, 8, 16, 59, 30), NOW) == "à l’instant"
        assert format_ago(utc(2026, 12, 8, 16, 55), NOW) == "il y a 5 min"
        assert format_ago(utc(2026, 12, 8, 15, 0), NOW) == "il y a 2 h"
        assert format_ago(utc(2026, 12, 7, 17, 0), NOW) == "hier à 18\u00a0h"
        assert format_ago(utc(2026, 12, 6, 17, 0), NOW) == "6 déc. à 18\u00a0h"
        # A scheduled post in the future is never "ago".
        assert format_ago(utc(2026, 12, 9, 17, 0), NOW) == "9 déc. à 18\u00a0h"
