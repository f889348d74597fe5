"""A double tap on "Publish" publishes one post: the form carries a one-time token."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.posts import services
from ent_lite.posts.models import Post
from tests.concurrency import at_once
from tests.files.images import small_jpeg


def post_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Post))


def composer_token(client) -> str:
    page = client.get("/news/new").get_data(as_text=True)
    return re.search(r'name="submission" type="hidden" value="([^"]+)"', page).group(1)


def filled_form(world, token: str) -> dict:
    return {"title": "Sortie au musée", "body": "Jeudi.", "targets": [f"group:{world.class_a.public_id}"],
            "submission": token}


def test_the_same_form_sent_twice_publishes_one_post(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    token = composer_token(client)
    first = client.post("/news/new", data={**filled_form(world, token),
                                           "files": [(io.BytesIO(small_jpeg()), "photo.jpg")]})
    second = client.post("/news/new", data={**filled_form(world, token),
                                            "files": [(io.BytesIO(small_jpeg()), "photo.jpg")]})
    (post,) = db.session.scalars(select(Post))
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == f"/news/{post.public_id}"
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "This post is already published." in page
    # The second submit kept none of its files.
    assert len([p for p in files_folder.rglob("*") if p.is_file()]) == 2  # one photo and its thumbnail


def test_a_new_form_publishes_a_new_post(world, login_as):
    client = login_as(world.teacher_a)
    client.post("/news/new", data=filled_form(world, composer_token(client)))
    client.post("/news/new", data=filled_form(world, composer_token(client)))
    assert post_count() == 2


def test_the_token_survives_a_preview_and_an_error(world, login_as):
    client = login_as(world.teacher_a)
    token = composer_token(client)
    preview = client.post("/news/new", data={**filled_form(world, token), "preview": "1"}).get_data(as_text=True)
    assert f'value="{token}"' in preview
    refused = client.post("/news/new", data={**filled_form(world, token), "title": ""}).get_data(as_text=True)
    assert f'value="{token}"' in refused and post_count() == 0


def test_another_authors_token_publishes_their_own_post(world, login_as):
    """The token only finds a post of the same author: nobody lands on someone else's post."""
    token = composer_token(login_as(world.teacher_a))
    services.create_post(world.teacher_b, "B", "B", [keys.group_key(world.class_b.id)], utcnow(),
                         submission_token=token)
    db.session.commit()
    response = login_as(world.teacher_a).post("/news/new", data=filled_form(world, token))
    post = db.session.scalar(select(Post).where(Post.author_id == world.teacher_a.id))
    assert response.headers["Location"] == f"/news/{post.public_id}" and post_count() == 2


def test_the_database_refuses_a_second_post_with_the_same_token(world):
    target = [keys.group_key(world.class_a.id)]
    services.create_post(world.teacher_a, "A", "A", target, utcnow(), submission_token="t" * 32)
    db.session.commit()
    with pytest.raises(IntegrityError):
        services.create_post(world.teacher_a, "A", "A", target, utcnow(), submission_token="t" * 32)
    db.session.rollback()


def test_concurrent_submits_of_one_form_publish_one_post(app, world, login_as):
    """Several taps at once, each in its own request and database connection."""
    taps = 4
    clients = [login_as(world.teacher_a, target=app.test_client()) for _ in range(taps)]
    token = composer_token(clients[0])
    data = filled_form(world, token)
    responses = at_once([lambda c=c: c.post("/news/new", data=data) for c in clients])
    db.session.rollback()  # see the other connections' commits
    (post,) = db.session.scalars(select(Post))
    assert [r.status_code for r in responses] == [302] * taps
    assert {r.headers["Location"] for r in responses} == {f"/news/{post.public_id}"}
