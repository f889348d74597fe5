"""Compose extras: families preview, replies toggle, attachments and the poll builder wired in."""
from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import func, select

from ent_lite.audience import keys
from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.forms.models import PostForm as AttachedForm
from ent_lite.posts import services
from ent_lite.posts.models import Post

from tests.files.images import PDF

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def jpeg(color="teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(out, "JPEG")
    return out.getvalue()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


def compose(client, world, files=(), **fields):
    data = {"title": "Sortie", "body": "Mon texte *tapé*", "targets": [f"group:{world.class_a.public_id}"],
            "replies_allowed": "y", **fields}
    if files:
        data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/news/new", data=data, content_type="multipart/form-data")


# --- preview ------------------------------------------------------------------------------------

def test_preview_counts_the_families_without_publishing(world, login_as, english):
    client = login_as(world.director)
    page = client.post("/news/new", data={"title": "", "body": "Brouillon", "preview": "1",
                                          "targets": [f"establishment:{world.school.public_id}"]}).get_data(as_text=True)
    assert "This post will reach 2 families." in page and "It is not published yet." in page
    assert "Give the post a title." not in page  # the preview is not a submission
    assert "Brouillon</textarea>" in page and count(Post) == 0
    page = client.post("/news/new", data={"title": "T", "body": "B", "preview": "1",
                                          "targets": [f"group:{world.class_b.public_id}"]}).get_data(as_text=True)
    assert "This post will reach 1 family." in page


def test_preview_without_audience_says_so(world, login_as, english):
    page = login_as(world.director).post("/news/new", data={"title": "T", "body": "B", "preview": "1"}).get_data(as_text=True)
    assert "Choose at least one audience." in page and "This post will reach" not in page


# --- replies -------------------------------------------------------------------------------------

def test_replies_can_be_turned_off(world, login_as, english):
    client = login_as(world.teacher_a)
    compose(client, world, title="Annonce", replies_allowed="")
    compose(client, world, title="Question")
    closed, opened = db.session.scalars(select(Post).order_by(Post.id)).all()
    assert not closed.replies_allowed and opened.replies_allowed
    parent = login_as(world.parent_a)
    assert "/messages/new?post=" not in parent.get(f"/news/{closed.public_id}").get_data(as_text=True)
    assert parent.get(f"/messages/new?post={closed.public_id}").status_code == 404
    page = parent.get(f"/news/{opened.public_id}").get_data(as_text=True)
    assert f"/messages/new?post={opened.public_id}" in page and "Reply to the author" in page
    assert parent.get(f"/messages/new?post={opened.public_id}").status_code == 200


def test_staff_see_no_reply_link(world, class_post, login_as, english):
    assert "Reply to the author" not in login_as(world.teacher_a).get(f"/news/{class_post.public_id}").get_data(as_text=True)


# --- attachments -----------------------------------------------------------------------------------

def test_photos_and_documents_are_attached_and_shown(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    response = compose(client, world, files=[(jpeg(), "sortie.jpg"), (PDF, "menu.pdf")])
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.kind, a.post_id) for a in attachments] == [("image", post.id), ("pdf", post.id)]
    assert len(stored_files(files_folder)) == 3  # photo, thumbnail, PDF
    parent = login_as(world.parent_a)
    page = parent.get(f"/news/{post.public_id}").get_data(as_text=True)
    assert f"/files/{attachments[0].public_id}/thumb" in page and f"/files/{attachments[1].public_id}" in page
    assert "menu.pdf" in page
    feed = parent.get("/news").get_data(as_text=True)
    assert f"/files/{attachments[0].public_id}/thumb" in feed
    assert parent.get(f"/files/{attachments[0].public_id}").status_code == 200


def test_a_refused_file_keeps_the_typed_text_and_stores_nothing(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    response = compose(client, world, files=[(jpeg(), "ok.jpg"), (SVG, "dessin.svg")], ack_due_date="")
    page = response.get_data(as_text=True)
    assert response.status_code == 415
    assert 'id="files-error"' in page and "dessin.svg" in page
    assert "Mon texte *tapé*</textarea>" in page and 'value="Sortie"' in page
    assert count(Post) == 0 and count(Attachment) == 0 and stored_files(files_folder) == []


def test_the_compose_form_sends_files(world, login_as):
    page = login_as(world.teacher_a).get("/news/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page and "multiple" in page


def test_the_author_removes_or_adds_files_when_editing(world, login_as, files_folder):
    client = login_as(world.teacher_a)
    compose(client, world, files=[(PDF, "ancien.pdf")])
    post = db.session.scalar(select(Post))
    old = db.session.scalar(select(Attachment))
    response = client.post(f"/news/{post.public_id}/edit", content_type="multipart/form-data", data={
        "title": "Sortie", "body": "x", "replies_allowed": "y", "remove_file": old.public_id,
        "files": [(io.BytesIO(PDF), "nouveau.pdf")]})
    assert response.status_code == 302
    assert [a.display_name for a in db.session.scalars(select(Attachment))] == ["nouveau.pdf"]
    assert len(stored_files(files_folder)) == 1


# --- poll / authorisation builder ------------------------------------------------------------------

def test_an_authorisation_is_attached_from_the_compose_page(world, login_as, english):
    client = login_as(world.teacher_a)
    page = client.get("/news/new").get_data(as_text=True)
    assert 'name="poll-kind"' in page and "Poll or authorisation" in page
    deadline = (date.today() + timedelta(days=10)).isoformat()
    response = compose(client, world, **{"poll-kind": "authorisation", "poll-deadline_date": deadline,
                                         "requires_ack": "y"})
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    attached = db.session.scalar(select(AttachedForm))
    assert attached.post_id == post.id and attached.kind == "authorisation"
    parent_page = login_as(world.parent_a).get(f"/news/{post.public_id}").get_data(as_text=True)
    assert 'id="answers"' in parent_page and 'id="signature"' in parent_page


def test_a_builder_error_keeps_the_post_unwritten(world, login_as, english):
    response = compose(login_as(world.teacher_a), world, **{"poll-kind": "poll", "poll-deadline_date": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Post) == 0
    assert "Choose the date by which families must answer." in page and "Mon texte *tapé*</textarea>" in page


def test_no_builder_when_editing(world, class_post, login_as):
    assert 'name="poll-kind"' not in login_as(world.teacher_a).get(f"/news/{class_post.public_id}/edit").get_data(as_text=True)


def test_scheduled_edit_keeps_its_date_when_unchanged(world, login_as):
    later = utcnow() + timedelta(days=3)
    post = services.create_post(world.teacher_a, "Plus tard", "x", [keys.group_key(world.class_a.id)], utcnow(),
                                services.PostOptions(publish_at=later))
    db.session.commit()
    client = login_as(world.teacher_a)
    page = client.get(f"/news/{post.public_id}/edit").get_data(as_text=True)
    date_value = page.split('name="publish_date"')[1].split('value="')[1].split('"')[0]
    time_value = page.split('name="publish_time"')[1].split('value="')[1].split('"')[0]
    client.post(f"/news/{post.public_id}/edit", data={
        "title": "Toujours plus tard", "body": "x", "targets": [f"group:{world.class_a.public_id}"],
        "publish_date": date_value, "publish_time": time_value})
    post = db.session.get(Post, post.id)
    assert post.title == "Toujours plus tard" and abs(post.published_dt - later) < timedelta(minutes=1)
