"""Scheduled publication, expiry, urgent and pinned posts: who sees what, when, in which order."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ent_lite import rules
from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.core.localtime import to_local
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post
from tests.posts.test_feed import titles

NEXT_YEAR = date.today().year + 1

def visible_titles(user, now) -> list[str]:
    posts, _ = services.feed_page(user, now, 1, 50)
    return [p.title for p in posts]


def publish(world, title, now, **options) -> Post:
    post = services.create_post(world.teacher_a, title, "x", [keys.group_key(world.class_a.id)], now,
                                services.PostOptions(**options))
    db.session.commit()
    return post


# --- scheduling --------------------------------------------------------------------------------

def test_a_scheduled_post_appears_at_its_time(world):
    now = utcnow()
    publish(world, "Tomorrow", now, publish_at=now + timedelta(days=1))
    assert visible_titles(world.parent_a, now) == []
    assert visible_titles(world.parent_a, now + timedelta(days=1, seconds=1)) == ["Tomorrow"]
    assert visible_titles(world.teacher_a, now) == ["Tomorrow"]  # its author sees it already
    assert visible_titles(world.director, now) == []  # others wait too


def test_a_past_publication_time_means_now(world):
    now = utcnow()
    post = publish(world, "Backdated", now, publish_at=now - timedelta(days=3))
    assert post.published_dt == now


def test_composing_a_scheduled_post_from_the_form(world, login_as, english):
    client = login_as(world.teacher_a)
    tomorrow = date.today() + timedelta(days=2)
    response = client.post("/news/new", follow_redirects=True, data={
        "title": "Plus tard", "body": "Bientôt", "targets": [f"group:{world.class_a.public_id}"],
        "publish_date": tomorrow.isoformat(), "publish_time": "09:30", "replies_allowed": "y"})
    page = response.get_data(as_text=True)
    assert "Scheduled for" in page and "it will reach 1 family." in page
    post = db.session.scalar(select(Post))
    # 09:30 in Paris is 07:30 or 08:30 UTC depending on summer time.
    assert post.published_dt.astimezone(timezone.utc).hour in (7, 8) and post.published_dt.minute == 30
    parent = login_as(world.parent_a)
    assert "Plus tard" not in parent.get("/news").get_data(as_text=True)
    assert parent.get(f"/news/{post.public_id}").status_code == 404


def test_date_errors_are_shown_next_to_the_fields(world, login_as, english):
    client = login_as(world.teacher_a)
    base = {"title": "T", "body": "Mon texte", "targets": [f"group:{world.class_a.public_id}"]}
    in_ten_days, in_nine_days = (date.today() + timedelta(days=10)).isoformat(), (date.today() + timedelta(days=9)).isoformat()
    page = client.post("/news/new", data={**base, "publish_date": "demain"}).get_data(as_text=True)
    assert 'id="publish_date-error"' in page and "Enter the date as day, month and year, for example 30/06/2026." in page
    page = client.post("/news/new", data={**base, "publish_date": in_ten_days, "publish_time": ""}).get_data(as_text=True)
    assert 'id="publish_time-error"' in page
    page = client.post("/news/new", data={**base, "publish_date": in_ten_days, "publish_time": "08:00",
                                          "expires_date": in_nine_days}).get_data(as_text=True)
    assert "This date must come after the publication." in page
    page = client.post("/news/new", data={**base, "requires_ack": "y",
                                          "ack_due_date": (date.today() - timedelta(days=3)).isoformat()}).get_data(as_text=True)
    assert "The due date must come after the publication." in page and "Mon texte</textarea>" in page
    assert db.session.scalar(select(Post)) is None


def test_a_date_typed_the_french_way_is_read(world, login_as):
    client = login_as(world.teacher_a)
    due = date.today() + timedelta(days=4)
    response = client.post("/news/new", data={"title": "T", "body": "B", "targets": [f"group:{world.class_a.public_id}"],
                                              "requires_ack": "y", "ack_due_date": due.strftime("%d/%m/%Y")})
    assert response.status_code == 302
    assert to_local(db.session.scalar(select(Post.ack_due_dt))).date() == due


@pytest.mark.parametrize("field", ["publish_date", "expires_date", "ack_due_date", "poll-deadline_date"])
@pytest.mark.parametrize("typed", ["0001-01-01", "9999-12-31", "01/01/0026"])
def test_an_absurd_year_is_an_error_next_to_the_field_not_a_crash(world, login_as, english, field, typed):
    client = login_as(world.teacher_a)
    response = client.post("/news/new", data={
        "title": "T", "body": "Mon texte", "targets": [f"group:{world.class_a.public_id}"], "requires_ack": "y",
        "poll-kind": "poll", "poll-deadline_date": (date.today() + timedelta(days=3)).isoformat(),
        "poll-questions-0-text": "Qui vient ?", "poll-questions-0-kind": "yes_no", field: typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Choose a date within 5 years of today." in page
    assert "Mon texte</textarea>" in page and db.session.scalar(select(Post)) is None


def test_deadlines_must_fall_while_families_see_the_post(world, login_as, english):
    client = login_as(world.teacher_a)
    day = lambda n: (date.today() + timedelta(days=n)).isoformat()  # noqa: E731
    base = {"title": "T", "body": "Mon texte", "targets": [f"group:{world.class_a.public_id}"],
            "poll-kind": "poll", "poll-questions-0-text": "Qui vient ?", "poll-questions-0-kind": "yes_no"}
    # Published in 10 days, answers closing in 3: nobody could ever answer.
    page = client.post("/news/new", data={**base, "publish_date": day(10), "publish_time": "08:00",
                                          "poll-deadline_date": day(3)}).get_data(as_text=True)
    assert "The deadline must come after the publication of the post." in page
    # Hidden from families after 2 days, answers and signatures due in 9.
    page = client.post("/news/new", data={**base, "expires_date": day(2), "poll-deadline_date": day(9),
                                          "requires_ack": "y", "ack_due_date": day(9)}).get_data(as_text=True)
    assert "The deadline must come before the post is hidden from families." in page
    assert "The due date must come before the post is hidden from families." in page
    assert db.session.scalar(select(Post)) is None


def test_the_due_date_is_the_end_of_that_day_in_paris(world, login_as):
    login_as(world.teacher_a).post("/news/new", data={
        "title": "Signez", "body": "x", "targets": [f"group:{world.class_a.public_id}"],
        "requires_ack": "y", "ack_due_date": f"{NEXT_YEAR}-03-05", "expires_date": f"{NEXT_YEAR}-06-30"})
    post = db.session.scalar(select(Post))
    assert post.requires_ack and not post.ack_every_guardian
    assert post.ack_due_dt == datetime(NEXT_YEAR, 3, 5, 22, 59, 59, tzinfo=timezone.utc)  # 23:59:59 in Paris (winter)
    assert post.expires_dt == datetime(NEXT_YEAR, 6, 30, 21, 59, 59, tzinfo=timezone.utc)  # summer time


# --- expiry --------------------------------------------------------------------------------------

def test_an_expired_post_leaves_the_families_feed(world):
    now = utcnow()
    publish(world, "Short-lived", now, expires_dt=now + timedelta(days=2))
    assert visible_titles(world.parent_a, now + timedelta(days=1)) == ["Short-lived"]
    assert visible_titles(world.parent_a, now + timedelta(days=3)) == []
    assert visible_titles(world.teacher_a, now + timedelta(days=3)) == ["Short-lived"]  # the author keeps it
    assert visible_titles(world.director, now + timedelta(days=3)) == ["Short-lived"]  # and the director


def test_an_expired_post_is_404_for_families_and_marked_for_its_author(world, make_post, login_as, english):
    post = make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Old news", minutes_ago=60 * 24 * 3)
    post.expires_dt = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert login_as(world.parent_a).get(f"/news/{post.public_id}").status_code == 404
    assert login_as(world.teacher_b).get(f"/news/{post.public_id}").status_code == 404
    page = login_as(world.teacher_a).get("/news").get_data(as_text=True)
    assert "Old news" in page and "Hidden from families since" in page
    assert not rules.can_read_post(world.parent_a, post)


def test_an_expiry_before_publication_is_refused_by_the_service(world):
    now = utcnow()
    with pytest.raises(ValueError):
        publish(world, "Nope", now, expires_dt=now - timedelta(minutes=1))


# --- urgent and pinned first -----------------------------------------------------------------------

def test_urgent_then_pinned_then_newest(world, make_post, login_as, english):
    now = utcnow()
    publish(world, "Pinned old", now - timedelta(days=5), is_pinned=True)
    publish(world, "Urgent old", now - timedelta(days=4), is_urgent=True, expires_dt=now + timedelta(days=1))
    publish(world, "Plain new", now - timedelta(hours=1))
    publish(world, "Urgent expired", now - timedelta(days=3), is_urgent=True, expires_dt=now - timedelta(days=1))
    publish(world, "Plain older", now - timedelta(days=2))
    page = login_as(world.parent_a).get("/news").get_data(as_text=True)
    assert titles(page) == ["Urgent old", "Pinned old", "Plain new", "Plain older"]
    assert re.search(r'Urgent old</a> <strong class="tag tag-urgent">Urgent</strong>', page)
    assert page.count(">Urgent</strong>") == 1 and ">Pinned</span>" in page
    # The author still has the expired one, back in its place by date and no longer marked urgent.
    author = login_as(world.teacher_a).get("/news").get_data(as_text=True)
    assert titles(author) == ["Urgent old", "Pinned old", "Plain new", "Plain older", "Urgent expired"]
    assert author.count(">Urgent</strong>") == 1


def test_the_urgent_post_stops_being_first_once_it_expires(world):
    now = utcnow()
    publish(world, "Urgent", now - timedelta(days=2), is_urgent=True, expires_dt=now + timedelta(hours=1))
    publish(world, "Newer", now - timedelta(days=1))
    assert visible_titles(world.teacher_a, now) == ["Urgent", "Newer"]
    assert visible_titles(world.teacher_a, now + timedelta(hours=2)) == ["Newer", "Urgent"]


def test_a_past_publication_date_with_a_past_expiry_is_an_error_not_a_crash(world, login_as, english):
    page = login_as(world.teacher_a).post("/news/new", data={
        "title": "T", "body": "B", "targets": [f"group:{world.class_a.public_id}"],
        "publish_date": f"{NEXT_YEAR - 3}-01-01", "publish_time": "08:00",
        "expires_date": f"{NEXT_YEAR - 3}-01-02"}).get_data(as_text=True)
    assert "This date must come after the publication." in page
    assert db.session.scalar(select(Post)) is None


def test_the_director_cannot_reach_a_teachers_scheduled_post_yet(world, login_as):
    now = utcnow()
    post = publish(world, "Demain", now, publish_at=now + timedelta(days=1), requires_ack=True)
    client = login_as(world.director)
    for path in ("", "/tracking", "/delete"):
        assert client.get(f"/news/{post.public_id}{path}").status_code == 404
    assert client.post(f"/news/{post.public_id}/delete").status_code == 404
    assert db.session.get(Post, post.id) is not None
    assert login_as(world.teacher_a).get(f"/news/{post.public_id}/tracking").status_code == 200
