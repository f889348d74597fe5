"""The news feed: what each reader sees, in which order, and at a constant cost."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from ent_lite.audience import keys
from ent_lite.extensions import db
from ent_lite.posts import services
from tests import factories
from tests.queries import recorded_statements


def titles(page: str) -> list[str]:
    return re.findall(r'<h2><a href="/news/[^"]+">([^<]+)</a>', page)


def test_guardian_sees_their_childs_posts_newest_first(world, make_post, login_as, english):
    make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Older", minutes_ago=10)
    make_post(world.director, [keys.establishment_key(world.school.id)], title="Newer", minutes_ago=1)
    make_post(world.teacher_b, [keys.group_key(world.class_b.id)], title="Other class")
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert titles(page) == ["Newer", "Older"]
    assert "For Awa (CP A)" in page
    assert "Claire Durand (Teacher)" in page and "Hélène Petit (School director)" in page
    assert "École Jules Ferry" in page


def test_unread_marker_goes_once_the_post_is_opened(world, class_post, login_as, english):
    client = login_as(world.parent_a)
    assert 'class="card unread"' in client.get("/news").get_data(as_text=True)
    client.get(f"/news/{class_post.public_id}")
    page = client.get("/news").get_data(as_text=True)
    assert "unread" not in page and "Class A outing" in page


def test_both_guardians_have_their_own_unread_state(world, class_post, login_as, english):
    login_as(world.parent_a).get(f"/news/{class_post.public_id}")
    assert "Unread" in login_as(world.parent_a2).get("/news").get_data(as_text=True)


def test_one_post_names_each_of_the_readers_children_concerned(world, make_post, login_as, english):
    factories.make_child(world.city, world.class_b, "Issa", "Diallo", guardians=[world.parent_a])
    make_post(world.director, [keys.establishment_key(world.school.id)], title="Fête de l'école")
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert "For Awa (CP A)" in page and "For Issa (CE1 B)" in page


def test_feed_is_paginated(app, world, make_post, login_as, english):
    per_page = app.config["POSTS_PER_PAGE"]
    for n in range(per_page + 2):
        make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title=f"Post {n:02d}", minutes_ago=n)
    client = login_as(world.parent_a)
    first = client.get("/news").get_data(as_text=True)
    assert titles(first) == [f"Post {n:02d}" for n in range(per_page)]
    assert 'href="/news?page=2"' in first and "?page=0" not in first
    second = client.get("/news?page=2").get_data(as_text=True)
    assert titles(second) == [f"Post {n:02d}" for n in range(per_page, per_page + 2)]
    assert 'href="/news?page=1"' in second and "?page=3" not in second
    assert titles(client.get("/news?page=nonsense").get_data(as_text=True)) == titles(first)
    assert client.get("/news?page=-4").status_code == 200
    assert "No more news." in client.get("/news?page=9").get_data(as_text=True)


def test_dates_are_localised(world, login_as, client, db):
    moment = datetime(2025, 3, 5, 9, 30, tzinfo=timezone.utc)  # another year: the year is shown
    services.create_post(world.teacher_a, "Carnaval", "Déguisements", [keys.group_key(world.class_a.id)], moment)
    db.session.commit()
    login_as(world.parent_a)
    assert "5 mars 2025 à 10\u00a0h\u00a030" in client.get("/news", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Mar 5, 2025 at 10:30\u202fAM" in client.get("/news", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_author_sees_read_by_n_of_m_families(world, class_post, login_as, english):
    login_as(world.parent_a).get(f"/news/{class_post.public_id}")
    page = login_as(world.teacher_a).get("/news").get_data(as_text=True)
    assert "Read by 1 of 1 family" in page and "Sent to:" in page and "CP A" in page
    detail = login_as(world.teacher_a).get(f"/news/{class_post.public_id}").get_data(as_text=True)
    assert "Read by 1 of 1 family" in detail


def test_staff_feed_holds_their_posts_and_their_schools(world, make_post, login_as, english, class_post,
                                                       class_b_post):
    make_post(world.director, [keys.establishment_key(world.school.id)], title="Whole school")
    teacher_page = login_as(world.teacher_b).get("/news").get_data(as_text=True)
    assert titles(teacher_page) == ["Whole school", "Class B outing"]
    director_page = login_as(world.director).get("/news").get_data(as_text=True)
    assert set(titles(director_page)) == {"Whole school", "Class A outing", "Class B outing"}
    assert director_page.count("Read by 0 of") == 3  # the director sees the school's statistics
    assert "Read by" not in teacher_page.split("Class B outing")[0]  # not on the director's post


def feed_statements(client) -> list[str]:
    """The SQL statements one feed request runs, with nothing already loaded in the session."""
    db.session.expire_all()
    with recorded_statements() as statements:
        response = client.get("/news")
    assert response.status_code == 200
    return statements


def test_guardian_feed_runs_a_constant_number_of_queries(app, world, make_post, login_as, monkeypatch):
    # All 50 posts on one page, so the page really shows 50 of them.
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 50)
    client = login_as(world.parent_b)
    make_post(world.teacher_b, [keys.group_key(world.class_b.id)])
    one_post = feed_statements(client)
    for n in range(49):
        target = keys.group_key(world.class_b.id) if n % 2 else keys.establishment_key(world.school.id)
        author = world.teacher_b if n % 2 else world.director
        make_post(author, [target], title=f"Post {n}", minutes_ago=n)
    client.get(f"/news/{make_post(world.teacher_b, [keys.group_key(world.class_b.id)]).public_id}")
    fifty_posts = feed_statements(client)
    assert client.get("/news").get_data(as_text=True).count("<article") == 50
    assert len(fifty_posts) == len(one_post), "\n".join(fifty_posts)
    # The account, the retention periods in force (the privacy notice's version shows them), its
    # children, the posts, their audiences, read marks, attachments, and the navigation's
    # unread-conversation count; the navigation's news and to-do counts add three (the
    # reader's children again, unread posts, posts still to sign or answer).
    assert len(one_post) <= 11, "\n\n".join(s[:150] for s in one_post)


def test_guardian_feed_queries_do_not_grow_with_children_or_classes(world, make_post, login_as):
    client = login_as(world.parent_b)
    make_post(world.teacher_b, [keys.group_key(world.class_b.id)])
    one_child = feed_statements(client)
    for group in (world.class_a, world.other_class):
        factories.make_child(world.city, group, "Frère", guardians=[world.parent_b])
    make_post(world.teacher_a, [keys.group_key(world.class_a.id)])
    make_post(world.other_teacher, [keys.group_key(world.other_class.id)])
    three_children = feed_statements(client)
    assert len(three_children) == len(one_child), "\n".join(three_children)


def test_staff_feed_runs_a_constant_number_of_queries(app, world, make_post, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 50)
    client = login_as(world.director)
    make_post(world.teacher_a, [keys.group_key(world.class_a.id)])
    one_post = feed_statements(client)
    for n in range(49):
        author, group = (world.teacher_a, world.class_a) if n % 2 else (world.teacher_b, world.class_b)
        make_post(author, [keys.group_key(group.id)], minutes_ago=n)
    assert len(feed_statements(client)) == len(one_post)


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_admin_and_dpo_have_no_feed(world, login_as, class_post, role):
    assert login_as(getattr(world, role)).get("/news").status_code == 404


def test_an_absurd_page_number_is_not_an_error(client, world, login_as):
    login_as(world.parent_a)
    for page in ("10000000000000000000", "-3", "abc", "0"):
        assert client.get(f"/news?page={page}").status_code == 200


def add_photo(post, n: int) -> None:
    from ent_lite.files.models import Attachment

    db.session.add(Attachment(post_id=post.id, kind="image", content_type="image/jpeg", display_name=f"p{n}.jpg",
                              storage_key=f"k{n}.jpg", thumbnail_key=f"t{n}.webp", size_bytes=1000, width=80,
                              height=60))


def test_feed_with_urgent_pinned_photos_and_signatures_keeps_a_constant_cost(app, world, login_as, monkeypatch,
                                                                             english):
    from datetime import timedelta

    from ent_lite.core.db_types import utcnow
    from ent_lite.posts import signatures

    monkeypatch.setitem(app.config, "POSTS_PER_PAGE", 50)
    now = utcnow()
    place = [keys.ChildPlace(world.child_a.id, "Awa", "CP A")]

    def publish(n: int) -> None:
        options = services.PostOptions(is_urgent=n % 5 == 0, is_pinned=n % 7 == 0, requires_ack=n % 2 == 0,
                                       ack_due_dt=now + timedelta(days=2), expires_dt=now + timedelta(days=9))
        post = services.create_post(world.teacher_a, f"Post {n}", "x", [keys.group_key(world.class_a.id)],
                                    now - timedelta(minutes=n), options)
        add_photo(post, n)
        if n % 4 == 0:
            signatures.sign(world.parent_a2, post, [world.child_a.public_id], place, now)
        db.session.commit()

    publish(0)
    client = login_as(world.parent_a)
    one_post = feed_statements(client)
    for n in range(1, 50):
        publish(n)
    fifty_posts = feed_statements(client)
    page = client.get("/news").get_data(as_text=True)
    assert page.count("<article") == 50 and page.count("/thumb") == 50
    assert ">Urgent</strong>" in page and ">Pinned</span>" in page and ">Signed</span>" in page
    assert "Signature requested (before" in page
    assert len(fifty_posts) == len(one_post), "\n".join(fifty_posts)
    # 8, and the retention periods the notice's version shows; and the navigation's counts
    # (notifications.counts): the reader's children, unread posts, posts still to sign, their
    # audiences, and the reader's signatures.
    assert len(one_post) <= 14, one_post
