"""Fixtures for the class news tests: posts written through the real service."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.posts import services


@pytest.fixture
def make_post(db):
    """Publish a post (committed); ``minutes_ago`` orders posts in time."""

    def _make(author, targets, title="Sortie au musée", body="Bonjour, **sortie** jeudi.", minutes_ago=0):
        post = services.create_post(author, title, body, targets, utcnow() - timedelta(minutes=minutes_ago))
        db.session.commit()
        return post

    return _make


@pytest.fixture
def class_post(world, make_post):
    """Claire's post to class A (child_a's class)."""
    return make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Class A outing")


@pytest.fixture
def class_b_post(world, make_post):
    return make_post(world.teacher_b, [keys.group_key(world.class_b.id)], title="Class B outing")


@pytest.fixture
def ack_post(world, db):
    """Claire's class A post asking for a signature (one per child), due in three days."""

    def _make(every_guardian=False, due_in_days=3, title="Sortie à la ferme", now=None, targets=None):
        now = now or utcnow()
        options = services.PostOptions(requires_ack=True, ack_every_guardian=every_guardian,
                                       ack_due_dt=now + timedelta(days=due_in_days) if due_in_days is not None else None)
        post = services.create_post(world.teacher_a, title, "Merci de signer.",
                                    targets or [keys.group_key(world.class_a.id)], now, options)
        db.session.commit()
        return post

    return _make
