"""Shared by the public catalogue's tests: registrations with notes and phones present, and
the personal data that must never appear in a public page or feed."""
from __future__ import annotations

from ent_lite.activities.models import Registration, RegistrationNote, RegistrationStatus
from ent_lite.extensions import db


def register(activity, child, guardian, status=RegistrationStatus.CONFIRMED, note="Allergie aux arachides"):
    registration = Registration(activity_id=activity.id, child_id=child.id, guardian_id=guardian.id,
                                status=status, price_cents=500)
    db.session.add(registration)
    db.session.flush()
    db.session.add(RegistrationNote(registration_id=registration.id, body=note))
    if status in RegistrationStatus.HOLDING:
        activity.places_taken += 1
    db.session.commit()
    return registration


def personal_strings(world) -> list[str]:
    """Every name, e-mail and phone of the world's people and children (phones set here)."""
    people = [world.teacher_a, world.teacher_b, world.other_teacher, world.director, world.animator,
              world.city_agent, world.admin, world.dpo, world.parent_a, world.parent_a2, world.parent_b,
              world.other_parent]
    for n, person in enumerate(people):
        person.phone = f"06 12 34 56 {n:02d}"
    db.session.commit()
    found = ["Allergie aux arachides"]
    for person in people:
        found += [f"{person.first_name} {person.last_name}", person.last_name, person.email, person.phone]
    for child in (world.child_a, world.child_b, world.other_child):
        found += [child.first_name, child.last_name]
    return found


def leaks(text: str, strings: list[str]) -> list[str]:
    return [value for value in strings if value in text]
