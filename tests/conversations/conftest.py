"""Fixtures for the conversations tests: threads started through the real services."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from ent_lite.conversations import services
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.school.models import Enrolment, Establishment, EstablishmentKind, Group, GroupKind
from tests import factories
from tests.conversations.helpers import start_child


@pytest.fixture
def periscolaire(world):
    """A lunch-time group at a periscolaire site with child_a in it; the animator runs it."""
    site = Establishment(city=world.city, kind=EstablishmentKind.PERISCOLAIRE, name="Centre de loisirs Est")
    db.session.add(site)
    db.session.flush()
    group = Group(establishment=site, kind=GroupKind.PERISCOLAIRE, name="Midi", school_year=factories.SCHOOL_YEAR)
    db.session.add(group)
    db.session.flush()
    db.session.add(Enrolment(child_id=world.child_a.id, group_id=group.id))
    factories.add_membership(world.animator, site, group)
    db.session.commit()
    return site, group


@pytest.fixture
def child_thread(world):
    """parent_a writes to the team of class A about child_a."""
    return start_child(world)[0]


@pytest.fixture
def staff_thread(world):
    """teacher_a and teacher_b, colleagues at the school."""
    thread, _ = services.start_staff_thread(world.teacher_a, world.school.id, [world.teacher_b.id],
                                            "Sortie", "On y va jeudi ?", utcnow())
    db.session.commit()
    return thread


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a ``with count_queries() as counter`` block."""

    class Counter:
        def __init__(self):
            self.n = 0

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self._count)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._count)

        def _count(self, *args, **kwargs):
            self.n += 1

    return Counter
