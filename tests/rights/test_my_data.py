"""The "my data" page: guardians only, what is held per category, at a constant cost."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g
from flask_babel import force_locale

from ent_lite.conversations import services as conversations
from ent_lite.core.dates import format_day
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts.models import PostRead
from tests import factories
from tests.conversations.helpers import make_post
from tests.queries import recorded_statements


@pytest.mark.parametrize("role", ["teacher_a", "director", "animator", "city_agent", "admin", "dpo"])
def test_staff_do_not_see_the_page(world, login_as, role):
    client = login_as(getattr(world, role))
    for path in ("/privacy/my-data", "/privacy/my-data/contact"):
        assert client.get(path).status_code == 404
    assert client.post("/privacy/my-data/export").status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, world):
    response = client.get("/privacy/my-data")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_guardian_sees_what_is_held_about_them_and_each_child(world, login_as, english):
    now = utcnow()
    post = make_post(world.teacher_a, world.class_a)
    db.session.add(PostRead(post_id=post.id, user_id=world.parent_a.id, read_dt=now))
    conversations.start_child_thread(world.parent_a, world.child_a, world.school.id, "Cantine", "Bonjour", now)
    conversations.start_child_thread(world.other_parent, world.other_child, world.other_school.id, "Gilet",
                                     "Bonjour", now)
    world.parent_a.phone = "06 12 34 56 78"
    db.session.commit()
    page = login_as(world.parent_a).get("/privacy/my-data").get_data(as_text=True)
    assert "My data" in page
    assert "News you opened: 1" in page
    assert "Conversations you started: 1" in page and "Messages you wrote: 1" in page
    assert "About Awa Diallo" in page and "Conversations about this child: 1" in page
    assert "Inès" not in page and "Léo" not in page  # other families' children
    # Contact data, the consents page, and the retention rule from the register.
    assert "06 12 34 56 78" in page and world.parent_a.email in page
    assert 'href="/consents"' in page
    assert "Deleted 90 days after the end of the school year of their last message" in page
    # Names and other changes go to the DPO as requests.
    assert "from the school roster" in page
    assert "One export per day; each is deleted 48 hours after being made." in page
    assert 'href="/privacy/requests/new"' in page and 'href="/privacy/requests"' in page


def test_a_child_who_left_shows_its_deletion_date(world, login_as, english):
    world.child_b.left_dt = utcnow() - timedelta(days=10)
    db.session.commit()
    page = login_as(world.parent_b).get("/privacy/my-data").get_data(as_text=True)
    with force_locale("en"):
        expected = format_day(world.child_b.left_dt + timedelta(days=90))
    assert f"Deleted on {expected}" in page


def page_statements(client) -> list[str]:
    # The test's app context outlives each request: forget what the previous one cached.
    g.pop("_retention_overrides", None)
    with recorded_statements() as statements:
        response = client.get("/privacy/my-data")
    assert response.status_code == 200
    return statements


def test_the_page_runs_a_constant_number_of_queries(world, login_as):
    client = login_as(world.parent_b)
    one_child = page_statements(client)
    now = utcnow()
    for n, group in enumerate((world.class_a, world.other_class, world.class_b)):
        child = factories.make_child(world.city, group, f"Frère{n}", guardians=[world.parent_b])
        post = make_post(world.teacher_a, group, title=f"Post {n}")
        db.session.add(PostRead(post_id=post.id, user_id=world.parent_b.id, read_dt=now))
        staff = {world.class_a.id: world.school, world.other_class.id: world.other_school,
                 world.class_b.id: world.school}[group.id]
        thread, _m = conversations.start_child_thread(world.parent_b, child, staff.id, "Sujet", "Bonjour", now)
        conversations.add_message(thread, world.parent_b, "Encore", now)
    db.session.commit()
    four_children = page_statements(client)
    assert len(four_children) == len(one_child), "\n".join(four_children)
    # Account, children, their counts, the guardian's counts, the last export, overrides, navigation
    # (with notifications.counts: the reader's children, unread posts, posts to sign or answer).
    assert len(one_child) <= 12, "\n\n".join(s[:150] for s in one_child)
