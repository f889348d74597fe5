"""Builders for the calendar, periscolaire, absences and city-contact tests.

``build_city_life(world)`` adds to the test world:
- a city service "Service Enfance" with world.city_agent and a second agent (``agent2``);
- a periscolaire site "Accueil périscolaire Jules Ferry" (district Nord, cutoff 16 h by
  default) with groups of three kinds this school year: "Matin" (morning), "Soir" (evening),
  "Mercredi" (wednesday); world.animator animates "Soir"; ``lead`` is a site lead (an animator
  with a site-wide membership); ``morning_animator`` animates "Matin" only;
- child_a (Awa, CP) enrolled in "Soir" and "Matin"; child_b (Léo, CE1) in "Mercredi".
"""
from __future__ import annotations

from dataclasses import dataclass

from ent_lite.accounts.models import Role, User
from ent_lite.extensions import db
from ent_lite.periscolaire.kinds import kinds_on
from ent_lite.school.models import Enrolment, Establishment, EstablishmentKind, Group, GroupKind, PeriscolaireKind
from tests import factories


@dataclass
class CityLife:
    world: factories.World
    service: Establishment
    agent2: User
    site: Establishment
    morning: Group
    evening: Group
    wednesday: Group
    lead: User
    morning_animator: User


def make_periscolaire_group(site: Establishment, name: str, kind: str) -> Group:
    group = Group(establishment=site, name=name, school_year=factories.SCHOOL_YEAR, levels="",
                  kind=GroupKind.PERISCOLAIRE, periscolaire_kind=kind)
    db.session.add(group)
    db.session.flush()
    return group


def enrol(child, group: Group) -> None:
    db.session.add(Enrolment(child_id=child.id, group_id=group.id))
    db.session.flush()


def build_city_life(world: factories.World) -> CityLife:
    service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service Enfance")
    site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE,
                         name="Accueil périscolaire Jules Ferry", district="Nord")
    db.session.add_all([service, site])
    db.session.flush()
    factories.add_membership(world.city_agent, service)
    agent2 = factories.make_user(world.city, Role.CITY_AGENT, "Yanis", "Morel")
    factories.add_membership(agent2, service)
    morning = make_periscolaire_group(site, "Matin", PeriscolaireKind.MORNING)
    evening = make_periscolaire_group(site, "Soir", PeriscolaireKind.EVENING)
    wednesday = make_periscolaire_group(site, "Mercredi", PeriscolaireKind.WEDNESDAY)
    factories.add_membership(world.animator, site, evening)
    lead = factories.make_user(world.city, Role.ANIMATOR, "Inès", "Roux")
    factories.add_membership(lead, site)
    morning_animator = factories.make_user(world.city, Role.ANIMATOR, "Malik", "Petit")
    factories.add_membership(morning_animator, site, morning)
    enrol(world.child_a, evening)
    enrol(world.child_a, morning)
    enrol(world.child_b, wednesday)
    db.session.commit()
    return CityLife(world, service, agent2, site, morning, evening, wednesday, lead, morning_animator)


def evening_runs_today(life: CityLife, today) -> None:
    """For tests that live today's evening at the real date (browser tests, pages): when the
    evening childcare does not run today (a Wednesday, a weekend), "Soir" is left without a
    kind, whose days are unknown, so it takes today's notices; on a school day it keeps its kind."""
    if PeriscolaireKind.EVENING not in kinds_on(today, holiday=None):
        life.evening.periscolaire_kind = None
    db.session.flush()
