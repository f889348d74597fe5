"""Builders for the calendar event tests (H1): a standalone event through the service, a
post with a date through the compose page's service path, and a stored PDF."""
from __future__ import annotations

import io
from datetime import date, time, timedelta

from werkzeug.datastructures import FileStorage

from ent_lite.agenda.events import EventDetails, create_event
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.files import services as file_services
from tests.files import images



def today() -> date:
    return to_local(utcnow()).date()


DAY = today() + timedelta(days=6)  # coming up, whatever day the tests run


def details(**overrides) -> EventDetails:
    values = {"title": "Réunion de rentrée", "start_date": DAY, "start_time": time(16, 30),
              "place": "Salle polyvalente", "category": "meeting"}
    return EventDetails(**{**values, **overrides})


def school_event(world, now=None, **overrides):
    """The director's event for the whole school (parent_a and parent_b's children)."""
    event = create_event(world.director, details(**overrides), [keys.establishment_key(world.school.id)],
                         now or utcnow())
    db.session.commit()
    return event


def city_event(world, now=None, **overrides):
    """world.city_agent's event for all the families of the city, from their service."""
    event = create_event(world.city_agent, details(**{"title": "Vacances de Noël", "category": "holiday",
                                                      "start_time": None, **overrides}),
                         [keys.ALL_KEY], now or utcnow())
    db.session.commit()
    return event


def stored_pdf(app, uploader, name="menu.pdf"):
    with app.test_request_context():
        attachment = file_services.store_upload(FileStorage(io.BytesIO(images.PDF), filename=name), uploader,
                                                utcnow())
    db.session.commit()
    return attachment


def pdf_upload(name="menu.pdf"):
    return (io.BytesIO(images.PDF), name)
