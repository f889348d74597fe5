"""Builders the class news tests add to the factories' world (periscolaire, city service)."""
from __future__ import annotations

from ent_lite.extensions import db
from ent_lite.school.models import Enrolment, Establishment, EstablishmentKind, Group, GroupKind
from tests import factories


def add_periscolaire(world, children=None):
    """A lunch-time group at a periscolaire site of another district, with child_a in it."""
    site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Centre de loisirs Est",
                         district="Est")
    db.session.add(site)
    db.session.flush()
    group = Group(establishment=site, kind=GroupKind.PERISCOLAIRE, name="Midi", school_year=factories.SCHOOL_YEAR)
    db.session.add(group)
    db.session.flush()
    for child in children if children is not None else [world.child_a]:
        db.session.add(Enrolment(child_id=child.id, group_id=group.id))
    factories.add_membership(world.animator, site, group)
    db.session.commit()
    return site, group


def add_city_service(world):
    """The city agent speaks for a service: their membership is what they post from."""
    service = Establishment(city=world.city, kind=EstablishmentKind.SERVICE, name="Service Éducation")
    db.session.add(service)
    db.session.flush()
    factories.add_membership(world.city_agent, service)
    db.session.commit()
    return service
