"""The calendar, periscolaire and absences part of the every-page seed: a school event, a
periscolaire site with its groups, today's absence of Awa to the school and the evening
childcare, and her parent's thread with a city service."""
from __future__ import annotations

from datetime import datetime, time

from ent_lite.absences import services as absences
from ent_lite.agenda import events
from ent_lite.audience import keys
from ent_lite.conversations import services as conversations
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from tests.city_life.factories import build_city_life, evening_runs_today, make_periscolaire_group

# Calendar files and a redirect, not pages a person reads.
EXCLUDED = {
    "agenda.calendar_redirect": "only redirects /calendar to the calendar page, visited itself",
    "agenda.event_ics": "one event as iCalendar, for a phone's calendar app",
    "agenda.private_feed": "a person's private calendar feed (iCalendar)",
    "agenda.public_feed": "the city's open-data calendar (iCalendar)",
}


def seed_city_life(world, now: datetime) -> dict[str, dict[str, str]]:
    life = build_city_life(world)
    # Whatever the hour the test runs, the evening childcare still takes today's notices.
    life.site.absence_cutoff = time(23, 59)
    today = to_local(now).date()
    evening_runs_today(life, today)
    make_periscolaire_group(life.site, "Garderie du midi", None)  # no kind yet: the prompts to choose it
    event = events.create_event(world.director, events.EventDetails("Réunion des parents", today, time(18, 0),
                                                                    place="Préau de l’école"),
                                [keys.establishment_key(world.school.id)], now)
    absences.declare(world.parent_a, world.child_a, absences.AbsenceFields(today, today, True, True,
                                                                            "Rendez-vous médical"), now)
    conversations.start_service_thread(world.parent_a, life.service.id, "Inscription à la cantine",
                                       "Bonjour, comment inscrire Awa à la cantine ?", now)
    db.session.commit()
    return {
        "agenda.event": {"public_id": event.public_id},
        "agenda.event_edit": {"public_id": event.public_id},
        "periscolaire.site": {"public_id": life.site.public_id},
        "periscolaire.group": {"public_id": life.evening.public_id},
    }
