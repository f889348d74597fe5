"""Reach is told truthfully: families (households), not children; how many get an email, a
push, or nothing (no guardian with an active account: a paper copy is needed).

The world: in class A, Awa has two parents (one family); parent_b has Lou and Mia (one family
of two children); Zoé's only guardian never activated the account. So a post to class A
reaches 4 children but 3 families, 2 of them by email, 1 also by push, 1 not at all.
"""
from __future__ import annotations

import pytest

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.notifications.models import PushSubscription
from ent_lite.posts import services
from ent_lite.posts.stats import ChannelReach, reach_by_channel
from tests import factories
from tests.posts.helpers import add_city_service


@pytest.fixture
def families(world):
    factories.make_child(world.city, world.class_a, "Lou", "Lefèvre", guardians=[world.parent_b])
    factories.make_child(world.city, world.class_a, "Mia", "Lefèvre", guardians=[world.parent_b])
    unactivated = factories.make_user(world.city, "guardian", "Paul", "Papier", activated=False)
    factories.make_child(world.city, world.class_a, "Zoé", "Papier", guardians=[unactivated])
    db.session.add(PushSubscription(user_id=world.parent_a2.id, endpoint="https://push.example.org/a2",
                                    p256dh="key", auth="auth"))
    # The other city has a family too, with a phone: it must never count.
    db.session.add(PushSubscription(user_id=world.far.parent.id, endpoint="https://push.example.org/far",
                                    p256dh="key", auth="auth"))
    db.session.commit()
    return world


CLASS_A = ChannelReach(families=3, email=2, push=1, nothing=1)


def test_families_are_households_told_per_channel(families):
    world = families
    assert services.count_reached_children([keys.group_key(world.class_a.id)]) == 4  # children
    assert reach_by_channel([keys.group_key(world.class_a.id)]) == CLASS_A
    # The whole city: Léo joins his sisters' family (parent_b's three children are one), Inès's
    # family is one more; never the other city's.
    assert reach_by_channel([keys.ALL_KEY], world.city.id) == ChannelReach(families=4, email=3, push=1, nothing=1)
    assert reach_by_channel([keys.ALL_KEY], world.far.city.id) == ChannelReach(families=1, email=1, push=1)


def test_a_disabled_account_tells_nothing(families):
    world = families
    world.parent_a.is_enabled = False
    db.session.commit()
    # Awa's father still has an account that works, and the phone.
    assert reach_by_channel([keys.group_key(world.class_a.id)]) == CLASS_A
    world.parent_a2.is_enabled = False
    db.session.commit()
    assert reach_by_channel([keys.group_key(world.class_a.id)]) == ChannelReach(families=3, email=1, push=0,
                                                                                nothing=2)


def compose(client, world, **extra):
    return client.post("/news/new", data={"title": "Sortie", "body": "Jeudi.",
                                          "targets": [f"group:{world.class_a.public_id}"], **extra})


def test_the_author_is_told_families_and_channels_on_preview_and_after_publishing(families, login_as, english):
    world = families
    client = login_as(world.teacher_a)
    preview = compose(client, world, preview="1").get_data(as_text=True)
    assert "This post will reach 3 families." in preview
    assert "By email: 2 families." in preview and "On their phone as well: 1 family." in preview
    assert "1 family has no active account yet and will not be told: give them a paper copy." in preview
    response = compose(client, world)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published to 3 families." in page and "By email: 2 families." in page
    assert "1 family has no active account yet" in page


def test_the_tracking_page_lists_the_children_nobody_can_tell(families, login_as, english):
    world = families
    post = services.create_post(world.teacher_a, "Sortie", "Jeudi.", [keys.group_key(world.class_a.id)], utcnow())
    db.session.commit()
    page = login_as(world.teacher_a).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    section = page[page.index("Families without an account"):]
    assert "Papier Zoé (CP A)" in section and "Diallo" not in section and "Lefèvre" not in section
    assert "No guardian of 1 child has an active account" in section
    world.parent_b.password_hash = None
    db.session.commit()
    page = login_as(world.teacher_a).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    section = page[page.index("Families without an account"):]
    assert "Lefèvre Lou" in section and "Lefèvre Mia" in section and "these 3 children" in section


def test_only_children_the_viewer_may_see_are_listed(families, login_as, english):
    world = families
    add_city_service(world)
    post = services.create_post(world.city_agent, "Rentrée", "Infos.", [keys.ALL_KEY], utcnow())
    db.session.commit()
    page = login_as(world.city_agent).get(f"/news/{post.public_id}/tracking").get_data(as_text=True)
    assert "Zoé" not in page and "Families without an account" not in page
