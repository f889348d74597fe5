"""Optional city information reaches only the guardians who agreed to receive it
(consent purpose "city_information"); city agents alone mark a post so, and see how many
households it reaches."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.accounts.models import User
from ent_lite.audience import keys
from ent_lite.consents import services as consents
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.posts import services
from ent_lite.posts.models import Post
from ent_lite.posts.tracking import reminder_recipients
from tests import factories
from tests.files.images import small_jpeg
from tests.posts.helpers import add_city_service

CITY_INFO = consents.CITY_INFORMATION


@pytest.fixture
def service(world):
    return add_city_service(world)


@pytest.fixture
def agreed(world):
    """parent_a agreed; parent_b agreed then withdrew; parent_a2 and other_parent never answered."""
    now = utcnow() - timedelta(minutes=5)
    consents.set_consent(world.parent_a, CITY_INFO, True, now)
    consents.set_consent(world.parent_b, CITY_INFO, True, now)
    consents.set_consent(world.parent_b, CITY_INFO, False, now + timedelta(minutes=1))
    db.session.commit()
    return world


def publish(client, world, optional: bool = True, **extra):
    data = {"title": "Stage de judo", "body": "Inscriptions ouvertes.", "targets": ["all:*"], **extra}
    if optional:
        data["optional_info"] = "y"
    return client.post("/news/new", data=data)


def optional_post(world) -> Post:
    post = services.create_post(world.city_agent, "Stage de judo", "Inscriptions.", [keys.ALL_KEY], utcnow(),
                                services.PostOptions(optional_info=True))
    db.session.commit()
    return post


def test_only_city_agents_are_offered_the_mark(world, service, login_as, english):
    page = login_as(world.city_agent).get("/news/new").get_data(as_text=True)
    assert "Optional city information" in page and 'name="optional_info"' in page
    for role in ("teacher_a", "director", "animator"):
        page = login_as(getattr(world, role)).get("/news/new").get_data(as_text=True)
        assert 'name="optional_info"' not in page, role


def test_a_teacher_cannot_mark_a_post_optional(world, login_as):
    client = login_as(world.teacher_a)
    client.post("/news/new", data={"title": "T", "body": "B", "targets": [f"group:{world.class_a.public_id}"],
                                   "optional_info": "y"})
    assert db.session.scalar(select(Post.is_optional_info)) is False
    with pytest.raises(PermissionError):
        services.create_post(world.teacher_a, "T", "B", [keys.group_key(world.class_a.id)], utcnow(),
                             services.PostOptions(optional_info=True))


@pytest.mark.parametrize("reader, sees", [
    ("parent_a", True),       # agreed
    ("parent_b", False),      # agreed, then withdrew
    ("parent_a2", False),     # never answered (even though the other parent of Awa agreed)
    ("other_parent", False),  # never answered
    ("city_agent", True),     # the author
    ("teacher_a", False), ("director", False), ("animator", False), ("admin", False), ("dpo", False),
])
def test_each_role_reads_optional_information_only_with_the_consent(agreed, service, login_as, reader, sees):
    world = agreed
    client = login_as(world.city_agent)
    publish(client, world, files=[(io.BytesIO(small_jpeg()), "affiche.jpg")])
    post = db.session.scalar(select(Post))
    attachment = db.session.scalar(select(Attachment))
    user = getattr(world, reader)
    assert rules.can_read_post(user, post) is sees
    client = login_as(user)
    assert (client.get(f"/news/{post.public_id}").status_code == 200) is sees
    assert (client.get(f"/files/{attachment.public_id}").status_code == 200) is sees
    if rules.reach_of(user).role in ("guardian",):
        assert ("Stage de judo" in client.get("/news").get_data(as_text=True)) is sees


def test_an_ordinary_city_post_still_reaches_every_family(agreed, service):
    world = agreed
    post = services.create_post(world.city_agent, "Rentrée", "Infos.", [keys.ALL_KEY], utcnow())
    db.session.commit()
    for guardian in (world.parent_a, world.parent_a2, world.parent_b, world.other_parent):
        assert rules.can_read_post(guardian, post)


def test_withdrawing_applies_at_the_next_request(agreed, service, login_as):
    world = agreed
    post = optional_post(world)
    client = login_as(world.parent_a)
    assert client.get(f"/news/{post.public_id}").status_code == 200
    consents.set_consent(world.parent_a, CITY_INFO, False, utcnow())
    db.session.commit()
    assert client.get(f"/news/{post.public_id}").status_code == 404


def test_the_sql_rule_answers_as_may_for_every_guardian(agreed):
    world = agreed
    later = utcnow() + timedelta(days=1)
    consents.set_consent(world.other_parent, CITY_INFO, True, later)  # not in force yet
    db.session.commit()
    agreeing = set(db.session.scalars(consents.agreeing_guardians(CITY_INFO)))
    guardians = db.session.scalars(select(User).where(User.role == "guardian")).all()
    assert {g.id for g in guardians if consents.may(g, CITY_INFO)} == agreeing == {world.parent_a.id}
    assert world.other_parent.id in set(db.session.scalars(consents.agreeing_guardians(CITY_INFO, later)))


def test_the_author_sees_how_many_households_agreed(world, service, login_as, english):
    """Households, not children: the two parents of Awa are one, a parent of two is one."""
    second = factories.make_child(world.city, world.class_a, "Lou", "Lefèvre", guardians=(world.parent_b,))
    now = utcnow() - timedelta(minutes=5)
    for guardian in (world.parent_a, world.parent_a2, world.parent_b):
        consents.set_consent(guardian, CITY_INFO, True, now)
    db.session.commit()
    assert second.id
    client = login_as(world.city_agent)
    preview = publish(client, world, preview="1").get_data(as_text=True)
    assert "This optional information will reach the 2 families who agreed to receive city information." in preview
    response = publish(client, world)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Published as optional city information to the 2 families who agreed to receive it." in page
    assert "only the families who agreed to receive it see this post, 2 families today." in page
    # Without the mark the same audience counts every family.
    plain = publish(client, world, optional=False, preview="1").get_data(as_text=True)
    assert re.search(r"This post will reach \d+ families\.", plain)


def test_read_figures_and_reminders_count_only_those_who_agreed(agreed, service):
    world = agreed
    post = services.create_post(world.city_agent, "Stage", "Signez.", [keys.ALL_KEY], utcnow(),
                                services.PostOptions(optional_info=True, requires_ack=True))
    db.session.commit()
    assert services.read_stats(post)[:2] == (0, 1)  # Awa's family, through parent_a
    assert [u.id for u in db.session.scalars(reminder_recipients(post))] == [world.parent_a.id]
