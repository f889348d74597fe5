"""Editing a post (by its author, with an "edited" mark) and deleting it (author or director)."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.posts import services
from ent_lite.posts.models import Post, PostAudience, PostRead, PostSignature


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(out, "JPEG")
    return out.getvalue()


def edit_data(**changes) -> dict:
    return {"title": "Sortie modifiée", "body": "Nouveau texte", "replies_allowed": "y", **changes}


# --- editing -------------------------------------------------------------------------------------

def test_the_author_edits_and_readers_see_the_edited_mark(world, class_post, login_as, english):
    client = login_as(world.teacher_a)
    page = client.get(f"/news/{class_post.public_id}/edit").get_data(as_text=True)
    assert 'value="Class A outing"' in page and "The audience cannot change once the post is published" in page
    assert 'name="targets"' not in page and 'name="publish_date"' not in page
    response = client.post(f"/news/{class_post.public_id}/edit", follow_redirects=True,
                           data=edit_data(is_urgent="y", requires_ack="y"))
    assert "Your changes are saved." in response.get_data(as_text=True)
    post = db.session.get(Post, class_post.id)
    assert post.title == "Sortie modifiée" and post.is_urgent and post.requires_ack and post.edited_dt
    reader = login_as(world.parent_a).get(f"/news/{post.public_id}").get_data(as_text=True)
    assert "edited" in reader and "Nouveau texte" in reader and ">Urgent</strong>" in reader


def test_the_audience_of_a_published_post_cannot_change(world, class_post, login_as):
    client = login_as(world.teacher_a)
    client.post(f"/news/{class_post.public_id}/edit", data=edit_data(targets=["all:*"]))
    assert [(a.kind, a.value) for a in db.session.get(Post, class_post.id).audience] == [keys.group_key(world.class_a.id)]
    with pytest.raises(ValueError):
        services.update_post(class_post, "T", "B", services.PostOptions(), utcnow(),
                             targets=[keys.group_key(world.class_b.id)])


def test_a_scheduled_post_may_change_audience_and_time_without_an_edited_mark(world, login_as, english):
    later = utcnow() + timedelta(days=2)
    post = services.create_post(world.director, "Fête", "x", [keys.group_key(world.class_a.id)], utcnow(),
                                services.PostOptions(publish_at=later))
    db.session.commit()
    client = login_as(world.director)
    page = client.get(f"/news/{post.public_id}/edit").get_data(as_text=True)
    assert 'name="targets"' in page and 'name="publish_date"' in page
    response = client.post(f"/news/{post.public_id}/edit", data=edit_data(
        targets=[f"group:{world.class_a.public_id}", f"group:{world.class_b.public_id}"], publish_date=""))
    assert response.status_code == 302
    post = db.session.get(Post, post.id)
    assert sorted(a.value for a in post.audience) == sorted([str(world.class_a.id), str(world.class_b.id)])
    assert post.edited_dt is None and post.published_dt <= utcnow()  # no date kept: published now
    assert "Sortie modifiée" in login_as(world.parent_b).get("/news").get_data(as_text=True)


def test_edit_errors_keep_the_typed_text(world, class_post, login_as, english):
    page = login_as(world.teacher_a).post(f"/news/{class_post.public_id}/edit",
                                          data=edit_data(title="")).get_data(as_text=True)
    assert "Give the post a title." in page and "Nouveau texte</textarea>" in page
    assert db.session.get(Post, class_post.id).title == "Class A outing"


@pytest.mark.parametrize("role", ["director", "teacher_b", "parent_a", "admin"])
def test_only_the_author_edits(world, class_post, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get(f"/news/{class_post.public_id}/edit").status_code == 404
    assert client.post(f"/news/{class_post.public_id}/edit", data=edit_data()).status_code == 404
    assert db.session.get(Post, class_post.id).title == "Class A outing"


# --- deleting ------------------------------------------------------------------------------------

def test_deleting_asks_for_confirmation_then_removes_everything(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    client.post("/news/new", content_type="multipart/form-data", data={
        "title": "Photos", "body": "x", "targets": [f"group:{world.class_a.public_id}"], "replies_allowed": "y",
        "requires_ack": "y", "files": [(io.BytesIO(jpeg()), "photo.jpg")]})
    post = db.session.scalar(select(Post))
    stored = [p for p in files_folder.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the photo and its thumbnail
    parent = login_as(world.parent_a)
    parent.get(f"/news/{post.public_id}")
    parent.post(f"/news/{post.public_id}/sign", data={"child": world.child_a.public_id})
    client = login_as(world.teacher_a)
    page = client.get(f"/news/{post.public_id}/delete").get_data(as_text=True)
    assert "This cannot be undone." in page and count(Post) == 1  # GET only asks
    response = client.post(f"/news/{post.public_id}/delete", follow_redirects=True)
    assert "The post is deleted." in response.get_data(as_text=True)
    for model in (Post, PostAudience, PostRead, PostSignature, Attachment):
        assert count(model) == 0, model
    assert [p for p in files_folder.rglob("*") if p.is_file()] == []


def test_the_director_may_delete_a_post_of_their_school(world, class_post, login_as):
    assert login_as(world.director).post(f"/news/{class_post.public_id}/delete").status_code == 302
    assert count(Post) == 0


@pytest.mark.parametrize("role", ["teacher_b", "other_teacher", "parent_a", "admin", "dpo"])
def test_nobody_else_may_delete(world, class_post, login_as, role):
    client = login_as(getattr(world, role))
    assert client.get(f"/news/{class_post.public_id}/delete").status_code == 404
    assert client.post(f"/news/{class_post.public_id}/delete").status_code == 404
    assert count(Post) == 1


def test_a_deleted_posts_id_does_not_hand_its_reads_to_the_next_post(world, class_post, login_as, make_post):
    login_as(world.parent_a).get(f"/news/{class_post.public_id}")
    services.delete_post(class_post)
    db.session.commit()
    newer = make_post(world.teacher_a, [keys.group_key(world.class_a.id)], title="Next")
    assert services.read_stats(newer)[:2] == (0, 1)


def test_the_post_page_offers_edit_and_delete_to_whom_may(world, class_post, login_as, english):
    author = login_as(world.teacher_a).get(f"/news/{class_post.public_id}").get_data(as_text=True)
    assert f"/news/{class_post.public_id}/edit" in author and f"/news/{class_post.public_id}/delete" in author
    director = login_as(world.director).get(f"/news/{class_post.public_id}").get_data(as_text=True)
    assert f"/news/{class_post.public_id}/edit" not in director and f"/news/{class_post.public_id}/delete" in director
    parent = login_as(world.parent_a).get(f"/news/{class_post.public_id}").get_data(as_text=True)
    assert "/edit" not in parent and "/delete" not in parent and "/tracking" not in parent
