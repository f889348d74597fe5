"""Role × object (PRIVACY.md 27): nobody reaches a post, a child or an audience not theirs; 404."""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ent_lite.accounts.models import Role
from ent_lite.audience import keys
from ent_lite.core.db_types import new_public_id, utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post, PostRead
from ent_lite.school.models import Group, GroupKind
from tests import factories
from tests.posts.helpers import add_periscolaire


def reads() -> int:
    return db.session.scalar(select(func.count()).select_from(PostRead))


def test_a_guardian_cannot_open_another_familys_post(world, class_b_post, login_as):
    client = login_as(world.parent_a)
    assert client.get(f"/news/{class_b_post.public_id}").status_code == 404
    assert "Class B outing" not in client.get("/news").get_data(as_text=True)
    assert reads() == 0  # a refused visit records nothing


def test_a_guardian_of_another_school_cannot_open_a_school_post(world, make_post, login_as):
    post = make_post(world.director, [keys.establishment_key(world.school.id)])
    assert login_as(world.other_parent).get(f"/news/{post.public_id}").status_code == 404


def test_a_guardian_does_not_see_other_familys_children(world, make_post, login_as, english):
    make_post(world.director, [keys.establishment_key(world.school.id)], title="Fête")
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert "For Awa (CP A)" in page
    assert "Léo" not in page and "Lefèvre" not in page


def test_both_guardians_of_a_child_see_the_same_post(world, class_post, login_as):
    for parent in (world.parent_a, world.parent_a2):
        client = login_as(parent)
        assert "Class A outing" in client.get("/news").get_data(as_text=True)
        assert client.get(f"/news/{class_post.public_id}").status_code == 200
    assert reads() == 2


def test_a_teacher_cannot_open_another_classs_post(world, class_b_post, login_as):
    client = login_as(world.teacher_a)
    assert client.get(f"/news/{class_b_post.public_id}").status_code == 404
    assert "Class B outing" not in client.get("/news").get_data(as_text=True)


def test_a_teacher_of_another_school_cannot_open_a_class_post(world, class_post, login_as):
    assert login_as(world.other_teacher).get(f"/news/{class_post.public_id}").status_code == 404


def test_a_teacher_cannot_post_to_another_class(world, login_as, english):
    client = login_as(world.teacher_a)
    for foreign in (f"group:{world.class_b.public_id}", f"group:{world.other_class.public_id}",
                    f"establishment:{world.school.public_id}", "all:*", "level:CP"):
        response = client.post("/news/new", data={"title": "Intrus", "body": "x", "targets": [foreign]})
        assert response.status_code == 200
        assert "Choose among the audiences listed." in response.get_data(as_text=True)
    mixed = client.post("/news/new", data={"title": "Intrus", "body": "x",
                                           "targets": [f"group:{world.class_a.public_id}", f"group:{world.class_b.public_id}"]})
    assert mixed.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_an_animator_cannot_open_a_class_post(world, class_post, login_as):
    add_periscolaire(world)
    assert login_as(world.animator).get(f"/news/{class_post.public_id}").status_code == 404


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_admin_and_dpo_cannot_read_posts(world, class_post, login_as, role):
    assert login_as(getattr(world, role)).get(f"/news/{class_post.public_id}").status_code == 404


def test_a_left_childs_guardians_stop_seeing_new_class_posts(world, make_post, login_as):
    world.child_a.left_dt = utcnow()
    db.session.commit()
    post = make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="After leaving")
    client = login_as(world.parent_a)
    assert "After leaving" not in client.get("/news").get_data(as_text=True)
    assert client.get(f"/news/{post.public_id}").status_code == 404


def test_a_sibling_still_in_school_keeps_the_family_reading(world, make_post, login_as):
    factories.make_child(world.city, world.class_b, "Issa", guardians=[world.parent_a])
    world.child_a.left_dt = utcnow()
    db.session.commit()
    make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Class A only")
    make_post(world.teacher_b, [keys.group_key(world.class_b.id)], title="Class B news")
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert "Class B news" in page and "Class A only" not in page


def test_a_scheduled_post_is_hidden_from_families_until_published(world, login_as):
    later = utcnow() + timedelta(days=1)
    post = services.create_post(world.teacher_a, "Demain", "x", [keys.group_key(world.class_a.id)], later)
    db.session.commit()
    assert login_as(world.parent_a).get(f"/news/{post.public_id}").status_code == 404
    assert login_as(world.teacher_a).get(f"/news/{post.public_id}").status_code == 200


def test_an_unknown_post_is_404(world, login_as):
    assert login_as(world.parent_a).get(f"/news/{new_public_id()}").status_code == 404


def test_read_statistics_are_shown_only_to_the_author_and_the_director(world, class_post, make_post, login_as,
                                                                      english):
    school_post = make_post(world.director, [keys.establishment_key(world.school.id)])

    def sees(user, post) -> tuple[int, bool]:
        response = login_as(user).get(f"/news/{post.public_id}")
        return response.status_code, "Read by" in response.get_data(as_text=True)

    assert sees(world.teacher_a, class_post) == (200, True)  # the author
    assert sees(world.director, class_post) == (200, True)  # the director of the school
    assert sees(world.teacher_a, school_post) == (200, False)  # reads it, but not the statistics
    assert sees(world.parent_a, class_post) == (200, False)


def test_staff_reading_a_post_leaves_no_read_receipt(world, class_post, login_as):
    login_as(world.teacher_a).get(f"/news/{class_post.public_id}")
    login_as(world.director).get(f"/news/{class_post.public_id}")
    assert reads() == 0


def test_public_ids_are_random_not_numbered(world, make_post, login_as):
    first = make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="First")
    second = make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Second")
    ids = [first.public_id, second.public_id]
    for public_id in ids:
        assert len(public_id) == 22 and re.fullmatch(r"[A-Za-z0-9_-]{22}", public_id)
        assert not public_id.isdigit() and str(first.id) != public_id
    # Time-ordered or counted ids made in a row share their first characters; random ones almost
    # never share four (one chance in 16 million).
    assert len(os.path.commonprefix(ids)) < 4
    client = login_as(world.teacher_a)
    assert client.get(f"/news/{second.public_id}").status_code == 200
    # The database's row number does not open the post, even for its author.
    assert client.get(f"/news/{first.id}").status_code == 404
    assert client.get("/news/1").status_code == 404


def test_an_animator_cannot_open_another_periscolaire_groups_post(world, login_as):
    site, group_a = add_periscolaire(world)
    group_b = Group(establishment=site, kind=GroupKind.PERISCOLAIRE, name="Soir", school_year=factories.SCHOOL_YEAR)
    db.session.add(group_b)
    db.session.flush()
    animator_b = factories.make_user(world.city, Role.ANIMATOR, "Inès", "Garnier")
    factories.add_membership(animator_b, site, group_b)
    post = services.create_post(world.animator, "Midi : jeux", "x", [keys.group_key(group_a.id)], utcnow())
    db.session.commit()

    assert login_as(world.animator).get(f"/news/{post.public_id}").status_code == 200
    client = login_as(animator_b)
    assert client.get(f"/news/{post.public_id}").status_code == 404
    assert "Midi : jeux" not in client.get("/news").get_data(as_text=True)
