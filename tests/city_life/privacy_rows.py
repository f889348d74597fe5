"""A row in every calendar, absences and city-contact table about one guardian and child, for
the erasure, export and purge tests (written directly: the pages are tested elsewhere)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ent_lite.absences.models import AbsenceNotice, AbsenceReason
from ent_lite.agenda.models import CalendarFeed, Event, EventAudience, EventCategory
from ent_lite.audience import keys
from ent_lite.conversations.models import Message, Thread
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind


@dataclass
class CityLifeRows:
    event: Event
    feed: CalendarFeed
    notice: AbsenceNotice
    service_thread: Thread


def add_city_life_rows(world, guardian, child, now: datetime) -> CityLifeRows:
    """The guardian even wrote an event and saw a notice as staff (a guardian never does: so
    that each reference to them has a row)."""
    service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service Vie des familles")
    db.session.add(service)
    db.session.flush()
    today = to_local(now).date()
    event = Event(city_id=world.city.id, establishment_id=world.school.id, author_id=guardian.id,
                  category=EventCategory.MEETING, title="Réunion des parents", place="Préau",
                  start_date=today, published_dt=now, created_dt=now, updated_dt=now)
    event.audience.append(EventAudience(kind=keys.GROUP, value=str(world.class_a.id)))
    feed = CalendarFeed(user_id=guardian.id, token_hash="f" * 64, created_dt=now)
    notice = AbsenceNotice(child_id=child.id, author_id=guardian.id, first_day=today, last_day=today + timedelta(days=1),
                           to_school=True, to_periscolaire=True, created_dt=now,
                           school_seen_dt=now, school_seen_by_id=guardian.id,
                           periscolaire_seen_dt=now, periscolaire_seen_by_id=guardian.id)
    notice.reason = AbsenceReason(body="Rendez-vous chez l’orthophoniste", created_dt=now)
    thread = Thread(establishment_id=service.id, guardian_id=guardian.id, subject="Inscription à la cantine",
                    started_by_id=guardian.id, created_dt=now, last_message_dt=now)
    thread.messages.append(Message(author_id=guardian.id, body="Bonjour, comment inscrire mon fils ?", created_dt=now))
    db.session.add_all([event, feed, notice, thread])
    db.session.commit()
    return CityLifeRows(event, feed, notice, thread)
