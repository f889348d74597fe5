"""A photo chosen on the compose page survives a form sent back for correction (issue 10, item 4).

It is kept server-side as a draft of its author (ent_lite.files.drafts), shown again as a
thumbnail with "Remove", published with the post without being chosen again, seen by nobody
else, and purged when abandoned (retention category "draft_files").
"""
from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from ent_lite.core.db_types import utcnow
from ent_lite.extensions import db
from ent_lite.files.models import Attachment
from ent_lite.posts.models import Post
from ent_lite.privacy import retention
from ent_lite.privacy.purge import purge_category

INSTANT = timedelta(microseconds=1)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), "orange").save(out, "JPEG")
    return out.getvalue()


def send(client, world, with_photo=True, **fields):
    data = {"title": "Sortie", "body": "Texte tapé à la main", "targets": [f"group:{world.class_a.public_id}"],
            **fields}
    if with_photo:
        data["files"] = [(io.BytesIO(jpeg()), "ferme.jpg")]
    return client.post("/news/new", data=data, content_type="multipart/form-data")


def drafts_on(page: str) -> list[str]:
    return re.findall(r'name="draft_file" value="([^"]+)"', page)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_photo_sent_with_an_empty_title_comes_back_and_is_published_without_choosing_it_again(
        world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    page = send(client, world, title="").get_data(as_text=True)
    assert "Give the post a title." in page and count(Post) == 0
    (draft,) = drafts_on(page)
    assert f'src="/files/{draft}/thumb"' in page and 'name="remove_draft"' in page  # a thumbnail with "Remove"
    assert "Texte tapé à la main</textarea>" in page  # what was typed stays
    assert client.get(f"/files/{draft}/thumb").status_code == 200  # its author sees it

    response = send(client, world, with_photo=False, title="Sortie à la ferme", draft_file=[draft])
    assert response.status_code == 302
    post = db.session.scalar(select(Post))
    attachment = db.session.scalar(select(Attachment).where(Attachment.public_id == draft))
    assert attachment.post_id == post.id and count(Attachment) == 1
    assert "ferme" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_draft_ticked_remove_is_deleted_and_not_published(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    (draft,) = drafts_on(send(client, world, title="").get_data(as_text=True))
    assert send(client, world, with_photo=False, draft_file=[draft], remove_draft=[draft]).status_code == 302
    assert count(Attachment) == 0
    assert not [p for p in files_folder.rglob("*") if p.is_file()]


def test_nobody_else_can_fetch_or_publish_a_draft(world, login_as, english):
    client = login_as(world.teacher_a)
    (draft,) = drafts_on(send(client, world, title="").get_data(as_text=True))
    login_as(world.teacher_b)
    assert client.get(f"/files/{draft}/thumb").status_code == 404
    assert client.get(f"/files/{draft}").status_code == 404
    # Sending its id in another author's form attaches nothing.
    data = {"title": "Autre", "body": "B", "targets": [f"group:{world.class_b.public_id}"], "draft_file": [draft]}
    assert client.post("/news/new", data=data).status_code == 302
    assert db.session.scalar(select(Attachment.post_id).where(Attachment.public_id == draft)) is None
    login_as(world.director)
    assert client.get(f"/files/{draft}/thumb").status_code == 404


def test_an_abandoned_draft_is_purged_the_instant_after_its_deletion_time(world, login_as, english, files_folder):
    client = login_as(world.teacher_a)
    (draft,) = drafts_on(send(client, world, title="").get_data(as_text=True))
    attachment = db.session.scalar(select(Attachment).where(Attachment.public_id == draft))
    due = retention.deletion_date(attachment)
    assert due == retention.deletion_dt("draft_files", attachment.created_dt)
    assert due - attachment.created_dt.replace(tzinfo=due.tzinfo) == timedelta(days=1)
    assert [p for p in files_folder.rglob("*") if p.is_file()]

    purge_category("draft_files", due)  # at its deletion instant it is kept
    db.session.expire_all()
    assert count(Attachment) == 1
    purge_category("draft_files", due + INSTANT)
    db.session.expire_all()
    assert count(Attachment) == 0
    assert not [p for p in files_folder.rglob("*") if p.is_file()]


def test_the_purge_leaves_published_files_alone(world, login_as, english):
    client = login_as(world.teacher_a)
    assert send(client, world).status_code == 302
    purge_category("draft_files", utcnow() + timedelta(days=30))
    db.session.expire_all()
    assert count(Attachment) == 1


def test_preview_and_add_a_question_keep_the_photo_too(world, login_as, english):
    client = login_as(world.teacher_a)
    page = send(client, world, preview="1").get_data(as_text=True)
    (draft,) = drafts_on(page)
    page = send(client, world, with_photo=False, add_question="1", draft_file=[draft],
                **{"poll-kind": "poll", "poll-questions-0-text": "Qui vient ?"}).get_data(as_text=True)
    assert drafts_on(page) == [draft]
    assert 'value="Qui vient ?"' in page and 'name="poll-questions-1-text"' in page
    assert count(Post) == 0


def test_files_past_the_limit_are_refused_and_the_drafts_held_are_kept(world, login_as, english, files_folder):
    """19 photos kept from an earlier submit, two more chosen: a clear refusal, the 19 stay."""
    client = login_as(world.teacher_a)
    data = {"title": "", "body": "B", "targets": [f"group:{world.class_a.public_id}"],
            "files": [(io.BytesIO(jpeg()), f"p{n}.jpg") for n in range(19)]}
    held = drafts_on(client.post("/news/new", data=data, content_type="multipart/form-data").get_data(as_text=True))
    assert len(held) == 19
    page = send(client, world, with_photo=False, title="", draft_file=held,
                files=[(io.BytesIO(jpeg()), "a.jpg"), (io.BytesIO(jpeg()), "b.jpg")]).get_data(as_text=True)
    assert "A post holds at most 20 files: remove some before adding more." in page
    assert sorted(drafts_on(page)) == sorted(held) and count(Attachment) == 19
