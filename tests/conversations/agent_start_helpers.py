"""Builders for the "a city agent writes to a family" tests: an activity of Service Enfance
(the ``life`` fixture's service) with a registration of child_a (Awa)."""
from __future__ import annotations

from datetime import datetime

from ent_lite.accounts.models import Role
from ent_lite.activities.models import Activity
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Establishment, EstablishmentKind
from tests import factories
from tests.activities.factories import ActivityWorld, make_activity, make_brackets
from tests.activities.privacy_rows import enrol


def activity_world(life) -> ActivityWorld:
    """Service Enfance and the periscolaire site as organisers (the city's brackets made once)."""
    if "activity_world" not in life.world.extra:
        life.world.extra["activity_world"] = ActivityWorld(life.world, life.service, life.site,
                                                           make_brackets(life.world.city))
    return life.world.extra["activity_world"]


def judo_with_awa(life, now: datetime | None = None, status: str | None = None, **kwargs) -> Activity:
    """"Judo", organised by Service Enfance, with child_a registered by parent_a (a place
    unless ``status`` says otherwise)."""
    now = now or utcnow()
    activity = make_activity(activity_world(life), title="Judo", now=now, **kwargs)
    enrol(activity, life.world.child_a, life.world.parent_a, now, status=status)
    db.session.commit()
    return activity


def other_service_agent(life):
    """An agent of another service of the same city ("Service des sports"): no relationship."""
    service = Establishment(city=life.world.city, kind=EstablishmentKind.SERVICE, name="Service des sports")
    db.session.add(service)
    db.session.flush()
    agent = factories.make_user(life.world.city, Role.CITY_AGENT, "Rémi", "Blanc")
    factories.add_membership(agent, service)
    db.session.commit()
    return agent, service
