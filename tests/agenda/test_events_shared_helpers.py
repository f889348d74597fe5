"""The helpers the calendar pages, feeds and purge share: the last day an event covers (in
Python and in SQL alike), one wall clock, and a drafts package that knows nothing of events."""
from __future__ import annotations

import ast
import inspect
from datetime import date, time, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from ent_lite.agenda import event_dates, views_calendar
from ent_lite.agenda.models import Event
from ent_lite.extensions import db
from ent_lite.files import drafts
from tests.agenda.calendar_rows import make_event, today


def test_the_sql_last_day_is_the_python_one(world):
    day = today() + timedelta(days=3)
    shapes = {"one day": {}, "several days": {"end_day": day + timedelta(days=4)},
              "weekly": {"weekly_until": day + timedelta(weeks=5)},
              "weekly over two days": {"end_day": day + timedelta(days=1), "weekly_until": day + timedelta(weeks=2)}}
    for title, shape in shapes.items():
        make_event(world.school, world.director, ("all", "*"), title=title, day=day, **shape)
    rows = db.session.execute(select(Event, Event.last_day_expr())).all()
    assert len(rows) == 4
    for event, last_day in rows:
        assert last_day == event.last_date, event.title


def test_the_calendar_pages_and_an_event_s_date_write_times_one_way(app):
    assert views_calendar.clock is event_dates.clock
    # Even a time the change to summer time skips (29 March 2026, 2 h to 3 h) reads as typed.
    event = Event(title="Nuit", start_date=date(2026, 3, 29), start_time=time(2, 30), end_time=time(3, 15))
    with app.test_request_context(), force_locale("fr"):
        assert "de 2\u00a0h\u00a030 à 3\u00a0h\u00a015" in event_dates.event_when(event)
        assert event_dates.clock(time(16, 30)) == "16\u00a0h\u00a030"


def test_the_drafts_package_does_not_import_the_calendar():
    tree = ast.parse(inspect.getsource(drafts))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith("ent_lite.agenda") for name in imported)
